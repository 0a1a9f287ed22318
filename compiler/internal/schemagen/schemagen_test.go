package schemagen

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/netc/netc/schema"
)

var update = flag.Bool("update", false, "rewrite schema/netc.schema.json")

// The committed schema must be what the op table generates.
func TestSchemaUpToDate(t *testing.T) {
	got, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("../../../schema/netc.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, schema.JSON) {
		t.Fatal("schema/netc.schema.json is out of date with compiler/ir: run `go test ./compiler/internal/schemagen -update` and review the diff")
	}
}
