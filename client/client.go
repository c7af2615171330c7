package client

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/Khan/genqlient/graphql"
)

// New returns a client of the API at url (the /graphql endpoint) that sends credential as a
// bearer token: a token from SignIn or an API key, which the server takes alike. An empty
// credential sends none (only SignIn works then).
func New(url, credential string) graphql.Client {
	return graphql.NewClient(url, &http.Client{Transport: bearer{credential: strings.TrimSpace(credential), next: http.DefaultTransport}})
}

// NewTrusted is New for an API key created with trustedDocumentsOnly: it sends each operation
// as documentId "sha256:<hash of its text>" instead of the text, so the operations of
// Operations must have been registered (registerOperation, docs/persisted-operations.md).
func NewTrusted(url, credential string) graphql.Client {
	return graphql.NewClient(url, &http.Client{Transport: bearer{credential: strings.TrimSpace(credential), byHash: true, next: http.DefaultTransport}})
}

// Operations lists the text of every operation of the client by name, exactly as it sends
// them: what a district administrator registers for a trusted-documents-only key.
func Operations() map[string]string {
	return map[string]string{
		"SignIn":         SignIn_Operation,
		"SyncStart":      SyncStart_Operation,
		"HouseholdsPage": HouseholdsPage_Operation,
		"SyncChanges":    SyncChanges_Operation,
	}
}

// DocumentID is the documentId of an operation's text: "sha256:" and the hex SHA-256.
func DocumentID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// bearer adds the Authorization header to every request and, with byHash, replaces the
// operation's text by its documentId.
type bearer struct {
	credential string
	byHash     bool
	next       http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.credential == "" && !b.byHash {
		return b.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	if b.credential != "" {
		r.Header.Set("Authorization", "Bearer "+b.credential)
	}
	if b.byHash && r.Body != nil {
		raw, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, fmt.Errorf("client: request body is not a JSON object: %w", err)
		}
		var text string
		if err := json.Unmarshal(body["query"], &text); err != nil {
			return nil, fmt.Errorf("client: request without a query text: %w", err)
		}
		delete(body, "query")
		body["documentId"], _ = json.Marshal(DocumentID(text))
		if raw, err = json.Marshal(body); err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	}
	return b.next.RoundTrip(r)
}
