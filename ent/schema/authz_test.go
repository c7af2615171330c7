package schema_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/privacy"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestEveryTypeDeniesACallerlessQuery lists every generated type and fails on one that lets a
// query or a delete through without a caller — a type without the authorization mixin.
func TestEveryTypeDeniesACallerlessQuery(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	client := reflect.ValueOf(db.Client).Elem()
	ctx := reflect.ValueOf(context.Background())
	for typ := range gen.TypeTables {
		t.Run(typ, func(t *testing.T) {
			tc := client.FieldByName(typ)
			if !tc.IsValid() {
				t.Fatalf("client has no %s", typ)
			}
			count := tc.MethodByName("Query").Call(nil)[0].MethodByName("Count").Call([]reflect.Value{ctx})
			if err, _ := count[1].Interface().(error); !errors.Is(err, privacy.Deny) {
				t.Fatalf("query without a caller: %v, want privacy.Deny", err)
			}
			del := tc.MethodByName("Delete").Call(nil)[0].MethodByName("Exec").Call([]reflect.Value{ctx})
			if err, _ := del[1].Interface().(error); !errors.Is(err, privacy.Deny) {
				t.Fatalf("delete without a caller: %v, want privacy.Deny", err)
			}
			if authz.ObjectOf(typ) == "" {
				t.Fatalf("authz does not know %s", typ)
			}
		})
	}
}

func TestAuditEventsAreAppendOnly(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	ctx := authz.Bypass(context.Background(), "test")
	e, err := db.Client.AuditEvent.Create().SetAction("x").SetUsername("system:test").SetRole("").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Client.AuditEvent.UpdateOne(e).Exec(ctx); err == nil {
		t.Fatal("an audit event was changed, even by system code")
	}
	if err := db.Client.AuditEvent.DeleteOne(e).Exec(ctx); err == nil {
		t.Fatal("an audit event was deleted, even by system code")
	}
}
