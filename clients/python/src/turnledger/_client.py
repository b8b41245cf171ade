"""The synchronous client."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from typing import Concatenate, ParamSpec, TypeVar

import httpx

from . import _calls as calls
from ._calls import Call
from ._transport import MAYBE_SENT, NOT_SENT, EventStreamDecoder, RetryPolicy, TailState, answer_of, request_of
from ._types import Entry, TailEvent

P = ParamSpec("P")
T = TypeVar("T")


def _operation(build: Callable[P, Call[T]]) -> Callable[Concatenate[Client, P], T]:
    @functools.wraps(build)
    def method(self: Client, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._send(build(*args, **kwargs))

    return method


class Client:
    """A client of one TurnLedger service.

    >>> with Client("http://127.0.0.1:8080", api_key="tlk_...") as ledger:
    ...     ledger.create_session("s1")
    ...     ledger.append("s1", "user", "Hello")

    Every method raises ``TurnLedgerError`` (with the service's ``code``, ``message`` and
    ``details``) for an error answer, after the retries ``RetryPolicy`` allows.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = http_client or httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        if http_client is not None:
            self._http.base_url = httpx.URL(base_url)
            self._http.headers.update(headers)
        self._retry = retry or RetryPolicy()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _send(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = self._http.request(call.method, call.path, **request_of(call))
            except (*NOT_SENT, *MAYBE_SENT) as error:
                wait = self._retry.delay(call, attempt, error=error)
                if wait is None:
                    raise
            else:
                wait = self._retry.delay(
                    call, attempt, status=response.status_code, retry_after=response.headers.get("Retry-After"))
                if wait is None:
                    return answer_of(call, response)
            time.sleep(wait)
            attempt += 1

    healthz = _operation(calls.healthz)
    create_session = _operation(calls.create_session)
    get_session = _operation(calls.get_session)
    list_sessions = _operation(calls.list_sessions)
    purge_session = _operation(calls.purge_session)
    entries = _operation(calls.entries)
    entries_as_of = _operation(calls.entries_as_of)
    append = _operation(calls.append)
    open_turn = _operation(calls.open_turn)
    current_turn = _operation(calls.current_turn)
    record_result = _operation(calls.record_result)
    commit_turn = _operation(calls.commit_turn)
    cancel_turn = _operation(calls.cancel_turn)
    recover = _operation(calls.recover)
    context = _operation(calls.context)
    rendered_context = _operation(calls.rendered_context)
    search = _operation(calls.search)
    fork = _operation(calls.fork)
    summarize = _operation(calls.summarize)
    rewind = _operation(calls.rewind)
    usage = _operation(calls.usage)
    tool_stats = _operation(calls.tool_stats)
    export = _operation(calls.export)

    def iter_entries(self, session_id: str, *, page_size: int = 100) -> Iterator[Entry]:
        """Every committed entry of a session, page by page."""
        after = 0
        while True:
            page = self.entries(session_id, after=after, limit=page_size)
            yield from page.get("entries", [])
            if "nextAfter" not in page:
                return
            after = page["nextAfter"]

    def tail(
        self, session_id: str, *, after: int | None = None, from_now: bool = False, reconnect: bool = True
    ) -> Iterator[TailEvent]:
        """The session's live tail: its committed entries after ``after`` (all by default, none
        with ``from_now``), then each new one as it is committed. A lost connection is resumed
        after the last entry seen (``reconnect``, up to the retry policy's attempts in a row);
        the iterator ends after a ``purged`` event."""
        state = TailState(after, from_now)
        while True:
            path, params, headers = state.request(session_id)
            try:
                with self._http.stream("GET", path, params=params, headers=headers, timeout=None) as response:
                    if response.status_code >= 400:
                        response.read()
                        answer_of(calls.get_session(session_id), response)
                    decoder = EventStreamDecoder()
                    for line in response.iter_lines():
                        event = decoder.feed(line)
                        if event is not None:
                            yield event
                            if state.saw(event):
                                return
            except (*NOT_SENT, *MAYBE_SENT):
                if not reconnect or not state.failed(self._retry):
                    raise
            else:
                if not reconnect or not state.failed(self._retry):
                    return
            time.sleep(self._retry.backoff)
