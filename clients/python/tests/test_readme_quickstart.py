"""The README's Python quick start, run as written: its code block executes in a fresh process
against a real `turnledger serve`, with the Agents SDK's default model pointed (OPENAI_BASE_URL)
at a stand-in for the Responses API on loopback, which also checks every input it is sent."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_agents_session import pairs

from turnledger import Client

README = Path(__file__).resolve().parents[3] / "README.md"


def quick_start() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Python\n"):]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return next(block for block in blocks if "TurnLedgerSession" in block)


class ResponsesStandIn(BaseHTTPRequestHandler):
    """``POST /v1/responses``: answers one assistant message; keeps each request's input."""

    inputs: list[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 (the handler's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.inputs.append(body["input"])
        answer = json.dumps({
            "id": f"resp_{len(self.inputs)}", "object": "response", "created_at": 0, "model": body["model"],
            "status": "completed", "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
            "output": [{
                "type": "message", "id": f"msg_{len(self.inputs)}", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Hello from the stand-in.", "annotations": []}],
            }],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def responses_api() -> Iterator[str]:
    ResponsesStandIn.inputs = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ResponsesStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_the_quick_start_runs_as_written(server, responses_api):
    code = quick_start()
    assert code.count("\n") <= 6, "the quick start is five lines of code, and one to print"
    code = code.replace("http://127.0.0.1:8080", server.url)
    environment = {"OPENAI_BASE_URL": responses_api, "OPENAI_API_KEY": "sk-stand-in", "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    for attempt in range(2):  # the second run reads the first one's history back
        ran = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
            env={**environment, "PATH": "/usr/bin:/bin"},
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == "Hello from the stand-in."
    session_id = re.search(r'TurnLedgerSession\("([^"]+)"', code).group(1)
    with Client(server.url) as ledger:
        assert [e["role"] for e in ledger.iter_entries(session_id)] == ["user", "assistant"] * 2
    first, second = ResponsesStandIn.inputs
    assert len(second) == len(first) + 2 and pairs(second)
