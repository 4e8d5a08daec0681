#!/usr/bin/env bash
# make fuzz: the fuzz targets that need PostgreSQL (FUZZTIME each) — every route of the route table with bad
# input. Uses TEST_DATABASE_URL when set, else a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
if [ -z "${TEST_DATABASE_URL:-}" ]; then
	dir=$(mktemp -d /tmp/fuyi-fuzz-pg.XXXXXX)
	chmod 755 "$dir"
	trap 'bash scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
	out=$(PG_FSYNC=off bash scripts/pg.sh start "$dir")
	export TEST_DATABASE_URL="${out#DATABASE_URL=}"
fi
fuzz() { go test "$1" -run XXX -fuzz "^$2\$" -fuzztime "$FUZZTIME"; }
fuzz ./internal/server FuzzRoutes
