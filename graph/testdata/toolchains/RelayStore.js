// The operations of relay-store.mjs; graph/toolchains_test.go compiles them with relay-compiler
// beside the docs' operations (the module name, RelayStore, prefixes each name).
import { graphql } from "relay-runtime";

graphql`
  query RelayStoreHouseholdQuery($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Household { number headName village { id name } }
    }
    households(first: 10) { edges { node { id number headName } } }
  }
`;

graphql`
  query RelayStoreStartQuery {
    changes(first: 0) { endCursor }
  }
`;

graphql`
  mutation RelayStoreDeleteMutation($id: ID!) {
    deleteHousehold(id: $id)
  }
`;

graphql`
  query RelayStoreChangesQuery($after: Cursor) {
    changes(after: $after, first: 100) {
      endCursor
      hasNextPage
      changes {
        op
        typename
        recordID
        cursor
        committedAt
        node { __typename id ... on Household { number headName } }
      }
    }
  }
`;

graphql`
  query RelayStoreDeletedQuery($since: Time!) {
    deletedRecords(type: "Household", since: $since) { recordID deletedAt }
  }
`;
