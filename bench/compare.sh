#!/usr/bin/env bash
# Runs TurnLedger beside the raw SQLite C baseline (raw-c) and the OpenAI Agents SDK's
# SQLiteSession (agents) in one run of the peer harness (../shared/bench/peers), on fresh
# databases, and prints the harness's table and TurnLedger's ratios to both.
#
#   bench/compare.sh WORKLOAD.jsonl
#
# TurnLedger runs twice: `turnledger` (one agent, each write awaited: the harness's semantics)
# and `turnledger-w64` (`bench --writers 64`: 64 agents at once, group commit).
# Make a workload with ../shared/bench/make_workload.py (see docs/performance.md).
# Environment: SHARED_BENCH (default ../shared/bench beside the repo), REPEAT (runs per peer,
# median shown), WRITERS (default 64).
set -euo pipefail
workload="${1:?usage: bench/compare.sh WORKLOAD.jsonl}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
peers_work="${PEERS_WORK:-$HOME/.cache/turnledger-peers}"
writers="${WRITERS:-64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
(cd "$repo" && swift build -c release --product turnledger >&2)
if [ ! -x "$peers_work/.venv/bin/python" ] || [ ! -x "$peers_work/raw_sqlite" ]; then
    PEERS_WORK="$peers_work" bash "$shared/peers/setup.sh" >&2
fi

bin="$repo/.build/release/turnledger"
# The harness counts the stored messages itself: entries plus tool results (docs/performance.md).
count="SELECT (SELECT count(*) FROM entry)+(SELECT count(*) FROM toolResult)"
PEERS_WORK="$peers_work" RESULT="$work/result.json" PEERS="raw-c agents turnledger turnledger-w$writers" \
    EXTRA_PEERS="turnledger|$count|$bin bench
turnledger-w$writers|$count|$bin bench --writers $writers" \
    bash "$shared/peers/run_all.sh" "$workload"

python3 - "$work/result.json" "turnledger-w$writers" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
rows = {r["peer"]: r for r in result["results"]}
ours, raw, agents, many = rows["turnledger"], rows["raw-c"], rows["agents"], rows[sys.argv[2]]
ratio = lambda a, b: round(a / b, 3)
print(json.dumps({
    "ingest_vs_agents": ratio(ours["ingest_msgs_per_s"], agents["ingest_msgs_per_s"]),
    "ingest_vs_raw_c": ratio(ours["ingest_msgs_per_s"], raw["ingest_msgs_per_s"]),
    "writers_ingest_vs_raw_c": ratio(many["ingest_msgs_per_s"], raw["ingest_msgs_per_s"]),
    "reads_vs_raw_c": ratio(ours["read_sessions_per_s"], raw["read_sessions_per_s"]),
    "reads_vs_agents": ratio(ours["read_sessions_per_s"], agents["read_sessions_per_s"]),
    "file_size_vs_raw_c": ratio(ours["db_bytes"], raw["db_bytes"]),
    "file_bytes": {"turnledger": ours["db_bytes"], "raw-c": raw["db_bytes"], "agents": agents["db_bytes"]},
    "writers": {k: many.get(k) for k in ("writers", "write_p50_ms", "write_p99_ms", "writes_per_transaction")},
    "context_p50_ms": ours.get("context_p50_ms"),
    "peak_rss_mb": ours.get("peak_rss_mb"),
    "ok": all(r["check"] == "OK" for r in (ours, raw, agents, many)),
}))
PY
