"""The agent of the runner tests: an Agents SDK ``Runner`` with a scripted model (no network) and
two tools the model calls in parallel, ``weather`` (succeeds) and ``fetch`` (a permanent error,
HTTP 403), on a ``TurnLedgerSession``.

Run as a process (``python runner_script.py URL SESSION die-after-first-result``), it kills itself
with SIGKILL right after the service acknowledged the first tool result: the crash the tests
recover from."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from agents import Agent, Runner, function_tool, set_tracing_disabled
from agents.testing import ScriptedModel, assistant_message, function_call

from turnledger import AsyncClient
from turnledger.agents import TurnLedgerSession

set_tracing_disabled(True)  # no network: traces would go to OpenAI


def weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: -3°C, light snow"


def fetch(url: str) -> str:
    """Fetches a page."""
    raise PermissionError(f"HTTP 403 Forbidden: {url}")


def agent(session: TurnLedgerSession, model: ScriptedModel) -> Agent[Any]:
    tools = [function_tool(tool, failure_error_function=session.tool_error) for tool in (weather, fetch)]
    return Agent(name="assistant", model=model, tools=tools)


def scripted_turn(model: ScriptedModel, answer: str) -> None:
    """The model asks for both tools at once, then answers."""
    model.enqueue([
        function_call("weather", {"city": "Moscow"}, call_id="call_weather"),
        function_call("fetch", {"url": "https://en.wikipedia.org/wiki/Moscow"}, call_id="call_fetch"),
    ])
    model.enqueue([assistant_message(answer)])


async def crash(url: str, session_id: str) -> None:
    record_result = AsyncClient.record_result

    async def record_then_die(self: AsyncClient, *args: Any, **kwargs: Any) -> Any:
        answer = await record_result(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return answer

    AsyncClient.record_result = record_then_die  # type: ignore[method-assign]
    session = TurnLedgerSession(session_id, base_url=url)
    model = ScriptedModel()
    scripted_turn(model, "unreachable")
    await Runner.run(agent(session, model), "Weather in Moscow, and its Wikipedia page?", session=session)


if __name__ == "__main__":
    asyncio.run(crash(sys.argv[1], sys.argv[2]))
