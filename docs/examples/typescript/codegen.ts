// GraphQL Code Generator configuration (client preset): reads the published client schema and
// every graphql() call in src/, and writes typed documents to src/gql/. See docs/typescript.md.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  // The schema as the server publishes it: the repository's schema.graphql, or the live
  // endpoint's introspection (`schema: "http://localhost:8080/graphql"` with an Authorization header).
  schema: "../../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      config: {
        // Our custom scalars travel as strings: Cursor is opaque, Date is "2006-01-02", Time is
        // RFC 3339, Money is a decimal string of yuan ("1234.50"), never a float.
        scalars: {
          Cursor: "string",
          Date: "string",
          Time: "string",
          Money: "string",
        },
        // Enums as unions of their values ("IN_POVERTY" | …), checked by tsc.
        enumType: "string-literal",
        useTypeImports: true,
      },
    },
  },
};

export default config;
