package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// apq is a request body with an automatic-persisted-query hash, and the query when given.
func apq(query, hash string) []byte {
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	return b
}

func byDocumentID(id string, vars map[string]any, op string) []byte {
	body := map[string]any{"documentId": id, "variables": vars}
	if op != "" {
		body["operationName"] = op
	}
	b, _ := json.Marshal(body)
	return b
}

// TestAutomaticPersistedQueries: the Apollo protocol — a hash the server does not know yet is
// PersistedQueryNotFound, the hash with the query registers it, the hash alone then works.
func TestAutomaticPersistedQueries(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	q := `query Me { me { username } }`
	r := e.do(t, call{body: apq("", sha(q))})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("an unknown hash: %s", r)
	}
	if r := e.do(t, call{body: apq(q, sha(q))}); r.Status != 200 || r.code() != "" {
		t.Fatalf("hash and query: %s", r)
	}
	if r := e.do(t, call{body: apq("", sha(q))}); r.Status != 200 || string(r.Data) != `{"me":{"username":"admin"}}` {
		t.Fatalf("the hash alone once known: %s", r)
	}
	if r := e.do(t, call{method: "GET", path: getURL(map[string]string{"extensions": `{"persistedQuery":{"version":1,"sha256Hash":"` + sha(q) + `"}}`})}); r.Status != 200 || r.code() != "" {
		t.Fatalf("the hash alone with GET: %s", r)
	}
	if r := e.do(t, call{body: apq(q, sha("something else"))}); r.code() != "BAD_USER_INPUT" {
		t.Fatalf("a hash that does not match the query: %s", r)
	}
}

// TestTrustedDocuments: DISTRICT registers documents; anyone signed in runs them by
// documentId; an API key flagged trustedDocumentsOnly runs nothing else.
func TestTrustedDocuments(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	admin := e.srv.API.As(e.token)
	testkit.CreateUser(t, e.db.Client, "auditor", testkit.Binding{Role: enum.RoleAuditor})
	auditor := e.srv.Login(t, "auditor")

	const doc = `query Me { me { username } }
query Types($name: String!) { __type(name: $name) { name } }`
	register := `mutation($n: String!, $d: String!) { registerOperation(name: $n, document: $d) { id name hash } }`
	var reg struct {
		RegisterOperation struct{ ID, Name, Hash string }
	}
	admin.Must(t, register, map[string]any{"n": "统计局对接", "d": doc}, &reg)
	if reg.RegisterOperation.Hash != sha(doc) {
		t.Fatalf("registered under %s, want the SHA-256 of the text %s", reg.RegisterOperation.Hash, sha(doc))
	}
	var again struct {
		RegisterOperation struct{ ID string }
	}
	admin.Must(t, register, map[string]any{"n": "again", "d": doc}, &again)
	if again.RegisterOperation.ID != reg.RegisterOperation.ID {
		t.Fatal("registering the same text again made a second registration")
	}
	admin.Do(t, register, map[string]any{"n": "bad", "d": `{ nope }`}).Fail(t, "BAD_USER_INPUT")
	auditor.Do(t, register, map[string]any{"n": "x", "d": `{ me { id } }`}).Fail(t, "FORBIDDEN")
	var list struct {
		TrustedDocuments struct{ TotalCount int }
	}
	auditor.Must(t, `{ trustedDocuments { totalCount } }`, nil, &list)
	if list.TrustedDocuments.TotalCount != 1 {
		t.Fatalf("trustedDocuments: %d", list.TrustedDocuments.TotalCount)
	}

	// A key restricted to trusted documents.
	var key struct {
		CreateApiKey struct{ Key string }
	}
	admin.Must(t, `mutation { createApiKey(input: {name: "统计局", trustedDocumentsOnly: true}) { key } }`, nil, &key)
	restricted := key.CreateApiKey.Key
	id := "sha256:" + sha(doc)
	for name, c := range map[string]call{
		"by documentId":            {token: restricted, body: byDocumentID(id, nil, "Me")},
		"by documentId, variables": {token: restricted, body: byDocumentID(id, map[string]any{"name": "Household"}, "Types")},
		"by documentId with GET":   {token: restricted, method: "GET", path: getURL(map[string]string{"documentId": id, "operationName": "Me"})},
		"by the APQ hash alone":    {token: restricted, body: apqWithOp(sha(doc), "Me")},
		"an unrestricted caller":   {body: byDocumentID(id, nil, "Me")},
	} {
		if r := e.do(t, c); r.Status != 200 || r.code() != "" || !r.HasData {
			t.Errorf("%s: %s", name, r)
		}
	}
	// The admin's client has put this text in the APQ cache: the restricted key still may not use it.
	if r := e.do(t, call{body: apq(`query Me { me { username } }`, sha(`query Me { me { username } }`))}); r.Status != 200 {
		t.Fatalf("APQ registration by the admin: %s", r)
	}
	for name, c := range map[string]call{
		"a query text":                  {token: restricted, body: gql(`query Me { me { username } }`, nil)},
		"introspection":                 {token: restricted, body: gql(`{ __schema { types { name } } }`, nil)},
		"an unknown documentId":         {token: restricted, body: byDocumentID("sha256:"+sha("nope"), nil, "")},
		"an APQ registration":           {token: restricted, body: apq(`{ me { id } }`, sha(`{ me { id } }`))},
		"an APQ hash the server cached": {token: restricted, body: apq("", sha(`query Me { me { username } }`))},
	} {
		if r := e.do(t, c); r.Status != 403 || r.code() != "FORBIDDEN" || r.HasData {
			t.Errorf("%s: want 403 FORBIDDEN, got %s", name, r)
		}
	}
	// Malformed and unknown document IDs for everyone else.
	if r := e.do(t, call{body: byDocumentID("sha256:xyz", nil, "")}); r.Status != 400 || r.code() != "BAD_USER_INPUT" {
		t.Fatalf("a malformed documentId: %s", r)
	}
	if r := e.do(t, call{body: byDocumentID("sha256:"+sha("nope"), nil, "")}); r.Status != 400 || r.code() != "BAD_USER_INPUT" {
		t.Fatalf("an unknown documentId: %s", r)
	}
	if r := e.do(t, call{token: "-", body: byDocumentID(id, nil, "Me")}); r.Status != 401 {
		t.Fatalf("a documentId without credentials: %s", r)
	}

	// Withdrawn, it stops working at once.
	admin.Must(t, `mutation($id: ID!) { unregisterOperation(id: $id) }`, map[string]any{"id": reg.RegisterOperation.ID}, nil)
	if r := e.do(t, call{token: restricted, body: byDocumentID(id, nil, "Me")}); r.Status != 403 || r.code() != "FORBIDDEN" {
		t.Fatalf("a withdrawn document: %s", r)
	}
}

// apqWithOp is an APQ hash-only request that names the operation to run.
func apqWithOp(hash, op string) []byte {
	b, _ := json.Marshal(map[string]any{"operationName": op,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}})
	return b
}
