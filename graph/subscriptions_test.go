package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

	events, resp := subscribe(t, ctx, srv.Login(t, "township-a"), `subscription { changes { op typename recordID } }`)
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
