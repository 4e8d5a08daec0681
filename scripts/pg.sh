#!/usr/bin/env bash
# Private PostgreSQL cluster for `make run` and `make test`.
#   scripts/pg.sh start DIR   initialise (if needed) and start a cluster in DIR; prints DATABASE_URL=...
#   scripts/pg.sh stop DIR    stop it
# The server listens only on a unix socket in DIR/run. As root it runs as an unprivileged user (postgres,
# else nobody), since PostgreSQL refuses to run as root.
#
# Who can get in (README, "私有数据库"):
# - DIR, its socket directory DIR/run and the socket are mode 0700, owned by the server's OS user: no other
#   local user can reach the socket (root can, by its file-access capability).
# - Authentication is `peer` (the kernel tells the server which OS user connects), mapped in pg_ident.conf:
#   the OS user who ran pg.sh connects as the application role `fuyi`; only the server's OS user connects
#   as the superuser `postgres`. No passwords, nothing over TCP.
# - `fuyi` is not a superuser: it owns the `fuyi` database and may create databases (the tests make one
#   each); it cannot run programs (COPY … TO PROGRAM), read server files or change roles. btree_gist is
#   created by the superuser in template1 and fuyi, and is a trusted extension besides. The superuser also
#   marks the functions of internal/database/leakproof.sql LEAKPROOF there (on every start: idempotent).
# A cluster made by an earlier pg.sh (trust for everyone, fuyi a superuser) is converted on start: its fuyi
# database is dumped, the old data directory is kept as DIR/data.before-private, and a new cluster is
# initialised with the dump restored.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop DIR}
dir=${2:?usage: pg.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

say() { echo "pg.sh: $*" >&2; }

find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
		pg_config --bindir; return 0
	fi
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

install_server() {
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "PostgreSQL server not found; installing it with apt-get (postgresql, postgresql-contrib)"
		# Do not let the package create and start a system-wide cluster: we run our own.
		mkdir -p /etc/postgresql-common
		if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
			echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
		fi
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
		return 0
	fi
	say "PostgreSQL server binaries (initdb, pg_ctl) were not found."
	say "Install them, e.g. on Debian/Ubuntu: sudo apt-get install postgresql postgresql-contrib"
	say "or set DATABASE_URL (make run) / TEST_DATABASE_URL (make test) to an existing server."
	exit 1
}

bindir=$(find_bindir) || { install_server; bindir=$(find_bindir) || { say "installation did not provide initdb"; exit 1; }; }

runas=()
owner=$(id -un)
client=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
	runas=(runuser -u "$owner" --)
fi

data="$dir/data"
sock="$dir/run"
layout="$data/fuyi-layout"
url="host=$sock port=5432 user=fuyi dbname=fuyi sslmode=disable"
leakproof="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/internal/database/leakproof.sql"

# as the superuser, over the socket (peer: the server's OS user is `postgres` in the database)
su_psql() { PGOPTIONS="-c client_min_messages=warning" "${runas[@]}" "$bindir/psql" -h "$sock" -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

private_dirs() {
	mkdir -p "$sock"
	if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$dir" "$sock"; fi
	chmod 700 "$dir" "$sock"
}

init_cluster() {
	say "initialising a private cluster in $data (owner $owner, application role fuyi for OS user $client)"
	"${runas[@]}" "$bindir/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=reject --encoding=UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	"${runas[@]}" tee "$data/pg_hba.conf" >/dev/null <<-HBA
		# written by scripts/pg.sh: unix socket only, peer authentication through the maps in pg_ident.conf
		# TYPE  DATABASE  USER      METHOD
		local   all       postgres  peer map=owner
		local   all       fuyi      peer map=app
	HBA
	{
		echo "# written by scripts/pg.sh: MAP OS-USER DATABASE-ROLE"
		echo "owner $owner postgres"
		echo "app $client fuyi"
		[ "$owner" = "$client" ] || echo "app $owner fuyi"
	} | "${runas[@]}" tee "$data/pg_ident.conf" >/dev/null
	echo 2 | "${runas[@]}" tee "$layout" >/dev/null
}

server_start() {
	if ! "${runas[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		"${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses='' -k $sock -p 5432 -c unix_socket_permissions=0700 -c max_connections=200 -c fsync=${PG_FSYNC:-on}" start >/dev/null \
			|| { tail -20 "$dir/server.log" >&2; exit 1; }
	fi
}

# roles, database and extensions; run on every start so that a changed rule reaches existing clusters
bootstrap() {
	su_psql -d postgres <<-'SQL'
		SELECT 'CREATE ROLE fuyi LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fuyi')
		\gexec
		ALTER ROLE fuyi LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
		SELECT 'CREATE DATABASE fuyi OWNER fuyi' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'fuyi')
		\gexec
		-- the benchmarks bulk-load with triggers off; the table owner could drop them anyway
		SELECT 'GRANT SET ON PARAMETER session_replication_role TO fuyi' WHERE current_setting('server_version_num')::int >= 150000
		\gexec
		\connect template1
		CREATE EXTENSION IF NOT EXISTS btree_gist;
		\connect fuyi
		CREATE EXTENSION IF NOT EXISTS btree_gist;
	SQL
	# the LEAKPROOF marks that let row-level security use the search indexes (internal/database/leakproof.go),
	# in template1, which passes them on to new databases (the tests' among them), and in fuyi
	local db
	for db in template1 fuyi; do
		su_psql -d "$db" <"$leakproof"
	done
}

# a cluster of the first pg.sh: trust for everyone and fuyi its superuser
upgrade_old() {
	say "converting $data (made by an earlier pg.sh, with a superuser application role) to a private cluster"
	server_start
	local dump="$dir/fuyi-before-private.dump"
	local has_db
	has_db=$("$bindir/psql" -h "$sock" -U fuyi -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='fuyi'")
	if [ "$has_db" = 1 ]; then
		"${runas[@]}" "$bindir/pg_dump" -h "$sock" -U fuyi -Fc -f "$dump.tmp" fuyi
		mv "$dump.tmp" "$dump"
	fi
	"${runas[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	rm -rf "$dir/data.before-private"
	mv "$data" "$dir/data.before-private"
	init_cluster
	server_start
	bootstrap
	if [ -f "$dump" ]; then
		# restored as fuyi, which then owns every object; the extension's comment belongs to the superuser
		"${runas[@]}" "$bindir/pg_restore" -l "$dump" | grep -v 'COMMENT - EXTENSION' >"$dump.list"
		"$bindir/pg_restore" -h "$sock" -U fuyi -d fuyi --no-owner --no-privileges --exit-on-error -L "$dump.list" "$dump"
		rm -f "$dump" "$dump.list"
	fi
	say "done; the old data directory is kept in $dir/data.before-private (delete it when satisfied)"
}

case "$cmd" in
start)
	private_dirs
	if [ ! -f "$data/PG_VERSION" ]; then
		init_cluster
	elif [ ! -f "$layout" ]; then
		upgrade_old
	fi
	server_start
	bootstrap
	echo "DATABASE_URL=$url"
	;;
stop)
	if [ -f "$data/PG_VERSION" ]; then
		"${runas[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	;;
*)
	say "unknown command $cmd"; exit 2 ;;
esac
