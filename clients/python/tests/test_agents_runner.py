"""An Agents SDK ``Runner`` on ``TurnLedgerSession``, against a real `turnledger serve`: parallel
tools with a permanent error, and a process killed with SIGKILL between two tool results."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from agents import Runner
from agents.testing import ScriptedModel, assistant_message
from runner_script import agent, scripted_turn
from test_agents_session import pairs

from turnledger import Client
from turnledger.agents import TOOL_ERROR_TEXT, TurnLedgerSession

pytestmark = pytest.mark.anyio

PROVIDERS = ("openai-responses", "openai-chat", "anthropic", "gemini")


def model_input(model: ScriptedModel) -> list[dict[str, Any]]:
    """What the SDK sent the model on its last call."""
    call = model.last_call
    assert call is not None
    return [dict(item) for item in call.input]


def outcomes(url: str, session_id: str) -> dict[str, str]:
    with Client(url) as ledger:
        return {e["toolCallId"]: e["outcome"] for e in ledger.iter_entries(session_id) if e["role"] == "tool"}


def assert_accepted(url: str, session_id: str, sent: list[dict[str, Any]]) -> None:
    """The SDK's input pairs every call with one output, and the service renders the same history
    for each provider, checked against that provider's rules before it answers."""
    assert pairs(sent)
    with Client(url) as ledger:
        for provider in PROVIDERS:
            ledger.context(session_id, provider)  # a body that breaks a rule is a 422, not an answer
        rendered = ledger.context(session_id, "openai-responses")["input"]
    calls = [item["call_id"] for item in sent if item.get("type") == "function_call"]
    assert calls == [item["call_id"] for item in rendered if item.get("type") == "function_call"]


async def test_two_parallel_tools_one_refused_with_403(server, session_id):
    session = TurnLedgerSession(session_id, base_url=server.url)
    model = ScriptedModel()
    bot = agent(session, model)
    scripted_turn(model, "Moscow is at -3°C; Wikipedia refused the fetch (403).")

    result = await Runner.run(bot, "Weather in Moscow, and its Wikipedia page?", session=session)
    assert result.final_output == "Moscow is at -3°C; Wikipedia refused the fetch (403)."
    assert outcomes(server.url, session_id) == {"call_weather": "success", "call_fetch": "error"}
    items = await session.get_items()
    assert [item.get("output") for item in items if item.get("type") == "function_call_output"] == [
        "Moscow: -3°C, light snow", TOOL_ERROR_TEXT]

    model.enqueue([assistant_message("Tomorrow: -5°C.")])
    await Runner.run(bot, "And tomorrow?", session=session)
    sent = model_input(model)
    assert sent[-1]["content"] == "And tomorrow?" and len(sent) == 7
    assert_accepted(server.url, session_id, sent)


async def test_a_process_killed_between_two_results_resumes_after_recover(server, session_id):
    script = Path(__file__).with_name("runner_script.py")
    child = subprocess.run([sys.executable, str(script), server.url, session_id], capture_output=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()

    with Client(server.url) as ledger:
        turn = ledger.current_turn(session_id)
        assert len(turn["calls"]) == 2 and len(turn["results"]) == 1  # one result landed, then the kill
        assert ledger.context(session_id, "openai-responses")["input"][-1]["role"] == "user"  # not the half turn
        recovered = ledger.recover(session_id)
        assert [t["isCommitted"] for t in recovered] == [True]
    assert sorted(outcomes(server.url, session_id).values()) == ["interrupted", "success"]

    session = TurnLedgerSession(session_id, base_url=server.url)
    model = ScriptedModel()
    model.enqueue([assistant_message("One fetch was interrupted; Moscow is at -3°C.")])
    await Runner.run(agent(session, model), "Where were we?", session=session)
    sent = model_input(model)
    assert [item.get("type") for item in sent[1:5]] == ["function_call"] * 2 + ["function_call_output"] * 2
    assert_accepted(server.url, session_id, sent)
