package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func key(b byte) []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = b
	}
	return k
}

func sealer(t *testing.T, current []byte, older ...[]byte) *Sealer {
	t.Helper()
	s, err := NewSealer(current, older...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A sealed value opens only in the place it was sealed for: same table, column and row.
func TestSealedValueIsBoundToItsPlace(t *testing.T) {
	s := sealer(t, key(1))
	home := Place{Table: "residents", Column: "id_number", Row: 42}
	v, err := s.Seal(home, "211404198003150079")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "v2:"+KeyID(key(1))+":") || !s.Current(v) {
		t.Fatalf("sealed value %q does not name the current key", v)
	}
	if got, err := s.Open(home, v); err != nil || got != "211404198003150079" {
		t.Fatalf("Open at home = %q, %v", got, err)
	}
	for _, elsewhere := range []Place{
		{Table: "residents", Column: "id_number", Row: 43},
		{Table: "party_members", Column: "id_number", Row: 42},
		{Table: "residents", Column: "phone", Row: 42},
		{Table: "residents", Column: "id_number", Row: 4},      // no ambiguity between 4|2 and 42
		{Table: "residents", Column: "id_number\x004", Row: 2}, // nor by smuggling a separator
	} {
		if got, err := s.Open(elsewhere, v); !errors.Is(err, ErrWrongPlace) || got != "" {
			t.Errorf("Open at %+v = %q, %v; want ErrWrongPlace", elsewhere, got, err)
		}
	}
}

// Values sealed before key IDs and associated data existed still open, with any configured
// key, and are not "current" (so a rotation rewrites them).
func TestFirstFormatStillOpens(t *testing.T) {
	old := key(7)
	block, _ := aes.NewCipher(derive(old, "sbqw/pii/encrypt/v1"))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	legacy := base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte("17000001234"), nil))

	s := sealer(t, key(8), old)
	if got, err := s.Open(Place{Table: "cadres", Column: "phone", Row: 1}, legacy); err != nil || got != "17000001234" {
		t.Fatalf("legacy value opens to %q, %v", got, err)
	}
	if s.Current(legacy) {
		t.Fatal("a legacy value counts as current")
	}
	if _, err := sealer(t, key(9)).Open(Place{}, legacy); err == nil {
		t.Fatal("a legacy value opened without its key")
	}
}

// With several keys configured, values sealed under any of them open; new values use the
// first; the blind index is the current key's, and lookups get every key's.
func TestSeveralKeys(t *testing.T) {
	a, b := key(1), key(2)
	at := Place{Table: "residents", Column: "phone", Row: 5}
	underA, _ := sealer(t, a).Seal(at, "13800000000")
	s := sealer(t, b, a)
	if got, err := s.Open(at, underA); err != nil || got != "13800000000" {
		t.Fatalf("value under the older key = %q, %v", got, err)
	}
	if s.Current(underA) {
		t.Fatal("a value under the older key counts as current")
	}
	if _, err := sealer(t, b).Open(at, underA); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("value under a key no longer configured: %v, want ErrUnknownKey", err)
	}
	idxA, _ := sealer(t, a).BlindIndex(KindPhone, "13800000000")
	idxB, _ := sealer(t, b).BlindIndex(KindPhone, "13800000000")
	cur, _ := s.BlindIndex(KindPhone, "13800000000")
	all, _ := s.BlindIndexes(KindPhone, "13800000000")
	if idxA == idxB || cur != idxB || len(all) != 2 || all[0] != idxB || all[1] != idxA {
		t.Fatalf("blind indexes: current %q, all %q; want %q then %q", cur, all, idxB, idxA)
	}
	if s.CurrentKeyID() != KeyID(b) || KeyID(a) == KeyID(b) {
		t.Fatal("key IDs")
	}
}

func TestDamagedAndUnkeyed(t *testing.T) {
	s := sealer(t, key(1))
	at := Place{Table: "residents", Column: "id_number", Row: 1}
	v, _ := s.Seal(at, "x")
	flipped := []byte(v)
	flipped[len(flipped)-3] ^= 1
	for _, bad := range []string{"v2:" + KeyID(key(1)), "v2:" + KeyID(key(1)) + ":@@", string(flipped)} {
		if _, err := s.Open(at, bad); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
	var zero *Sealer
	if _, err := zero.Seal(at, "x"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("a sealer without a key sealed: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	a, b := NewKey(), NewKey()
	keys, err := ParseKeys("# retired 2026-11\n" + a + ",\n " + b + "\n")
	if err != nil || len(keys) != 2 {
		t.Fatalf("ParseKeys = %d keys, %v", len(keys), err)
	}
	if _, err := ParseKeys("not-a-key"); err == nil {
		t.Fatal("a malformed key was accepted")
	}
}
