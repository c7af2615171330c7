package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// The change feed (graph/changes.graphqls, feed/): a client that stores the last cursor never
// skips a row, sees deletions, and sees nothing outside its scope.

const changesQuery = `query($after: Cursor, $first: Int) { changes(after: $after, first: $first) {
	endCursor hasNextPage changes { op typename recordID cursor committedAt node { id ... on Village { name } } } } }`

type change struct {
	Op, Typename, RecordID, Cursor, CommittedAt string
	Node                                        *struct{ ID, Name string }
}

type changePage struct {
	Changes struct {
		EndCursor   string
		HasNextPage bool
		Changes     []change
	}
}

// follow reads the feed from after to its end, page by page, as an integration does, and
// returns what it saw and the cursor to store.
func follow(t *testing.T, api *testkit.API, after string, first int) ([]change, string) {
	t.Helper()
	var seen []change
	for range 100 {
		vars := map[string]any{"first": first}
		if after != "" {
			vars["after"] = after
		}
		var p changePage
		api.Must(t, changesQuery, vars, &p)
		seen = append(seen, p.Changes.Changes...)
		after = p.Changes.EndCursor
		if !p.Changes.HasNextPage {
			return seen, after
		}
	}
	t.Fatal("the feed never ended")
	return nil, ""
}

func sequence(t *testing.T, client *ent.Client) {
	t.Helper()
	if _, err := feed.Sequence(context.Background(), client, 1000); err != nil {
		t.Fatal(err)
	}
}

func ids(cs []change, op string) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		if op == "" || c.Op == op {
			out[c.RecordID] = true
		}
	}
	return out
}

// TestChangeFeedInterleavedCommits: two transactions write; the one stamped first (lower ID,
// earlier updatedAt) commits last, after a reader has already moved past the other's row. The
// reader following its cursor still sees both. On SQLite writers take turns, so the later
// transaction cannot start before the first commits; on MariaDB (MYSQL_TEST_DSN) they overlap
// for real.
func TestChangeFeedInterleavedCommits(t *testing.T) {
	e := newEnv(t)
	admin := e.api
	township := e.createTownship(t, "211404100000", "沙金乡")
	sequence(t, e.db.Client)
	_, cursor := follow(t, admin, "", 500)

	ctx := authz.Bypass(context.Background(), "test: interleaved writers")
	tid := decodeID(t, township)
	mysql := testkit.Backend() == "mysql"
	var early *ent.Tx
	var first *ent.Village
	var err error
	if mysql {
		if early, err = e.db.Client.Tx(ctx); err != nil {
			t.Fatal(err)
		}
		if first, err = early.Village.Create().SetTownshipID(tid).SetCode("211404100201").SetName("早村").Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// On SQLite one writer at a time: the early transaction writes and commits in turn below.
	late, err := e.db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := late.Village.Create().SetTownshipID(tid).SetCode("211404100202").SetName("晚村").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := late.Commit(); err != nil {
		t.Fatal(err)
	}
	sequence(t, e.db.Client)
	seen, cursor := follow(t, admin, cursor, 500)
	if got := ids(seen, "CREATED"); !got[encodeID(second.ID)] || len(got) != 1 {
		t.Fatalf("after the late-stamped commit the feed shows %v, want just %s", seen, encodeID(second.ID))
	}
	if !mysql {
		if early, err = e.db.Client.Tx(ctx); err != nil {
			t.Fatal(err)
		}
		if first, err = early.Village.Create().SetTownshipID(tid).SetCode("211404100201").SetName("早村").Save(ctx); err != nil {
			t.Fatal(err)
		}
	} else if first.ID > second.ID {
		t.Fatalf("the early transaction's row %d is not stamped before the late one's %d", first.ID, second.ID)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}
	sequence(t, e.db.Client)
	seen, _ = follow(t, admin, cursor, 500)
	if got := ids(seen, "CREATED"); !got[encodeID(first.ID)] || len(got) != 1 {
		t.Fatalf("the early-stamped row committed last: the feed after the stored cursor shows %v, want %s", seen, encodeID(first.ID))
	}
	if seen[0].Node == nil || seen[0].Node.Name != "早村" || seen[0].Typename != "Village" {
		t.Fatalf("entry %+v: want the village as its node", seen[0])
	}
}

// TestChangeFeedFollowsWritesAndDeletes: creates, updates and deletes through the API appear
// in order, a deletion without its node; small pages and the stored cursor lose nothing.
func TestChangeFeedFollowsWritesAndDeletes(t *testing.T) {
	e := newEnv(t)
	sequence(t, e.db.Client)
	_, start := follow(t, e.api, "", 500) // past the fixtures (accounts, the district)
	township := e.createTownship(t, "211404100000", "沙金乡")
	village := e.createVillage(t, township, "211404100201", "甲村")
	hh := e.createHousehold(t, village, "0001", "张三")
	e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": hh})
	sequence(t, e.db.Client)
	seen, end := follow(t, e.api, start, 1)
	var got []string
	for _, c := range seen {
		got = append(got, c.Typename+" "+c.Op)
	}
	want := []string{"Township CREATED", "Village CREATED", "Household CREATED", "Household DELETED"}
	if len(got) != len(want) {
		t.Fatalf("feed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("feed %v, want %v", got, want)
		}
	}
	if last := seen[3]; last.RecordID != hh || last.Node != nil || last.CommittedAt == "" {
		t.Fatalf("deletion entry %+v: want household %s, no node, a commit time", last, hh)
	}
	if more, _ := follow(t, e.api, end, 100); len(more) != 0 {
		t.Fatalf("after the end cursor: %v, want nothing", more)
	}
	// Unsequenced entries are invisible: nothing appears before the sequencer positions it.
	e.createVillage(t, township, "211404100202", "乙村")
	if more, _ := follow(t, e.api, end, 100); len(more) != 0 {
		t.Fatalf("before sequencing: %v, want nothing", more)
	}
	sequence(t, e.db.Client)
	if more, _ := follow(t, e.api, end, 100); len(more) != 1 || more[0].Typename != "Village" || more[0].Op != "CREATED" {
		t.Fatalf("after sequencing: %v, want the new village", more)
	}
}

// TestChangeFeedScope: township A's account never sees township B's changes — neither the
// entries nor their deletions nor their nodes.
func TestChangeFeedScope(t *testing.T) {
	e := newEnv(t)
	a := e.createTownship(t, "211404100000", "沙金乡")
	b := e.createTownship(t, "211404200000", "台吉镇")
	va := e.createVillage(t, a, "211404100201", "甲村")
	vb := e.createVillage(t, b, "211404200201", "乙村")
	ha := e.createHousehold(t, va, "0001", "张三")
	hb := e.createHousehold(t, vb, "0001", "李四")
	e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": hb})
	e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": ha})
	sequence(t, e.db.Client)

	aid := decodeID(t, a)
	testkit.CreateUser(t, e.db.Client, "township-a", testkit.Binding{Role: enum.RoleTownship, TownshipID: &aid})
	srv := testkit.NewServer(t, e.db)
	mine, _ := follow(t, srv.Login(t, "township-a"), "", 2)
	seen := ids(mine, "")
	for _, id := range []string{va, ha} {
		if !seen[id] {
			t.Errorf("township A does not see its own record %s in %v", id, mine)
		}
	}
	// Townships and villages are listed district-wide for a township account; households
	// are not.
	if seen[hb] {
		t.Errorf("township A sees township B's household %s (or its deletion)", hb)
	}
	for _, id := range []string{b, vb} {
		var out struct{ Node *struct{ ID string } }
		srv.Login(t, "township-a").Must(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &out)
		if seen[id] != (out.Node != nil) {
			t.Errorf("record %s: in township A's feed %v, visible to it through node %v", id, seen[id], out.Node != nil)
		}
	}
	for _, c := range mine {
		if c.Node != nil && c.Node.ID != c.RecordID {
			t.Errorf("entry %+v carries another record's node", c)
		}
	}
	if !ids(mine, "DELETED")[ha] {
		t.Errorf("township A does not see its own deletion of %s", ha)
	}
}

// TestChangeFeedRefusesBadInput: a made-up cursor and a page beyond the maximum are
// BAD_USER_INPUT; first: 0 gives just the current end.
func TestChangeFeedRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	if code := e.api.Do(t, changesQuery, map[string]any{"after": "not-a-cursor"}).Code(); code != "BAD_USER_INPUT" {
		t.Errorf("mangled cursor: %s, want BAD_USER_INPUT", code)
	}
	if code := e.api.Do(t, changesQuery, map[string]any{"first": feed.MaxPage + 1}).Code(); code != "BAD_USER_INPUT" {
		t.Errorf("first beyond the maximum: %s, want BAD_USER_INPUT", code)
	}
	if code := e.api.Do(t, changesQuery, map[string]any{"first": -1}).Code(); code != "BAD_USER_INPUT" {
		t.Errorf("negative first: %s, want BAD_USER_INPUT", code)
	}
	e.createTownship(t, "211404100000", "沙金乡")
	sequence(t, e.db.Client)
	var p changePage
	e.api.Must(t, changesQuery, map[string]any{"first": 0}, &p)
	if len(p.Changes.Changes) != 0 || p.Changes.EndCursor == "" {
		t.Fatalf("first: 0 gave %+v, want no changes and the current end", p)
	}
	if more, _ := follow(t, e.api, p.Changes.EndCursor, 10); len(more) != 0 {
		t.Fatalf("after the current end: %v", more)
	}
}

// TestChangeFeedStatementsPerPage: one page costs the head, the entries (scope in the same
// statement) and one lookup per record type on the page for the nodes — not one per row.
func TestChangeFeedStatementsPerPage(t *testing.T) {
	e := newEnv(t)
	sequence(t, e.db.Client)
	_, start := follow(t, e.api, "", 500)
	township := e.createTownship(t, "211404100000", "沙金乡")
	for i := range 20 {
		village := e.createVillage(t, township, "2114041002"+string(rune('1'+i/10))+string(rune('0'+i%10)), "村")
		e.createHousehold(t, village, "0001", "张三")
	}
	sequence(t, e.db.Client)
	e.db.Counter.Start()
	seen, _ := follow(t, e.api, start, 500)
	statements := e.db.Counter.Stop()
	t.Logf("a page of %d changes (3 types, nodes included) ran %d statements", len(seen), len(statements))
	if len(seen) != 41 {
		t.Fatalf("%d changes, want 41", len(seen))
	}
	// Authentication may look the session up; the feed itself: head, entries, one per type.
	if len(statements) > 9 {
		t.Fatalf("%d statements for one page:\n%s", len(statements), strings.Join(statements, "\n"))
	}
}

// TestChangeFeedLatency logs how long a committed change takes to appear in the feed with the
// server's sequencer interval (no assertion on time: the figure is for the report).
func TestChangeFeedLatency(t *testing.T) {
	e := newEnv(t)
	township := e.createTownship(t, "211404100000", "沙金乡")
	srv := testkit.NewServer(t, e.db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.App.Live.Run(ctx, e.db.Client, 250*time.Millisecond)
	_, cursor := follow(t, e.api, "", 500)
	var worst, total time.Duration
	const n = 10
	for i := range n {
		id := e.createVillage(t, township, "21140410030"+string(rune('0'+i)), "村")
		committed := time.Now()
		for tries := 0; ; tries++ {
			if tries > 2000 {
				t.Fatalf("village %s never appeared in the feed", id)
			}
			seen, end := follow(t, e.api, cursor, 500)
			if ids(seen, "")[id] {
				d := time.Since(committed)
				total += d
				worst = max(worst, d)
				cursor = end
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	t.Logf("commit → visible in the feed (sequencer every 250 ms, %s): mean %s, worst %s over %d writes", testkit.Backend(), total/n, worst, n)
}

// TestChangeFeedRetention: entries older than the retention are pruned; a cursor from before
// the pruned ones is refused with BAD_USER_INPUT / CURSOR_EXPIRED (never a page with a gap),
// while a cursor at the last pruned entry, and a fresh starting cursor, go on working.
func TestChangeFeedRetention(t *testing.T) {
	e := newEnv(t)
	var p changePage
	e.api.Must(t, changesQuery, map[string]any{"first": 0}, &p)
	before := p.Changes.EndCursor
	e.createTownship(t, "211404100000", "沙金乡")
	old2 := e.createTownship(t, "211404200000", "台吉镇")
	sequence(t, e.db.Client)
	seen, _ := follow(t, e.api, before, 100)
	if len(seen) < 2 || seen[len(seen)-1].RecordID != old2 {
		t.Fatalf("before pruning the feed holds %v, want both townships last", seen)
	}
	lastOld := seen[len(seen)-1].Cursor // the cursor of the newest entry to be pruned
	firstOld := seen[0].Cursor
	// These entries are now "100 days old": committed_at moved back.
	ctx := authz.Bypass(context.Background(), "test: age the feed")
	aged := time.Now().UTC().AddDate(0, 0, -100)
	if _, err := e.db.SQL.ExecContext(ctx, "UPDATE feed_entries SET committed_at = ? WHERE seq IS NOT NULL", aged); err != nil {
		t.Fatal(err)
	}
	fresh := e.createTownship(t, "211404300000", "大红旗镇")
	sequence(t, e.db.Client)

	n, err := feed.Prune(ctx, e.db.Client, time.Now().Add(-feed.DefaultRetention))
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("pruned %d entries, want at least the two aged townships'", n)
	}
	left, err := e.db.Client.FeedEntry.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, fe := range left {
		if fe.CommittedAt != nil && fe.CommittedAt.Before(time.Now().AddDate(0, 0, -90)) {
			t.Fatalf("an entry committed %v survived the prune", fe.CommittedAt)
		}
	}
	if len(left) == 0 {
		t.Fatal("the prune removed the fresh entry too")
	}

	for name, cursor := range map[string]string{"no cursor": "", "the first pruned entry's": firstOld, "the start cursor": before} {
		vars := map[string]any{"first": 10}
		if cursor != "" {
			vars["after"] = cursor
		}
		r := e.api.Do(t, changesQuery, vars)
		got := r.Fail(t, "BAD_USER_INPUT")
		if got.Extensions["reason"] != "CURSOR_EXPIRED" || !strings.Contains(got.Message, "changes(first: 0)") {
			t.Fatalf("%s: %+v, want reason CURSOR_EXPIRED and a message saying how to start over", name, got)
		}
	}
	// A live stream from a stale cursor ends at once with the same error.
	srv := testkit.NewServer(t, e.db)
	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	events, _ := subscribe(t, sctx, srv.Login(t, "admin"), `subscription { changes(after: "`+firstOld+`") { recordID } }`)
	var ended liveChange
	if data, ok := <-events; !ok || json.Unmarshal(data, &ended) != nil || len(ended.Errors) == 0 ||
		ended.Errors[0].Extensions["reason"] != "CURSOR_EXPIRED" {
		t.Fatalf("a stream from a stale cursor: %s, want CURSOR_EXPIRED", data)
	}
	// The cursor of the newest pruned entry skips nothing: it continues.
	seen, _ = follow(t, e.api, lastOld, 10)
	if len(seen) != 1 || seen[0].RecordID != fresh {
		t.Fatalf("after the newest pruned entry: %v, want the fresh township alone", seen)
	}
	// So does a fresh start: first: 0 is always answered.
	var again changePage
	e.api.Must(t, changesQuery, map[string]any{"first": 0}, &again)
	if seen, _ := follow(t, e.api, again.Changes.EndCursor, 10); len(seen) != 0 {
		t.Fatalf("from a fresh cursor: %v, want nothing yet", seen)
	}
}
