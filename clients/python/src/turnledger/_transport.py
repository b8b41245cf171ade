"""What the two clients share: the retry rule, the request of a call, the reading of an answer,
and the live tail's event stream decoder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from ._calls import Call, _session
from ._errors import TurnLedgerError
from ._types import TailEvent

T = TypeVar("T")

#: Errors raised before the request left: sending again cannot write twice.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Errors after the request may have reached the service: only an idempotent call is sent again.
MAYBE_SENT = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` more attempts, waiting ``backoff * 2**attempt`` seconds (at most ``cap``),
    or the service's ``Retry-After``.

    Retried: a request that never left (connection refused or timed out); ``503`` (the store was
    busy or the server had no connection left: nothing was written); ``429``; and, for a call
    the service recognises when sent again (reads, writes with an idempotency key, results,
    commits naming their turn), a connection lost before the answer.
    """

    max_retries: int = 3
    backoff: float = 0.2
    cap: float = 5.0

    def delay(self, call: Call[Any], attempt: int, *, status: int | None = None, retry_after: str | None = None,
              error: Exception | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up."""
        if attempt >= self.max_retries:
            return None
        if error is not None:
            if not isinstance(error, NOT_SENT) and not (call.idempotent and isinstance(error, MAYBE_SENT)):
                return None
        elif status not in (429, 503):
            return None
        wait: float = min(self.cap, self.backoff * 2.0**attempt)
        if retry_after is not None and retry_after.isdigit():
            wait = min(self.cap, float(retry_after))
        return wait


def request_of(call: Call[Any]) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for a call."""
    arguments: dict[str, Any] = {"params": call.params, "headers": call.headers}
    if call.body is not None:
        arguments["json"] = call.body
    return arguments


def answer_of(call: Call[T], response: httpx.Response) -> T:
    """The call's answer, or the service's error raised as ``TurnLedgerError``."""
    if response.status_code >= 400:
        raise TurnLedgerError.from_body(response.status_code, response.content)
    return call.read(response.content, response.headers)


class TailState:
    """Where a live tail is, so a lost connection resumes after the last entry seen."""

    def __init__(self, after: int | None, from_now: bool) -> None:
        self.last = after
        self.from_now = from_now
        self.failures = 0

    def request(self, session_id: str) -> tuple[str, list[tuple[str, str | int | float | bool | None]], dict[str, str]]:
        """Path, query and headers of ``GET /v1/sessions/{id}/events``."""
        headers = {"Accept": "text/event-stream"}
        if self.last is not None:
            headers["Last-Event-ID"] = str(self.last)
        params: list[tuple[str, str | int | float | bool | None]] = (
            [("from", "now")] if self.from_now and self.last is None else []
        )
        return _session(session_id, "/events"), params, headers

    def saw(self, event: TailEvent) -> bool:
        """Notes an event; true when the tail is over (the session was purged)."""
        self.failures = 0
        if event["kind"] == "entry":
            self.last = event["seq"]
        return event["kind"] == "purged"

    def failed(self, policy: RetryPolicy) -> bool:
        """Notes a lost connection; true when the tail may connect again."""
        self.failures += 1
        return self.failures <= policy.max_retries


class EventStreamDecoder:
    """Server-Sent Events, line by line, into ``TailEvent``s (comments are keep-alives)."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None

    def feed(self, line: str) -> TailEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            self._id = value
        return None

    def _dispatch(self) -> TailEvent | None:
        event, data, seq = self._event, "\n".join(self._data), self._id
        self._event, self._data, self._id = "", [], None
        if not data:
            return None
        payload = json.loads(data)
        if event == "purged":
            return TailEvent(kind="purged", sessionId=payload.get("sessionId", ""))
        if event == "entry" and seq is not None:
            return TailEvent(kind="entry", seq=int(seq), entry=payload)
        return None
