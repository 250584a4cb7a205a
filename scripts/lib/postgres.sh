# shellcheck shell=bash
#
# Throwaway PostgreSQL 15 server for tests and local runs. Source this file, then:
#
#   source scripts/lib/postgres.sh
#   pg_start            # starts a fresh server, creates database "vouchers"
#   trap pg_stop EXIT   # stops it and deletes its files, whatever happens
#
# pg_start exports:
#   VOUCHERS_PG_PORT        TCP port on 127.0.0.1
#   VOUCHERS_PG_DIR         temp dir holding the cluster (data/), its log (postgres.log) and socket
#   VOUCHERS_PG_CONNECTION  Npgsql connection string for database "vouchers"
#
# The server trusts every connection (it listens on 127.0.0.1 and on a socket in its own private
# directory only); the postgres role also gets the password "postgres" so that clients which insist on
# sending one work as well. Durability settings are the production ones (fsync, synchronous_commit),
# so tests see real commit latency.
#
# Tunables (environment): VOUCHERS_PG_BIN (default /usr/lib/postgresql/15/bin),
# VOUCHERS_PG_TMP (parent of the temp dir, default /tmp), VOUCHERS_PG_START_TIMEOUT (seconds, 60),
# VOUCHERS_PG_MAX_CONNECTIONS (200).
# The functions work under `set -euo pipefail` and return non-zero instead of exiting.

VOUCHERS_PG_BIN="${VOUCHERS_PG_BIN:-/usr/lib/postgresql/15/bin}"

_pg_log() {
  printf '[postgres.sh] %s\n' "$*" >&2
}

# Runs a server binary as the owner of the cluster: "postgres" when we are root (PostgreSQL refuses
# to run as root), ourselves otherwise.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_ensure_binaries() {
  if [ -x "$VOUCHERS_PG_BIN/initdb" ] && [ -x "$VOUCHERS_PG_BIN/pg_ctl" ] && [ -x "$VOUCHERS_PG_BIN/psql" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    _pg_log "PostgreSQL 15 not found at $VOUCHERS_PG_BIN and not root: install postgresql-15 first"
    return 1
  fi
  _pg_log "PostgreSQL 15 not found at $VOUCHERS_PG_BIN; installing postgresql-15"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || return 1
  apt-get install -y -qq --no-install-recommends postgresql-15 >&2 || return 1
  if [ ! -x "$VOUCHERS_PG_BIN/initdb" ]; then
    _pg_log "postgresql-15 installed but $VOUCHERS_PG_BIN/initdb is still missing"
    return 1
  fi
}

_pg_ensure_owner_account() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
  fi
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now (the scripts that source this file use it too).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' && return 0
  fi
  local port tries
  for tries in $(seq 1 200); do
    port=$((20000 + (RANDOM % 30000)))
    # A refused connection means the port is free.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  _pg_log "no free TCP port found after $tries tries"
  return 1
}

_pg_is_running() {
  [ -n "${VOUCHERS_PG_DIR:-}" ] && [ -d "${VOUCHERS_PG_DIR}/data" ] \
    && _pg_as_owner "$VOUCHERS_PG_BIN/pg_ctl" -D "$VOUCHERS_PG_DIR/data" status >/dev/null 2>&1
}

pg_start() {
  if _pg_is_running; then
    _pg_log "server already running on port $VOUCHERS_PG_PORT ($VOUCHERS_PG_DIR)"
    return 0
  fi

  _pg_ensure_binaries || return 1
  _pg_ensure_owner_account || return 1

  local tmp_parent="${VOUCHERS_PG_TMP:-/tmp}"
  local dir
  dir="$(mktemp -d "$tmp_parent/vouchers-pg.XXXXXX")" || return 1
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir" || { rm -rf "$dir"; return 1; }
  fi
  chmod 700 "$dir"
  # Exported right away so that pg_stop can clean up after a failure half-way through.
  export VOUCHERS_PG_DIR="$dir"

  local port
  port="$(free_port)" || { pg_stop; return 1; }
  export VOUCHERS_PG_PORT="$port"

  if ! _pg_as_owner "$VOUCHERS_PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    _pg_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    pg_stop
    return 1
  fi

  # Our settings go last in postgresql.conf, so they win over the defaults above them.
  cat >>"$dir/data/postgresql.conf" <<EOF

# --- vouchers throwaway test server ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = ${VOUCHERS_PG_MAX_CONNECTIONS:-200}
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_min_messages = warning
log_min_error_statement = error
log_line_prefix = '%m [%p] %q%u@%d '
EOF

  if ! _pg_as_owner "$VOUCHERS_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
      -w -t "${VOUCHERS_PG_START_TIMEOUT:-60}" start >/dev/null 2>&1; then
    _pg_log "server did not start; last log lines:"
    tail -n 40 "$dir/postgres.log" >&2 2>/dev/null || true
    pg_stop
    return 1
  fi

  local deadline=$((SECONDS + ${VOUCHERS_PG_START_TIMEOUT:-60}))
  until "$VOUCHERS_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      _pg_log "server not ready on 127.0.0.1:$port after ${VOUCHERS_PG_START_TIMEOUT:-60}s; last log lines:"
      tail -n 40 "$dir/postgres.log" >&2 2>/dev/null || true
      pg_stop
      return 1
    fi
    sleep 0.2
  done

  if ! "$VOUCHERS_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "ALTER ROLE postgres PASSWORD 'postgres'" -c "CREATE DATABASE vouchers" >/dev/null; then
    _pg_log "could not create database vouchers"
    pg_stop
    return 1
  fi

  export VOUCHERS_PG_CONNECTION="Host=127.0.0.1;Port=$port;Database=vouchers;Username=postgres;Password=postgres;Pooling=true;Maximum Pool Size=100"
  _pg_log "PostgreSQL $("$VOUCHERS_PG_BIN/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port (dir $dir)"
}

# Runs psql against the throwaway server; extra arguments go to psql (default database: vouchers).
pg_psql() {
  if [ -z "${VOUCHERS_PG_PORT:-}" ]; then
    _pg_log "pg_psql: no server started"
    return 1
  fi
  "$VOUCHERS_PG_BIN/psql" -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$VOUCHERS_PG_PORT" -U postgres -d vouchers "$@"
}

# Stops the server and deletes its directory. Safe to call twice, with nothing started, and from an
# EXIT trap (bash keeps the script's own exit status; this function always returns 0).
pg_stop() {
  local dir="${VOUCHERS_PG_DIR:-}"
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if [ -f "$dir/data/postmaster.pid" ]; then
      _pg_as_owner "$VOUCHERS_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || _pg_log "pg_ctl stop failed for $dir (server already gone?)"
    fi
    case "$dir" in
      */vouchers-pg.*) rm -rf -- "$dir" ;;
      *) _pg_log "not removing unexpected directory '$dir'" ;;
    esac
  fi
  unset VOUCHERS_PG_DIR VOUCHERS_PG_PORT VOUCHERS_PG_CONNECTION
  return 0
}
