package data

import (
	"sync"
	"testing"
)

var embedded = sync.OnceValues(LoadEmbedded)

// embeddedSet returns the embedded subset: real Fashion-MNIST images that
// every test can rely on, decoded once per test binary.
func embeddedSet(t testing.TB) *Dataset {
	t.Helper()
	ds, err := embedded()
	if err != nil {
		t.Fatalf("LoadEmbedded: %v", err)
	}
	return ds
}

func (ds *Dataset) split(name string) *Split {
	if name == "train" {
		return ds.Train
	}
	return ds.Test
}
