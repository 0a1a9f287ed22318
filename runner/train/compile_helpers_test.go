package train

import (
	"context"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

// compileSpec is what the CLI hands Resume: the compiler's CheckSource.
func compileSpec(file string, src []byte, set []string, input string) (*ir.Graph, error) {
	return compiler.CheckSource(file, src, compiler.Options{Set: set, Input: input})
}

// newRun compiles cfg's spec source as the CLI does and starts the run.
func newRun(cfg Config, obs Observer) (*Run, error) {
	return newRunContext(context.Background(), cfg, obs)
}

func newRunContext(ctx context.Context, cfg Config, obs Observer) (*Run, error) {
	g, err := compileSpec(cfg.Spec, cfg.SpecSource, cfg.Set, cfg.Input)
	if err != nil {
		return nil, err
	}
	return NewContext(ctx, cfg, g, obs)
}
