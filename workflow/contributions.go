package workflow

import (
	"context"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// ContributionRules: only a contribution of money or goods (领办创办经营主体, 电商销售,
// 捐资捐物) states their worth, in fen and never negative; work (new techniques, post or
// volunteer service) has none — a worth there would be counted as money that never moved.
// On an update the rule holds for the row as it will be, type and amount together.
func ContributionRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ContributionFunc(func(ctx context.Context, m *ent.ContributionMutation) (ent.Value, error) {
			typ, typeSet := m.GetType()
			amount, amountSet := m.AmountFen()
			hasAmount := amountSet
			if m.Op().Is(ent.OpUpdateOne) {
				if !typeSet {
					old, err := m.OldType(ctx)
					if err != nil {
						return nil, err
					}
					typ = old
				}
				if !amountSet && !m.AmountFenCleared() {
					old, err := m.OldAmountFen(ctx)
					if err != nil {
						return nil, err
					}
					hasAmount = old != nil
				}
			} else if !typeSet {
				typ = enum.ContributionPostService // ent sets defaults before hooks; kept for safety
			}
			if hasAmount && !typ.CarriesAmount() {
				return nil, apperr.Invalid("amountFen", "a %s contribution involves no money or goods and has no amount (只有领办创办、电商销售、捐资捐物类贡献填写金额)", typ)
			}
			if amountSet && amount < 0 {
				return nil, apperr.Invalid("amountFen", "the amount cannot be negative (金额不能为负)")
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
