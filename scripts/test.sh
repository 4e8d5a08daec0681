#!/usr/bin/env bash
# make test: throwaway PostgreSQL (unless TEST_DATABASE_URL is set), go vet, staticcheck, errcheck, go test -race, stop.
set -euo pipefail
cd "$(dirname "$0")/.."

# One make test at a time on a machine: the fault suite and the browser walk-through measure time, and two
# suites sharing two cores fail each other. A second run waits here (FUYI_TEST_LOCK=off skips the wait). The
# lock is held by flock itself (-o): servers the tests start never inherit it, so a killed run frees it.
if [ "${FUYI_TEST_LOCK:-on}" != off ] && [ -z "${FUYI_TEST_LOCK_HELD:-}" ] && command -v flock >/dev/null 2>&1; then
	lock="${TMPDIR:-/tmp}/fuyi-make-test.lock"
	flock -n "$lock" true || echo "another make test is running on this machine; waiting for it to finish"
	FUYI_TEST_LOCK_HELD=1 exec flock -o "$lock" bash "$0" "$@"
fi

# pdftotext extracts the text of rendered PDFs in the tests.
if ! command -v pdftotext >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing poppler-utils (pdftotext) for the PDF tests"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
	else
		echo "the PDF tests need pdftotext: sudo apt-get install poppler-utils" >&2
		exit 1
	fi
fi

# the fallback fonts for rare name characters (the PDF tests print 欧阳𬭚锋 and 南京䶮晟科技有限公司)
bash scripts/fonts.sh require

if [ -z "${TEST_DATABASE_URL:-}" ]; then
	dir=$(mktemp -d /tmp/fuyi-test-pg.XXXXXX)
	chmod 755 "$dir"
	cleanup() { bash scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
	trap cleanup EXIT
	out=$(PG_FSYNC=off bash scripts/pg.sh start "$dir")
	export TEST_DATABASE_URL="${out#DATABASE_URL=}"
fi

go vet ./...
go vet -tags e2e ./internal/e2e
# linters pinned by the tool directives of go.mod: staticcheck, and errcheck for unchecked errors
go tool staticcheck ./...
go tool staticcheck -tags e2e ./internal/e2e
go tool errcheck -ignoretests ./...
# the OpenAPI document through a real validator (@redocly/cli, pinned; installed once under var/tools)
bash scripts/openapi-lint.sh
go test -race -count=1 -timeout 20m ./...
# the real-browser walk-through (installs Chromium when missing)
bash scripts/e2e.sh
