package graph

import (
	"context"
	"strings"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/graph/model"
	"github.com/nanpiao/sbqw/workflow"
)

// Conversions between GraphQL models and the inputs of the authn/authz packages.

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func bindingInput(in *model.RoleBindingInput) authn.BindingInput {
	return authn.BindingInput{Role: in.Role, TownshipID: in.TownshipID, VillageID: in.VillageID,
		DepartmentID: in.DepartmentID, CadreID: in.CadreID, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
}

func bindingInputs(in []*model.RoleBindingInput) []authn.BindingInput {
	out := make([]authn.BindingInput, len(in))
	for i, b := range in {
		out[i] = bindingInput(b)
	}
	return out
}

func policyRules(in []*model.PolicyRuleInput) []authz.PolicyLine {
	out := make([]authz.PolicyLine, len(in))
	for i, r := range in {
		out[i] = authz.PolicyLine{Role: r.Role, Object: r.Object, Action: r.Action, Scope: authz.ScopeKind(strings.ToLower(string(r.Scope)))}
	}
	return out
}

func policyRuleModels(rules []authz.PolicyLine) []*model.PolicyRule {
	out := make([]*model.PolicyRule, len(rules))
	for i, r := range rules {
		out[i] = &model.PolicyRule{Role: r.Role, Object: r.Object, Action: r.Action, Scope: scopeKindModel(r.Scope)}
	}
	return out
}

func scopeKindModel(k authz.ScopeKind) model.ScopeKind {
	return model.ScopeKind(strings.ToUpper(string(k)))
}

func sensitiveFields(in []model.SensitiveField) []string {
	out := make([]string, len(in))
	for i, f := range in {
		out[i] = strings.ToLower(string(f))
	}
	return out
}

func explanationModel(ctx context.Context, client *ent.Client, ex *authz.Explanation) (*model.AccessExplanation, error) {
	out := &model.AccessExplanation{Allowed: ex.Allowed, Object: ex.Object, Action: ex.Action}
	for _, r := range ex.Reasons {
		b, err := client.RoleBinding.Get(authz.Bypass(ctx, "explain access"), r.Binding.ID)
		if err != nil {
			return nil, err
		}
		kinds := make([]model.ScopeKind, len(r.Scopes))
		for i, k := range r.Scopes {
			kinds[i] = scopeKindModel(k)
		}
		out.Reasons = append(out.Reasons, &model.AccessReason{Binding: b, Scopes: kinds, Matched: r.Matched, Explanation: r.Explanation})
	}
	return out, nil
}

func settingsModel(s workflow.Settings) *model.ProgrammeSettings {
	return &model.ProgrammeSettings{MaxHouseholdsPerCadre: s.MaxHouseholdsPerCadre, VisitLockDays: s.VisitLockDays, ExitNoticeDays: s.ExitNoticeDays}
}
