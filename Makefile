# policygraph developer tasks. `make help` lists them.
#
# Local Neo4j: `make run` and `make neo4j-start` use the launcher in neo4j-local/ (Java 17+ and
# Maven needed) on 127.0.0.1:7687 with data in .data/neo4j. `make test` uses a separate test
# instance on 127.0.0.1:$(TEST_BOLT_PORT) with data in $(TEST_DATA_DIR), left running between
# runs (stop it with `make test-neo4j-stop`). Set NEO4J_URI to use another Neo4j instead.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory

GO ?= go
BIN := bin/policygraph
TEST_BOLT_PORT ?= 7688
TEST_DATA_DIR ?= $(CURDIR)/.data/neo4j-test
# Extra flags for go test, e.g. make test GOTESTFLAGS='-run TestStore -v'.
GOTESTFLAGS ?=
# The environment that selects the test Neo4j for the policygraph CLI.
TEST_NEO4J_ENV := NEO4J_BOLT_PORT=$(TEST_BOLT_PORT) NEO4J_DATA_DIR=$(TEST_DATA_DIR)

.PHONY: help build run test test-go paths-check e2e conformance bench bench-small bench-install bench-build e2e-install explorer explorer-check vet fmt-check generate-check lint generate \
	neo4j-start neo4j-stop neo4j-status test-neo4j-start test-neo4j-stop clean

help: ## List the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: ## Build bin/policygraph.
	$(GO) build -o $(BIN) ./cmd/policygraph

run: build ## Start local Neo4j (unless NEO4J_URI is set), migrate, ingest data/ and serve.
	./$(BIN) run

test: build paths-check e2e-install bench-install vet fmt-check generate-check explorer-check ## Checks, all Go tests against a test Neo4j, then the browser/export tests.
	@if [ -z "$${NEO4J_URI:-}" ]; then $(MAKE) test-neo4j-start; fi
	$(MAKE) test-go
	$(MAKE) e2e
	$(MAKE) conformance

conformance: build ## GraphQL-over-HTTP audits (npm graphql-http auditServer) against bin/policygraph serve.
	NEO4J_URI="$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_BOLT_PORT)}" bash conformance/run.sh

e2e: build ## Explorer in headless Chromium + /export formats in graph libraries (after e2e/install.sh).
	NEO4J_URI="$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_BOLT_PORT)}" e2e/run.sh

e2e-install: ## Install chromium, a CJK font, the npm packages and the XSDs the e2e tests use.
	bash e2e/install.sh

explorer: ## Rebuild explorer/web/dist (commit it).
	explorer/web/build.sh

explorer-check: ## Fail if explorer/web/dist is stale.
	explorer/web/build.sh --check

test-go: ## Only the Go tests (go test -p 1), against NEO4J_URI or the test Neo4j.
	NEO4J_URI="$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_BOLT_PORT)}" $(GO) test -p 1 -count=1 $(GOTESTFLAGS) ./...

vet: ## go vet ./...
	$(GO) vet ./...

fmt-check: ## Fail if any Go file is not gofmt-formatted.
	@files="$$(find . -name '*.go' -not -path './.git/*' -not -path './.data/*' -not -path '*/node_modules/*' -print0 | xargs -0 -r gofmt -l)"; \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

paths-check: ## Fail if a tracked file names a path outside the repository (a sibling folder, this machine).
	bash .ci/check-paths

generate-check: ## Regenerate gqlgen code and fail if it differs from what is checked in.
	bash .ci/check-generated

lint: vet fmt-check ## go vet and gofmt; also golangci-lint (v2, .golangci.yml) when installed.
	@if command -v golangci-lint >/dev/null 2>&1; then golangci-lint run ./...; \
	else echo "golangci-lint not installed: skipped (config in .golangci.yml)"; fi

generate: ## go generate ./... (gqlgen).
	$(GO) generate ./...

neo4j-start: build ## Start the local development Neo4j in the background (127.0.0.1:7687).
	./$(BIN) neo4j start --detach

neo4j-stop: build ## Stop the local development Neo4j.
	./$(BIN) neo4j stop

neo4j-status: build ## Show whether the local development Neo4j runs.
	./$(BIN) neo4j status

test-neo4j-start: build ## Start (or reuse) the test Neo4j in the background.
	$(TEST_NEO4J_ENV) ./$(BIN) neo4j start --detach

test-neo4j-stop: build ## Stop the test Neo4j.
	$(TEST_NEO4J_ENV) ./$(BIN) neo4j stop

clean: ## Remove build outputs (bin/, neo4j-local/target/, test-output/); keeps .data/.
	rm -rf bin/ neo4j-local/target/ test-output/

BENCH_BIN := bench/out/bin

bench-install: ## npm ci for the @neo4j/graphql benchmark server (bench/neo4j-graphql), when needed.
	@if [ ! -f bench/neo4j-graphql/node_modules/.package-lock.json ] || [ bench/neo4j-graphql/package-lock.json -nt bench/neo4j-graphql/node_modules/.package-lock.json ]; then \
	  npm ci --prefix bench/neo4j-graphql --no-audit --no-fund; fi

bench-build:
	$(GO) build -o $(BENCH_BIN)/pgbench ./bench/cmd/pgbench
	$(GO) build -o $(BENCH_BIN)/pgapi ./bench/cmd/pgapi

bench-small: bench-install bench-build ## Benchmarks on the small corpus (minutes): bench/out/results-small.
	$(BENCH_BIN)/pgbench run -scale small -work bench/out -heap-mb 2048 -pagecache-mb 2048 -wipe \
	  -naive-time 30s -sweep 200,1000,5000 -sweep-bundles 20 \
	  -concurrency 1,8,32 -warmup 500ms -db-warmup 2s -duration 2s -api-cmd $(BENCH_BIN)/pgapi

bench: bench-install bench-build ## Benchmarks on the large corpus (about an hour on 2 cores).
	$(BENCH_BIN)/pgbench run -scale large -work bench/out -heap-mb 6144 -pagecache-mb 8192 -window 50 \
	  -naive-time 120s -sweep 200,1000,5000 -sweep-bundles 30 \
	  -concurrency 1,8,32 -warmup 2s -duration 10s -api-cmd $(BENCH_BIN)/pgapi
