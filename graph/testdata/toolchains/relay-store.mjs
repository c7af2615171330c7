// A Relay store against the running server (graph/toolchains_test.go): load a household, delete
// it, then load the deletions feed (changes with its DELETED entry, and deletedRecords) into
// the same store. No record may change __typename, and Relay may log no warning or error.
// Prints a JSON summary on standard output; exits non-zero on any failure.
import { createRequire } from "node:module";
import RelayRuntime from "relay-runtime";

const { Environment, Network, RecordSource, Store, fetchQuery, commitMutation } = RelayRuntime;
const require = createRequire(import.meta.url);
const artifact = (name) => require(`./relay/src/__generated__/${name}.graphql.js`);

const url = process.env.RELAY_URL;
const token = process.env.RELAY_TOKEN;
const householdID = process.env.HOUSEHOLD_ID;
if (!url || !token || !householdID) throw new Error("RELAY_URL, RELAY_TOKEN and HOUSEHOLD_ID are required");

// Relay reports a record changing type (and other store problems) through console.error and
// console.warn in development builds: every such message fails the run.
const warnings = [];
for (const level of ["error", "warn"]) {
  console[level] = (...args) => warnings.push(`${level}: ${args.map(String).join(" ")}`);
}

const network = Network.create(async (params, variables) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: params.text, operationName: params.name, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`${params.name}: ${JSON.stringify(body.errors)}`);
  return body;
});
const environment = new Environment({
  network,
  store: new Store(new RecordSource()),
  log: (event) => {
    if (event.name.endsWith(".error")) warnings.push(`log ${event.name}: ${event.error ?? ""}`);
  },
  relayFieldLogger: (event) => warnings.push(`field ${event.kind}: ${event.fieldPath ?? ""} ${event.error ?? ""}`),
});

// watch returns a check that compares every record's __typename in env's store with the one it
// had at the previous check, adding each change to problems.
const watch = (env, problems) => {
  let known = {};
  return (step) => {
    const source = env.getStore().getSource();
    for (const id of source.getRecordIDs()) {
      const type = source.get(id)?.__typename;
      if (known[id] && type && known[id] !== type) problems.push(`${step}: record ${id} changed type from ${known[id]} to ${type}`);
      if (type) known[id] = type;
    }
  };
};

// The check must be able to fail: a store fed a Household and then another type under the same
// ID (what DeletedRecord.id did before it became recordID) is caught, by the check and by
// Relay's own warning.
{
  const mockProblems = [];
  let n = 0;
  const mock = new Environment({
    network: Network.create(async () => ({
      data: {
        node: { __typename: n++ ? "DeletedRecord" : "Household", id: "X", number: "1", headName: "h", village: { id: "V", name: "v" } },
        households: { edges: [] },
      },
    })),
    store: new Store(new RecordSource()),
  });
  const mockCheck = watch(mock, mockProblems);
  for (let i = 0; i < 2; i++) {
    await fetchQuery(mock, artifact("RelayStoreHouseholdQuery"), { id: "X" }).toPromise();
    mockCheck(`mock ${i}`);
  }
  if (mockProblems.length !== 1 || !warnings.some((w) => w.includes("__typename"))) {
    throw new Error(`self-check: a record changing type went unnoticed (problems ${JSON.stringify(mockProblems)}, warnings ${JSON.stringify(warnings)})`);
  }
  warnings.length = 0;
}

const source = () => environment.getStore().getSource();
const typenames = () => {
  const out = {};
  for (const id of source().getRecordIDs()) out[id] = source().get(id)?.__typename;
  return out;
};
const problems = [];
const check = watch(environment, problems);
const query = (name, variables) => fetchQuery(environment, artifact(name), variables).toPromise();

const loaded = await query("RelayStoreHouseholdQuery", { id: householdID });
if (loaded?.node?.__typename !== "Household") problems.push(`node(${householdID}) is ${loaded?.node?.__typename}, want Household`);
check("household");
const before = source().get(householdID)?.__typename;

const start = await query("RelayStoreStartQuery", {});
const since = new Date(Date.now() - 60_000).toISOString();
await new Promise((resolve, reject) =>
  commitMutation(environment, {
    mutation: artifact("RelayStoreDeleteMutation"),
    variables: { id: householdID },
    onCompleted: (_, errors) => (errors?.length ? reject(new Error(JSON.stringify(errors))) : resolve()),
    onError: reject,
  }),
);
check("delete");

// Follow the feed until the deletion is there (the server sequences it within a second).
let after = start.changes.endCursor;
let deletedInFeed = false;
const feedTypes = new Set();
for (let i = 0; i < 100 && !deletedInFeed; i++) {
  const page = await query("RelayStoreChangesQuery", { after });
  for (const c of page.changes.changes) {
    feedTypes.add(c.typename);
    if (c.recordID === householdID && c.op === "DELETED") deletedInFeed = true;
  }
  after = page.changes.endCursor;
  check("changes");
  if (!deletedInFeed) await new Promise((r) => setTimeout(r, 100));
}
if (!deletedInFeed) problems.push("the DELETED entry never arrived in changes");

const deleted = await query("RelayStoreDeletedQuery", { since });
const deletedListed = deleted.deletedRecords.some((d) => d.recordID === householdID);
if (!deletedListed) problems.push("deletedRecords does not list the household");
check("deletedRecords");

const after_ = source().get(householdID)?.__typename;
if (before !== "Household" || after_ !== "Household") problems.push(`the household's record is ${before} before and ${after_} after the deletions feed, want Household`);
for (const [id, type] of Object.entries(typenames())) {
  if (type === "DeletedRecord" && id === householdID) problems.push(`a DeletedRecord is stored under the household's ID ${id}`);
}

const summary = { householdBefore: before, householdAfter: after_, deletedInFeed, deletedListed, records: source().getRecordIDs().length, feedTypes: [...feedTypes], problems, warnings };
process.stdout.write(JSON.stringify(summary) + "\n");
process.exit(problems.length || warnings.length ? 1 : 0);
