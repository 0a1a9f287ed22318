package pytorch

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/netc/netc/internal/ops"
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

// moduleGlobals are the names model.py defines or imports at the top level (its template
// and the ops' helper classes), which a class must not take and a constructor's
// parameters must not shadow.
var moduleGlobals = func() map[string]bool {
	m := setOf(`self super sum isinstance float`) // what the generated classes call
	src := modelTmpl
	for _, o := range ops.All() {
		src += "\n" + o.TorchHelper
	}
	for _, g := range topLevelRE.FindAllStringSubmatch(src, -1) {
		for _, name := range g[1:] {
			if name != "" {
				m[name] = true
			}
		}
	}
	return m
}()

var topLevelRE = regexp.MustCompile(`(?m)^(?:class (\w+)|def (\w+)|(\w+) =|import (\w+)|from \S+ import (\w+))`)

// pyBuiltins are Python's capitalized builtins (Python 3.11), which a class must not
// shadow: the generated code raises ValueError, and a reader expects each to mean itself.
var pyBuiltins = setOf(`ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup
	BlockingIOError BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError
	ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis
	EncodingWarning EnvironmentError Exception ExceptionGroup False FileExistsError FileNotFoundError
	FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError
	IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError
	ModuleNotFoundError NameError None NotADirectoryError NotImplemented NotImplementedError OSError
	OverflowError PendingDeprecationWarning PermissionError ProcessLookupError RecursionError
	ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration
	SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError True TypeError
	UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError
	UnicodeWarning UserWarning ValueError Warning ZeroDivisionError`)

// reservedNames is a namer that already holds every name a generated class must not take.
func reservedNames() namer {
	n := namer{}
	for _, set := range []map[string]bool{pythonKeywords, moduleGlobals, pyBuiltins} {
		for k := range set {
			n[k] = true
		}
	}
	return n
}

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
// lenet-bn → LenetBn. Any character other than an ASCII letter or digit separates words,
// so the result is an identifier whatever the name holds; namer.take keeps it clear of
// keywords, builtins and the module's own names.
func className(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !isASCIIAlnum(r) }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "Block" + s
	}
	return s
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// localName makes a constructor parameter name safe: an identifier, not a keyword, not a
// builtin, not a name of the module (a global, a helper, a generated class in reserved).
func localName(s string, reserved namer) string {
	if !identRE.MatchString(s) {
		s = "arg_" + regexp.MustCompile(`[^A-Za-z0-9_]+`).ReplaceAllString(s, "_")
	}
	if pythonKeywords[s] || moduleGlobals[s] || pyBuiltins[s] || reserved[s] {
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
