// Command schemaprint writes the API's GraphQL schema, as clients see it, to schema.graphql
// (run by go generate; TestSchemaFileIsCurrent fails when the file is stale).
package main

import (
	"log"
	"os"

	"github.com/nanpiao/sbqw/graph"
)

func main() {
	if err := os.WriteFile("schema.graphql", []byte(graph.PrintSchema()), 0o644); err != nil {
		log.Fatal(err)
	}
}
