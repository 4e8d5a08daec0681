#!/usr/bin/env bash
# make bench: intake throughput and latency against a real server (and pgbench on the same statements),
# then the Go benchmarks of the other limits. Results go to test-output/bench/; see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test-output/bench
mkdir -p "$out" bin
dir=$(mktemp -d /tmp/fuyi-bench-pg.XXXXXX)
chmod 755 "$dir"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; bash scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
url=$(bash scripts/pg.sh start "$dir")
export DATABASE_URL="${url#DATABASE_URL=}"
go build -o bin/fuyi ./cmd/fuyi
go build -o bin/loadgen ./cmd/loadgen
./bin/fuyi migrate >/dev/null
./bin/fuyi seed-demo >/dev/null
addr=127.0.0.1:18080
FUYI_ADDR=$addr FUYI_SCHEDULER=off FUYI_LOG_FORMAT=text ./bin/fuyi serve >/dev/null 2>&1 &
pid=$!
for i in $(seq 50); do curl -s -o /dev/null "http://$addr/status" && break; sleep 0.2; done

echo "== intake through the product (POST /api/v1/cases, loopback)" | tee "$out/intake.txt"
./bin/loadgen -url "http://$addr" -n 4000 -c 16 | tee -a "$out/intake.txt"
./bin/loadgen -url "http://$addr" -rate 100 -duration 20s | tee -a "$out/intake.txt"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | tee -a "$out/intake.txt"
echo "== the same INSERT statements through pgbench (16 clients, 15 s)" | tee -a "$out/intake.txt"
pgbench -n -c 16 -j 2 -T 15 -f scripts/bench/intake.sql "$DATABASE_URL" 2>&1 | grep -E 'tps|latency' | tee -a "$out/intake.txt"

[ "${BENCH_INTAKE_ONLY:-}" = 1 ] && exit 0
echo "== statements per registration and per acceptance (counting driver around lib/pq)"
admin0="${DATABASE_URL/dbname=fuyi/dbname=postgres}"
TEST_DATABASE_URL="$admin0" go test -count=1 -v -run TestStatementsPerRegistrationAndAcceptance ./cases | grep -E 'statements in|^(ok|FAIL|---)' | tee "$out/statements.txt"
echo "== abuse: public search under 200 clients, 1,000 idle connections declaring 2 MB"
TEST_DATABASE_URL="$admin0" go test -count=1 -v -run 'TestPublicSearchAbuse|TestSlowClientsDeclaringLargeBodies' -timeout 20m ./internal/faults | grep -E 'p95|RSS|^(ok|FAIL|---)' | tee "$out/abuse.txt"
echo "== Go benchmarks (this takes several minutes: 1,000,000-case datasets are generated)"
# As the application role fuyi of scripts/pg.sh (no superuser, no BYPASSRLS), so that row-level security is
# paid as in production (with pg.sh's LEAKPROOF marks); the benchmarks on PostgreSQL (alerts, searches, case
# list, report) fail under a role that bypasses it, or without the marks (testapp.RequireAppRole).
admin="${DATABASE_URL/dbname=fuyi/dbname=postgres}"
export TEST_DATABASE_URL="$admin"
go test -run XXX -bench RenderDecision -benchtime 50x ./internal/pdf | tee "$out/pdf.txt"
# sub-benchmarks open=…/history=…/next-day; each size is seeded once (about 45 s for the 1M history)
go test -run XXX -bench AlertRun -benchtime 5x -timeout 30m ./notices | tee "$out/alerts.txt"
# sub-benchmarks published=10000/search and published=100000/search (each seeded once)
go test -run XXX -bench PublicSearch -benchtime 500x -timeout 30m ./cases | tee "$out/search.txt"
# 1M cases generated once (~2.5 min), then 16 sub-benchmarks cases=1000000/{chief,officer}/{first,due,
# search/{name,regno,caseno,docno,respondent}}, chief/page500, chief/keyset, each with p50-ms and p95-ms; a
# sub-benchmark stops sampling after BENCH_LEAF_SECONDS (30 s) with at least 5 requests (see samples)
BENCH_CASES=1000000 go test -run XXX -bench CaseList -benchtime 200x -timeout 60m ./cases | tee "$out/caselist.txt"
# sub-benchmarks cases=100000/compute and cases=1000000/compute (each size generated once)
go test -run XXX -bench MonthlyReport -benchtime 30x -timeout 30m ./reports | tee "$out/report.txt"
