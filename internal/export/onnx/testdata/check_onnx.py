"""onnx.checker on exported models, for internal/export/onnx's tests (an outside oracle: the ONNX
project's own checker, with full_check, which also runs ONNX's shape inference and
compares it with the shapes netc declared).

    /usr/bin/python3 check_onnx.py MODEL.onnx...

Prints "ok MODEL opset IR nodes initializers" per model; exits 1 at the first failure.
"""
import sys

import onnx


def main():
    for path in sys.argv[1:]:
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # the checker's own exception types vary between versions
            print(f"{path}: {e}", file=sys.stderr)
            sys.exit(1)
        opset = {o.domain: o.version for o in model.opset_import}[""]
        print(f"ok {path} {opset} {model.ir_version} {len(model.graph.node)} {len(model.graph.initializer)}", flush=True)


if __name__ == "__main__":
    main()
