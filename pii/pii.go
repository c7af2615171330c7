// Package pii keeps personal data out of reach of a database dump and out of every read:
// ID numbers and phone numbers are validated, sealed (AES-256-GCM) for storage, indexed by a
// keyed hash for exact lookup and duplicate checks, and masked for display.
//
// A sealed value is bound to its place: the associated data names the table, the column and
// the row, so a ciphertext copied or swapped into another row (or column) does not open there.
// It also names the key that sealed it, so several keys can be configured at once while the
// data is moved to a new one (key rotation, see Sealer.Current and docs/keys.md).
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// KeySize is the length of a data key in bytes (before encoding).
const KeySize = 32

// ErrNoKey is returned when personal data is written without a configured data key.
var ErrNoKey = errors.New("pii: no data key configured")

// Errors of Open. A value that names a configured key but does not open with it has been
// damaged or moved from another row: AES-GCM cannot tell the two apart, and neither matters
// to the reader — it must not be shown.
var (
	ErrCorrupt    = errors.New("pii: sealed value is corrupt")
	ErrUnknownKey = errors.New("pii: sealed value names a data key that is not configured")
	ErrWrongPlace = errors.New("pii: sealed value does not open here (damaged, or moved from another row)")
)

// Place names where a sealed value is stored; it is the value's associated data. Row is the
// row's primary key, which is unique across tables (global IDs) and never reused.
type Place struct {
	Table, Column string
	Row           int
}

func (p Place) aad() []byte {
	return []byte("sbqw/pii/v2\x00" + p.Table + "\x00" + p.Column + "\x00" + strconv.Itoa(p.Row))
}

// prefix starts every value sealed in the current format, followed by the key ID and a colon.
// Values written before it have no prefix and no associated data (the base64 alphabet has no
// colon, so the two never mix up); they open with any configured key until rotated.
const prefix = "v2:"

type dataKey struct {
	id      string // fingerprint of the key: its first 4 bytes of a keyed hash, hex
	aead    cipher.AEAD
	hashKey []byte
}

// Sealer encrypts and blind-indexes personal fields. It holds the current data key, which seals
// every new value and computes every stored blind index, and any older keys, which still open
// the values sealed with them and whose blind indexes are still looked up, until a rotation
// has moved everything to the current key.
// The zero value refuses every operation, so a missing key fails loudly rather than storing
// plaintext.
type Sealer struct {
	keys []dataKey // keys[0] is current
}

// NewSealer takes the current 32-byte data key and, optionally, older keys still to be read.
func NewSealer(current []byte, older ...[]byte) (*Sealer, error) {
	s := &Sealer{}
	seen := map[string]bool{}
	for _, raw := range append([][]byte{current}, older...) {
		if len(raw) != KeySize {
			return nil, fmt.Errorf("pii: data key must be %d bytes, got %d", KeySize, len(raw))
		}
		block, err := aes.NewCipher(derive(raw, "sbqw/pii/encrypt/v1"))
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k := dataKey{id: KeyID(raw), aead: aead, hashKey: derive(raw, "sbqw/pii/blind-index/v1")}
		if seen[k.id] {
			continue // the same key listed twice
		}
		seen[k.id] = true
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// KeyID names a data key without revealing it: 8 hex digits of a hash keyed by it. Key IDs are
// derived rather than chosen, so they cannot be misnamed in a configuration.
func KeyID(raw []byte) string { return hex.EncodeToString(derive(raw, "sbqw/pii/key-id/v1")[:4]) }

// CurrentKeyID is the ID of the key that seals new values; empty without a key.
func (s *Sealer) CurrentKeyID() string {
	if s == nil || len(s.keys) == 0 {
		return ""
	}
	return s.keys[0].id
}

// CurrentPrefix is how every value sealed with the current key begins (for finding the rest).
func (s *Sealer) CurrentPrefix() string { return prefix + s.CurrentKeyID() + ":" }

// Current reports whether sealed is in the current format under the current key.
func (s *Sealer) Current(sealed string) bool {
	return s.CurrentKeyID() != "" && strings.HasPrefix(sealed, s.CurrentPrefix())
}

// ParseKey decodes a data key given as base64 (standard or URL alphabet) or 64 hex digits.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, fmt.Errorf("data key must be %d bytes encoded as base64 or hex", KeySize)
}

// ParseKeys decodes a list of data keys separated by commas, spaces or new lines; lines
// starting with # are comments (a key file may say which key is which).
func ParseKeys(s string) ([][]byte, error) {
	var out [][]byte
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			k, err := ParseKey(f)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
	}
	return out, nil
}

// NewKey returns a fresh random data key, base64-encoded.
func NewKey() string {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext with the current key, bound to its place; the result is text safe
// for a VARCHAR column: "v2:" key ID ":" base64(nonce ‖ ciphertext).
func (s *Sealer) Seal(at Place, plaintext string) (string, error) {
	if s == nil || len(s.keys) == 0 {
		return "", ErrNoKey
	}
	k := s.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := k.aead.Seal(nonce, nonce, []byte(plaintext), at.aad())
	return prefix + k.id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal produced for the same place. A value in the first format (no key ID,
// no associated data) is tried with every configured key: it is not bound to its row, which is
// why a rotation rewrites it.
func (s *Sealer) Open(at Place, sealed string) (string, error) {
	if s == nil || len(s.keys) == 0 {
		return "", ErrNoKey
	}
	if rest, ok := strings.CutPrefix(sealed, prefix); ok {
		id, body, ok := strings.Cut(rest, ":")
		if !ok {
			return "", ErrCorrupt
		}
		for _, k := range s.keys {
			if k.id == id {
				return open(k.aead, body, at.aad())
			}
		}
		return "", ErrUnknownKey
	}
	for _, k := range s.keys {
		if plain, err := open(k.aead, sealed, nil); err == nil {
			return plain, nil
		}
	}
	return "", ErrUnknownKey
}

func open(aead cipher.AEAD, body string, aad []byte) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", ErrCorrupt
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], aad)
	if err != nil {
		return "", ErrWrongPlace
	}
	return string(plain), nil
}

// BlindIndex is a keyed hash of a normalised value under the current key: equal inputs give
// equal indexes, and the index reveals nothing without the data key. kind separates namespaces
// (ID numbers, phones). It is what is stored.
func (s *Sealer) BlindIndex(kind, value string) (string, error) {
	if s == nil || len(s.keys) == 0 {
		return "", ErrNoKey
	}
	return blindIndex(s.keys[0].hashKey, kind, value), nil
}

// BlindIndexes is the value's blind index under every configured key, the current one first:
// what a lookup must search for while a rotation has not yet rekeyed every row.
func (s *Sealer) BlindIndexes(kind, value string) ([]string, error) {
	if s == nil || len(s.keys) == 0 {
		return nil, ErrNoKey
	}
	out := make([]string, len(s.keys))
	for i, k := range s.keys {
		out[i] = blindIndex(k.hashKey, kind, value)
	}
	return out, nil
}

func blindIndex(key []byte, kind, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Blind index kinds.
const (
	KindIDNumber = "id"
	KindPhone    = "phone"
)

// DuplicateError says that a value being written is already stored in another live row under
// an older key's blind index (one under the current key is the database's unique index's to
// refuse). Indexes are the value's blind indexes, for finding that row.
type DuplicateError struct {
	Table, Column string
	Indexes       []string
}

func (e *DuplicateError) Error() string {
	return "pii: duplicate " + e.Table + "." + e.Column
}
