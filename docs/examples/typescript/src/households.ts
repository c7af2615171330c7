// A typed operation: graphql() returns a TypedDocumentNode, so the variables and the result
// below are checked by tsc against schema.graphql (run `npm run check`).
import { graphql } from "./gql";
import type { ResultOf, VariablesOf } from "@graphql-typed-document-node/core";

export const HouseholdListQuery = graphql(`
  query HouseholdListQuery($after: Cursor, $first: Int!) {
    households(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id version number headName povertyStatus needy village { code name } } }
    }
  }
`);

/** Sends one operation to the API with a bearer token (a login token or an API key). */
async function request<R, V>(url: string, token: string, query: import("@graphql-typed-document-node/core").TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const { print } = await import("graphql");
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(query), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join("; "));
  }
  return body.data as R;
}

/** Reads every household the caller may see, page by page. */
export async function allHouseholds(url: string, token: string) {
  type Row = ResultOf<typeof HouseholdListQuery>["households"]["edges"][number]["node"];
  const rows: Row[] = [];
  let after: VariablesOf<typeof HouseholdListQuery>["after"] = null;
  for (;;) {
    const data: ResultOf<typeof HouseholdListQuery> = await request(url, token, HouseholdListQuery, { first: 500, after });
    for (const edge of data.households.edges) {
      // edges and node are non-null in the schema: no null checks needed.
      rows.push(edge.node);
    }
    if (!data.households.pageInfo.hasNextPage) return rows;
    after = data.households.pageInfo.endCursor;
  }
}

// povertyStatus is a union of the enum's values: a typo here fails `tsc`.
export const needyPoor = (rows: Awaited<ReturnType<typeof allHouseholds>>) =>
  rows.filter((h) => h.needy && h.povertyStatus === "IN_POVERTY");
