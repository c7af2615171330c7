package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/vektah/gqlparser/v2"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/trusteddocument"
	"github.com/nanpiao/sbqw/graph/generated"
)

// DocumentHash is the hash a document is registered and run under: SHA-256 of its exact text,
// lower-case hex — the same as Apollo's persisted-query hash.
func DocumentHash(document string) string {
	sum := sha256.Sum256([]byte(document))
	return hex.EncodeToString(sum[:])
}

// RegisterDocument registers a GraphQL document, which must be valid against the schema, under
// its hash. Registering a text already registered returns the existing registration.
func RegisterDocument(ctx context.Context, client *ent.Client, name, document string) (*ent.TrustedDocument, error) {
	doc, errs := gqlparser.LoadQuery(generated.NewExecutableSchema(generated.Config{}).Schema(), document)
	if len(errs) > 0 {
		return nil, apperr.Invalid("document", "the document is not valid against the schema: %s (文档无效)", errs[0].Message)
	}
	if len(doc.Operations) == 0 {
		return nil, apperr.Invalid("document", "the document defines no operation (文档中没有操作)")
	}
	hash := DocumentHash(document)
	existing, err := client.TrustedDocument.Query().Where(trusteddocument.Hash(hash)).Only(ctx)
	if err == nil {
		return existing, nil
	}
	if !ent.IsNotFound(err) {
		return nil, err
	}
	return client.TrustedDocument.Create().SetName(name).SetHash(hash).SetDocument(document).Save(ctx)
}
