#!/usr/bin/env bash
# TurnLedger and the Agents SDK's SQLAlchemySession on PostgreSQL beside the SQLite peers, on one
# workload: starts a throwaway PostgreSQL cluster (initdb under /tmp, a Unix socket, no TCP port;
# as the unprivileged `postgres` user when run as root), runs the harness (raw-c, agents,
# turnledger on SQLite), then the PostgreSQL peer, then `turnledger bench` on PostgreSQL (one
# agent, and --writers 64) and on SQLite with --writers 64, and prints one JSON line of figures
# and ratios.
#
#   bench/postgres-peers.sh WORKLOAD.jsonl
#
# Environment: SHARED_BENCH (default ../shared/bench beside the repo), PEERS_WORK (the peers'
# venv, set up by the harness's setup.sh; asyncpg is added to it), SYNCHRONOUS_COMMIT (default
# on, PostgreSQL's default), POSTGRES_BIN (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
workload="${1:?usage: bench/postgres-peers.sh WORKLOAD.jsonl}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
peers_work="${PEERS_WORK:-$HOME/.cache/turnledger-peers}"
work="$(mktemp -d /tmp/turnledger-pgbench-XXXXXX)"
# shellcheck source=../scripts/postgres-cluster.sh
source "$repo/scripts/postgres-cluster.sh"
cleanup() {
    postgres_cluster_stop
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$peers_work/.venv/bin/python" ] || [ ! -x "$peers_work/raw_sqlite" ]; then
    PEERS_WORK="$peers_work" bash "$shared/peers/setup.sh" >&2
fi
"$peers_work/.venv/bin/python" -c "import asyncpg" 2>/dev/null \
    || "$peers_work/.venv/bin/pip" install --quiet "asyncpg==0.32.0" >&2

postgres_cluster_start "$work" synchronous_commit="${SYNCHRONOUS_COMMIT:-on}"
for database in peers turnledger turnledger64; do
    "$POSTGRES_CLUSTER_BIN/psql" -h "$work" -U postgres -d postgres -qc "CREATE DATABASE $database" >/dev/null
done

(cd "$repo" && swift build -c release --product turnledger >&2)
count="SELECT (SELECT count(*) FROM entry)+(SELECT count(*) FROM toolResult)"
PEERS_WORK="$peers_work" RESULT="$work/sqlite.json" PEERS="raw-c agents turnledger" \
    EXTRA_PEERS="turnledger|$count|$repo/.build/release/turnledger bench" \
    bash "$shared/peers/run_all.sh" "$workload" >&2

SHARED_PEERS="$shared/peers" "$peers_work/.venv/bin/python" "$repo/bench/peers/peer_agents_sqlalchemy_pg.py" \
    --workload "$workload" --url "postgresql+asyncpg://postgres@/peers?host=$work" >"$work/pg.json"

bench="$repo/.build/release/turnledger bench --workload $workload"
$bench --db "postgres://postgres@/turnledger?host=$work" >"$work/tl-pg.json"
$bench --db "postgres://postgres@/turnledger64?host=$work" --writers 64 >"$work/tl-pg-64.json"
$bench --db "$work/tl-64.sqlite" --writers 64 >"$work/tl-sqlite-64.json"

python3 - "$work/sqlite.json" "$work/pg.json" "$work/tl-pg.json" "$work/tl-pg-64.json" "$work/tl-sqlite-64.json" <<'PY'
import json, sys
rows = {r["peer"]: r for r in json.load(open(sys.argv[1]))["results"]}
pg = json.load(open(sys.argv[2]))
for name, path in (("turnledger-pg", sys.argv[3]), ("turnledger-pg-writers64", sys.argv[4]), ("turnledger-writers64", sys.argv[5])):
    rows[name] = json.load(open(path))
    assert rows[name]["ok"], name
ratio = lambda a, b: round(a / b, 3)
figures = {name: {k: rows[name][k] for k in ("ingest_msgs_per_s", "read_sessions_per_s")}
           for name in ("raw-c", "agents", "turnledger", "turnledger-writers64", "turnledger-pg", "turnledger-pg-writers64")}
figures["agents-sqlalchemy-pg"] = {k: pg[k] for k in ("ingest_msgs_per_s", "read_sessions_per_s")}
print(json.dumps({
    "figures": figures,
    "pg_config": pg["config"],
    "agents_pg_ingest_vs_agents_sqlite": ratio(pg["ingest_msgs_per_s"], rows["agents"]["ingest_msgs_per_s"]),
    "turnledger_sqlite_ingest_vs_agents_pg": ratio(rows["turnledger"]["ingest_msgs_per_s"], pg["ingest_msgs_per_s"]),
    "turnledger_sqlite_reads_vs_agents_pg": ratio(rows["turnledger"]["read_sessions_per_s"], pg["read_sessions_per_s"]),
    "turnledger_pg_ingest_vs_agents_pg": ratio(rows["turnledger-pg"]["ingest_msgs_per_s"], pg["ingest_msgs_per_s"]),
    "turnledger_pg_reads_vs_agents_pg": ratio(rows["turnledger-pg"]["read_sessions_per_s"], pg["read_sessions_per_s"]),
    "turnledger_pg_ingest_vs_turnledger_sqlite": ratio(rows["turnledger-pg"]["ingest_msgs_per_s"], rows["turnledger"]["ingest_msgs_per_s"]),
    "turnledger_pg_writers64_ingest_vs_turnledger_sqlite_writers64": ratio(
        rows["turnledger-pg-writers64"]["ingest_msgs_per_s"], rows["turnledger-writers64"]["ingest_msgs_per_s"]),
    "turnledger_pg_writers64_p50_ms": round(rows["turnledger-pg-writers64"]["write_p50_ms"], 2),
    "turnledger_pg_writers64_p99_ms": round(rows["turnledger-pg-writers64"]["write_p99_ms"], 2),
}))
PY
