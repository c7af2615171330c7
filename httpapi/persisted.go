package httpapi

import (
	"context"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/trusteddocument"
)

// Persisted operations come in two kinds:
//
//   - automatic persisted queries (gqlgen's extension.AutomaticPersistedQuery, Apollo's
//     protocol): a client sends extensions.persistedQuery.sha256Hash alone and, when the server
//     does not know the hash yet ("PersistedQueryNotFound"), once more with the query. Any
//     document; a saving of bandwidth only.
//   - trusted documents: documents the district registered (registerOperation). A client runs
//     one with documentId "sha256:<hash>" (or the persistedQuery hash alone). An API key flagged
//     trustedDocumentsOnly runs nothing else: a query text, an unknown hash and APQ
//     registration are FORBIDDEN for it.

// TrustedDocuments resolves a request that names a registered document into its text, before
// parsing, and holds credentials restricted to trusted documents to them.
type TrustedDocuments struct {
	Client *ent.Client
	// APQ is the automatic-persisted-query cache: a hash already there is left to the APQ
	// extension without asking the database.
	APQ graphql.Cache[string]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = TrustedDocuments{}

func (TrustedDocuments) ExtensionName() string                          { return "TrustedDocuments" }
func (TrustedDocuments) Validate(schema graphql.ExecutableSchema) error { return nil }

// TrustedDocumentRun names the registered document a request ran, kept in the operation's
// stats for logs.
type TrustedDocumentRun struct{ Hash, Name string }

const trustedRunKey = "TrustedDocument"

// TrustedRunOf returns the registered document the operation came from, or nil.
func TrustedRunOf(oc *graphql.OperationContext) *TrustedDocumentRun {
	if oc == nil {
		return nil
	}
	r, _ := oc.Stats.GetExtension(trustedRunKey).(*TrustedDocumentRun)
	return r
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (t TrustedDocuments) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	v := authz.FromContext(ctx)
	restricted := v != nil && v.TrustedDocumentsOnly
	docID := documentIDFrom(ctx)
	apqHash := persistedQueryHash(raw.Extensions)

	var hash string
	switch {
	case docID != "":
		if raw.Query != "" {
			return requestError(apperr.BadUserInput, "send either query or documentId, not both (query与documentId只能二选一)")
		}
		hash = strings.ToLower(strings.TrimPrefix(docID, "sha256:"))
		if !hexHash.MatchString(hash) {
			return requestError(apperr.BadUserInput, "documentId must be \"sha256:\" followed by 64 hexadecimal digits (documentId格式错误)")
		}
	case apqHash != "" && raw.Query == "":
		hash = strings.ToLower(apqHash)
		if !restricted {
			if _, known := t.APQ.Get(ctx, hash); known || !hexHash.MatchString(hash) {
				return nil // the APQ extension answers it
			}
		}
	default:
		if restricted {
			return requestError(apperr.Forbidden, "this API key may run registered operations only: send documentId \"sha256:<hash>\" instead of a query (该密钥只能执行已登记的操作)")
		}
		return nil
	}

	if v == nil {
		return requestError(apperr.Unauthenticated, authn.ErrUnauthenticated.Message)
	}
	doc, err := t.Client.TrustedDocument.Query().Where(trusteddocument.Hash(hash)).
		Only(authz.Bypass(ctx, "trusted document lookup"))
	switch {
	case ent.IsNotFound(err) && restricted:
		return requestError(apperr.Forbidden, "no registered operation has this hash; this API key may run registered operations only (操作未登记)")
	case ent.IsNotFound(err) && docID != "":
		return requestError(apperr.BadUserInput, "no registered operation has this documentId (操作未登记)")
	case ent.IsNotFound(err):
		return nil // an APQ hash the APQ extension will report as not found
	case err != nil:
		return requestError(apperr.Internal, "cannot look up the registered operation right now (系统暂不可用); request "+RequestID(ctx))
	}
	raw.Query = doc.Document
	delete(raw.Extensions, "persistedQuery") // resolved here; nothing for the APQ extension to do
	graphql.GetOperationContext(ctx).Stats.SetExtension(trustedRunKey, &TrustedDocumentRun{Hash: doc.Hash, Name: doc.Name})
	return nil
}

// persistedQueryHash is extensions.persistedQuery.sha256Hash, "" when absent.
func persistedQueryHash(ext map[string]any) string {
	pq, _ := ext["persistedQuery"].(map[string]any)
	h, _ := pq["sha256Hash"].(string)
	return h
}

// requestError is an error raised before execution, with its contract code.
func requestError(code apperr.Code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
}
