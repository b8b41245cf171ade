"""The service's JSON shapes, as typed dictionaries (what the client returns is the JSON)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

Role = Literal["system", "developer", "user", "assistant", "tool"]
Outcome = Literal["success", "error", "cancelled", "interrupted"]
ContextFormat = Literal["openai-chat", "openai-responses", "anthropic", "gemini"]


class ContentPart(TypedDict, total=False):
    """``{"type": "text", "text": ...}``, ``{"type": "image", "url": ...}`` or
    ``{"type": "opaque", "provider": ..., "json": ...}`` (a provider's own item, as JSON text)."""

    type: Literal["text", "image", "opaque"]
    text: str
    url: str
    provider: str
    json: str


class ToolCall(TypedDict):
    """A call the model made; ``arguments`` is its text, byte for byte (JSON or not)."""

    id: str
    name: str
    arguments: str


class Usage(TypedDict, total=False):
    model: str
    inputTokens: int
    outputTokens: int
    cachedTokens: int
    reasoningTokens: int


class _EntryRequired(TypedDict):
    sessionId: str
    seq: int
    role: Role
    parts: list[ContentPart]


class Entry(_EntryRequired, total=False):
    """One committed message of a session's log."""

    createdAt: str
    toolCalls: list[ToolCall]
    toolCallId: str
    outcome: Outcome
    usage: Usage
    summarizes: list[int]
    rewindsTo: int
    """Set on a rewind marker only (tails and exports): the seq the history went back to."""


class EntryPage(TypedDict, total=False):
    entries: list[Entry]
    nextAfter: int


class Session(TypedDict, total=False):
    id: str
    tenant: str
    createdAt: str
    metadata: dict[str, Any]
    parentSessionId: str
    parentSeq: int


class UsageTotals(TypedDict, total=False):
    entries: int
    inputTokens: int
    outputTokens: int
    cachedTokens: int
    reasoningTokens: int


class SessionSummary(TypedDict, total=False):
    """A session in a list: the session, its newest seq, whether a turn is open, when it was last
    active, and its token totals."""

    session: Session
    lastSeq: int
    hasOpenTurn: bool
    lastActivityAt: str
    usage: UsageTotals


class SessionPage(TypedDict, total=False):
    sessions: list[SessionSummary]
    nextCursor: str


class ToolResult(TypedDict, total=False):
    callId: str
    outcome: Outcome
    parts: list[ContentPart]
    recordedAt: str


class Turn(TypedDict, total=False):
    """An assistant turn with tool calls: open (``isCommitted`` false) or committed."""

    sessionId: str
    seq: int
    calls: list[ToolCall]
    parts: list[ContentPart]
    results: list[ToolResult]
    isCommitted: bool


class TailEvent(TypedDict, total=False):
    """An event of a live tail: ``kind`` ``"entry"`` (with ``seq`` and ``entry``) or
    ``"purged"`` (the session was purged; the tail ends)."""

    kind: Literal["entry", "purged"]
    seq: int
    entry: Entry
    sessionId: str
