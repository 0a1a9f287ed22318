package tensorio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"math/bits"
	"strings"
)

// ChecksumKey is the metadata entry in which WriteFile records the SHA-256
// of the whole file, computed with the entry's own 64 hex digits written as
// '0's (a file cannot contain its own hash otherwise). It covers the header
// (names, shapes, the other metadata: a checkpoint's epoch and RNG state)
// as well as every tensor's data, so a flipped bit anywhere is caught. Files
// from other tools have no such entry and are read without a check.
//
// To verify by hand: replace the 64 digits after "netc.sha256":" with
// zeros and compare sha256sum of the result with them.
const ChecksumKey = "netc.sha256"

var checksumPlaceholder = strings.Repeat("0", 2*sha256.Size)

// writeSealed writes what Write would for tensors and metadata plus the
// ChecksumKey entry holding the file's checksum.
func writeSealed(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	if err := checkTensors(tensors, metadata); err != nil {
		return err
	}
	meta := maps.Clone(metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[ChecksumKey] = checksumPlaceholder
	order := sortedByName(tensors)
	header, err := encodeHeader(order, meta)
	if err != nil {
		return err
	}
	at, err := checksumAt(header, checksumPlaceholder)
	if err != nil {
		return err // cannot happen: encodeHeader wrote the entry once
	}
	h := sha256.New()
	if err := writeParts(h, header, order); err != nil {
		return err
	}
	hex.Encode(header[at:], h.Sum(nil))
	return writeParts(w, header, order)
}

// checksumAt returns the offset in the encoded header (length prefix
// included) of the checksum's hex digits. The entry is looked for as the
// bytes "netc.sha256":"<value>" which can only be the key and its value:
// inside any JSON string the quotes would be escaped. It must occur once.
func checksumAt(header []byte, value string) (int, error) {
	entry := []byte(`"` + ChecksumKey + `":"` + value + `"`)
	at := bytes.Index(header, entry)
	if at < 0 || bytes.Count(header, entry) != 1 {
		return 0, fmt.Errorf("%s: the entry must appear exactly once, written compactly as netc writes it", ChecksumKey)
	}
	return at + len(entry) - 1 - len(value), nil
}

// checksum verifies a file's ChecksumKey entry while the data is read.
type checksum struct {
	want string
	h    hash.Hash
}

// startChecksum takes the ChecksumKey entry out of meta and, when there is
// one, returns a checksum fed with the header as it was written (the digits
// zeroed); the caller feeds it the data section and calls verify. It
// returns nil for a file without a checksum.
func startChecksum(prefix, header []byte, meta map[string]string) (*checksum, error) {
	want, ok := meta[ChecksumKey]
	if !ok {
		// Without this, one flipped bit in the key would pass the file off as
		// one from another tool, with nothing checked.
		for k := range meta {
			if oneBitApart(k, ChecksumKey) {
				return nil, fmt.Errorf("metadata key %q is %s with one bit flipped: the file is damaged", short(k), ChecksumKey)
			}
		}
		return nil, nil
	}
	delete(meta, ChecksumKey)
	if len(want) != len(checksumPlaceholder) || strings.ToLower(want) != want {
		return nil, fmt.Errorf("%s %q is not a SHA-256 (64 lowercase hex digits)", ChecksumKey, truncate([]byte(want)))
	}
	if _, err := hex.DecodeString(want); err != nil {
		return nil, fmt.Errorf("%s %q is not a SHA-256 (64 lowercase hex digits)", ChecksumKey, truncate([]byte(want)))
	}
	at, err := checksumAt(header, want)
	if err != nil {
		return nil, err
	}
	zeroed := bytes.Clone(header)
	copy(zeroed[at:], checksumPlaceholder)
	c := &checksum{want: want, h: sha256.New()}
	c.h.Write(prefix)
	c.h.Write(zeroed)
	return c, nil
}

// errChecksum marks a file whose contents do not hash to its recorded checksum.
var errChecksum = errors.New("checksum does not match")

func (c *checksum) verify() error {
	if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want {
		return fmt.Errorf("%w: the file hashes to sha256 %s…, its metadata (%s) records %s…; it was damaged or changed after netc wrote it",
			errChecksum, got[:16], ChecksumKey, c.want[:16])
	}
	return nil
}

// oneBitApart reports whether a and b differ in exactly one bit.
func oneBitApart(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := range len(a) {
		diff += bits.OnesCount8(a[i] ^ b[i])
	}
	return diff == 1
}
