"""The synchronous client against a real `turnledger serve`."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from turnledger import Client, RetryPolicy, TurnLedgerError

TWO_CALLS = [
    {"id": "call_Qz", "name": "fetch", "arguments": '{"url": "https://wttr.in/Moscow"}'},
    {"id": "call_tK", "name": "fetch", "arguments": '{"url":'},  # the model's text, not JSON: kept as is
]


def test_the_agent_loop_with_a_failed_tool_through_every_read(server, session_id):
    with Client(server.url) as ledger:
        assert ledger.healthz() == {"status": "ok"}
        created = ledger.create_session(session_id, {"user": "42"})
        assert created["id"] == session_id and created["metadata"] == {"user": "42"}
        assert ledger.append(session_id, "user", "Погода в Москве?")["seq"] == 1
        turn = ledger.open_turn(session_id, TWO_CALLS, "Checking both.", usage={"model": "gpt-5", "inputTokens": 120})
        assert turn["seq"] == 2 and not turn["isCommitted"]
        ledger.record_result(session_id, "call_tK", "HTTP 403 Forbidden", outcome="error")
        with pytest.raises(TurnLedgerError) as early:
            ledger.commit_turn(session_id)
        assert early.value.status == 409 and early.value.code == "unanswered_calls"
        assert early.value.details["unansweredCallIds"] == ["call_Qz"]
        assert [call["id"] for call in ledger.current_turn(session_id)["calls"]] == ["call_Qz", "call_tK"]
        ledger.record_result(session_id, "call_Qz", "-3°C")
        committed = ledger.commit_turn(session_id, turn_seq=2)
        assert committed["isCommitted"]

        chat = ledger.context(session_id, "openai-chat")
        assert [m["role"] for m in chat["messages"]] == ["user", "assistant", "tool", "tool"]
        assert chat["messages"][1]["tool_calls"][1]["function"]["arguments"] == '{"url":'
        for provider in ("openai-responses", "anthropic", "gemini"):
            assert ledger.context(session_id, provider, max_tokens=100_000)
        entries = list(ledger.iter_entries(session_id, page_size=1))
        assert [e["seq"] for e in entries] == [1, 2, 3, 4]
        assert [e.get("outcome") for e in entries[2:]] == ["success", "error"]
        assert ledger.entries_as_of(session_id, 1)["entries"][0]["seq"] == 1
        assert ledger.search("forbidden", session_id=session_id)[0]["seq"] == 4
        assert ledger.usage(session_id)["inputTokens"] == 120
        assert any(s["name"] == "fetch" and s["errors"] >= 1 for s in ledger.tool_stats(session_id=session_id))
        page = ledger.list_sessions(metadata={"user": "42"})
        assert [s["session"]["id"] for s in page["sessions"]] == [session_id]

        fork = ledger.fork(session_id, session_id + "-b", 4)
        assert fork["parentSessionId"] == session_id and fork["parentSeq"] == 4
        summary = ledger.summarize(session_id + "-b", 1, 4, "Snow in Moscow; one fetch refused.")
        assert summary["seq"] == 5
        assert "Snow in Moscow" in json.dumps(ledger.context(session_id + "-b", "gemini"), ensure_ascii=False)
        lines = ledger.export()
        assert json.loads(lines[-1])["lines"] == len(lines)
        audit = ledger.purge_session(session_id + "-b", "test")
        assert audit[0]["sessionId"] == session_id + "-b"


def test_errors_carry_the_services_code_message_and_details(server, session_id):
    with Client(server.url) as ledger:
        with pytest.raises(TurnLedgerError) as missing:
            ledger.get_session(session_id)
        assert missing.value.status == 404 and missing.value.code == "session_not_found"
        assert session_id in missing.value.message and missing.value.details["sessionId"] == session_id
        ledger.create_session(session_id)
        with pytest.raises(TurnLedgerError) as conflict:
            ledger.append(session_id, "user", "x", expected_seq=5)
        assert conflict.value.code == "seq_conflict" and conflict.value.details["next"] == 1
        with pytest.raises(ValueError):
            ledger.append(session_id, "user", "x", parts=[{"type": "text", "text": "y"}])
        assert ledger.entries(session_id)["entries"] == []


def test_any_session_id_travels_in_the_path(server):
    with Client(server.url) as ledger:
        for session_id in ["сессия/1", "日本語 ?#%+", "a b"]:
            ledger.create_session(session_id)
            assert ledger.append(session_id, "user", "hi")["sessionId"] == session_id
            assert ledger.get_session(session_id)["id"] == session_id


class DropFirstAnswer(httpx.BaseTransport):
    """Forwards every request; the first answer to a matching one is lost on the way back."""

    def __init__(self, path_suffix: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.path_suffix = path_suffix
        self.dropped = 0
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith(self.path_suffix):
            self.sent += 1
            if self.dropped == 0:
                response.read()
                self.dropped += 1
                raise httpx.ReadError("connection lost before the answer", request=request)
        return response


def test_a_write_whose_answer_was_lost_is_sent_again_and_lands_once(server, session_id):
    transport = DropFirstAnswer("/entries")
    fast = RetryPolicy(backoff=0.01)
    with Client(server.url, retry=fast, http_client=httpx.Client(transport=transport)) as ledger:
        ledger.create_session(session_id)
        entry = ledger.append(session_id, "user", "once")
        assert transport.sent == 2 and entry["seq"] == 1
        assert [e["seq"] for e in ledger.iter_entries(session_id)] == [1]

    commits = DropFirstAnswer("/turn/commit")
    with Client(server.url, retry=fast, http_client=httpx.Client(transport=commits)) as ledger:
        turn = ledger.open_turn(session_id, TWO_CALLS[:1])
        ledger.record_result(session_id, "call_Qz", "ok")
        assert ledger.commit_turn(session_id, turn_seq=turn["seq"])["isCommitted"]
        assert commits.sent == 2


def test_a_commit_carrying_the_last_result_lands_both_at_once_and_is_retried_safely(server, session_id):
    with Client(server.url) as ledger:
        ledger.create_session(session_id)
        ledger.open_turn(session_id, TWO_CALLS)
        # While call_tK waits, the commit is refused and call_Qz's result is not recorded either.
        with pytest.raises(TurnLedgerError) as early:
            ledger.commit_turn(session_id, call_id="call_Qz", content="-3°C")
        assert early.value.status == 409 and early.value.code == "unanswered_calls"
        assert early.value.details["unansweredCallIds"] == ["call_tK"]
        assert ledger.current_turn(session_id)["results"] == []
        with pytest.raises(ValueError):
            ledger.commit_turn(session_id, content="a result without its call id")

        ledger.record_result(session_id, "call_Qz", "-3°C")

    commits = DropFirstAnswer("/turn/commit")
    with Client(server.url, retry=RetryPolicy(backoff=0.01), http_client=httpx.Client(transport=commits)) as ledger:
        turn = ledger.commit_turn(session_id, call_id="call_tK", content="HTTP 403 Forbidden", outcome="error")
        assert commits.sent == 2  # its answer was lost: sent again, and it landed once
        assert turn["isCommitted"]
        assert [(r["callId"], r["outcome"]) for r in turn["results"]] == [("call_Qz", "success"), ("call_tK", "error")]
        assert [e["seq"] for e in ledger.iter_entries(session_id)] == [1, 2, 3]


def test_a_write_the_service_cannot_recognise_is_not_sent_again(server, session_id):
    transport = DropFirstAnswer("/forks")
    with Client(server.url, retry=RetryPolicy(backoff=0.01), http_client=httpx.Client(transport=transport)) as ledger:
        ledger.create_session(session_id)
        ledger.append(session_id, "user", "hi")
        with pytest.raises(httpx.ReadError):
            ledger.fork(session_id, session_id + "-f", 1)
        assert transport.sent == 1


def test_a_busy_answer_is_retried_after_retry_after(server, session_id):
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"}, json={"error": {
        "code": "store_busy", "message": "busy", "details": {}}})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or httpx.HTTPTransport().handle_request(request)

    with Client(server.url, http_client=httpx.Client(transport=httpx.MockTransport(handler))) as ledger:
        assert ledger.create_session(session_id)["id"] == session_id


def test_the_live_tail_yields_history_then_new_entries_then_the_purge(server, session_id):
    with Client(server.url) as ledger:
        ledger.create_session(session_id)
        ledger.append(session_id, "user", "first")

        def later() -> None:
            time.sleep(0.3)
            with Client(server.url) as writer:
                writer.append(session_id, "assistant", "second")
                time.sleep(0.2)
                writer.purge_session(session_id, "done")

        threading.Thread(target=later).start()
        events = list(ledger.tail(session_id))
        assert [(e["kind"], e.get("seq")) for e in events] == [("entry", 1), ("entry", 2), ("purged", None)]
        assert events[1]["entry"]["parts"][0]["text"] == "second"


def test_a_key_is_sent_and_a_wrong_one_is_refused(keyed_server, session_id):
    with Client(keyed_server.url, api_key=keyed_server.api_key) as ledger:
        assert ledger.create_session(session_id)["tenant"] == "py"
    with Client(keyed_server.url, api_key="tlk_nope_nope") as stranger:
        with pytest.raises(TurnLedgerError) as refused:
            stranger.get_session(session_id)
        assert refused.value.status == 401 and refused.value.code == "unauthorized"
