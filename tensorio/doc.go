// Package tensorio reads and writes float32 tensors in two interchange
// formats: safetensors (Hugging Face's format, netc's weights and
// checkpoints; tensor names are hierarchical parameter names) and NumPy's
// .npy. Files are written atomically (temporary file, fsync, rename, fsync
// of the directory) and read as hostile input: every size and offset is
// checked, with overflow-checked arithmetic, before memory is allocated.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package tensorio
