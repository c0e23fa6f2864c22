# lockdown: KRM functions that make Kubeflow on GKE private and fenced.
#
#   make demo    the main job: render the blueprint, show what changed
#   make test    every test: vet, unit and golden tests, end to end with kpt and podman
#   make build   static binaries for linux/amd64 and linux/arm64 in bin/
#   make images  one image per function (podman, or docker with an engine)
#   make bench   benchmarks against the identity function, as ratios
#   make fuzz    each fuzz target for FUZZTIME

SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 20s
# Every fuzz target, as package:Target, found in the functions' tests.
FUZZ_TARGETS := $(shell grep -o '^func Fuzz[A-Za-z0-9]*' functions/*/*_test.go | sed -E 's|^(functions/[^/]*)/[^:]*:func |./\1:|')

.PHONY: demo test check-tools vet unit e2e build images bench fuzz clean

demo:
	bash scripts/demo.sh

test: check-tools vet unit e2e

# Installs podman and runc when root and missing; says what else is missing.
check-tools:
	bash scripts/tools.sh

vet:
	@unformatted=$$(gofmt -l cmd functions internal e2e); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

# Real kpt: `kpt fn eval --exec` and `kpt fn render` with the images under podman.
e2e:
	@mkdir -p out
	source scripts/tools.sh env && LOCKDOWN_E2E=1 $(GO) test -count=1 -v ./e2e/ 2>&1 | tee out/e2e.log | grep -E '^(\s*--- |PASS|FAIL|ok )' ; exit $${PIPESTATUS[0]}

build:
	bash scripts/images.sh --binaries

images:
	bash scripts/images.sh

bench:
	bash scripts/bench.sh

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; target=$${t##*:}; \
	  echo "== $$target ($(FUZZTIME))"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x; \
	done

clean:
	rm -rf bin out
