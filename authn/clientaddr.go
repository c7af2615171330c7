package authn

import "context"

type clientAddrKey struct{}

// WithClientAddr records the address a request came from; the HTTP layer sets it once per
// request (after resolving trusted proxies) so that sign-in throttles and audit rows can name it.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the address set by WithClientAddr ("" outside a request).
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}
