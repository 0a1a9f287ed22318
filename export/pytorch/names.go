package pytorch

import (
	"fmt"
	"regexp"
	"strings"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// pythonKeywords cannot name an attribute, a keyword argument or a variable.
var pythonKeywords = setOf(`False None True and as assert async await break class continue def
	del elif else except finally for from global if import in is lambda nonlocal not or pass
	raise return try while with yield match case`)

// moduleAttrs are the attributes of torch.nn.Module and nn.Sequential (PyTorch 1.13 and
// 2.x): a child module of that name cannot be registered, or would hide a method.
var moduleAttrs = setOf(`T_destination add_module append apply bfloat16 buffers call_super_init
	children compile cpu cuda double dump_patches eval extend extra_repr float forward get_buffer
	get_extra_state get_parameter get_submodule half insert ipu load_state_dict modules mtia
	named_buffers named_children named_modules named_parameters parameters pop
	register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
	register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
	register_load_state_dict_pre_hook register_module register_parameter
	register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ set_extra_state
	set_submodule share_memory state_dict to to_empty train training type xpu zero_grad`)

// moduleGlobals are the names model.py defines or imports, which a constructor's
// parameters must not shadow.
var moduleGlobals = setOf(`self torch nn collections ctypes json os struct layers seq build load save
	read_safetensors write_safetensors add_all super sum isinstance None SPEC INPUT CLASSES TRAIN`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// checkSegment reports whether a path segment of a netc name can be a PyTorch child
// module's name, so that the state-dict key is the netc name itself.
func checkSegment(seg, full string) error {
	switch {
	case !identRE.MatchString(seg):
		return fmt.Errorf("%s: %q is not a Python identifier", full, seg)
	case pythonKeywords[seg]:
		return fmt.Errorf("%s: %q is a Python keyword and cannot name a PyTorch module; rename the layer or block (name = \"...\")", full, seg)
	case moduleAttrs[seg] || strings.HasPrefix(seg, "_"):
		return fmt.Errorf("%s: %q is an attribute of torch.nn.Module and cannot name a child module; rename the layer or block (name = \"...\")", full, seg)
	}
	return nil
}

// className turns a block or spec name into a Python class name: dense_layer → DenseLayer,
// lenet-bn → LenetBn.
func className(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	s := b.String()
	if s == "" || !identRE.MatchString(s) {
		s = "Block" + s
	}
	if pythonKeywords[s] || pyBuiltins[s] {
		s += "Block"
	}
	return s
}

// pyBuiltins are capitalized builtins a class must not shadow.
var pyBuiltins = setOf(`Ellipsis NotImplemented Exception BaseException ArithmeticError`)

// localName makes a constructor parameter name safe: not a keyword, not a global.
func localName(s string) string {
	if !identRE.MatchString(s) {
		s = "arg_" + regexp.MustCompile(`[^A-Za-z0-9_]+`).ReplaceAllString(s, "_")
	}
	if pythonKeywords[s] || moduleGlobals[s] {
		s += "_"
	}
	return s
}

// namer hands out unique names.
type namer map[string]bool

func (n namer) take(base string) string {
	name := base
	for i := 2; n[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	n[name] = true
	return name
}
