"""``TurnLedgerSession``: an OpenAI Agents SDK session stored in TurnLedger.

>>> from agents import Agent, Runner
>>> from turnledger.agents import TurnLedgerSession
>>> session = TurnLedgerSession("user-42", base_url="http://127.0.0.1:8080")
>>> result = await Runner.run(Agent(name="a"), "Hello", session=session)

Each item the SDK adds maps onto the ledger (docs/agents-sdk.md in the repository):
messages become entries, ``function_call`` items open a turn, ``function_call_output`` items are
its results, and the turn is committed once every call has its output. Each entry also keeps the
SDK's items verbatim (an opaque part of provider ``openai-agents``, which no provider is sent), so
``get_items`` returns what was added. ``pop_item`` and ``clear_session`` rewind the ledger: the log
keeps every entry. Requires ``openai-agents`` (``pip install "turnledger[agents]"``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from agents.items import TResponseInputItem
from agents.memory.session_settings import SessionSettings, coerce_session_settings, resolve_session_limit
from agents.run_context import RunContextWrapper

from ._async_client import AsyncClient
from ._errors import TurnLedgerError
from ._types import ContentPart, Outcome, Role, ToolCall, Turn

#: The provider name of the opaque part that keeps an SDK item verbatim on its entry.
ITEM_PROVIDER = "openai-agents"
_RESPONSES = "openai-responses"
_INPUT_ROLES = ("user", "system", "developer")
#: What the model is told when a tool failed: the Agents SDK's default text.
TOOL_ERROR_TEXT = "An error occurred while running the tool. Please try again."

Item = dict[str, Any]


def _kind(item: Item) -> str:
    """``input`` (a user, system or developer message), ``call``, ``output``, or ``assistant``
    (an assistant message, reasoning, and any other item the model produced)."""
    kind = item.get("type")
    if kind == "function_call":
        return "call"
    if kind == "function_call_output":
        return "output"
    if kind in (None, "message") and item.get("role") in _INPUT_ROLES:
        return "input"
    return "assistant"


def _plain(item: Any) -> Item:
    if hasattr(item, "model_dump"):
        return cast(Item, item.model_dump(mode="json", exclude_unset=True))
    return dict(item)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _verbatim(item: Item) -> ContentPart:
    return {"type": "opaque", "provider": ITEM_PROVIDER, "json": _json(item)}


def _content_parts(content: Any) -> list[ContentPart]:
    """Text and image parts of a message's content or a tool's output (a string or a list)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    parts: list[ContentPart] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text") and isinstance(part.get("text"), str):
            parts.append({"type": "text", "text": part["text"]})
        elif kind == "refusal" and isinstance(part.get("refusal"), str):
            parts.append({"type": "text", "text": part["refusal"]})
        elif kind == "input_image" and isinstance(part.get("image_url"), str):
            parts.append({"type": "image", "url": part["image_url"]})
    return parts


def _texts(parts: Sequence[ContentPart]) -> list[str]:
    return [part.get("text", "") for part in parts if part.get("type") == "text"]


def _items_of(parts: Sequence[ContentPart]) -> list[Item]:
    return [json.loads(part["json"]) for part in parts if part.get("type") == "opaque" and part.get("provider") == ITEM_PROVIDER]


def _message_items(entry: Mapping[str, Any]) -> list[Item]:
    """The items of an entry: those the SDK added, or, for an entry another client wrote, the
    items the ledger renders for it (``GET …/context?format=openai-responses``)."""
    parts: list[ContentPart] = entry.get("parts", [])
    if verbatim := _items_of(parts):
        return verbatim
    role = entry.get("role")
    if role == "tool":
        return [{"type": "function_call_output", "call_id": entry.get("toolCallId", ""), "output": "".join(_texts(parts))}]
    if role != "assistant":
        content: list[Item] = []
        for part in parts:
            if part.get("type") == "text":
                content.append({"type": "input_text", "text": part.get("text", "")})
            elif part.get("type") == "image":
                content.append({"type": "input_image", "image_url": part.get("url", "")})
        return [{"type": "message", "role": role, "content": content}]
    items: list[Item] = [
        json.loads(part["json"]) for part in parts if part.get("type") == "opaque" and part.get("provider") == _RESPONSES
    ]
    calls: list[ToolCall] = entry.get("toolCalls", entry.get("calls", []))
    texts = _texts(parts)
    if texts or not calls:
        output = [{"type": "output_text", "text": text} for text in texts or [""]]
        items.append({"type": "message", "role": "assistant", "content": output})
    for call in calls:
        items.append({"type": "function_call", "call_id": call["id"], "name": call["name"], "arguments": call["arguments"]})
    return items


@dataclass
class _Step:
    """A message of the history, or a turn with its results, and the items it stands for."""

    first_seq: int
    items: list[Item] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    has_calls: bool = False


class _Refused(TurnLedgerError):
    """A batch refused before anything of it is written, with the code the service gives."""


class TurnLedgerSession:
    """An Agents SDK ``Session`` whose history is a TurnLedger session.

    Args:
        session_id: The ledger session; created on first use.
        base_url: The TurnLedger service, e.g. ``http://127.0.0.1:8080``.
        api_key: A key of the service (``turnledger keys create``), when it requires one.
        session_settings: The SDK's settings; ``limit`` is the default of ``get_items``.

    Mark failed tools so their results are stored as ``error``: pass ``session.tool_error`` as
    the tool's ``failure_error_function`` (``function_tool(fn, failure_error_function=session.tool_error)``).
    """

    session_settings: SessionSettings

    def __init__(
        self,
        session_id: str,
        *,
        base_url: str,
        api_key: str | None = None,
        session_settings: SessionSettings | Mapping[str, Any] | None = None,
    ) -> None:
        self.session_id = session_id
        #: The ledger session the items go to (the SDK's id, unless a subclass maps it).
        self._ledger_id = session_id
        self.session_settings = (
            coerce_session_settings(cast(Any, session_settings)) if session_settings is not None else SessionSettings()
        )
        self._base_url = base_url
        self._api_key = api_key
        self._clients: dict[asyncio.AbstractEventLoop, tuple[AsyncClient, asyncio.Lock]] = {}
        self._created = False
        self._failed_calls: set[str] = set()

    def tool_error(self, context: RunContextWrapper[Any], error: Exception) -> str:
        """A ``failure_error_function``: the call's result is stored with outcome ``error``."""
        call_id = getattr(context, "tool_call_id", None)
        if isinstance(call_id, str):
            self._failed_calls.add(call_id)
        return TOOL_ERROR_TEXT

    # The Session protocol.

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history the ledger renders for ``openai-responses``, as the SDK's items.

        ``limit`` keeps the newest items, as the SDK counts them, but never cuts a turn: a turn
        that does not fit whole is left out with everything before it.
        """
        limit = resolve_session_limit(limit, self.session_settings)
        if limit is not None and limit <= 0:
            return []
        client, lock = self._connection()
        async with lock:
            steps = await self._steps(client)
        if limit is None:
            return cast(list[TResponseInputItem], [item for step in steps for item in step.items])
        kept: list[Item] = []
        for step in reversed(steps):
            room = limit - len(kept)
            if room <= 0:
                break
            if step.has_calls and len(step.items) > room:
                break
            kept[:0] = step.items[-room:]
        return cast(list[TResponseInputItem], kept)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Writes the items: messages as entries, calls as a turn, outputs as its results.

        A batch with an output whose call is not open, or a second output for a call, is refused
        (``TurnLedgerError`` ``unknown_call``, ``no_open_turn`` or ``duplicate_result``) before
        anything of it is written. A user, system or developer message that arrives while calls
        are unanswered cancels them first (each gets a ``cancelled`` result), so that the history
        stays one a provider accepts.
        """
        if not items:
            return
        client, lock = self._connection()
        async with lock:
            await self._ensure_session(client)
            await self._write(client, [_plain(item) for item in items], {})

    async def pop_item(self) -> TResponseInputItem | None:
        """Removes the newest item and returns it, by rewinding the ledger (the log keeps it).

        Popping an item of a committed turn (its newest output) takes the turn out of the history
        and opens it again with its other items: the calls and the remaining outputs are staged,
        so the history never holds a call without its output, and adding the output back (as the
        SDK does when it restores a rewind) commits the turn again.
        """
        client, lock = self._connection()
        async with lock:
            await self._ensure_session(client)
            turn = await self._open_turn(client)
            if turn is not None:
                step = self._open_step(turn)
                to, discard = turn["seq"] - 1, True
            else:
                steps = await self._steps(client)
                if not steps:
                    return None
                step = steps[-1]
                to, discard = step.first_seq - 1, False
            await client.rewind(self._ledger_id, to, discard_open_turn=discard)
            await self._write(client, step.items[:-1], step.outcomes)
            return cast(TResponseInputItem, step.items[-1])

    async def clear_session(self) -> None:
        """Rewinds the history to empty (a staged turn is dropped); the log keeps every entry."""
        client, lock = self._connection()
        async with lock:
            await self._ensure_session(client)
            await client.rewind(self._ledger_id, 0, discard_open_turn=True)
            self._failed_calls.clear()

    async def aclose(self) -> None:
        """Closes the connections of the running event loop."""
        entry = self._clients.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].aclose()

    def close(self) -> None:
        """Forgets every connection (each event loop's client is closed with its loop)."""
        self._clients.clear()

    # Reading.

    def _connection(self) -> tuple[AsyncClient, asyncio.Lock]:
        """A client and a lock of the running event loop: ``Runner.run_sync`` runs each call in
        a loop of its own, and neither can be shared between loops."""
        loop = asyncio.get_running_loop()
        for stale in [other for other in self._clients if other.is_closed()]:
            del self._clients[stale]
        if loop not in self._clients:
            self._clients[loop] = (AsyncClient(self._base_url, api_key=self._api_key), asyncio.Lock())
        return self._clients[loop]

    async def _ensure_session(self, client: AsyncClient) -> None:
        if self._created:
            return
        try:
            await client.create_session(self._ledger_id)
        except TurnLedgerError as error:
            if error.code != "session_already_exists":
                raise
        self._created = True

    async def _steps(self, client: AsyncClient) -> list[_Step]:
        """The committed history as the ledger renders it for ``openai-responses``, step by step."""
        try:
            rendered = await client.rendered_context(self._ledger_id, "openai-responses")
        except TurnLedgerError as error:
            if error.code == "session_not_found":
                return []
            raise
        wanted = set(rendered["seqs"])
        steps: list[_Step] = []
        async for entry in client.iter_entries(self._ledger_id, page_size=500):
            if entry["seq"] not in wanted:
                continue
            if entry["role"] != "tool" or not steps:
                steps.append(_Step(entry["seq"], has_calls=bool(entry.get("toolCalls"))))
            elif "outcome" in entry:
                steps[-1].outcomes[entry.get("toolCallId", "")] = entry["outcome"]
            steps[-1].items += _message_items(entry)
        return steps

    async def _open_turn(self, client: AsyncClient) -> Turn | None:
        try:
            return await client.current_turn(self._ledger_id)
        except TurnLedgerError as error:
            if error.code in ("no_open_turn", "session_not_found"):
                return None
            raise

    @staticmethod
    def _open_step(turn: Turn) -> _Step:
        step = _Step(turn["seq"], has_calls=True)
        step.items += _message_items({"role": "assistant", "parts": turn.get("parts", []), "calls": turn.get("calls", [])})
        for result in turn.get("results", []):
            call_id = result.get("callId", "")
            step.outcomes[call_id] = result.get("outcome", "success")
            step.items += _message_items({"role": "tool", "toolCallId": call_id, "parts": result.get("parts", [])})
        return step

    # Writing.

    async def _write(self, client: AsyncClient, items: list[Item], outcomes: Mapping[str, Outcome]) -> None:
        """Writes items in order; ``outcomes`` are the outcomes of outputs written again by a pop.

        The whole batch is planned first (``_plan``), which refuses a batch that breaks pairing,
        then its requests are sent.
        """
        turn = await self._open_turn(client)
        if turn is not None and not _Staged.of(turn).waiting:  # every output landed, the commit did not
            await client.commit_turn(self._ledger_id, turn["seq"])
            turn = None
        seq = turn["seq"] if turn else 0
        for write in self._plan(items, _Staged.of(turn), outcomes):
            if write.kind == "cancel":
                await client.cancel_turn(self._ledger_id)
            elif write.kind == "append":
                await client.append(self._ledger_id, write.role, parts=write.parts)
            elif write.kind in ("stage", "restage"):
                if write.kind == "restage":  # more calls of the same model step: the turn is staged again, larger
                    await client.rewind(self._ledger_id, seq - 1, discard_open_turn=True)
                seq = (await client.open_turn(self._ledger_id, write.calls, parts=write.parts))["seq"]
                for result in write.results:
                    await client.record_result(
                        self._ledger_id, result["callId"], parts=result["parts"], outcome=result["outcome"])
            elif write.kind == "record":
                await client.record_result(self._ledger_id, write.call_id, parts=write.parts, outcome=write.outcome)
                self._failed_calls.discard(write.call_id)
            else:
                await client.commit_turn(
                    self._ledger_id, seq, call_id=write.call_id, parts=write.parts, outcome=write.outcome)
                self._failed_calls.discard(write.call_id)

    def _plan(self, items: list[Item], staged: _Staged, outcomes: Mapping[str, Outcome]) -> list[_Write]:
        """The requests that write ``items`` onto the open turn ``staged``, in order. A batch that
        would leave an output without its call, or give a call two outputs, is refused here,
        before anything of it is sent (the codes and texts are the service's)."""
        writes: list[_Write] = []
        group: list[Item] = []

        def cancel_waiting() -> None:  # a new message while calls wait: they are cancelled
            if staged.waiting:
                writes.append(_Write("cancel"))
                staged.clear()

        def flush() -> None:
            if not group:
                return
            calls: list[ToolCall] = [
                {"id": item["call_id"], "name": item["name"], "arguments": item["arguments"]}
                for item in group
                if _kind(item) == "call"
            ]
            parts: list[ContentPart] = []
            for item in group:
                if _kind(item) == "call":
                    continue
                if item.get("role") == "assistant" and item.get("type") in (None, "message"):
                    parts += _content_parts(item.get("content"))
                else:  # reasoning and other items of the provider: back to the provider that made them
                    parts.append({"type": "opaque", "provider": _RESPONSES, "json": _json(item)})
            parts += [_verbatim(item) for item in group]
            group.clear()
            if calls and staged.waiting:  # more calls of the same model step join the open turn
                staged.parts, staged.calls = staged.parts + parts, staged.calls + calls
                writes.append(_Write("restage", parts=staged.parts, calls=staged.calls, results=list(staged.results)))
            elif calls:
                staged.parts, staged.calls, staged.results = parts, calls, []
                writes.append(_Write("stage", parts=parts, calls=calls))
            else:
                cancel_waiting()
                writes.append(_Write("append", role="assistant", parts=parts))

        for item in items:
            kind = _kind(item)
            if kind in ("call", "assistant"):
                group.append(item)
                continue
            flush()
            if kind == "input":
                cancel_waiting()
                writes.append(_Write("append", role=item["role"], parts=_content_parts(item.get("content")) + [_verbatim(item)]))
                continue
            call_id = str(item.get("call_id", ""))
            self._check_output(call_id, staged)
            outcome: Outcome = outcomes.get(call_id) or ("error" if call_id in self._failed_calls else "success")
            parts = _content_parts(item.get("output")) + [_verbatim(item)]
            staged.results.append({"callId": call_id, "parts": parts, "outcome": outcome})
            if staged.waiting:
                writes.append(_Write("record", parts=parts, call_id=call_id, outcome=outcome))
            else:  # the last output: recorded by the commit, in one transaction
                writes.append(_Write("commit", parts=parts, call_id=call_id, outcome=outcome))
                staged.clear()
        flush()
        return writes

    def _check_output(self, call_id: str, staged: _Staged) -> None:
        """Raises what the service answers to an output for ``call_id`` into ``staged``, unless the
        call is waiting for it."""
        if not staged.calls:
            raise _Refused(409, "no_open_turn", f"Session '{self._ledger_id}' has no open turn.", {"callId": call_id})
        if call_id not in {call["id"] for call in staged.calls}:
            raise _Refused(
                404, "unknown_call", f"The open turn of session '{self._ledger_id}' has no call '{call_id}'.",
                {"sessionId": self._ledger_id, "callId": call_id},
            )
        if call_id in {result["callId"] for result in staged.results}:
            raise _Refused(
                409, "duplicate_result", f"Call '{call_id}' of session '{self._ledger_id}' has a result already.",
                {"sessionId": self._ledger_id, "callId": call_id},
            )


@dataclass
class _Write:
    """One request of a batch, planned before any is sent: ``cancel`` the open turn, ``append`` an
    entry, ``stage`` a turn (``restage``: discard the open one and stage it again with ``results``
    recorded anew), ``record`` a result, ``commit`` the turn with its last result (``call_id``)."""

    kind: str
    role: Role = "user"
    parts: list[ContentPart] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    call_id: str = ""
    outcome: Outcome = "success"


@dataclass
class _Staged:
    """The open turn, as read and as a batch's plan leaves it."""

    parts: list[ContentPart] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, turn: Turn | None) -> _Staged:
        if turn is None:
            return cls()
        results = [
            {"callId": r.get("callId", ""), "parts": r.get("parts", []), "outcome": r.get("outcome", "success")}
            for r in turn.get("results", [])
        ]
        return cls(list(turn.get("parts", [])), list(turn.get("calls", [])), results)

    @property
    def waiting(self) -> bool:
        """Whether a call of the open turn has no output yet."""
        return len(self.results) < len(self.calls)

    def clear(self) -> None:
        self.parts, self.calls, self.results = [], [], []


__all__ = ["ITEM_PROVIDER", "TOOL_ERROR_TEXT", "TurnLedgerSession"]
