package attachments

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signed download links. A link names the attachment, the user it was minted for and when it
// expires, with an HMAC-SHA256 over the three under a key derived from the server secret:
//
//	/attachments/{id}?u={userID}&exp={unix}&sig={base64url}
//
// The download handler also requires the request's own credential (Authorization) and that it
// belongs to the same user: a link that leaks (a log, a shared screen) is useless to anyone
// else, and a link minted for one user is refused to another even before its expiry. The
// handler then re-reads the attachment through the caller's scope, so a binding taken away
// after the link was minted takes effect at once.

// Signer mints and checks links.
type Signer struct {
	key []byte
	TTL time.Duration
}

// NewSigner derives the link key from the server secret (never the secret itself, so a link
// signature can never be a valid token signature).
func NewSigner(secret []byte, ttl time.Duration) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("sbqw attachment links v1"))
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	return &Signer{key: m.Sum(nil), TTL: ttl}
}

func (s *Signer) mac(id, user int, exp int64) []byte {
	m := hmac.New(sha256.New, s.key)
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], uint64(id))
	binary.BigEndian.PutUint64(b[8:], uint64(user))
	binary.BigEndian.PutUint64(b[16:], uint64(exp))
	m.Write(b[:])
	return m.Sum(nil)
}

// URL is the path and query of a link to attachment id for user, valid until now+TTL.
func (s *Signer) URL(id, user int, now time.Time) string {
	exp := now.Add(s.TTL).Unix()
	return "/attachments/" + strconv.Itoa(id) + "?u=" + strconv.Itoa(user) + "&exp=" + strconv.FormatInt(exp, 10) +
		"&sig=" + base64.RawURLEncoding.EncodeToString(s.mac(id, user, exp))
}

// Link errors (the handler answers all of them alike: NOT_FOUND).
var (
	ErrBadLink     = errors.New("malformed or forged link")
	ErrExpiredLink = errors.New("expired link")
	ErrOtherUser   = errors.New("link minted for another user")
)

// Check verifies a link's parameters for attachment id presented by user at now.
func (s *Signer) Check(id int, u, exp, sig string, user int, now time.Time) error {
	uid, err1 := strconv.Atoi(u)
	e, err2 := strconv.ParseInt(exp, 10, 64)
	got, err3 := base64.RawURLEncoding.DecodeString(strings.TrimSpace(sig))
	if err1 != nil || err2 != nil || err3 != nil {
		return ErrBadLink
	}
	if !hmac.Equal(got, s.mac(id, uid, e)) {
		return ErrBadLink
	}
	if now.Unix() > e {
		return ErrExpiredLink
	}
	if uid != user {
		return ErrOtherUser
	}
	return nil
}
