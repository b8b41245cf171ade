"""The asynchronous client: ``Client``'s calls, awaited."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

import httpx

from . import _calls as calls
from ._calls import Call
from ._transport import MAYBE_SENT, NOT_SENT, EventStreamDecoder, RetryPolicy, TailState, answer_of, request_of
from ._types import Entry, TailEvent

P = ParamSpec("P")
T = TypeVar("T")


def _operation(build: Callable[P, Call[T]]) -> Callable[Concatenate[AsyncClient, P], Awaitable[T]]:
    @functools.wraps(build)
    async def method(self: AsyncClient, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._send(build(*args, **kwargs))

    return method


class AsyncClient:
    """``Client`` for asyncio (or trio, through anyio): every method is awaited, the live tail
    is an async iterator.

    >>> async with AsyncClient("http://127.0.0.1:8080") as ledger:
    ...     await ledger.append("s1", "user", "Hello")
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = http_client or httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)
        if http_client is not None:
            self._http.base_url = httpx.URL(base_url)
            self._http.headers.update(headers)
        self._retry = retry or RetryPolicy()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _send(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            try:
                response = await self._http.request(call.method, call.path, **request_of(call))
            except (*NOT_SENT, *MAYBE_SENT) as error:
                wait = self._retry.delay(call, attempt, error=error)
                if wait is None:
                    raise
            else:
                wait = self._retry.delay(
                    call, attempt, status=response.status_code, retry_after=response.headers.get("Retry-After"))
                if wait is None:
                    return answer_of(call, response)
            await asyncio.sleep(wait)
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

    async def iter_entries(self, session_id: str, *, page_size: int = 100) -> AsyncIterator[Entry]:
        """Every committed entry of a session, page by page."""
        after = 0
        while True:
            page = await self.entries(session_id, after=after, limit=page_size)
            for entry in page.get("entries", []):
                yield entry
            if "nextAfter" not in page:
                return
            after = page["nextAfter"]

    async def tail(
        self, session_id: str, *, after: int | None = None, from_now: bool = False, reconnect: bool = True
    ) -> AsyncIterator[TailEvent]:
        """``Client.tail``, as an async iterator."""
        state = TailState(after, from_now)
        while True:
            path, params, headers = state.request(session_id)
            try:
                async with self._http.stream("GET", path, params=params, headers=headers, timeout=None) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        answer_of(calls.get_session(session_id), response)
                    decoder = EventStreamDecoder()
                    async for line in response.aiter_lines():
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
            await asyncio.sleep(self._retry.backoff)
