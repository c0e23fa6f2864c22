# lockdown: KRM functions that make Kubeflow on GKE private and fenced.
#
#   make demo    the main job: render both blueprints, show what changed
#   make render  render both blueprints with the setters of ENV (setters/<ENV>/)
#   make test    every test: vet, staticcheck and deadcode, unit and golden tests,
#                end to end with kpt and podman
#   make build   static binaries for linux/amd64 and linux/arm64 in bin/
#   make images  one image per function (podman, or docker with an engine)
#   make bench   benchmarks against the identity function, as ratios, and
#                pod-security-check against kyverno apply
#   make fuzz    each fuzz target for FUZZTIME

SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 20s
# The environment whose setters `make render` feeds into the blueprints,
# and the Kubeflow manifests the hardening blueprint goes over.
ENV ?= dev
CORPUS ?= ../shared/corpus/kubeflow-manifests.yaml
# Every fuzz target, as package:Target, found in the functions' tests.
FUZZ_TARGETS := $(shell grep -o '^func Fuzz[A-Za-z0-9]*' functions/*/*_test.go | sed -E 's|^(functions/[^/]*)/[^:]*:func |./\1:|')

.PHONY: demo render test check-tools vet static unit e2e build images bench fuzz clean

demo:
	bash scripts/demo.sh

render:
	bash scripts/render.sh kubeflow-private-gke $(ENV) out/render/$(ENV)/kubeflow-private-gke
	bash scripts/render.sh kubeflow-hardening $(ENV) out/render/$(ENV)/kubeflow-hardening kubeflow/manifests.yaml=$(CORPUS)

test: check-tools vet static unit e2e

# Installs podman and runc when root and missing; says what else is missing.
check-tools:
	bash scripts/tools.sh

vet:
	@unformatted=$$(gofmt -l cmd functions internal e2e tests); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	cd tests/cloudbuild && $(GO) vet ./...
	cd tests/netpol && $(GO) vet ./...

# staticcheck and a dead-code check, both pinned and built once into the
# user cache (scripts/staticcheck.sh).
static:
	bash scripts/staticcheck.sh

# tests/cloudbuild and tests/netpol are modules of their own (see their
# go.mod): go test ./... does not reach them from here.
unit:
	$(GO) test -count=1 ./...
	cd tests/cloudbuild && $(GO) test -count=1 ./...
	cd tests/netpol && $(GO) test -count=1 ./...

# Real kpt: `kpt fn eval --exec` and `kpt fn render` with the images under podman,
# and `kpt live apply` into kube-apiserver and etcd, which scripts/apiserver.sh
# builds first, with Kyverno's admission controller (scripts/kyverno.sh)
# for the admission tests (once each: minutes cold, a second warm).
e2e:
	@mkdir -p out
	bash scripts/apiserver.sh build >/dev/null
	bash scripts/kyverno.sh admission-controller >/dev/null
	source scripts/tools.sh env && LOCKDOWN_E2E=1 $(GO) test -count=1 -timeout 45m -v ./e2e/ 2>&1 | tee out/e2e.log | grep -E '^(\s*--- |PASS|FAIL|ok )' ; exit $${PIPESTATUS[0]}

build:
	bash scripts/images.sh --binaries

images:
	bash scripts/images.sh

# Builds the Kyverno CLI first (scripts/kyverno.sh: about 7 minutes and
# 2.4 GB of memory cold, cached after); BENCH_ONLY picks sections.
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
