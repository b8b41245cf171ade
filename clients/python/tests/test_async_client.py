"""The asynchronous client against a real `turnledger serve`."""

from __future__ import annotations

import anyio
import pytest

from turnledger import AsyncClient, TurnLedgerError

pytestmark = pytest.mark.anyio


async def test_the_agent_loop_awaited(server, session_id):
    async with AsyncClient(server.url) as ledger:
        await ledger.create_session(session_id)
        await ledger.append(session_id, "user", "Hi")
        turn = await ledger.open_turn(session_id, [{"id": "c1", "name": "clock", "arguments": "{}"}])
        await ledger.record_result(session_id, "c1", "", outcome="success")  # an empty result is data
        with pytest.raises(TurnLedgerError) as twice:
            await ledger.record_result(session_id, "c1", "other")
        assert twice.value.code == "duplicate_result"
        assert (await ledger.commit_turn(session_id, turn_seq=turn["seq"]))["isCommitted"]
        body = await ledger.context(session_id, "anthropic")
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
        assert [e["seq"] async for e in ledger.iter_entries(session_id)] == [1, 2, 3]


async def test_recover_closes_a_turn_left_open(server, session_id):
    async with AsyncClient(server.url) as ledger:
        await ledger.create_session(session_id)
        await ledger.open_turn(session_id, [{"id": "c1", "name": "slow", "arguments": "{}"}])
        closed = await ledger.recover(session_id)
        assert closed[0]["results"][0]["outcome"] == "interrupted"
        assert await ledger.recover(session_id) == []


async def test_the_live_tail_from_now(server, session_id):
    async with AsyncClient(server.url) as ledger:
        await ledger.create_session(session_id)
        await ledger.append(session_id, "user", "before")
        seen = []

        async def follow() -> None:
            async for event in ledger.tail(session_id, from_now=True):
                seen.append(event)
                if event["kind"] == "purged":
                    return

        async with anyio.create_task_group() as group:
            group.start_soon(follow)
            await anyio.sleep(0.3)
            async with AsyncClient(server.url) as writer:
                await writer.append(session_id, "user", "after")
                await anyio.sleep(0.2)
                await writer.purge_session(session_id, "done")
        assert [(e["kind"], e.get("seq")) for e in seen] == [("entry", 2), ("purged", None)]
