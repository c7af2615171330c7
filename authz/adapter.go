package authz

import (
	"context"
	"errors"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/casbinrule"
	"github.com/nanpiao/sbqw/ent/predicate"
)

// Adapter stores Casbin policy lines in the CasbinRule table through ent. Built on a
// transaction's client it makes policy edits part of that transaction.
type Adapter struct {
	client *ent.Client
	ctx    context.Context
}

var _ persist.BatchAdapter = (*Adapter)(nil)

// NewAdapter returns an adapter working with client under the system context (policy storage
// is the platform's own bookkeeping; who may edit it is checked before).
func NewAdapter(ctx context.Context, client *ent.Client) *Adapter {
	return &Adapter{client: client, ctx: Bypass(ctx, "policy storage")}
}

// LoadPolicy loads every line into the model.
func (a *Adapter) LoadPolicy(m model.Model) error {
	rows, err := a.client.CasbinRule.Query().Order(ent.Asc(casbinrule.FieldID)).All(a.ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		line := []string{r.Ptype, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
		for len(line) > 1 && line[len(line)-1] == "" {
			line = line[:len(line)-1]
		}
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return err
		}
	}
	return nil
}

// SavePolicy replaces the stored lines with the model's.
func (a *Adapter) SavePolicy(m model.Model) error {
	if _, err := a.client.CasbinRule.Delete().Exec(a.ctx); err != nil {
		return err
	}
	for ptype, ast := range m["p"] {
		if err := a.AddPolicies("p", ptype, ast.Policy); err != nil {
			return err
		}
	}
	return nil
}

// AddPolicy stores one line.
func (a *Adapter) AddPolicy(sec, ptype string, rule []string) error {
	return a.AddPolicies(sec, ptype, [][]string{rule})
}

// AddPolicies stores lines, ignoring those already stored.
func (a *Adapter) AddPolicies(_, ptype string, rules [][]string) error {
	if len(rules) == 0 {
		return nil
	}
	builders := make([]*ent.CasbinRuleCreate, len(rules))
	for i, r := range rules {
		v := padded(r)
		builders[i] = a.client.CasbinRule.Create().SetPtype(ptype).
			SetV0(v[0]).SetV1(v[1]).SetV2(v[2]).SetV3(v[3]).SetV4(v[4]).SetV5(v[5])
	}
	return a.client.CasbinRule.CreateBulk(builders...).OnConflict().DoNothing().Exec(a.ctx)
}

// RemovePolicy deletes one line.
func (a *Adapter) RemovePolicy(sec, ptype string, rule []string) error {
	return a.RemovePolicies(sec, ptype, [][]string{rule})
}

// RemovePolicies deletes lines.
func (a *Adapter) RemovePolicies(_, ptype string, rules [][]string) error {
	for _, r := range rules {
		v := padded(r)
		_, err := a.client.CasbinRule.Delete().Where(casbinrule.Ptype(ptype),
			casbinrule.V0(v[0]), casbinrule.V1(v[1]), casbinrule.V2(v[2]), casbinrule.V3(v[3]), casbinrule.V4(v[4]), casbinrule.V5(v[5])).
			Exec(a.ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

// RemoveFilteredPolicy deletes the lines whose fields from fieldIndex on equal fieldValues
// (an empty value matches anything).
func (a *Adapter) RemoveFilteredPolicy(_, ptype string, fieldIndex int, fieldValues ...string) error {
	if fieldIndex < 0 || fieldIndex+len(fieldValues) > 6 {
		return errors.New("casbin adapter: field index out of range")
	}
	cols := []func(string) predicate.CasbinRule{casbinrule.V0, casbinrule.V1, casbinrule.V2, casbinrule.V3, casbinrule.V4, casbinrule.V5}
	preds := []predicate.CasbinRule{casbinrule.Ptype(ptype)}
	for i, v := range fieldValues {
		if strings.TrimSpace(v) != "" {
			preds = append(preds, cols[fieldIndex+i](v))
		}
	}
	_, err := a.client.CasbinRule.Delete().Where(preds...).Exec(a.ctx)
	return err
}

func padded(rule []string) [6]string {
	var v [6]string
	copy(v[:], rule)
	return v
}
