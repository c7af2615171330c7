package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"entgo.io/contrib/entgql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// Live updates over server-sent events: a township's subscription receives its own changes and
// never another township's; streams per credential are bounded.

// subscribe opens an SSE stream and returns its events' data payloads, one per event, until
// the stream ends; cancel ends it.
func subscribe(t *testing.T, ctx context.Context, api *testkit.API, query string) (<-chan json.RawMessage, *http.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+api.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan json.RawMessage, 100)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- json.RawMessage(data)
			}
		}
	}()
	return out, resp
}

type liveChange struct {
	Data struct {
		Changes struct{ Op, Typename, RecordID string }
	}
	Errors []testkit.Error
}

func TestSubscriptionSeesOnlyItsScope(t *testing.T) {
	e := newEnv(t)
	a := e.createTownship(t, "211404100000", "沙金乡")
	b := e.createTownship(t, "211404200000", "台吉镇")
	villageA := e.createVillage(t, a, "211404100201", "甲村")
	villageB := e.createVillage(t, b, "211404200201", "乙村")
	aid := decodeID(t, a)
	testkit.CreateUser(t, e.db.Client, "township-a", testkit.Binding{Role: enum.RoleTownship, TownshipID: &aid})
	srv := testkit.NewServer(t, e.db)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go srv.App.Live.Run(ctx, e.db.Client, 20*time.Millisecond)

	// From the feed's start, not "from now": the stream's own start is taken when its resolver
	// runs, which on a loaded machine can come after the households below are written.
	var start bytes.Buffer
	entgql.Cursor[int]{ID: 0}.MarshalGQL(&start)
	events, resp := subscribe(t, ctx, srv.Login(t, "township-a"), `subscription { changes(after: `+start.String()+`) { op typename recordID } }`)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("stream answered %d %s", resp.StatusCode, ct)
	}
	// A household in B first, then one in A: if A's arrives first, B's was filtered out (the
	// feed is in commit order). (Villages are listed district-wide; households are scoped.)
	vb := e.createHousehold(t, villageB, "0001", "李四")
	va := e.createHousehold(t, villageA, "0001", "张三")
	for data := range events {
		var c liveChange
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("event %s: %v", data, err)
		}
		if len(c.Errors) > 0 {
			t.Fatalf("stream error: %v", c.Errors)
		}
		switch c.Data.Changes.RecordID {
		case vb:
			t.Fatalf("township A's stream carried township B's household: %s", data)
		case va:
			if c.Data.Changes.Op != "CREATED" || c.Data.Changes.Typename != "Household" {
				t.Fatalf("event %s, want the household's creation", data)
			}
			cancel()
			return
		}
	}
	t.Fatal("the stream ended before township A's own change arrived")
}

func TestSubscriptionStreamsPerCredentialAreBounded(t *testing.T) {
	e := newEnv(t)
	srv := testkit.NewServer(t, e.db)
	admin := srv.Login(t, "admin")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go srv.App.Live.Run(ctx, e.db.Client, 20*time.Millisecond)
	var held []<-chan json.RawMessage
	for range 2 { // Options.MaxStreams' default
		ev, resp := subscribe(t, ctx, admin, `subscription { changes { recordID } }`)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream answered %d", resp.StatusCode)
		}
		held = append(held, ev)
	}
	// Both streams are running once both have delivered a change.
	e.createTownship(t, "211404100000", "沙金乡")
	for i, ev := range held {
		if _, ok := <-ev; !ok {
			t.Fatalf("stream %d ended early", i)
		}
	}
	ev, _ := subscribe(t, ctx, admin, `subscription { changes { recordID } }`)
	data, ok := <-ev
	if !ok {
		t.Fatal("the third stream ended without an answer")
	}
	var c liveChange
	if err := json.Unmarshal(data, &c); err != nil || len(c.Errors) == 0 || c.Errors[0].Extensions["code"] != "RATE_LIMITED" {
		t.Fatalf("third stream of one credential: %s, want RATE_LIMITED", data)
	}
}

// TestSubscriptionEndsOnRevocation: a live stream checks its credential again while it runs.
// When the session is logged out, the password changed, the API key revoked or the binding
// removed, the stream ends with UNAUTHENTICATED (FORBIDDEN for the binding) within the bound,
// and nothing written after the revocation reaches it. On another replica the stream ends
// within the same bound as its requests are refused.
func TestSubscriptionEndsOnRevocation(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "沙金乡")
	village := e.createVillage(t, tw, "211404100201", "甲村")
	twID := decodeID(t, tw)
	srv := testkit.NewServer(t, e.db)
	replica := e.db.Replica()
	other := testkit.NewServer(t, replica)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	go srv.App.Live.Run(ctx, e.db.Client, 20*time.Millisecond)
	go other.App.Live.Run(ctx, replica.Client, 20*time.Millisecond)
	const bound = 2 * time.Second
	n := 0
	household := func() string {
		n++
		return e.createHousehold(t, village, fmt.Sprintf("%04d", n), "户主")
	}

	// live opens a stream for api and waits until it carries a household written now.
	live := func(t *testing.T, api *testkit.API) (<-chan json.RawMessage, context.CancelFunc) {
		t.Helper()
		sctx, scancel := context.WithCancel(ctx)
		events, resp := subscribe(t, sctx, api, `subscription { changes { op typename recordID } }`)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream answered %d", resp.StatusCode)
		}
		id := household()
		for data := range events {
			var c liveChange
			if err := json.Unmarshal(data, &c); err != nil || len(c.Errors) > 0 {
				t.Fatalf("event %s before the revocation: %v", data, err)
			}
			if c.Data.Changes.RecordID == id {
				return events, scancel
			}
		}
		t.Fatal("the stream ended before it carried its first change")
		return nil, scancel
	}
	// ends asserts that the stream ends with the error code within the bound. strict: the
	// stream runs on the replica that committed the revocation, which reads it at its next
	// check, so no change at all arrives after the revocation — not even one written just
	// after it. (Another replica sees it within the bound, as its requests do.)
	ends := func(t *testing.T, events <-chan json.RawMessage, code string, strict bool) {
		t.Helper()
		revoked := time.Now()
		household() // written after the revocation
		timeout := time.After(bound)
		for {
			select {
			case data, ok := <-events:
				if !ok {
					t.Fatalf("the stream ended without an error event, want %s", code)
				}
				var c liveChange
				if err := json.Unmarshal(data, &c); err != nil {
					t.Fatalf("event %s: %v", data, err)
				}
				if strict && len(c.Errors) == 0 {
					t.Fatalf("a change arrived after the revocation: %s", data)
				}
				if len(c.Errors) == 0 {
					continue
				}
				if got := c.Errors[0].Extensions["code"]; got != code {
					t.Fatalf("the stream ended with %s, want %s", data, code)
				}
				t.Logf("the stream ended with %s %v after the revocation", code, time.Since(revoked).Round(time.Millisecond))
				select {
				case data, ok := <-events:
					if ok {
						t.Fatalf("an event after the stream's end: %s", data)
					}
				case <-time.After(bound):
					t.Fatal("the stream stayed open after its error event")
				}
				return
			case <-timeout:
				t.Fatalf("the stream was still open %v after the revocation", bound)
			}
		}
	}
	township := testkit.Binding{Role: enum.RoleTownship, TownshipID: &twID}

	t.Run("logout", func(t *testing.T) {
		testkit.CreateUser(t, e.db.Client, "s_logout", township)
		tok := srv.Login(t, "s_logout")
		events, stop := live(t, tok)
		defer stop()
		tok.Must(t, `mutation { logout }`, nil, nil)
		ends(t, events, "UNAUTHENTICATED", true)
	})
	t.Run("password change", func(t *testing.T) {
		testkit.CreateUser(t, e.db.Client, "s_change", township)
		one, streaming := srv.Login(t, "s_change"), srv.Login(t, "s_change")
		events, stop := live(t, streaming)
		defer stop()
		one.Must(t, `mutation { changePassword(currentPassword: "`+testkit.Password+`", newPassword: "a-new-password-2") }`, nil, nil)
		ends(t, events, "UNAUTHENTICATED", true)
	})
	t.Run("api key revoked", func(t *testing.T) {
		owner := e.api
		var created struct {
			CreateApiKey struct {
				Key    string
				ApiKey struct{ ID string }
			}
		}
		owner.Must(t, `mutation { createApiKey(input: {name: "对接"}) { key apiKey { id } } }`, nil, &created)
		events, stop := live(t, srv.API.As(created.CreateApiKey.Key))
		defer stop()
		owner.Must(t, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, map[string]any{"id": created.CreateApiKey.ApiKey.ID}, nil)
		ends(t, events, "UNAUTHENTICATED", true)
	})
	t.Run("binding removed", func(t *testing.T) {
		testkit.CreateUser(t, e.db.Client, "s_unbind", township)
		tok := srv.Login(t, "s_unbind")
		var me struct {
			Me struct{ RoleBindings []struct{ ID string } }
		}
		tok.Must(t, `{ me { roleBindings { id } } }`, nil, &me)
		events, stop := live(t, tok)
		defer stop()
		e.api.Must(t, `mutation($id: ID!) { deleteRoleBinding(id: $id) }`, map[string]any{"id": me.Me.RoleBindings[0].ID}, nil)
		ends(t, events, "FORBIDDEN", true)
	})
	t.Run("logout seen by another replica", func(t *testing.T) {
		testkit.CreateUser(t, e.db.Client, "s_replica", township)
		tok := srv.Login(t, "s_replica")
		events, stop := live(t, other.API.As(tok.Token))
		defer stop()
		tok.Must(t, `mutation { logout }`, nil, nil)
		ends(t, events, "UNAUTHENTICATED", false)
	})
}
