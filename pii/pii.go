// Package pii keeps personal data out of reach of a database dump and out of every read:
// ID numbers and phone numbers are validated, sealed (AES-256-GCM) for storage, indexed by a
// keyed hash for exact lookup and duplicate checks, and masked for display.
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
	"strings"
)

// KeySize is the length of a data key in bytes (before encoding).
const KeySize = 32

// ErrNoKey is returned when personal data is written without a configured data key.
var ErrNoKey = errors.New("pii: no data key configured")

// Sealer encrypts and blind-indexes personal fields with keys derived from one data key.
// The zero value refuses every operation, so a missing key fails loudly rather than storing
// plaintext.
type Sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

// NewSealer derives the encryption and hashing keys from a 32-byte data key.
func NewSealer(dataKey []byte) (*Sealer, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("pii: data key must be %d bytes, got %d", KeySize, len(dataKey))
	}
	encKey := derive(dataKey, "sbqw/pii/encrypt/v1")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, hashKey: derive(dataKey, "sbqw/pii/blind-index/v1")}, nil
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

// Seal encrypts plaintext; the result is base64 text safe for a VARCHAR/TEXT column.
func (s *Sealer) Seal(plaintext string) (string, error) {
	if s == nil || s.aead == nil {
		return "", ErrNoKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal produced.
func (s *Sealer) Open(sealed string) (string, error) {
	if s == nil || s.aead == nil {
		return "", ErrNoKey
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("pii: sealed value is corrupt")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("pii: sealed value does not open with this data key")
	}
	return string(plain), nil
}

// BlindIndex is a keyed hash of a normalised value: equal inputs give equal indexes, and the
// index reveals nothing without the data key. kind separates namespaces (ID numbers, phones).
func (s *Sealer) BlindIndex(kind, value string) (string, error) {
	if s == nil || s.aead == nil {
		return "", ErrNoKey
	}
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
