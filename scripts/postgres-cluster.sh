# A throwaway PostgreSQL cluster for CI and benchmarks; source it, then:
#
#   postgres_cluster_start DIR [SETTING=VALUE ...]   # initdb in DIR/data, the server on a Unix socket in DIR
#   postgres_cluster_stop                            # a fast shutdown; removes nothing
#
# After a start, POSTGRES_CLUSTER_BIN is the directory of the programs it ran (psql among them).
#
# The server listens on no TCP port, only on DIR/.s.PGSQL.5432; connect with
# `psql -h DIR -U postgres` or `postgres://postgres@/DATABASE?host=DIR`. PostgreSQL refuses to
# run as root: as root, DIR is given to the unprivileged `postgres` user and the programs run as
# it (setpriv). The binaries are $POSTGRES_BIN, else the newest /usr/lib/postgresql/*/bin.
# The same steps as the Swift tests' PostgresCluster, which starts its own cluster when
# TURNLEDGER_TEST_POSTGRES (a socket directory) does not name a running one.

postgres_cluster_start() {
    local dir="$1"
    shift
    POSTGRES_CLUSTER_BIN="${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
    local bin="$POSTGRES_CLUSTER_BIN"
    local as_owner=()
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        as_owner=(setpriv --reuid="$(id -u postgres)" --regid="$(id -g postgres)" --clear-groups --)
    fi
    local settings=()
    for setting in "$@"; do settings+=(-c "$setting"); done
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    "${as_owner[@]}" "$bin/postgres" -D "$dir/data" -k "$dir" -c listen_addresses= "${settings[@]}" >"$dir/server.log" 2>&1 &
    POSTGRES_CLUSTER_PID=$!
    for _ in $(seq 300); do
        "$bin/psql" -h "$dir" -U postgres -d postgres -Atqc "SELECT 1" >/dev/null 2>&1 && return 0
        kill -0 "$POSTGRES_CLUSTER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "PostgreSQL did not start; its log:" >&2
    cat "$dir/server.log" >&2
    return 1
}

postgres_cluster_stop() {
    if [ -n "${POSTGRES_CLUSTER_PID:-}" ] && kill -INT "$POSTGRES_CLUSTER_PID" 2>/dev/null; then
        wait "$POSTGRES_CLUSTER_PID" 2>/dev/null || true
    fi
    POSTGRES_CLUSTER_PID=""
}
