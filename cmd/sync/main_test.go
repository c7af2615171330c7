package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/client"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/internal/testkit"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

// TestRunRefusesBadInvocations: every wrong flag or missing credential is an error that says
// what to do, before any request.
func TestRunRefusesBadInvocations(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "no credentials"},
		{[]string{"-username", "a"}, nil, "SBQW_PASSWORD"},
		{[]string{"-username", "a"}, map[string]string{"SBQW_TOKEN": "t"}, "not both"},
		{[]string{"-page", "501"}, map[string]string{"SBQW_TOKEN": "t"}, "1–500"},
		{[]string{"-every", "-1s"}, map[string]string{"SBQW_TOKEN": "t"}, "negative"},
		{[]string{"extra"}, map[string]string{"SBQW_TOKEN": "t"}, "unexpected argument"},
		{[]string{"-nope"}, nil, "not defined"},
	} {
		var out strings.Builder
		err := run(context.Background(), c.args, env(c.env), &out, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("sync %v: error %v, want one mentioning %q", c.args, err, c.want)
		}
	}
}

// TestRunSignsInAndStoresTheCopy runs the command against the real handler: it signs in with
// -username and SBQW_PASSWORD, reads the households, stores the copy and the cursor, and a
// second run continues from the stored cursor and prints the change it applied.
func TestRunSignsInAndStoresTheCopy(t *testing.T) {
	srv, _, create := fixture(t)
	first := create("H-1")

	dir := filepath.Join(t.TempDir(), "copy")
	vars := env(map[string]string{"SBQW_URL": srv.URL, "SBQW_USERNAME": "admin", "SBQW_PASSWORD": testkit.Password})
	var stdout, stderr strings.Builder
	if err := run(context.Background(), []string{"-dir", dir}, vars, &stdout, &stderr); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr.String())
	}
	copyFile, err := os.ReadFile(filepath.Join(dir, client.HouseholdsFile))
	if err != nil || !strings.Contains(string(copyFile), first) || strings.Count(string(copyFile), "\n") != 1 {
		t.Fatalf("copy after the first run (err %v):\n%s", err, copyFile)
	}

	second := create("H-2")
	sequence(t, srv)
	stdout.Reset()
	if err := run(context.Background(), []string{"-dir", dir, "-print"}, vars, &stdout, &stderr); err != nil {
		t.Fatalf("second run: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"op":"CREATED"`) || !strings.Contains(stdout.String(), second) {
		t.Fatalf("-print wrote %q, want the CREATED change of %s", stdout.String(), second)
	}
	copyFile, _ = os.ReadFile(filepath.Join(dir, client.HouseholdsFile))
	if strings.Count(string(copyFile), "\n") != 2 || !strings.Contains(string(copyFile), second) {
		t.Fatalf("copy after the second run:\n%s", copyFile)
	}
}

// sequence gives committed feed entries their positions now, as the server's sequencer does.
func sequence(t *testing.T, srv *testkit.Server) {
	t.Helper()
	if _, err := feed.Sequence(context.Background(), srv.DB.Client, 1000); err != nil {
		t.Fatal(err)
	}
}

// fixture serves the real handler on an empty database with an admin signed in, a district, a
// township and a village; create adds a household to the village and returns its ID.
func fixture(t *testing.T) (srv *testkit.Server, admin *testkit.API, create func(number string) string) {
	t.Helper()
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	srv = testkit.NewServer(t, db)
	testkit.CreateUser(t, db.Client, "admin", testkit.Binding{Role: enum.RoleDistrict})
	admin = srv.Login(t, "admin")
	var ids struct {
		CreateDistrict struct{ ID string }
	}
	admin.Must(t, `mutation { createDistrict(input: {code: "211404000000", name: "南票区"}) { id } }`, nil, &ids)
	var tw struct{ CreateTownship struct{ ID string } }
	admin.Must(t, `mutation($d: ID!) { createTownship(input: {districtID: $d, code: "211404100000", name: "沙金乡"}) { id } }`,
		map[string]any{"d": ids.CreateDistrict.ID}, &tw)
	var vi struct{ CreateVillage struct{ ID string } }
	admin.Must(t, `mutation($t: ID!) { createVillage(input: {townshipID: $t, code: "211404100201", name: "沙金村"}) { id } }`,
		map[string]any{"t": tw.CreateTownship.ID}, &vi)
	create = func(number string) string {
		var h struct{ CreateHousehold struct{ ID string } }
		admin.Must(t, `mutation($v: ID!, $n: String!) { createHousehold(input: {villageID: $v, number: $n, headName: "张三"}) { id } }`,
			map[string]any{"v": vi.CreateVillage.ID, "n": number}, &h)
		return h.CreateHousehold.ID
	}
	return srv, admin, create
}

// TestRunWithATrustedDocumentsKey: an API key that may run registered operations only syncs
// with -trusted once the operations -operations lists are registered, and is refused without it.
func TestRunWithATrustedDocumentsKey(t *testing.T) {
	srv, admin, create := fixture(t)
	household := create("H-1")

	var ops strings.Builder
	if err := run(context.Background(), []string{"-operations"}, env(nil), &ops, &ops); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(ops.String()), "\n")
	if len(lines) != len(client.Operations()) {
		t.Fatalf("-operations listed %d operations, the client has %d:\n%s", len(lines), len(client.Operations()), ops.String())
	}
	for _, line := range lines {
		var op struct{ Name, DocumentID, Document string }
		if err := json.Unmarshal([]byte(line), &op); err != nil {
			t.Fatal(err)
		}
		var reg struct{ RegisterOperation struct{ Hash string } }
		admin.Must(t, `mutation($n: String!, $d: String!) { registerOperation(name: $n, document: $d) { hash } }`,
			map[string]any{"n": op.Name, "d": op.Document}, &reg)
		if !strings.HasSuffix(op.DocumentID, reg.RegisterOperation.Hash) {
			t.Fatalf("%s: documentId %s, the server registered hash %s", op.Name, op.DocumentID, reg.RegisterOperation.Hash)
		}
	}
	var key struct{ CreateApiKey struct{ Key string } }
	admin.Must(t, `mutation { createApiKey(input: {name: "sync", trustedDocumentsOnly: true}) { key } }`, nil, &key)

	vars := env(map[string]string{"SBQW_URL": srv.URL, "SBQW_TOKEN": key.CreateApiKey.Key})
	var out strings.Builder
	err := run(context.Background(), []string{"-dir", t.TempDir()}, vars, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "registered operations only") {
		t.Fatalf("sending query texts with a trusted-documents key: %v, want the server's refusal", err)
	}
	dir := t.TempDir()
	if err := run(context.Background(), []string{"-dir", dir, "-trusted"}, vars, &out, &out); err != nil {
		t.Fatalf("-trusted: %v\n%s", err, out.String())
	}
	copyFile, _ := os.ReadFile(filepath.Join(dir, client.HouseholdsFile))
	if !strings.Contains(string(copyFile), household) {
		t.Fatalf("the copy misses %s:\n%s", household, copyFile)
	}
}
