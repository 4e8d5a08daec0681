#!/usr/bin/env bash
# make ha-up: the HA cluster (scripts/ha/ha.sh up), then migrations and the demo organisation through
# HAProxy, then the two URLs and how to serve against them.
set -euo pipefail
cd "$(dirname "$0")/../.."
urls=$(bash scripts/ha/ha.sh up)
DATABASE_URL=$(echo "$urls" | sed -n 's/^DATABASE_URL=//p')
export DATABASE_URL
./bin/fuyi migrate
# the LEAKPROOF marks the searches' indexes need under row-level security (README, "Running against an external
# PostgreSQL"), set through the cluster's superuser; idempotent, so on every ha-up
# shellcheck disable=SC1091
. "${HA_DIR:-var/ha}/secrets.env"
FUYI_ADMIN_DATABASE_URL=${DATABASE_URL/"fuyi:$APP_PASSWORD@"/"postgres:$SUPERUSER_PASSWORD@"} ./bin/fuyi db-leakproof >/dev/null
./bin/fuyi seed-demo >/dev/null
cat <<MSG

$urls

  高可用数据库已启动（Patroni + etcd + HAProxy，同步复制）。以上两行是连接串，例如：
    export $(echo "$urls" | sed -n 1p | sed "s/=/='/;s/\$/'/")
    export $(echo "$urls" | sed -n 2p | sed "s/=/='/;s/\$/'/")
    make run          # 或 ./bin/fuyi serve
  集群状态：bash scripts/ha/ha.sh status    停止：make ha-down
MSG
