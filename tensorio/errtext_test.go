package tensorio

import (
	"bytes"
	"strings"
	"testing"
)

// TestErrorsQuoteBriefly: names, dtypes, keys and shapes that a hostile file makes
// thousands of bytes long are quoted shortened, so each error stays a line.
func TestErrorsQuoteBriefly(t *testing.T) {
	long := strings.Repeat("é", 5000)
	dims := strings.TrimSuffix(strings.Repeat("100,", 5000), ",")
	for _, tt := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"long name", file(`{"`+long+`":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`, 2), "dtype F16 not supported"},
		{"long dtype", file(`{"w":{"dtype":"`+long+`","shape":[1],"data_offsets":[0,2]}}`, 2), "unknown dtype"},
		{"long metadata key", file(`{"__metadata__":{"`+long+`":"a","`+long+`":"b"}}`, 0), "appears twice"},
		{"many dimensions", file(`{"w":{"dtype":"F32","shape":[`+dims+`],"data_offsets":[0,4]}}`, 4), "(5000 dimensions) holds more than 2^62 bytes"},
		{"long token", file(`{"w":{"dtype":"F32","shape":["`+long+`"],"data_offsets":[0,4]}}`, 4), "expected an integer"},
		{"npy long dtype", npyFile("{'descr': '"+long+"', 'fortran_order': False, 'shape': (1,), }", 4), "not supported"},
		{"npy many dimensions", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': ("+dims+"), }", 4), "(5000 dimensions) holds more than 2^62 bytes"},
		{"npy long key", npyFile("{'"+long+"': 1}", 4), "unexpected key"},
	} {
		var err error
		if strings.HasPrefix(tt.name, "npy") {
			_, _, err = DecodeNPY(bytes.NewReader(tt.input))
		} else {
			_, _, err = Read(bytes.NewReader(tt.input))
		}
		if err == nil {
			t.Errorf("%s: no error", tt.name)
		} else if msg := err.Error(); !strings.Contains(msg, tt.want) || len(msg) > 300 {
			t.Errorf("%s: error of %d bytes: %.300q, want a short one saying %q", tt.name, len(msg), msg, tt.want)
		}
	}
}
