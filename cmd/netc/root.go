package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/userfile"
)

// Exit codes are part of the command-line contract (README and docs/cli.md, "Exit codes").
const (
	exitOK      = 0
	exitInvalid = 1 // the spec (or a data or weights file) is wrong
	exitUsage   = 2 // the command line is wrong
)

// exitError carries an exit code up through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// run executes the command line and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "netc:", ee.err)
		}
		return ee.code
	}
	// Everything cobra itself reports (unknown command, bad flag) is a usage error.
	fmt.Fprintln(stderr, "netc:", err)
	if !strings.Contains(err.Error(), "--help") {
		fmt.Fprintln(stderr, "Run 'netc --help' for usage.")
	}
	return exitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "netc",
		Short: "A compiler for convolutional networks written as TOML specs",
		Long: `netc compiles a convolutional network written as a short TOML spec (blocks, repeats,
branches, expressions) into a checked, shape-inferred graph, and from there into a fused,
memory-planned plan that runs on the CPU.

The seven networks of the "Modern CNNs" chapter of Dive into Deep Learning are in specs/.`,
		Example: `  # check a spec: every layer's shape, parameters and MACs
  netc check specs/googlenet.toml

  # the JSON Schema that spec files follow (for editor completion)
  netc schema > netc.schema.json`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	root.AddCommand(newCheckCmd(), newSchemaCmd())
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

// commands holds the constructors of the commands defined in other files of this package;
// each file registers its own in an init function, so adding a command touches one file.
var commands []func() *cobra.Command

// compileFlags are the flags every command that compiles a spec shares.
type compileFlags struct {
	set   []string
	input string
}

func (f *compileFlags) register(c *cobra.Command) { f.registerAs(c, "input") }

// registerAs names the input-size flag, for commands whose --input is a data file.
func (f *compileFlags) registerAs(c *cobra.Command, inputFlag string) {
	c.Flags().StringArrayVar(&f.set, "set", nil, "override a spec parameter, name=value (repeatable), e.g. --set ratio=4")
	c.Flags().StringVar(&f.input, inputFlag, "", "override the input size: CxHxW (e.g. 1x224x224), HxW or one size")
}

func (f *compileFlags) options() compiler.Options {
	return compiler.Options{Set: f.set, Input: f.input}
}

// compile checks the spec at path; a missing file is a usage error, a wrong spec is not.
func (f *compileFlags) compile(cmd *cobra.Command, path string) (*ir.Graph, error) {
	g, _, err := f.compileSource(cmd, path)
	return g, err
}

// compileSource reads the spec file once and compiles it, returning the source too for
// those that keep it (a training run copies it into its directory).
func (f *compileFlags) compileSource(cmd *cobra.Command, path string) (*ir.Graph, []byte, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil, usageErrorf("%s: no such spec file (the bundled specs are in specs/)", path)
	}
	if err := userfile.Check(path); err != nil {
		return nil, nil, usageErrorf("%v; give a spec file such as specs/resnet18.toml", err)
	}
	src, err := userfile.ReadFile(path, compiler.MaxSpecBytes)
	if err != nil {
		return nil, nil, &exitError{exitInvalid, err}
	}
	g, err := compiler.CheckSource(path, src, f.options())
	if err != nil {
		return nil, nil, compileErr(cmd.ErrOrStderr(), err)
	}
	return g, src, nil
}

// compileRun compiles the spec a run directory keeps, for train.Resume.
func compileRun(file string, src []byte, set []string, input string) (*ir.Graph, error) {
	return compiler.CheckSource(file, src, compiler.Options{Set: set, Input: input})
}

// specArg completes spec file names in shells.
func specArg(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return []string{"toml"}, cobra.ShellCompDirectiveFilterFileExt
}

// compileErr turns a compiler error into an exit code and prints the diagnostics.
func compileErr(stderr io.Writer, err error) error {
	var oe *compiler.OptionError
	if errors.As(err, &oe) {
		return &exitError{exitUsage, oe}
	}
	if d := compiler.Diagnostics(err); d != nil {
		for _, x := range d {
			fmt.Fprintln(stderr, x)
		}
		noun := "errors"
		if len(d) == 1 {
			noun = "error"
		}
		return &exitError{exitInvalid, fmt.Errorf("%d %s", len(d), noun)}
	}
	return &exitError{exitInvalid, err}
}
