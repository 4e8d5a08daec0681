# Fuyi — two set-up commands: `make run` and `make test` (see README.md).
GO      ?= go
BIN     := bin/fuyi

.PHONY: run test build vet clean stop-db

build:
	$(GO) build -o $(BIN) ./cmd/fuyi

# Starts a private PostgreSQL under ./var/pg (unless DATABASE_URL is set), migrates, loads the demo
# organisation and serves on FUYI_ADDR (default 127.0.0.1:8080).
run: build
	@bash scripts/run.sh

# Starts a throwaway PostgreSQL (unless TEST_DATABASE_URL is set), runs go vet and go test -race, stops it.
test:
	@bash scripts/test.sh

vet:
	$(GO) vet ./...

stop-db:
	@bash scripts/pg.sh stop var/pg

clean:
	rm -rf bin test-output
