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

# Each fuzz target for FUZZTIME (CI runs them briefly).
fuzz:
	$(GO) test ./compiler -run '^$$' -fuzz FuzzCheck -fuzztime $(FUZZTIME)
	$(GO) test ./compiler/internal/tomlpos -run '^$$' -fuzz FuzzAgreesWithBurntSushi -fuzztime $(FUZZTIME)
	$(GO) test ./compiler/internal/expr -run '^$$' -fuzz FuzzParseEval -fuzztime $(FUZZTIME)

# Rewrite golden tables and pinned error output; review the diff before committing.
golden:
	$(GO) test ./golden -update

schema:
	$(GO) test ./compiler/internal/schemagen -update

# Fixtures from PyTorch (needs python3-torch and python3-torchvision).
fixtures:
	/usr/bin/python3 tools/torch_shapes.py
