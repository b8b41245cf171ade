"""Each operation of the HTTP API, once: what request it sends, whether it is safe to send
again after a lost response, and what its answer is. ``Client`` and ``AsyncClient`` send them."""

from __future__ import annotations

import json as _json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypedDict, TypeVar
from urllib.parse import quote

from ._types import (
    ContentPart,
    ContextFormat,
    Entry,
    EntryPage,
    Outcome,
    Role,
    Session,
    SessionPage,
    ToolCall,
    ToolResult,
    Turn,
    UsageTotals,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request of the API and how to read its answer."""

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Safe to send again when the answer was lost: a read, or a write the service recognises
    #: as the same one (an idempotency key, a result of the same content, a commit naming its turn).
    idempotent: bool = False
    #: The answer from the response body and headers.
    read: Callable[[bytes, Mapping[str, str]], T] = lambda body, _headers: _json.loads(body)  # noqa: E731


def _session(session_id: str, suffix: str = "") -> str:
    # Any characters: the path carries the id percent-encoded as UTF-8, `/` included.
    return "/v1/sessions/" + quote(session_id, safe="") + suffix


def _content(content: str | None, parts: Sequence[ContentPart] | None) -> dict[str, Any]:
    if content is not None and parts is not None:
        raise ValueError("give content or parts, not both")
    if parts is not None:
        return {"parts": list(parts)}
    return {"content": content} if content is not None else {}


def _write_headers(expected_seq: int | None, idempotency_key: str | None) -> dict[str, str]:
    headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
    if expected_seq is not None:
        headers["If-Match"] = f'"{expected_seq}"'
    return headers


def healthz() -> Call[dict[str, Any]]:
    """``GET /healthz``: ``{"status": "ok"}`` while the service runs."""
    return Call("GET", "/healthz", idempotent=True)


def create_session(session_id: str, metadata: Mapping[str, Any] | None = None) -> Call[Session]:
    """Creates a session (in the tenant of the API key). ``409 session_already_exists`` when the
    id is taken."""
    return Call("POST", "/v1/sessions", body={"id": session_id, "metadata": dict(metadata or {})})


def get_session(session_id: str) -> Call[Session]:
    """The session: id, tenant, metadata, and its parent when it is a fork."""
    return Call("GET", _session(session_id), idempotent=True)


def list_sessions(
    *,
    limit: int | None = None,
    cursor: str | None = None,
    active_since: str | None = None,
    active_before: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Call[SessionPage]:
    """A page of sessions, most recently active first; pass ``nextCursor`` for the next page.
    Times are RFC 3339 (``2026-11-30T10:00:00Z``); ``metadata`` matches values exactly."""
    params = [(k, v) for k, v in (("limit", limit), ("cursor", cursor)) if v is not None]
    params += [(k, v) for k, v in (("activeSince", active_since), ("activeBefore", active_before)) if v is not None]
    for key, value in (metadata or {}).items():
        params.append((f"meta.{key}", _json.dumps(value)))  # as JSON: "42" the string, 42 the number
    return Call("GET", "/v1/sessions", params=[(k, str(v)) for k, v in params], idempotent=True)


def purge_session(session_id: str, reason: str, *, including_forks: bool = False) -> Call[list[dict[str, Any]]]:
    """Purges a session for good (audited); its forks too with ``including_forks``. Returns the
    audit records."""
    params = [("reason", reason), ("includingForks", "true" if including_forks else "false")]
    return Call("DELETE", _session(session_id), params=params)


def entries(session_id: str, *, after: int = 0, limit: int = 100) -> Call[EntryPage]:
    """Up to ``limit`` messages after seq ``after`` (an assistant entry always with its results);
    ``nextAfter`` is the ``after`` of the next page, absent on the last one."""
    return Call(
        "GET", _session(session_id, "/entries"), params=[("after", str(after)), ("limit", str(limit))], idempotent=True
    )


def entries_as_of(session_id: str, seq: int) -> Call[EntryPage]:
    """The whole history exactly as it stood when ``seq`` was its newest entry."""
    return Call("GET", _session(session_id, "/entries"), params=[("asOf", str(seq))], idempotent=True)


def append(
    session_id: str,
    role: Role,
    content: str | None = None,
    *,
    parts: Sequence[ContentPart] | None = None,
    usage: Mapping[str, Any] | None = None,
    expected_seq: int | None = None,
    idempotency_key: str | None = None,
) -> Call[Entry]:
    """Appends a message (``system``, ``developer``, ``user`` or ``assistant`` without calls).

    ``expected_seq`` makes it land at that seq or fail with ``409 seq_conflict``. Every append
    carries an idempotency key (a new one per call unless given), so a retry after a lost answer
    returns the first write instead of writing twice.
    """
    body: dict[str, Any] = {"role": role, **_content(content, parts)}
    if usage is not None:
        body["usage"] = dict(usage)
    return Call(
        "POST", _session(session_id, "/entries"), body=body,
        headers=_write_headers(expected_seq, idempotency_key), idempotent=True,
    )


def open_turn(
    session_id: str,
    calls: Sequence[ToolCall],
    content: str | None = None,
    *,
    parts: Sequence[ContentPart] | None = None,
    usage: Mapping[str, Any] | None = None,
    expected_seq: int | None = None,
    idempotency_key: str | None = None,
) -> Call[Turn]:
    """Opens an assistant turn with tool calls; it commits once every call has a result."""
    body: dict[str, Any] = {"calls": [dict(call) for call in calls], **_content(content, parts)}
    if usage is not None:
        body["usage"] = dict(usage)
    return Call(
        "POST", _session(session_id, "/turn"), body=body,
        headers=_write_headers(expected_seq, idempotency_key), idempotent=True,
    )


def current_turn(session_id: str) -> Call[Turn]:
    """The open turn: its calls and the results recorded so far (``409 no_open_turn`` without)."""
    return Call("GET", _session(session_id, "/turn"), idempotent=True)


def record_result(
    session_id: str,
    call_id: str,
    content: str | None = None,
    *,
    parts: Sequence[ContentPart] | None = None,
    outcome: Outcome = "success",
) -> Call[ToolResult]:
    """Records a call's result into the open turn; ``outcome="error"`` for a tool that failed.
    The same result again returns the stored one (so a retry is safe); another is ``409``."""
    body = {"callId": call_id, "outcome": outcome, **_content(content, parts)}
    return Call("POST", _session(session_id, "/turn/results"), body=body, idempotent=True)


def commit_turn(
    session_id: str,
    turn_seq: int | None = None,
    *,
    call_id: str | None = None,
    content: str | None = None,
    parts: Sequence[ContentPart] | None = None,
    outcome: Outcome = "success",
) -> Call[Turn]:
    """Commits the open turn (``409 unanswered_calls`` naming calls without a result). With
    ``turn_seq`` (the seq the turn opened at) it commits that turn only, and a retry after it
    landed returns it. With ``call_id`` it first records that call's result (``content`` or
    ``parts``, ``outcome``), in the same transaction: the last result and the commit land together
    or not at all, and the same request again after it landed returns the committed turn. Only
    these two forms are retried after a lost answer."""
    headers = {"If-Match": f'"{turn_seq}"'} if turn_seq is not None else {}
    body = None
    if call_id is not None:
        body = {"result": {"callId": call_id, "outcome": outcome, **_content(content, parts)}}
    elif content is not None or parts is not None:
        raise ValueError("content or parts need the call_id they answer")
    idempotent = turn_seq is not None or call_id is not None
    return Call("POST", _session(session_id, "/turn/commit"), body=body, headers=headers, idempotent=idempotent)


def cancel_turn(session_id: str, reason: str | None = None) -> Call[Turn]:
    """Cancels the open turn: each call without a result gets a ``cancelled`` one, then it commits."""
    return Call("POST", _session(session_id, "/turn/cancel"), body={"reason": reason} if reason else None)


def recover(session_id: str) -> Call[list[Turn]]:
    """Closes a turn a crashed agent left open (its unanswered calls get ``interrupted``
    results); returns the turns it closed, none when nothing was open."""
    return Call("POST", _session(session_id, "/recover"), idempotent=True)


def context(session_id: str, format: ContextFormat = "openai-chat", *, max_tokens: int | None = None) -> Call[Any]:
    """The history as a provider request body (``messages``, ``input``, ``contents``), valid for
    that provider by construction; with ``max_tokens`` the newest whole turns that fit."""
    params = [("format", format)] + ([("maxTokens", str(max_tokens))] if max_tokens is not None else [])
    return Call("GET", _session(session_id, "/context"), params=params, idempotent=True)


class RenderedContext(TypedDict):
    """A context with the seqs of the history its body renders, in order."""

    body: dict[str, Any]
    seqs: list[int]


def _seq_runs(text: str) -> list[int]:
    seqs: list[int] = []
    for run in filter(None, text.split(",")):
        first, _, last = run.partition("-")
        seqs.extend(range(int(first), int(last or first) + 1))
    return seqs


def rendered_context(
    session_id: str, format: ContextFormat = "openai-chat", *, max_tokens: int | None = None
) -> Call[RenderedContext]:
    """``context``, with the seqs of the history the body renders (the ``TurnLedger-Rendered-Seqs``
    header): what a client that keeps its own data beside each entry maps the body back with."""
    base = context(session_id, format, max_tokens=max_tokens)
    return Call(
        base.method, base.path, params=base.params, idempotent=True,
        read=lambda body, headers: {
            "body": _json.loads(body), "seqs": _seq_runs(headers.get("TurnLedger-Rendered-Seqs", "")),
        },
    )


def search(
    text: str,
    *,
    session_id: str | None = None,
    roles: Sequence[Role] = (),
    tool: str | None = None,
    limit: int | None = None,
) -> Call[list[dict[str, Any]]]:
    """Full-text search over messages, tool arguments and results, best match first."""
    params = [("q", text)] + [("role", role) for role in roles]
    for name, value in (("session", session_id), ("tool", tool), ("limit", limit)):
        if value is not None:
            params.append((name, str(value)))
    return Call("GET", "/v1/search", params=params, idempotent=True)


def fork(session_id: str, new_id: str, at: int, *, metadata: Mapping[str, Any] | None = None) -> Call[Session]:
    """Starts ``new_id``, which continues the history of ``session_id`` after seq ``at``."""
    body = {"id": new_id, "at": at, "metadata": dict(metadata or {})}
    return Call("POST", _session(session_id, "/forks"), body=body)


def summarize(
    session_id: str,
    first: int,
    last: int,
    content: str | None = None,
    *,
    parts: Sequence[ContentPart] | None = None,
    role: Role = "user",
    idempotency_key: str | None = None,
) -> Call[Entry]:
    """Appends a summary that stands in for seqs ``first...last`` in contexts (whole turns only)."""
    body = {"from": first, "to": last, "role": role, **_content(content, parts)}
    return Call(
        "POST", _session(session_id, "/summaries"), body=body,
        headers=_write_headers(None, idempotency_key), idempotent=True,
    )


def rewind(
    session_id: str,
    to: int,
    *,
    discard_open_turn: bool = False,
    expected_seq: int | None = None,
    idempotency_key: str | None = None,
) -> Call[Entry]:
    """Takes the history back to how it stood at seq ``to`` (0 empties it); nothing is deleted.

    Appends a marker (an entry with ``rewindsTo``) after which contexts, pages and ``entries``
    read the history as it was at ``to``; the log, tails, exports and ``entries(as_of=...)`` keep
    every entry. A ``to`` inside a turn is refused (422, ``seq_inside_turn``), as is a rewind
    while a turn is open (409, ``open_turn_pending``) unless ``discard_open_turn`` drops it.
    """
    body = {"to": to, "discardOpenTurn": discard_open_turn}
    return Call(
        "POST", _session(session_id, "/rewind"), body=body,
        headers=_write_headers(expected_seq, idempotency_key), idempotent=True,
    )


def usage(session_id: str | None = None) -> Call[UsageTotals]:
    """Token totals of a session, or of every session of the tenant."""
    params = [("session", session_id)] if session_id is not None else []
    return Call("GET", "/v1/usage", params=params, idempotent=True)


def tool_stats(*, session_id: str | None = None, since: str | None = None) -> Call[list[dict[str, Any]]]:
    """What each tool did: calls, outcomes, error rate, latency percentiles."""
    params = [(k, v) for k, v in (("session", session_id), ("since", since)) if v is not None]
    return Call("GET", "/v1/tools/stats", params=params, idempotent=True)


def _lines(body: bytes, _headers: Mapping[str, str]) -> list[str]:
    return body.decode("utf-8").splitlines()


def export() -> Call[list[str]]:
    """The tenant's sessions in the versioned JSON Lines export format, one line each."""
    return Call("GET", "/v1/export", idempotent=True, read=_lines)
