package httpapi

import (
	"context"
	"math/rand/v2"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// reasonLockContention marks a CONFLICT the database caused by giving up on the transaction — a
// deadlock, a lock wait timeout, or a Galera certification failure (also error 1213) — rather
// than a rule of the API.
const reasonLockContention = "LOCK_CONTENTION"

// retryLockContention runs a mutation again, in a fresh transaction, when the database gave up on
// it because of competing writers: its transaction was rolled back whole, so running it again is
// what the client would do, only sooner. At most attempts runs, with a short random pause
// between them; after the last the client gets the CONFLICT. Operations that manage their own
// transactions (sign-in) are left alone.
func retryLockContention(attempts int, ownTx entgql.SkipTxFunc) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx).Operation
		if attempts <= 1 || op == nil || op.Operation != ast.Mutation || ownTx(op) {
			return next(ctx)
		}
		return func(rctx context.Context) *graphql.Response {
			for attempt := 1; ; attempt++ {
				resp := next(ctx)(rctx)
				if resp == nil || attempt == attempts || !lostToContention(resp) {
					return resp
				}
				select {
				case <-rctx.Done():
					return resp
				case <-time.After(time.Duration(attempt) * (5*time.Millisecond + rand.N(20*time.Millisecond))):
				}
			}
		}
	}
}

func lostToContention(resp *graphql.Response) bool {
	for _, e := range resp.Errors {
		if e.Extensions["reason"] == reasonLockContention {
			return true
		}
	}
	return false
}
