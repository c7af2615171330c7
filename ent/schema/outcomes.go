package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/money"
)

// What demonstration projects cost and achieved (see docs/outcomes.md).

// moneyType exposes an amount in fen as the Money scalar (yuan with two places on the wire).
var moneyType = entgql.Type("Money")

// optionalMoney declares an exact amount of money that may be unknown (NULL): a BIGINT of fen,
// never a float.
func optionalMoney(name, comment string, annotations ...schema.Annotation) ent.Field {
	return field.Int64(name).GoType(money.Fen(0)).Comment(comment + " (fen in the database; Money on the API)").
		Optional().Nillable().Annotations(append(annotations, moneyType)...)
}

// amountMoney declares a non-negative amount of money, 0 until set.
func amountMoney(name, comment string) ent.Field {
	return field.Int64(name).GoType(money.Fen(0)).Comment(comment + " (fen in the database; Money on the API)").
		Default(0).NonNegative().Annotations(moneyType)
}

// projectOutcomeFields are the figures a project achieved, kept up to date by whoever may
// edit the project.
func projectOutcomeFields() []ent.Field {
	return []ent.Field{
		field.Int("households_driven").NonNegative().Default(0).Comment("Households driven by the project 带动户数"),
		field.Int("persons_driven").NonNegative().Default(0).Comment("Persons driven by the project 带动人数"),
		field.Int("needy_households_driven").NonNegative().Default(0).Comment("Of the households driven, needy ones 其中困难户数"),
		optionalMoney("income_gain_per_household", "Yearly income gain per driven household 户均增收"),
		optionalMoney("new_collective_income", "New village collective income 新增村集体收入"),
		field.Int("jobs_created").NonNegative().Default(0).Comment("Jobs created 新增就业岗位"),
	}
}

// notMoreThan: the part (needy households) cannot exceed the whole (households driven), nor
// the households the persons driven.
func notMoreThan(part, whole, message string) ent.Hook {
	return onWrite(func(ctx context.Context, m ent.Mutation) error {
		p, okP := valueAfter(ctx, m, part)
		w, okW := valueAfter(ctx, m, whole)
		if !okP || !okW {
			return nil
		}
		pi, _ := asInt(p)
		wi, _ := asInt(w)
		if pi > wi {
			return apperr.Invalid(gqlName(part), "%s", message)
		}
		return nil
	})
}
