# Fuyi — two set-up commands: `make run` and `make test` (see README.md).
GO      ?= go
BIN     := bin/fuyi
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)

.PHONY: run test build vet clean stop-db bench faults e2e fuzz openapi-lint

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/fuyi

# Starts a private PostgreSQL under ./var/pg (unless DATABASE_URL is set), migrates, loads the demo
# organisation and serves on FUYI_ADDR (default 127.0.0.1:8080).
run: build
	@bash scripts/run.sh

# Starts a throwaway PostgreSQL (unless TEST_DATABASE_URL is set), runs go vet, staticcheck, errcheck and go test
# -race (fault suite included), then the browser walk-through, and stops it.
test:
	@bash scripts/test.sh

vet:
	$(GO) vet ./...

# The OpenAPI document (`fuyi openapi`) linted by @redocly/cli, pinned in tools/redocly (also part of make test).
openapi-lint:
	@bash scripts/openapi-lint.sh

# Benchmarks against the limits (intake load + pgbench, report, alerts, search, case list, PDF); results in
# test-output/bench/ and BENCHMARKS.md. Takes several minutes (1,000,000-case datasets are generated).
bench:
	@bash scripts/bench.sh

# Fault suite: kill -9 during intake, PostgreSQL restart under load, two servers on one database (also part
# of make test).
faults:
	$(GO) test -count=1 -v ./internal/faults

# Real-browser walk-through in headless Chromium; screenshots in test-output/e2e/ (also part of make test).
e2e:
	@bash scripts/e2e.sh

# Coverage-guided fuzzing of the validators, parsers, JSON intake, JSON binding, PDF text path, redaction and
# every route of the route table with bad input (FUZZTIME each; scripts/fuzz.sh runs the targets that need
# PostgreSQL, on a throwaway cluster unless TEST_DATABASE_URL is set).
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./internal/ident -run XXX -fuzz '^FuzzParseIDNumber$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/ident -run XXX -fuzz '^FuzzCheckCreditCode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/ident -run XXX -fuzz '^FuzzNumbers$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cases -run XXX -fuzz '^FuzzIntakeJSON$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/pdf -run XXX -fuzz '^FuzzPDFText$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/redact -run XXX -fuzz '^FuzzRedact$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/web -run XXX -fuzz '^FuzzDecodeJSON$$' -fuzztime $(FUZZTIME)
	@FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

stop-db:
	@bash scripts/pg.sh stop var/pg

# High availability on this machine: three PostgreSQL nodes under Patroni, etcd, HAProxy, synchronous mode
# (data under ./var/ha). ha-up also migrates and loads the demo through HAProxy and prints DATABASE_URL and
# DATABASE_REPLICA_URL; ha-down stops it (data kept). ha-test is the failover test on a cluster of its own
# (about 3 minutes; not part of make test). See docs/SCALING.md.
.PHONY: ha-up ha-down ha-test
ha-up: build
	@bash scripts/ha/up.sh

ha-down:
	@bash scripts/ha/ha.sh down

ha-test:
	$(GO) vet -tags ha ./internal/hatest
	$(GO) test -tags ha -count=1 -v -timeout 30m -run TestFailover ./internal/hatest

clean:
	rm -rf bin test-output
