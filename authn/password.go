// Package authn establishes who is calling: password hashing, signed bearer tokens, API keys
// and the login rate limiter. What the caller may do is package authz's business.
package authn

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106's second recommended option, with 64 MiB): about 50–100 ms a
// hash on the project's 2-core machines.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted when one is set.
const MinPasswordLength = 10

// HashCost is the argon2id cost of a new hash. A hash records its own cost, and verification
// always uses that, so lowering the cost of new hashes never weakens the check of old ones.
type HashCost struct {
	Time, MemoryKiB uint32
	Threads         uint8
}

// ProductionHashCost is the cost of every hash the server writes.
var ProductionHashCost = HashCost{Time: argonTime, MemoryKiB: argonMemory, Threads: argonThreads}

// MinimalHashCost is the lowest cost a stored hash may have. Only for tests: suites that reset
// passwords by the hundred would otherwise spend most of their time hashing.
var MinimalHashCost = HashCost{Time: 1, MemoryKiB: 64, Threads: 1}

var newHashCost atomic.Pointer[HashCost]

// SetHashCost sets the cost of hashes written from now on (tests: MinimalHashCost).
func SetHashCost(c HashCost) { newHashCost.Store(&c) }

// HashPassword returns an argon2id hash in the PHC string format, at ProductionHashCost unless
// a test chose another.
func HashPassword(password string) (string, error) {
	if c := newHashCost.Load(); c != nil {
		return c.Hash(password)
	}
	return ProductionHashCost.Hash(password)
}

// Hash returns an argon2id hash of password at this cost, in the PHC string format.
func (c HashCost) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, c.Time, c.MemoryKiB, c.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// dummyHash is verified against when the user does not exist, so that a wrong username costs
// as much time (and hashing memory) as a wrong password — always at the production cost
// (TestDummyHashHasProductionCost). It is a constant rather than hashed at start-up: hashing it
// cost every process, tools and tests included, 64 MiB and a tenth of a second before main.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$YEzP7CEInTCCAKc9prxgDw$ByaUiLYaC05IGbbb8+k36ZDJ6qiLoQ7mJZa6K6FIJKs"

// VerifyPassword reports whether password matches hash. An empty hash (unknown user) still
// spends the time of a real verification.
func VerifyPassword(hash, password string) bool {
	if hash == "" {
		hash = dummyHash
		password += "\x00" // never matches
	}
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

func decodeHash(hash string) (argonParams, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	var p argonParams
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, err
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, err
	}
	// A stored hash is data: parameters argon2 cannot take (it panics on zero time or threads)
	// or that would cost more than a hash of ours are refused rather than computed.
	if p.time < 1 || p.time > 10 || p.threads < 1 || p.memory < 8*uint32(p.threads) || p.memory > 256*1024 || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, errors.New("argon2id parameters out of range")
	}
	return p, salt, key, nil
}

// CheckPasswordStrength refuses passwords that are too short or all one character class.
func CheckPasswordStrength(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return fmt.Errorf("password must have at least %d characters (密码至少%d位)", MinPasswordLength, MinPasswordLength)
	}
	var letters, digits bool
	for _, r := range password {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letters = true
		}
	}
	if !letters || !digits {
		return errors.New("password must mix letters and digits (密码须同时包含字母和数字)")
	}
	return nil
}
