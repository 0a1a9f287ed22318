package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Fingerprint identifies the images and labels of both splits, as the network sees them
// before the loader (converted channels, an image folder's resize and hold-out), and the
// class names when the source names its own; not where they were read from, nor whether
// the files were compressed. A training run records it, and resuming refuses data whose
// fingerprint differs. Grayscale Fashion-MNIST hashes as it did before channels and class
// names existed, so the runs that recorded it still resume.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	for _, s := range []*Split{d.Train, d.Test} {
		var dims [24]byte
		binary.LittleEndian.PutUint64(dims[0:], uint64(s.N))
		binary.LittleEndian.PutUint64(dims[8:], uint64(s.Height))
		binary.LittleEndian.PutUint64(dims[16:], uint64(s.Width))
		h.Write(dims[:])
		if c := s.C(); c != 1 {
			var ch [8]byte
			binary.LittleEndian.PutUint64(ch[:], uint64(c))
			h.Write(append([]byte("channels"), ch[:]...))
		}
		h.Write(s.Images)
		h.Write(s.Labels)
	}
	for _, name := range d.Classes {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(name)))
		h.Write(n[:])
		h.Write([]byte(name))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
