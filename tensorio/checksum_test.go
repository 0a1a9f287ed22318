package tensorio

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChecksumIsTheFilesSHA256: the recorded value is, by the format's definition, the
// SHA-256 of the file with the value's digits replaced by '0's, computed here from the
// raw bytes with encoding/json and crypto/sha256 only; ReadFile accepts the file and
// leaves the entry out of the metadata it returns.
func TestChecksumIsTheFilesSHA256(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := WriteFile(path, fixtureTensors(), fixtureMetadata); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(raw)
	var header struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	digest := header.Meta["netc.sha256"]
	zeroed := bytes.Replace(raw, []byte(digest), bytes.Repeat([]byte("0"), 64), 1)
	if sum := sha256.Sum256(zeroed); hex.EncodeToString(sum[:]) != digest {
		t.Fatalf("netc.sha256 = %q, the file's SHA-256 with it zeroed is %x", digest, sum)
	}
	_, meta, err := ReadFile(path)
	if err != nil || !maps.Equal(meta, fixtureMetadata) {
		t.Errorf("read back: metadata %q, err %v", meta, err)
	}
}

// TestFlippedBitRefused flips every bit of a file WriteFile wrote, one at a time: each
// damaged copy is refused. A flip in the data, which the format alone cannot notice,
// is reported as a checksum mismatch naming the file.
func TestFlippedBitRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	tensors := []Tensor{named("conv.weight", pattern(2, 3)), named("conv.bias", pattern(2))}
	if err := WriteFile(path, tensors, map[string]string{"epoch": "3"}); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	dataStart := 8 + int(binary.LittleEndian.Uint64(good))
	for i := range good {
		for bit := range 8 {
			flipped := bytes.Clone(good)
			flipped[i] ^= 1 << bit
			_, _, err := Read(bytes.NewReader(flipped))
			switch {
			case err == nil:
				t.Fatalf("byte %d bit %d flipped: read without an error", i, bit)
			case i >= dataStart && !strings.Contains(err.Error(), "checksum does not match"):
				t.Fatalf("byte %d bit %d flipped in the data: %v", i, bit, err)
			}
		}
	}
	good[len(good)-3] ^= 0x10
	bad := filepath.Join(dir, "bad.safetensors")
	if err := os.WriteFile(bad, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": checksum does not match") {
		t.Errorf("ReadFile of a damaged file: %v", err)
	}
}

// TestFilesWithoutChecksumAccepted: files from other tools (the Python-built fixture)
// and from Write have no checksum and read as before.
func TestFilesWithoutChecksumAccepted(t *testing.T) {
	if _, _, err := ReadFile("testdata/numpy.safetensors"); err != nil {
		t.Error(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, fixtureTensors(), fixtureMetadata); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(ChecksumKey)) {
		t.Error("Write recorded a checksum")
	}
	if _, _, err := Read(&buf); err != nil {
		t.Error(err)
	}
}

// TestChecksumEntryErrors: a malformed or misplaced checksum entry is refused, and the
// key is reserved for WriteFile.
func TestChecksumEntryErrors(t *testing.T) {
	entry := `"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`
	digits := strings.Repeat("ab", 32)
	for _, tt := range []struct{ name, header, want string }{
		{"short", `{"__metadata__":{"netc.sha256":"abc"},` + entry + `}`, `netc.sha256 "abc" is not a SHA-256`},
		{"upper case", `{"__metadata__":{"netc.sha256":"` + strings.ToUpper(digits) + `"},` + entry + `}`, "is not a SHA-256"},
		{"not hex", `{"__metadata__":{"netc.sha256":"` + strings.Repeat("g", 64) + `"},` + entry + `}`, "is not a SHA-256"},
		{"spaced", `{"__metadata__":{"netc.sha256": "` + digits + `"},` + entry + `}`, "written compactly"},
		{"twice", `{"__metadata__":{"netc.sha256":"` + digits + `"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"netc.sha256":"` + digits + `"}}`, "exactly once"},
		{"key damaged", `{"__metadata__":{"oetc.sha256":"` + digits + `"},` + entry + `}`, `metadata key "oetc.sha256" is netc.sha256 with one bit flipped`},
		{"wrong", `{"__metadata__":{"netc.sha256":"` + digits + `"},` + entry + `}`, "checksum does not match"},
	} {
		if _, _, err := Read(bytes.NewReader(file(tt.header, 4))); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "w"), nil, map[string]string{ChecksumKey: digits}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("WriteFile with the key given: %v", err)
	}
}
