package authn

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const issuer = "sbqw"

// claims of a bearer token: the user, the session it belongs to (so it can be revoked) and
// the usual times.
type claims struct {
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// signToken issues an HS256 token for a user's session.
func signToken(secret []byte, userID int, sessionID string, issued, expires time.Time) (string, error) {
	c := claims{SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   strconv.Itoa(userID),
		IssuedAt:  jwt.NewNumericDate(issued),
		ExpiresAt: jwt.NewNumericDate(expires),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// errBadToken is every token failure: forged, expired, wrong algorithm, wrong key, revoked.
// Callers see one UNAUTHENTICATED answer whatever the reason.
var errBadToken = errors.New("invalid or expired token")

// parseToken verifies signature (HS256 only — "none" and every other algorithm are refused),
// issuer and expiry, and returns the user and session.
func parseToken(secret []byte, token string, now time.Time) (userID int, sessionID string, err error) {
	var c claims
	_, err = jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return 0, "", errBadToken
	}
	userID, err = strconv.Atoi(c.Subject)
	if err != nil || c.SessionID == "" {
		return 0, "", errBadToken
	}
	return userID, c.SessionID, nil
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// API keys look like sbqw_<prefix>_<secret>. The prefix (10 characters) finds the key; only a
// SHA-256 hash of the whole key is stored — the key is 256 bits of randomness, so a fast hash
// is enough and keeps every request cheap.
const apiKeyScheme = "sbqw_"

func newAPIKey() (key, prefix, hash string) {
	prefix = strings.ToLower(strings.NewReplacer("-", "a", "_", "b").Replace(randomString(10)))
	key = apiKeyScheme + prefix + "_" + randomString(43)
	return key, prefix, hashAPIKey(key)
}

func hashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// splitAPIKey returns the prefix of a well-formed key.
func splitAPIKey(key string) (prefix string, ok bool) {
	rest, ok := strings.CutPrefix(key, apiKeyScheme)
	if !ok {
		return "", false
	}
	prefix, secret, ok := strings.Cut(rest, "_")
	return prefix, ok && len(prefix) == 10 && len(secret) >= 32
}

func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
