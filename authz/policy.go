package authz

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/setting"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var defaultPolicyText string

// ScopeKind says how far a permission reaches from where the caller stands.
type ScopeKind string

const (
	ScopeDistrict   ScopeKind = "district"   // every row
	ScopeTownship   ScopeKind = "township"   // rows of the bound township
	ScopeDepartment ScopeKind = "department" // rows tied to the bound department
	ScopeVillage    ScopeKind = "village"    // rows of the bound village
	ScopePaired     ScopeKind = "paired"     // rows of the bound cadre's paired households
	ScopeSelf       ScopeKind = "self"       // the caller's own account
)

// ScopeKinds lists every kind, widest first.
var ScopeKinds = []ScopeKind{ScopeDistrict, ScopeTownship, ScopeDepartment, ScopeVillage, ScopePaired, ScopeSelf}

// PolicyLine is one line of the Casbin policy: role (or "*"), object, action, scope kind (a
// PolicyRule in the API). The rules a record obeys live elsewhere: privacy in rules.go, record
// rules in workflow/rules.go and ent/schema/rules.go.
type PolicyLine struct {
	Role, Object, Action string
	Scope                ScopeKind
}

func (r PolicyLine) values() []string { return []string{r.Role, r.Object, r.Action, string(r.Scope)} }

// DefaultPolicy parses the embedded default policy.
func DefaultPolicy() []PolicyLine {
	var out []PolicyLine
	for _, line := range strings.Split(defaultPolicyText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		out = append(out, PolicyLine{Role: f[1], Object: f[2], Action: f[3], Scope: ScopeKind(f[4])})
	}
	return out
}

// Snapshot is the policy in force at one moment: requests take the current snapshot when they
// begin and decide everything with it.
type Snapshot struct {
	version  int
	enforcer *casbin.Enforcer
	memo     sync.Map // memoKey → []ScopeKind
	mu       sync.Mutex
}

type memoKey struct{ role, object, action string }

// Version is the policy version the snapshot was loaded from.
func (s *Snapshot) Version() int { return s.version }

// Scopes returns the scope kinds at which role may take action on object — empty when it may
// not at all. Several matching lines add up.
func (s *Snapshot) Scopes(role, object, action string) []ScopeKind {
	k := memoKey{role, object, action}
	if v, ok := s.memo.Load(k); ok {
		return v.([]ScopeKind)
	}
	s.mu.Lock() // casbin's Enforce is not safe for concurrent use with its own caches
	var kinds []ScopeKind
	for _, kind := range ScopeKinds {
		if ok, _ := s.enforcer.Enforce(role, object, action, string(kind)); ok {
			kinds = append(kinds, kind)
		}
	}
	s.mu.Unlock()
	s.memo.Store(k, kinds)
	return kinds
}

// Rules lists the snapshot's policy lines.
func (s *Snapshot) Lines() []PolicyLine {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, _ := s.enforcer.GetPolicy()
	out := make([]PolicyLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, PolicyLine{Role: l[0], Object: l[1], Action: l[2], Scope: ScopeKind(l[3])})
	}
	return out
}

func newEnforcer(adapter persist.Adapter) (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, err
	}
	var e *casbin.Enforcer
	if adapter != nil {
		e, err = casbin.NewEnforcer(m, adapter)
	} else {
		e, err = casbin.NewEnforcer(m)
	}
	if err != nil {
		return nil, err
	}
	e.EnableAutoSave(false) // edits are written by writePolicyLines, inside the caller's transaction
	return e, nil
}

func newSnapshot(version int, rules []PolicyLine) (*Snapshot, error) {
	e, err := newEnforcer(nil)
	if err != nil {
		return nil, err
	}
	if len(rules) > 0 {
		if _, err := e.AddPolicies(lines(rules)); err != nil {
			return nil, err
		}
	}
	return &Snapshot{version: version, enforcer: e}, nil
}

// NewSnapshot builds a snapshot from rules (tests, explainAccess previews).
func NewSnapshot(rules []PolicyLine) (*Snapshot, error) { return newSnapshot(0, rules) }

// Policies keeps the policy of the database current: the policy lines live in CasbinRule rows
// and a version number in the settings; every request asks for the current snapshot, which
// reloads when another replica (or this one) has changed the policy.
type Policies struct {
	client  *ent.Client
	current atomic.Pointer[Snapshot]
	rev     revision
}

const policyVersionKey = "authz.policy_version"

// LoadPolicies seeds the default policy into an empty database and loads the current one.
func LoadPolicies(ctx context.Context, client *ent.Client) (*Policies, error) {
	p := &Policies{client: client}
	p.watchRevocations()
	ctx = Bypass(ctx, "policy load")
	n, err := client.CasbinRule.Query().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policy: %w", err)
	}
	if n == 0 {
		if err := p.seed(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := p.Current(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Policies) seed(ctx context.Context) error {
	tx, err := p.client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := writePolicyLines(ctx, tx.Client(), DefaultPolicy(), nil); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Current returns the policy in force, reloading it when its version changed (read with the
// revision, see revision.go).
func (p *Policies) Current(ctx context.Context) (*Snapshot, error) {
	if err := p.refresh(ctx, false); err != nil {
		return nil, err
	}
	return p.current.Load(), nil
}

// load replaces the snapshot with the policy lines of the database at version.
func (p *Policies) load(ctx context.Context, version int) error {
	e, err := newEnforcer(NewAdapter(Bypass(ctx, "policy load"), p.client))
	if err != nil {
		return fmt.Errorf("loading the policy: %w", err)
	}
	p.current.Store(&Snapshot{version: version, enforcer: e})
	return nil
}

func readVersion(ctx context.Context, client *ent.Client) (int, error) {
	st, err := client.Setting.Query().Where(setting.Key(policyVersionKey)).Only(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the policy version: %w", err)
	}
	return strconv.Atoi(st.Value)
}

func lines(rules []PolicyLine) [][]string {
	out := make([][]string, len(rules))
	for i, r := range rules {
		out[i] = r.values()
	}
	return out
}

// writePolicyLines adds and removes policy lines with client (a transaction's, normally) and bumps
// the version so every replica reloads on its next request.
func writePolicyLines(ctx context.Context, client *ent.Client, add, remove []PolicyLine) error {
	ctx = Bypass(ctx, "policy write")
	a := NewAdapter(ctx, client)
	if err := a.RemovePolicies("p", "p", lines(remove)); err != nil {
		return err
	}
	if err := a.AddPolicies("p", "p", lines(add)); err != nil {
		return err
	}
	version, err := readVersion(ctx, client)
	if err != nil {
		return err
	}
	return client.Setting.Create().SetKey(policyVersionKey).SetValue(strconv.Itoa(version + 1)).
		OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(ctx)
}

// PolicyLines lists the policy in force, for those who may read it district-wide.
func PolicyLines(ctx context.Context) ([]PolicyLine, error) {
	if err := RequireDistrictWide(ctx, ObjectPolicy, ActionRead); err != nil {
		return nil, err
	}
	return FromContext(ctx).Policy().Lines(), nil
}

// Update adds and removes policy lines in the caller's transaction. It refuses an edit that
// would leave DISTRICT unable to manage users, role bindings or the policy itself, and one
// that names an unknown scope kind.
func (p *Policies) Update(ctx context.Context, tx *ent.Client, add, remove []PolicyLine) ([]PolicyLine, error) {
	if err := RequireDistrictWide(ctx, ObjectPolicy, ActionUpdate); err != nil {
		return nil, err
	}
	// The check below must see the policy as it is now, not as this replica last read it.
	if err := p.refresh(ctx, true); err != nil {
		return nil, err
	}
	current := p.current.Load()
	for _, r := range add {
		if !validKind(r.Scope) || r.Role == "" || r.Object == "" || r.Action == "" {
			return nil, apperr.Invalid("add", "policy line (%s, %s, %s, %s) is incomplete or names an unknown scope kind", r.Role, r.Object, r.Action, r.Scope)
		}
	}
	next := applyEdit(current.Lines(), add, remove)
	preview, err := newSnapshot(0, next)
	if err != nil {
		return nil, err
	}
	for _, need := range [][2]string{{ObjectPolicy, ActionUpdate}, {ObjectOf(ent.TypeUser), ActionCreate}, {ObjectOf(ent.TypeUser), ActionUpdate}, {ObjectOf(ent.TypeRoleBinding), ActionCreate}, {ObjectOf(ent.TypeRoleBinding), ActionDelete}} {
		if !hasKind(preview.Scopes(string(enum.RoleDistrict), need[0], need[1]), ScopeDistrict) {
			return nil, apperr.Rule("refused: DISTRICT would lose %s %s at district scope (该修改会导致区级管理员失去管理权限)", need[1], need[0])
		}
	}
	if err := writePolicyLines(ctx, tx, add, remove); err != nil {
		return nil, err
	}
	if err := Record(ctx, tx, Event{Action: "policy.update", Entity: "Policy", Detail: fmt.Sprintf("added %d, removed %d lines: +%v -%v", len(add), len(remove), add, remove)}); err != nil {
		return nil, err
	}
	return next, nil
}

func applyEdit(rules, add, remove []PolicyLine) []PolicyLine {
	drop := map[PolicyLine]bool{}
	for _, r := range remove {
		drop[r] = true
	}
	var out []PolicyLine
	seen := map[PolicyLine]bool{}
	for _, r := range append(rules, add...) {
		if !drop[r] && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func validKind(k ScopeKind) bool { return hasKind(ScopeKinds, k) }

func hasKind(ks []ScopeKind, k ScopeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
