// Package schema embeds netc.schema.json, the one contract for spec files. The file is
// generated from the compiler's op table (see compiler/internal/schemagen); editors read it for
// completion, and the compiler validates every spec against it.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package schema

import _ "embed"

// JSON is the schema document.
//
//go:embed netc.schema.json
var JSON []byte

// URL is the schema's $id.
const URL = "https://github.com/netc/netc/schema/netc.schema.json"
