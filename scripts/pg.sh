#!/usr/bin/env bash
# Private PostgreSQL cluster for `make run` and `make test`.
#   scripts/pg.sh start DIR   initialise (if needed) and start a cluster in DIR; prints DATABASE_URL=...
#   scripts/pg.sh stop DIR    stop it
# The server listens only on a unix socket inside DIR. As root it runs as an unprivileged user, since
# PostgreSQL refuses to run as root.
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
if [ "$(id -u)" -eq 0 ]; then
	if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
	runas=(runuser -u "$owner" --)
fi

data="$dir/data"
sock="$dir/run"
url="host=$sock port=5432 user=fuyi dbname=fuyi sslmode=disable"

case "$cmd" in
start)
	mkdir -p "$sock"
	if [ "$(id -u)" -eq 0 ]; then chown -R "$owner" "$dir"; chmod 755 "$dir"; fi
	if [ ! -f "$data/PG_VERSION" ]; then
		say "initialising a private cluster in $data (owner $owner)"
		"${runas[@]}" "$bindir/initdb" -D "$data" -U fuyi --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
			|| { cat "$dir/initdb.log" >&2; exit 1; }
	fi
	if ! "${runas[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		"${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses='' -k $sock -p 5432 -c max_connections=200 -c fsync=${PG_FSYNC:-on}" start >/dev/null \
			|| { tail -20 "$dir/server.log" >&2; exit 1; }
	fi
	if ! "$bindir/psql" -h "$sock" -U fuyi -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='fuyi'" | grep -q 1; then
		"$bindir/psql" -h "$sock" -U fuyi -d postgres -qc "CREATE DATABASE fuyi" >&2
	fi
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
