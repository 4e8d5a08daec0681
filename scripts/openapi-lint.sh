#!/usr/bin/env bash
# Lints the OpenAPI document (`fuyi openapi`, the one served at /api/v1/openapi.json) with @redocly/cli, pinned
# by tools/redocly/package-lock.json and installed once under var/tools/redocly (again only when the lock
# changes). Part of make test; `make openapi-lint` runs it alone. Needs node and npm (installed with apt
# when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing nodejs and npm for the OpenAPI linter"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
	else
		echo "the OpenAPI linter (@redocly/cli) needs node and npm: sudo apt-get install nodejs npm" >&2
		exit 1
	fi
fi

dir=var/tools/redocly
want=$(sha256sum tools/redocly/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$dir/.installed" 2>/dev/null)" != "$want" ] || [ ! -x "$dir/node_modules/.bin/redocly" ]; then
	echo "installing @redocly/cli (tools/redocly/package-lock.json) under $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp tools/redocly/package.json tools/redocly/package-lock.json "$dir/"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	echo "$want" >"$dir/.installed"
fi

mkdir -p test-output
go run ./cmd/fuyi openapi >test-output/openapi.json
# no telemetry or update checks: the linter reads the file and nothing else
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	"$dir/node_modules/.bin/redocly" lint --config tools/redocly/redocly.yaml --format=stylish test-output/openapi.json
