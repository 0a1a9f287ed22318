# Everyday targets; the README's test command is plain `go test ./...`.
GO ?= go
FUZZTIME ?= 30s

.PHONY: build test check vet fmt fuzz golden schema fixtures

build:
	$(GO) build -o netc ./cmd/netc

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...

fmt:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

check: vet fmt test

# Each fuzz target of .ci/fuzz-targets for FUZZTIME (CI runs each for a number of inputs).
fuzz:
	@grep -v '^#' .ci/fuzz-targets | while read -r pkg target execs; do \
	  [ -n "$$pkg" ] || continue; \
	  $(GO) test "$$pkg" -run '^$$' -fuzz "^$${target}\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

# Rewrite golden tables and pinned error output; review the diff before committing.
golden:
	$(GO) test ./golden -update

schema:
	$(GO) test ./compiler/internal/schemagen -update

# Fixtures from PyTorch (needs python3-torch and python3-torchvision).
fixtures:
	/usr/bin/python3 tools/torch_shapes.py
