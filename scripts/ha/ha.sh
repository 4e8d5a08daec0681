#!/usr/bin/env bash
# High-availability PostgreSQL on one machine: PostgreSQL 15 nodes under Patroni, etcd as the store,
# HAProxy routing to the leader (and to the replicas for reads), synchronous_mode on.
#
#   scripts/ha/ha.sh up           initialise (if needed) and start everything; prints DATABASE_URL=… and
#                                 DATABASE_REPLICA_URL=… (both through HAProxy)
#   scripts/ha/ha.sh down         stop everything (the data under HA_DIR stays; rm -rf it to start afresh)
#   scripts/ha/ha.sh status       members, roles, lag (patronictl list)
#   scripts/ha/ha.sh urls         print the two URLs again
#   scripts/ha/ha.sh start-node N start node N's Patroni again (after a test killed it)
#   scripts/ha/ha.sh stop-node N  stop node N's Patroni and PostgreSQL cleanly
#
# Environment: HA_DIR (default ./var/ha), HA_NODES (2 or 3, default 3, fixed at first start), HA_BASE
# (default 25400): HAProxy leader port BASE+32, replica port BASE+33, statistics page BASE+34; PostgreSQL
# nodes BASE+41…; Patroni REST BASE+51…; etcd BASE+79 (client) and BASE+80 (peer). Everything listens on
# 127.0.0.1 only. As root, every process runs as the unprivileged `postgres` user (or `nobody`).
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin" # haproxy lives in /usr/sbin, often not in an ordinary user's PATH

cmd=${1:?usage: ha.sh up|down|status|urls|start-node N|stop-node N}
here=$(cd "$(dirname "$0")" && pwd)
dir=${HA_DIR:-var/ha}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
base=${HA_BASE:-25400}

say() { echo "ha.sh: $*" >&2; }
die() { say "$*"; exit 1; }

port_rw=$((base + 32))
port_ro=$((base + 33))
port_stats=$((base + 34))
pg_port() { echo $((base + 40 + $1)); }
rest_port() { echo $((base + 50 + $1)); }
etcd_client=$((base + 79))
etcd_peer=$((base + 80))

# ---------------------------------------------------------------------------------------------------
# Packages

find_pg_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

missing_packages() {
	local m=()
	command -v patroni >/dev/null 2>&1 || m+=(patroni)
	command -v etcd >/dev/null 2>&1 || m+=(etcd-server)
	command -v etcdctl >/dev/null 2>&1 || m+=(etcd-client)
	command -v haproxy >/dev/null 2>&1 || m+=(haproxy)
	command -v curl >/dev/null 2>&1 || m+=(curl)
	find_pg_bindir >/dev/null || m+=(postgresql postgresql-contrib)
	echo "${m[@]}"
}

ensure_packages() {
	local m
	m=$(missing_packages)
	[ -z "$m" ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing $m with apt-get"
		# No package may create and start a system-wide PostgreSQL cluster: we run our own nodes.
		mkdir -p /etc/postgresql-common
		[ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $m >&2
		# the packages' own services (system etcd on 2379, haproxy on its default config) are not used
		for svc in etcd haproxy patroni; do
			if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
		done
		m=$(missing_packages)
		[ -z "$m" ] || die "installation did not provide: $m"
		return 0
	fi
	say "missing: $m"
	say "install them, e.g. on Debian/Ubuntu: sudo apt-get install $m"
	exit 1
}

# ---------------------------------------------------------------------------------------------------
# Who runs the processes

runas=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
	runas=(runuser -u "$owner" --)
fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# start_bg PIDFILE LOGFILE CMD… starts CMD in the background as the owner, in its own session, and
# records CMD's own pid (not runuser's, which stays as its parent).
start_bg() {
	local pidfile=$1 log=$2 i
	shift 2
	rm -f "$pidfile"
	# shellcheck disable=SC2016
	setsid "${runas[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
	for i in $(seq 50); do
		[ -s "$pidfile" ] && return 0
		sleep 0.1
	done
	die "could not start $1 (log: $log)"
}

stop_pid() { # stop_pid PIDFILE SECONDS
	local pidfile=$1 wait=${2:-30} pid i
	alive "$pidfile" || { rm -f "$pidfile"; return 0; }
	pid=$(cat "$pidfile")
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq $((wait * 10))); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
		sleep 0.1
	done
	say "process $pid did not stop in ${wait}s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$pidfile"
}

# ---------------------------------------------------------------------------------------------------
# Configuration (written once; HA_NODES and the passwords are fixed at the first start)

secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 24; }

prepare() {
	if [ ! -f "$dir/secrets.env" ]; then
		umask 077
		{
			echo "HA_NODES=${HA_NODES:-3}"
			echo "SUPERUSER_PASSWORD=$(secret)"
			echo "REPLICATION_PASSWORD=$(secret)"
			echo "REWIND_PASSWORD=$(secret)"
			echo "APP_PASSWORD=$(secret)"
		} >"$dir/secrets.env"
		umask 022
	fi
	# shellcheck disable=SC1091
	. "$dir/secrets.env"
	case "$HA_NODES" in 2 | 3) ;; *) die "HA_NODES must be 2 or 3 (got $HA_NODES)" ;; esac
	local bindir
	bindir=$(find_pg_bindir) || die "PostgreSQL server binaries not found"
	cp "$here/bootstrap.sh" "$dir/bootstrap.sh"
	mkdir -p "$dir/etcd"
	local i
	for i in $(seq "$HA_NODES"); do
		mkdir -p "$dir/node$i/run"
		chmod 700 "$dir/node$i/run"
		write_patroni "$i" "$bindir"
	done
	write_haproxy
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$owner" "$dir"
		chmod 755 "$dir"
	fi
	chmod 700 "$dir/etcd"
}

write_patroni() {
	local i=$1 bindir=$2
	cat >"$dir/node$i/patroni.yml" <<YAML
# written by scripts/ha/ha.sh — edit the script, not this file
scope: fuyi
namespace: /fuyi-ha/
name: node$i
restapi:
  listen: 127.0.0.1:$(rest_port "$i")
  connect_address: 127.0.0.1:$(rest_port "$i")
etcd3:
  hosts: 127.0.0.1:$etcd_client
bootstrap:
  dcs:
    # A crashed leader is not restarted in place when a synchronous replica can take over
    # (primary_start_timeout 0); the cluster is checked every loop_wait seconds.
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    primary_start_timeout: 0
    maximum_lag_on_failover: 1048576
    # An acknowledged commit is on two nodes; with no replica left the leader goes on alone (not strict).
    synchronous_mode: true
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_connections: 200
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 256MB
        synchronous_commit: 'on'
        hot_standby_feedback: 'on'
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
  post_bootstrap: $dir/bootstrap.sh $dir/secrets.env
postgresql:
  listen: 127.0.0.1:$(pg_port "$i")
  connect_address: 127.0.0.1:$(pg_port "$i")
  data_dir: $dir/node$i/data
  bin_dir: $bindir
  pgpass: $dir/node$i/pgpass
  # a new replica's base backup asks for an immediate checkpoint instead of a spread one (minutes)
  basebackup:
    - checkpoint: fast
  authentication:
    superuser:
      username: postgres
      password: $SUPERUSER_PASSWORD
    replication:
      username: replicator
      password: $REPLICATION_PASSWORD
    rewind:
      username: rewinder
      password: $REWIND_PASSWORD
  parameters:
    unix_socket_directories: $dir/node$i/run
    fsync: '${PG_FSYNC:-on}'
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
watchdog:
  mode: 'off'
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
YAML
	chmod 600 "$dir/node$i/patroni.yml"
}

write_haproxy() {
	local i
	{
		cat <<CFG
# written by scripts/ha/ha.sh — edit the script, not this file
global
    maxconn 1000

defaults
    mode tcp
    retries 2
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 2s

listen stats
    mode http
    bind 127.0.0.1:$port_stats
    stats enable
    stats uri /

# the leader: Patroni's REST API answers 200 on /primary only on the node holding the leader lock
listen primary
    bind 127.0.0.1:$port_rw
    option httpchk OPTIONS /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
CFG
		for i in $(seq "$HA_NODES"); do
			echo "    server node$i 127.0.0.1:$(pg_port "$i") maxconn 200 check port $(rest_port "$i")"
		done
		cat <<CFG

# any streaming replica, for reads that may lag
listen replicas
    bind 127.0.0.1:$port_ro
    balance roundrobin
    option httpchk OPTIONS /replica
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
CFG
		for i in $(seq "$HA_NODES"); do
			echo "    server node$i 127.0.0.1:$(pg_port "$i") maxconn 200 check port $(rest_port "$i")"
		done
	} >"$dir/haproxy.cfg"
}

# ---------------------------------------------------------------------------------------------------
# Processes

start_etcd() {
	alive "$dir/etcd.pid" && return 0
	start_bg "$dir/etcd.pid" "$dir/etcd.log" etcd --name fuyi-ha --data-dir "$dir/etcd" \
		--listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
		--listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
		--initial-cluster "fuyi-ha=http://127.0.0.1:$etcd_peer" --initial-cluster-state new \
		--listen-metrics-urls "" --log-level warn
	local i
	for i in $(seq 100); do
		curl -fsS "http://127.0.0.1:$etcd_client/health" 2>/dev/null | grep -q '"health":"true"' && return 0
		alive "$dir/etcd.pid" || { tail -20 "$dir/etcd.log" >&2; die "etcd did not start"; }
		sleep 0.2
	done
	die "etcd did not become healthy (log: $dir/etcd.log)"
}

start_node() {
	local i=$1
	[ -f "$dir/node$i/patroni.yml" ] || die "node $i is not configured"
	alive "$dir/node$i/patroni.pid" && return 0
	start_bg "$dir/node$i/patroni.pid" "$dir/node$i/patroni.log" patroni "$dir/node$i/patroni.yml"
}

# stop_node N stops node N's Patroni (which stops its PostgreSQL) and then makes sure that PostgreSQL is
# down: a Patroni that was killed leaves its PostgreSQL running.
stop_node() {
	local data="$dir/node$1/data" bindir
	stop_pid "$dir/node$1/patroni.pid" 60
	if [ -f "$data/postmaster.pid" ] && kill -0 "$(head -1 "$data/postmaster.pid")" 2>/dev/null; then
		bindir=$(find_pg_bindir)
		"${runas[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
	fi
}

start_haproxy() {
	alive "$dir/haproxy.pid" && return 0
	haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy configuration invalid"
	start_bg "$dir/haproxy.pid" "$dir/haproxy.log" haproxy -db -f "$dir/haproxy.cfg"
}

rest() { curl -fsS --max-time 2 "http://127.0.0.1:$(rest_port "$1")/$2" 2>/dev/null; }

# leader_node prints the number of the node holding the leader lock, if any.
leader_node() {
	local i
	for i in $(seq "$HA_NODES"); do
		if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$(rest_port "$i")/primary" 2>/dev/null; then
			echo "$i"
			return 0
		fi
	done
	return 1
}

psql_rw() { # psql_rw SQL — as the app role through HAProxy
	PGPASSWORD=$APP_PASSWORD psql "host=127.0.0.1 port=$port_rw user=fuyi dbname=fuyi sslmode=disable connect_timeout=3" -XtAqc "$1"
}

wait_ready() {
	local i n leader streaming sync
	say "waiting for a leader, ${HA_NODES} streaming members and a synchronous standby (first start: initdb and base backups)"
	for n in $(seq 600); do
		leader=$(leader_node || true)
		if [ -n "$leader" ]; then
			local cluster
			cluster=$(rest "$leader" cluster || true)
			streaming=$(echo "$cluster" | grep -o '"state": *"\(streaming\|running\)"' | wc -l)
			sync=$(echo "$cluster" | grep -c '"role": *"sync_standby"' || true)
			if [ "$streaming" -ge "$HA_NODES" ] && [ "$sync" -ge 1 ] && psql_rw "SELECT 1" >/dev/null 2>&1; then
				say "leader node$leader, $((HA_NODES - 1)) replicas streaming, synchronous standby present"
				return 0
			fi
		fi
		for i in $(seq "$HA_NODES"); do
			alive "$dir/node$i/patroni.pid" || { tail -30 "$dir/node$i/patroni.log" >&2; die "Patroni node$i exited (log: $dir/node$i/patroni.log)"; }
		done
		sleep 0.5
	done
	die "the cluster did not become ready in 5 minutes (logs: $dir/node*/patroni.log)"
}

urls() {
	echo "DATABASE_URL=postgres://fuyi:$APP_PASSWORD@127.0.0.1:$port_rw/fuyi?sslmode=disable&connect_timeout=5"
	echo "DATABASE_REPLICA_URL=postgres://fuyi:$APP_PASSWORD@127.0.0.1:$port_ro/fuyi?sslmode=disable&connect_timeout=5"
}

load_secrets() {
	[ -f "$dir/secrets.env" ] || die "no cluster in $dir (run: scripts/ha/ha.sh up)"
	# shellcheck disable=SC1091
	. "$dir/secrets.env"
}

case "$cmd" in
up)
	ensure_packages
	prepare
	start_etcd
	for i in $(seq "$HA_NODES"); do start_node "$i"; done
	start_haproxy
	wait_ready
	say "HAProxy: leader 127.0.0.1:$port_rw, replicas 127.0.0.1:$port_ro, statistics http://127.0.0.1:$port_stats/"
	urls
	;;
down)
	[ -f "$dir/secrets.env" ] || exit 0
	load_secrets
	stop_pid "$dir/haproxy.pid" 10
	# replicas first, so that stopping the leader does not hand the lock to a replica about to stop
	leader=$(leader_node || true)
	for i in $(seq "$HA_NODES"); do [ "$i" = "$leader" ] || stop_node "$i"; done
	[ -n "$leader" ] && stop_node "$leader"
	stop_pid "$dir/etcd.pid" 10
	say "stopped (data kept in $dir)"
	;;
status)
	load_secrets
	"${runas[@]}" patronictl -c "$dir/node1/patroni.yml" list
	;;
urls)
	load_secrets
	urls
	;;
start-node)
	load_secrets
	start_node "${2:?node number}"
	;;
stop-node)
	load_secrets
	stop_node "${2:?node number}"
	;;
*)
	die "unknown command $cmd"
	;;
esac
