"""``TurnLedgerSession`` against a real `turnledger serve`: the Session protocol, rewind, refusals."""

from __future__ import annotations

import pytest

from turnledger import Client, TurnLedgerError
from turnledger.agents import TOOL_ERROR_TEXT, TurnLedgerSession

pytestmark = pytest.mark.anyio

USER = {"role": "user", "content": "Weather in Moscow, and its Wikipedia page?"}
REASONING = {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"}
CALL_WEATHER = {"type": "function_call", "id": "fc_1", "call_id": "call_w", "name": "weather", "arguments": '{"city":"Москва"}'}
CALL_WIKI = {"type": "function_call", "id": "fc_2", "call_id": "call_k", "name": "fetch", "arguments": '{"url":'}
OUT_WIKI = {"type": "function_call_output", "call_id": "call_k", "output": TOOL_ERROR_TEXT}
OUT_WEATHER = {"type": "function_call_output", "call_id": "call_w", "output": "-3°C, light snow"}
ANSWER = {
    "id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
    "content": [{"type": "output_text", "text": "−3°C. Wikipedia refused (403).", "annotations": [], "logprobs": []}],
}


class FailedCall:
    """What the SDK hands a ``failure_error_function``: a tool context naming the call."""

    def __init__(self, call_id: str) -> None:
        self.tool_call_id = call_id


def pairs(items: list[dict]) -> bool:
    """Every function_call has exactly one output after it, and every output a call before it."""
    open_calls: set[str] = set()
    for item in items:
        if item.get("type") == "function_call":
            open_calls.add(item["call_id"])
        elif item.get("type") == "function_call_output":
            if item["call_id"] not in open_calls:
                return False
            open_calls.remove(item["call_id"])
    return not open_calls


async def test_items_come_back_as_added_and_the_turn_is_stored_whole(server, session_id):
    session = TurnLedgerSession(session_id, base_url=server.url)
    session.tool_error(FailedCall("call_k"), PermissionError("HTTP 403 Forbidden"))  # type: ignore[arg-type]
    # The outputs arrive in another order than the calls: they come back in call order.
    await session.add_items([USER, REASONING, CALL_WEATHER, CALL_WIKI, OUT_WIKI, OUT_WEATHER, ANSWER])  # type: ignore[list-item]

    assert await session.get_items() == [USER, REASONING, CALL_WEATHER, CALL_WIKI, OUT_WEATHER, OUT_WIKI, ANSWER]
    assert await session.get_items(limit=1) == [ANSWER]
    # A limit never cuts a turn: the turn does not fit in 3, so only what follows it comes back.
    assert await session.get_items(limit=3) == [ANSWER]
    assert len(await session.get_items(limit=6)) == 6
    with Client(server.url) as ledger:
        entries = [entry for entry in ledger.iter_entries(session_id)]
        assert [(e["role"], e.get("outcome")) for e in entries] == [
            ("user", None), ("assistant", None), ("tool", "success"), ("tool", "error"), ("assistant", None)]
        assert [call["id"] for call in entries[1]["toolCalls"]] == ["call_w", "call_k"]
        body = ledger.context(session_id, "openai-responses")
        assert body["input"][0]["type"] == "message" and body["input"][1] == REASONING
        for provider in ("openai-chat", "anthropic", "gemini"):
            ledger.context(session_id, provider)  # the service checks each body against its rules


async def test_a_batch_that_breaks_pairing_is_refused_and_writes_nothing(server, session_id):
    session = TurnLedgerSession(session_id, base_url=server.url)
    await session.add_items([USER])  # type: ignore[list-item]
    with pytest.raises(TurnLedgerError) as orphan:
        # Issue #4827's shape: after a resumed approval, only the output is written.
        await session.add_items([{"role": "user", "content": "approved"}, OUT_WEATHER])  # type: ignore[list-item]
    assert orphan.value.code == "no_open_turn"
    with pytest.raises(TurnLedgerError) as unknown:
        await session.add_items([CALL_WEATHER, OUT_WIKI])  # type: ignore[list-item]
    assert unknown.value.code == "unknown_call" and unknown.value.details["callId"] == "call_k"
    with pytest.raises(TurnLedgerError) as twice:
        await session.add_items([CALL_WEATHER, CALL_WIKI, OUT_WEATHER, OUT_WEATHER])  # type: ignore[list-item]
    assert twice.value.code == "duplicate_result"
    assert await session.get_items() == [USER]
    with Client(server.url) as ledger:
        assert [e["seq"] for e in ledger.iter_entries(session_id)] == [1]
        with pytest.raises(TurnLedgerError) as none:
            ledger.current_turn(session_id)
        assert none.value.code == "no_open_turn"


async def test_calls_left_unanswered_by_a_new_message_are_cancelled(server, session_id):
    session = TurnLedgerSession(session_id, base_url=server.url)
    await session.add_items([USER, CALL_WEATHER])  # type: ignore[list-item]
    assert await session.get_items() == [USER]  # an open turn is not part of the history
    await session.add_items([{"role": "user", "content": "Never mind."}])  # type: ignore[list-item]
    items = await session.get_items()
    assert pairs(items) and items[1] == CALL_WEATHER and items[2]["type"] == "function_call_output"
    with Client(server.url) as ledger:
        assert [e.get("outcome") for e in ledger.iter_entries(session_id)][2] == "cancelled"


async def test_pop_item_rewinds_one_item_at_a_time_and_the_log_keeps_it(server, session_id):
    session = TurnLedgerSession(session_id, base_url=server.url)
    assert await session.pop_item() is None
    everything = [USER, CALL_WEATHER, CALL_WIKI, OUT_WEATHER, OUT_WIKI, ANSWER]
    await session.add_items(everything)  # type: ignore[list-item]

    assert await session.pop_item() == ANSWER
    assert await session.get_items() == everything[:-1]
    # An output of a committed turn: the turn leaves the history and waits, open, for it again.
    assert await session.pop_item() == OUT_WIKI
    assert await session.get_items() == [USER]
    assert await session.pop_item() == OUT_WEATHER
    assert await session.pop_item() == CALL_WIKI
    await session.add_items([CALL_WIKI, OUT_WEATHER, OUT_WIKI])  # type: ignore[list-item]  # the SDK's restore
    assert await session.get_items() == everything[:-1]
    with Client(server.url) as ledger:
        log = ledger.entries_as_of(session_id, 5)["entries"]
        assert [e["seq"] for e in log] == [1, 2, 3, 4, 5]  # the history before the first pop, kept

    await session.clear_session()
    assert await session.get_items() == []
    assert await session.pop_item() is None
    await session.add_items([USER])  # type: ignore[list-item]
    assert await session.get_items() == [USER]
