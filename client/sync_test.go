package client_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/client"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestSyncAgainstTheServer runs the generated client's sync protocol against the real HTTP
// handler on the demo district, as a township's integration: full read, writes through the API
// (create, update, delete in scope; a create outside it), the feed followed by a restarted
// Sync from the stored cursor. The copy then equals the township's list, row for row, and the
// household outside the scope never arrived.
func TestSyncAgainstTheServer(t *testing.T) {
	ctx := context.Background()
	began := time.Now()
	db := testkit.LoadDemo(t)
	t.Logf("demo district loaded in %s", time.Since(began).Round(time.Millisecond))
	srv := testkit.NewServer(t, db)
	admin := srv.Login(t, "admin")
	township := srv.Login(t, "township01")

	// Sign in through the generated client, as cmd/sync does.
	signIn, err := client.SignIn(ctx, client.New(srv.URL, ""), "township01", testkit.Password)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	c := client.New(srv.URL, signIn.Login.Token)
	if _, err := client.SyncStart(ctx, client.New(srv.URL, "")); err == nil {
		t.Fatal("SyncStart without credentials succeeded")
	}

	mine, theirs := villages(t, township, admin)
	// A household that exists at the full read and is deleted afterwards.
	doomed, _ := createHousehold(t, township, mine, "SYNC-DOOMED")

	dir := t.TempDir()
	s := &client.Sync{Client: c, Dir: dir, PageSize: 200}
	if _, err := s.Run(ctx); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if s.Cursor() == "" {
		t.Fatal("no cursor stored after the full read")
	}
	if _, ok := s.Households()[doomed]; !ok {
		t.Fatalf("the full read (%d households) misses %s", len(s.Households()), doomed)
	}
	equalToServer(t, township, s.Households())

	// Writes through the API while the integration is away.
	created, version := createHousehold(t, township, mine, "SYNC-NEW")
	var upd struct{ UpdateHousehold struct{ Version int } }
	township.Must(t, `mutation($id: ID!, $v: Int!) { updateHousehold(id: $id, input: {version: $v, headName: "改名户主"}) { version } }`,
		map[string]any{"id": created, "v": version}, &upd)
	township.Must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": doomed}, nil)
	outside, _ := createHousehold(t, admin, theirs, "SYNC-ELSEWHERE")
	sequence(t, srv)

	// A new process: the copy and the cursor come from the directory.
	var seen []client.Change
	s = &client.Sync{Client: c, Dir: dir, PageSize: 2, OnChange: func(ch client.Change) { seen = append(seen, ch) }}
	n, err := s.Run(ctx)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n < 3 || n != len(seen) { // at least: created, updated, deleted
		t.Fatalf("the feed applied %d changes (%d seen), want at least the 3 writes in scope: %+v", n, len(seen), seen)
	}
	ops := map[string][]client.ChangeOp{}
	for _, ch := range seen {
		ops[ch.RecordID] = append(ops[ch.RecordID], ch.Op)
	}
	if _, ok := ops[outside]; ok {
		t.Fatalf("the household created outside the township's scope arrived: %v", ops[outside])
	}
	if got := ops[doomed]; len(got) == 0 || got[len(got)-1] != client.ChangeOpDeleted {
		t.Fatalf("changes of the deleted household: %v, want it to end DELETED", got)
	}
	h, ok := s.Households()[created]
	if !ok || h.HeadName != "改名户主" || h.Version != upd.UpdateHousehold.Version {
		t.Fatalf("the copy of %s is %+v (present %v), want the update's headName and version %d", created, h, ok, upd.UpdateHousehold.Version)
	}
	if _, ok := s.Households()[doomed]; ok {
		t.Fatal("the deleted household is still in the copy")
	}
	if _, ok := s.Households()[outside]; ok {
		t.Fatal("the household outside the scope is in the copy")
	}
	equalToServer(t, township, s.Households())

	// The copy on disk is what the next process reads.
	reloaded := &client.Sync{Client: c, Dir: dir}
	if err := reloaded.Load(); err != nil {
		t.Fatal(err)
	}
	equalToServer(t, township, reloaded.Households())
	if reloaded.Cursor() != s.Cursor() {
		t.Fatalf("stored cursor %q, want %q", reloaded.Cursor(), s.Cursor())
	}

	// Idle: nothing new, nothing applied, the copy unchanged.
	if n, err := reloaded.Run(ctx); err != nil || n != 0 {
		t.Fatalf("idle run applied %d changes (err %v), want 0", n, err)
	}
}

// villages returns a village of the township01's own township (where its households are) and a
// village of another township. (Every account sees the whole hierarchy; scope is about records.)
func villages(t *testing.T, township, admin *testkit.API) (mine, theirs string) {
	t.Helper()
	var own struct {
		Households struct {
			Edges []struct {
				Node struct {
					Village struct {
						ID       string
						Township struct{ ID string }
					}
				}
			}
		}
	}
	township.Must(t, `query { households(first: 1) { edges { node { village { id township { id } } } } } }`, nil, &own)
	if len(own.Households.Edges) == 0 {
		t.Fatal("township01 sees no household in the demo district")
	}
	v := own.Households.Edges[0].Node.Village
	var all struct {
		Villages struct {
			Edges []struct {
				Node struct {
					ID       string
					Township struct{ ID string }
				}
			}
		}
	}
	admin.Must(t, `query { villages(first: 500) { edges { node { id township { id } } } } }`, nil, &all)
	for _, e := range all.Villages.Edges {
		if e.Node.Township.ID != v.Township.ID {
			return v.ID, e.Node.ID
		}
	}
	t.Fatal("the demo district has no village outside township01's township: cannot test scope")
	return "", ""
}

func createHousehold(t *testing.T, api *testkit.API, village, number string) (id string, version int) {
	t.Helper()
	var out struct {
		CreateHousehold struct {
			ID      string
			Version int
		}
	}
	api.Must(t, `mutation($v: ID!, $n: String!) { createHousehold(input: {villageID: $v, number: $n, headName: "同步测试"}) { id version } }`,
		map[string]any{"v": village, "n": number}, &out)
	return out.CreateHousehold.ID, out.CreateHousehold.Version
}

// sequence gives the committed feed entries their positions at once, as the server's sequencer
// does about every quarter of a second.
func sequence(t *testing.T, srv *testkit.Server) {
	t.Helper()
	if _, err := feed.Sequence(context.Background(), srv.DB.Client, 1000); err != nil {
		t.Fatal(err)
	}
}

// householdFields is client/operations.graphql's HouseholdFields, asked here without the
// generated code so that the comparison does not trust what it checks.
const householdFields = `id version number headName category povertyStatus needy identifiedYear exitYear updatedAt village { code name }`

// equalToServer reads the caller's households with a plain query and compares them with the
// copy, field for field.
func equalToServer(t *testing.T, api *testkit.API, copy map[string]client.HouseholdFields) {
	t.Helper()
	want := map[string]json.RawMessage{}
	after := any(nil)
	for range 1000 {
		var page struct {
			Households struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node json.RawMessage }
			}
		}
		api.Must(t, `query($after: Cursor) { households(first: 500, after: $after) { pageInfo { hasNextPage endCursor }
			edges { node { `+householdFields+` } } } }`, map[string]any{"after": after}, &page)
		for _, e := range page.Households.Edges {
			var id struct{ ID string }
			if err := json.Unmarshal(e.Node, &id); err != nil {
				t.Fatal(err)
			}
			want[id.ID] = e.Node
		}
		if !page.Households.PageInfo.HasNextPage {
			break
		}
		after = page.Households.PageInfo.EndCursor
	}
	if len(want) != len(copy) {
		t.Fatalf("the copy holds %d households, the server lists %d", len(copy), len(want))
	}
	for id, raw := range want {
		got, ok := copy[id]
		if !ok {
			t.Fatalf("the copy misses %s", id)
		}
		var server client.HouseholdFields
		if err := json.Unmarshal(raw, &server); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(server)
		if string(a) != string(b) {
			t.Fatalf("household %s differs:\ncopy   %s\nserver %s", id, a, b)
		}
	}
}

// TestSyncStoresNothingBeforeTheFullRead: an empty directory is a copy that has not started, and
// a cursor without its copy is an error, not an empty copy silently followed from the cursor.
func TestSyncStoresNothingBeforeTheFullRead(t *testing.T) {
	dir := t.TempDir()
	s := &client.Sync{Dir: dir}
	if err := s.Load(); err != nil || s.Cursor() != "" || len(s.Households()) != 0 {
		t.Fatalf("empty directory: cursor %q, %d households, err %v", s.Cursor(), len(s.Households()), err)
	}
	if _, err := s.Follow(context.Background()); err == nil {
		t.Fatal("Follow without a cursor succeeded")
	}
	if err := os.WriteFile(filepath.Join(dir, client.CursorFile), []byte("abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(); err == nil {
		t.Fatalf("a cursor without %s loaded", client.HouseholdsFile)
	}
}
