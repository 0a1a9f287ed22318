package main

import (
	"github.com/spf13/cobra"

	"github.com/netc/netc/schema"
)

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of spec files, for editors",
		Long: `Schema prints the JSON Schema (draft-07) every spec is validated against. Editors with a
TOML plugin that reads JSON Schema (Even Better TOML / Taplo in VS Code, for example) use it for
completion, hover documentation and errors as you type.`,
		Example: `  netc schema > netc.schema.json
  # then, at the top of a spec, for Taplo:
  #:schema ./netc.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := cmd.OutOrStdout().Write(schema.JSON)
			return err
		},
	}
}
