package shared

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// storedKey keeps keys within maxKeyLen: a longer key (an account name chosen by an attacker)
// keeps its first characters for readability and ends with the hash of the whole.
func storedKey(k string) string {
	if len(k) <= maxKeyLen {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return strings.ToValidUTF8(k[:maxKeyLen-65], "") + "#" + hex.EncodeToString(sum[:])
}
