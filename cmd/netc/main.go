// Command netc checks, compiles, trains and times convolutional networks written as
// declarative TOML specs. Run `netc --help` for the commands.
package main

import (
	"os"

	_ "github.com/netc/netc/internal/ops" // the ops specs can name
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
