// Package report renders a compiled graph for people (the per-layer table of `netc check`)
// and for programs (the JSON summary, whose fields are a documented contract).
package report

import (
	"github.com/netc/netc/compiler/ir"
)

// Summary is the JSON form of `netc check --json`. Field names are a contract: add fields,
// never rename or remove them.
type Summary struct {
	Name            string  `json:"name"`
	File            string  `json:"file"`
	Input           []int   `json:"input"`
	Classes         int     `json:"classes"`
	Params          int64   `json:"params"`           // trainable, batchnorm affine included (PyTorch's count)
	BatchNormStats  int64   `json:"batchnorm_stats"`  // running means and variances
	MACs            int64   `json:"macs"`             // conv and linear, one sample, bias excluded
	FLOPs           int64   `json:"flops"`            // 2 x MACs
	ActivationBytes int64   `json:"activation_bytes"` // sum of layer outputs for one sample, float32
	Output          []int   `json:"output"`
	Layers          []Layer `json:"layers"`
}

// Layer is one node of the graph, in execution order.
type Layer struct {
	Name   string   `json:"name"`
	Op     string   `json:"op"`
	Shape  []int    `json:"shape"`
	Params int64    `json:"params"`
	MACs   int64    `json:"macs"`
	Inputs []string `json:"inputs"`
	Attrs  string   `json:"attrs,omitempty"` // key attributes as the table shows them
}

// Summarize builds the summary of g. The input node is not a layer and is left out.
func Summarize(g *ir.Graph) Summary {
	params, buffers, macs, act := g.Totals()
	s := Summary{
		Name: g.Name, File: g.File, Input: g.Input, Classes: g.Classes,
		Params: params, BatchNormStats: buffers, MACs: macs, FLOPs: 2 * macs,
		ActivationBytes: 4 * act, Output: g.Output().Shape,
		Layers: []Layer{},
	}
	for _, n := range g.Nodes {
		if n.Op == ir.OpInput {
			continue
		}
		l := Layer{Name: n.Name, Op: string(n.Op), Shape: n.Shape, Params: n.Params, MACs: n.MACs, Attrs: n.Describe()}
		for _, in := range n.Inputs {
			l.Inputs = append(l.Inputs, g.Nodes[in].Name)
		}
		s.Layers = append(s.Layers, l)
	}
	return s
}
