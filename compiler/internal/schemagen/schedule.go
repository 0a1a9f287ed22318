package schemagen

import (
	"fmt"
	"strings"
)

// scheduleSchema is [train.schedule]: a learning-rate schedule of
// torch.optim.lr_scheduler and its arguments, named as PyTorch names them. Which keys
// a type needs is checked with the type, so a misplaced key is reported where it is.
func scheduleSchema() obj {
	num := func(desc string, dflt any) obj {
		o := obj{"type": "number", "exclusiveMinimum": 0, "description": desc}
		if dflt != nil {
			o["default"] = dflt
		}
		return o
	}
	keys := map[string][]any{
		"constant":  {"type"},
		"step":      {"type", "step_size", "gamma"},
		"multistep": {"type", "milestones", "gamma"},
		"cosine":    {"type", "warmup", "warmup_factor", "min_lr"},
		"onecycle":  {"type", "pct_start", "div_factor", "final_div_factor", "anneal", "three_phase", "cycle_momentum", "base_momentum", "max_momentum"},
	}
	// Each type rules out the other types' keys (unknown keys are additionalProperties'
	// to report, with a suggestion).
	types := []string{"constant", "step", "multistep", "cosine", "onecycle"}
	var byType []any
	for _, t := range types {
		var others []any
		for _, u := range types {
			for _, k := range keys[u] {
				if !contains(keys[t], k) && !contains(others, k) {
					others = append(others, k)
				}
			}
		}
		byType = append(byType, obj{
			"if":   obj{"properties": obj{"type": obj{"const": t}}},
			"then": obj{"propertyNames": obj{"not": obj{"enum": others}, "x-errors": obj{"not": "not a key of the " + t + " schedule, which takes " + joinKeys(keys[t])}}},
		})
	}
	return obj{
		"type": "object", "additionalProperties": false, "required": []any{"type"},
		"description": "the learning-rate schedule: step, multistep and cosine change the rate once per epoch, onecycle after every batch",
		"properties": obj{
			"type": obj{"enum": []any{"constant", "step", "multistep", "cosine", "onecycle"}, "default": "constant",
				"description": "StepLR, MultiStepLR, LinearLR warm-up then CosineAnnealingLR, or OneCycleLR (with the recipe's lr as max_lr)"},
			"step_size":        obj{"type": "integer", "minimum": 1, "description": "step: epochs between decays"},
			"milestones":       obj{"type": "array", "minItems": 1, "items": obj{"type": "integer", "minimum": 1}, "description": "multistep: the epochs at which the rate decays, increasing"},
			"gamma":            num("step, multistep: the factor of each decay", 0.1),
			"warmup":           obj{"type": "integer", "minimum": 0, "default": 0, "description": "cosine: epochs of linear warm-up before the cosine (LinearLR total_iters)"},
			"warmup_factor":    obj{"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1.0 / 3, "description": "cosine: the fraction of lr the warm-up starts from (LinearLR start_factor)"},
			"min_lr":           obj{"type": "number", "minimum": 0, "default": 0, "description": "cosine: the rate at the end (CosineAnnealingLR eta_min)"},
			"pct_start":        obj{"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.3, "description": "onecycle: the fraction of the steps spent raising the rate"},
			"div_factor":       num("onecycle: initial rate = lr / div_factor", 25),
			"final_div_factor": num("onecycle: final rate = initial rate / final_div_factor", 1e4),
			"anneal":           obj{"enum": []any{"cos", "linear"}, "default": "cos", "description": "onecycle: anneal_strategy"},
			"three_phase":      obj{"type": "boolean", "default": false, "description": "onecycle: come back down to the initial rate before annealing to the final one"},
			"cycle_momentum":   obj{"type": "boolean", "default": true, "description": "onecycle: cycle SGD's momentum (AdamW's beta1) inversely to the rate, between base_momentum and max_momentum"},
			"base_momentum":    obj{"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.85, "description": "onecycle: the lowest momentum"},
			"max_momentum":     obj{"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.95, "description": "onecycle: the highest momentum"},
		},
		"allOf": byType,
	}
}

func joinKeys(keys []any) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprint(k)
	}
	return strings.Join(parts, ", ")
}

func contains(list []any, k any) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}
