package authn

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestPasswordHashes: a hash verifies its own password only; hashes are salted; a malformed
// or truncated hash verifies nothing.
func TestPasswordHashes(t *testing.T) {
	h1, err := HashPassword("Nanpiao2017")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("Nanpiao2017")
	if h1 == h2 || !strings.HasPrefix(h1, "$argon2id$") {
		t.Fatalf("hashes must be salted argon2id PHC strings: %q %q", h1, h2)
	}
	if !VerifyPassword(h1, "Nanpiao2017") || !VerifyPassword(h2, "Nanpiao2017") {
		t.Fatal("a hash does not verify its own password")
	}
	for _, bad := range []struct{ hash, password string }{
		{h1, "nanpiao2017"}, {h1, "Nanpiao2017 "}, {h1, ""},
		{h1[:len(h1)-4], "Nanpiao2017"}, {"", "Nanpiao2017"}, {"$argon2id$v=19$m=1,t=1,p=1$$", ""},
		{strings.Replace(h1, "argon2id", "argon2i", 1), "Nanpiao2017"},
	} {
		if VerifyPassword(bad.hash, bad.password) {
			t.Errorf("VerifyPassword(%.40q, %q) = true", bad.hash, bad.password)
		}
	}
}

func TestPasswordStrength(t *testing.T) {
	for _, p := range []string{"short1", "onlyletters", "1234567890", "密码密码密码密码"} {
		if CheckPasswordStrength(p) == nil {
			t.Errorf("%q accepted", p)
		}
	}
	if err := CheckPasswordStrength("Nanpiao2017"); err != nil {
		t.Errorf("a good password refused: %v", err)
	}
}

// TestTokens: a token names its user and session until it expires; a token signed with another
// key, another algorithm (none included), another issuer, without expiry or tampered with is
// refused.
func TestTokens(t *testing.T) {
	secret := []byte(strings.Repeat("k", 32))
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	tok, err := signToken(secret, 42, "session-1", now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if uid, sid, err := parseToken(secret, tok, now.Add(59*time.Minute)); err != nil || uid != 42 || sid != "session-1" {
		t.Fatalf("parseToken = %d, %q, %v", uid, sid, err)
	}
	if _, _, err := parseToken(secret, tok, now.Add(61*time.Minute)); err == nil {
		t.Error("an expired token was accepted")
	}
	if _, _, err := parseToken([]byte(strings.Repeat("x", 32)), tok, now); err == nil {
		t.Error("a token signed with another key was accepted")
	}
	parts := strings.Split(tok, ".")
	if _, _, err := parseToken(secret, parts[0]+"."+parts[1]+"x."+parts[2], now); err == nil {
		t.Error("a tampered token was accepted")
	}
	forge := func(method jwt.SigningMethod, key any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := claims{SessionID: "s", RegisteredClaims: jwt.RegisteredClaims{Issuer: issuer, Subject: "1", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	noExpiry := claims{SessionID: "s", RegisteredClaims: jwt.RegisteredClaims{Issuer: issuer, Subject: "1"}}
	otherIssuer := claims{SessionID: "s", RegisteredClaims: jwt.RegisteredClaims{Issuer: "elsewhere", Subject: "1", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	noSession := claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: issuer, Subject: "1", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	for name, forged := range map[string]string{
		"alg none":     forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
		"HS512":        forge(jwt.SigningMethodHS512, secret, good),
		"no expiry":    forge(jwt.SigningMethodHS256, secret, noExpiry),
		"other issuer": forge(jwt.SigningMethodHS256, secret, otherIssuer),
		"no session":   forge(jwt.SigningMethodHS256, secret, noSession),
	} {
		if _, _, err := parseToken(secret, forged, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestAPIKeys: a key splits into its prefix and matches only its own hash.
func TestAPIKeys(t *testing.T) {
	key, prefix, hash := newAPIKey()
	if got, ok := splitAPIKey(key); !ok || got != prefix {
		t.Fatalf("splitAPIKey(%q) = %q, %v; want %q", key, got, ok, prefix)
	}
	if !sameHash(hashAPIKey(key), hash) || sameHash(hashAPIKey(key+"x"), hash) {
		t.Fatal("an API key must match its own hash only")
	}
	if _, ok := splitAPIKey("not-a-key"); ok {
		t.Error("a malformed key was split")
	}
}
