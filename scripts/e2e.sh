#!/usr/bin/env bash
# make e2e: the real-browser walk-through (headless Chromium). Installs Chromium when missing (as root).
# Uses TEST_DATABASE_URL when set, else a throwaway PostgreSQL. Screenshots: test-output/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ] && [ -z "${CHROME:-}" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing chromium for the browser walk-through"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "the browser walk-through needs Chromium: sudo apt-get install chromium (or set CHROME=/path/to/chrome)" >&2
		exit 1
	fi
fi
if [ -z "${TEST_DATABASE_URL:-}" ]; then
	dir=$(mktemp -d /tmp/fuyi-e2e-pg.XXXXXX)
	chmod 755 "$dir"
	trap 'bash scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
	out=$(PG_FSYNC=off bash scripts/pg.sh start "$dir")
	export TEST_DATABASE_URL="${out#DATABASE_URL=}"
fi
go test -tags e2e -count=1 -v -timeout 40m -run WalkThrough ./internal/e2e
