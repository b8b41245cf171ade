#!/usr/bin/env bash
# Runs TurnLedger and the raw SQLite C baseline on one workload, on fresh databases, in one run,
# and prints both figure lines and the ratios (TurnLedger / baseline).
#
#   bench/compare.sh WORKLOAD.jsonl
#
# Make a workload with ../shared/bench/make_workload.py (see docs/performance.md).
# SHARED_BENCH overrides where raw_sqlite.c is (default: ../shared/bench beside the repo).
set -euo pipefail
workload="${1:?usage: bench/compare.sh WORKLOAD.jsonl}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
(cd "$repo" && swift build -c release --product turnledger >&2)
gcc -O2 -Wall -o "$work/raw_sqlite" "$shared/raw_sqlite.c" -lsqlite3

"$work/raw_sqlite" --workload "$workload" --db "$work/raw.sqlite" > "$work/raw.json"
"$repo/.build/release/turnledger" bench --workload "$workload" --db "$work/turnledger.sqlite" > "$work/turnledger.json"

cat "$work/raw.json" "$work/turnledger.json"
python3 - "$work/raw.json" "$work/turnledger.json" <<'PY'
import json, sys
raw, ours = (json.load(open(path)) for path in sys.argv[1:3])
print(json.dumps({
    "ingest_ratio": round(ours["ingest_msgs_per_s"] / raw["ingest_msgs_per_s"], 3),
    "read_ratio": round(ours["read_sessions_per_s"] / raw["read_sessions_per_s"], 3),
    "context_p50_ms": ours["context_p50_ms"],
    "context_p99_ms": ours["context_p99_ms"],
    "peak_rss_mb": ours["peak_rss_mb"],
    "ok": raw["ok"] and ours["ok"],
}))
PY
