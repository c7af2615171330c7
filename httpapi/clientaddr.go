package httpapi

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/nanpiao/sbqw/authn"
)

// ParseTrustedProxies reads a comma-separated list of CIDRs or single addresses, such as
// "10.0.0.0/8, 127.0.0.1".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR such as 10.0.0.0/8 nor an address", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// withClientAddr puts the client's address in the context (ClientAddr): what sign-in throttles
// count against and what sessions and the audit trail record.
func withClientAddr(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := authn.WithClientAddr(r.Context(), clientAddr(r, trusted))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientAddr is the TCP peer's address, unless the peer is one of the trusted proxies: then
// the forwarding headers say who the client is. X-Forwarded-For is read from the right, past
// every trusted proxy, so a client cannot choose its address by sending the header itself;
// X-Real-IP is used when there is no X-Forwarded-For. From any other peer the headers are
// ignored: otherwise a client could spread its failed sign-ins over made-up addresses.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer, trusted) {
		return host
	}
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				return host // a malformed hop: trust nothing beyond the proxy we know
			}
			if !isTrusted(a, trusted) {
				return a.Unmap().String()
			}
		}
		return host
	}
	if a, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil {
		return a.Unmap().String()
	}
	return host
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
