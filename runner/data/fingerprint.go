package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Fingerprint identifies the images and labels of both splits (not where they were read
// from, nor whether the files were compressed): a training run records it, and resuming
// refuses data whose fingerprint differs.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	for _, s := range []*Split{d.Train, d.Test} {
		var dims [24]byte
		binary.LittleEndian.PutUint64(dims[0:], uint64(s.N))
		binary.LittleEndian.PutUint64(dims[8:], uint64(s.Height))
		binary.LittleEndian.PutUint64(dims[16:], uint64(s.Width))
		h.Write(dims[:])
		h.Write(s.Images)
		h.Write(s.Labels)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
