#!/usr/bin/env python3
"""Peer: OpenAI Agents SDK SQLAlchemySession on PostgreSQL (asyncpg).

The same semantics as the harness's SQLite peers (../shared/bench/peers/README.md): one
SQLAlchemySession per conversation, created when its first message arrives, sharing one async
engine; add_items([message]) per message (one transaction each), then get_items() per session.
The tables are created before the clock starts. The stored rows are counted through a separate
asyncpg connection, and every message read back must equal the workload's.

    peer_agents_sqlalchemy_pg.py --workload W --url postgresql+asyncpg://user@/db?host=/socket/dir

Durability is the server's: synchronous_commit as the server is configured (default on: the WAL
is flushed before COMMIT returns, like SQLite's synchronous=FULL).
"""

import argparse
import asyncio
import os
import sys

sys.path.insert(0, os.environ.get("SHARED_PEERS", os.path.join(os.path.dirname(__file__), "../../../shared/bench/peers")))

import asyncpg  # noqa: E402
import common  # noqa: E402  (the harness's Workload, report)
from agents.extensions.memory.sqlalchemy_session import SQLAlchemySession  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402


async def run(url, wl):
    engine = create_async_engine(url, pool_size=1, max_overflow=0)
    # Create the tables outside the timed phase, through the SDK's own create_tables.
    warmup = SQLAlchemySession("__warmup__", engine=engine, create_tables=True)
    await warmup.get_items()
    sessions = {}
    t0 = common.perf_counter()
    for sid, msg, _is_error in wl.items:
        s = sessions.get(sid)
        if s is None:
            s = sessions[sid] = SQLAlchemySession(sid, engine=engine)
        await s.add_items([msg])
    ingest_s = common.perf_counter() - t0

    loaded = {}
    t0 = common.perf_counter()
    for sid in wl.sessions:
        loaded[sid] = await sessions[sid].get_items()
    read_s = common.perf_counter() - t0

    server = await engine.connect()
    setting = (await server.exec_driver_sql("SHOW synchronous_commit")).scalar()
    version = (await server.exec_driver_sql("SHOW server_version")).scalar()
    await server.close()
    await engine.dispose()

    raw = url.replace("postgresql+asyncpg://", "postgresql://")
    counter = await asyncpg.connect(raw)
    persisted = await counter.fetchval("SELECT count(*) FROM agent_messages")
    await counter.close()
    return ingest_s, read_s, persisted, loaded, setting, version


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--workload", required=True)
    ap.add_argument("--url", required=True, help="postgresql+asyncpg://… of an empty database")
    a = ap.parse_args()
    wl = common.Workload(a.workload)
    ingest_s, read_s, persisted, loaded, setting, version = asyncio.run(run(a.url, wl))
    common.report("openai-agents SQLAlchemySession (PostgreSQL)", wl, ingest_s, read_s, persisted, loaded,
                  config="PostgreSQL %s, synchronous_commit=%s, one engine, pool of 1" % (version, setting),
                  version=common.version_of("openai-agents"), sqlalchemy=common.version_of("sqlalchemy"),
                  asyncpg=common.version_of("asyncpg"))


if __name__ == "__main__":
    main()
