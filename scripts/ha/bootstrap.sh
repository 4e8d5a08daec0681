#!/usr/bin/env bash
# Patroni's post_bootstrap hook: runs once, on the first leader, right after initdb. Creates the
# application's role (not a superuser: it owns its database and nothing else) and database, and the
# extension the migrations need. Replicas get all of it by streaming replication.
#   bootstrap.sh SECRETS_FILE CONNINFO   (Patroni appends CONNINFO, a superuser connection)
set -euo pipefail
secrets=${1:?secrets file}
conn=${2:?connection string}
# shellcheck disable=SC1090
. "$secrets"
psql "$conn" -X -q -v ON_ERROR_STOP=1 -v pw="$APP_PASSWORD" <<'SQL'
CREATE ROLE fuyi LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw';
CREATE DATABASE fuyi OWNER fuyi ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
\connect fuyi
CREATE EXTENSION IF NOT EXISTS btree_gist;
SQL
