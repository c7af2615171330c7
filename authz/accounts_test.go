package authz_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// TestMayGrant: a caller may grant only roles strictly below its own, inside its unit;
// DISTRICT grants anything; the other roles grant nothing.
func TestMayGrant(t *testing.T) {
	policy, err := authz.NewSnapshot(authz.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	const t1, t2, v1, d1 = 1, 2, 10, 20
	township := authz.Binding{Role: enum.RoleTownship, TownshipID: t1}
	secretary := func(tw int) authz.Binding {
		return authz.Binding{Role: enum.RoleVillageSecretary, VillageID: v1, TownshipID: tw}
	}
	cases := []struct {
		name   string
		caller []authz.Binding
		grant  authz.Binding
		ok     bool
	}{
		{"district grants district", []authz.Binding{{Role: enum.RoleDistrict}}, authz.Binding{Role: enum.RoleDistrict}, true},
		{"township grants its village's secretary", []authz.Binding{township}, secretary(t1), true},
		{"township: another township's secretary", []authz.Binding{township}, secretary(t2), false},
		{"township: its own rank", []authz.Binding{township}, authz.Binding{Role: enum.RoleTownship, TownshipID: t1}, false},
		{"township: district", []authz.Binding{township}, authz.Binding{Role: enum.RoleDistrict}, false},
		{"township: a department", []authz.Binding{township}, authz.Binding{Role: enum.RoleDepartment, DepartmentID: d1}, false},
		{"township of the other: by its own binding", []authz.Binding{township, {Role: enum.RoleTownship, TownshipID: t2}}, secretary(t2), true},
		{"secretary grants nothing", []authz.Binding{secretary(t1)}, secretary(t1), false},
		{"department grants nothing by default", []authz.Binding{{Role: enum.RoleDepartment, DepartmentID: d1}}, authz.Binding{Role: enum.RoleCadre, DepartmentID: d1, CadreID: 5}, false},
		{"auditor grants nothing", []authz.Binding{{Role: enum.RoleAuditor}}, secretary(t1), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := (&authz.Viewer{UserID: 1, Bindings: c.caller}).WithPolicy(policy)
			err := authz.MayGrant(authz.NewContext(context.Background(), v), c.grant)
			if (err == nil) != c.ok {
				t.Fatalf("MayGrant = %v, want ok=%v", err, c.ok)
			}
			if err != nil && !errors.Is(err, apperr.ErrForbidden) {
				t.Fatalf("refusal is %v, want FORBIDDEN", err)
			}
		})
	}
}
