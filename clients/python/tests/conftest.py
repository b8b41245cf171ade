"""A real `turnledger serve` on loopback for the client's tests.

The binary is $TURNLEDGER_BIN, else the debug build of this repository (`swift build`)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]


def binary() -> str:
    if os.environ.get("TURNLEDGER_BIN"):
        return os.environ["TURNLEDGER_BIN"]
    bin_path = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPOSITORY, check=True, capture_output=True, text=True
    ).stdout.strip()
    return str(Path(bin_path) / "turnledger")


class Server:
    """A served store: its URL, its database, and the CLI beside it."""

    def __init__(self, directory: Path, *extra: str, keyed: bool = False) -> None:
        self.database = str(directory / "ledger.sqlite")
        self.api_key: str | None = None
        if keyed:
            created = self.cli("keys", "create", "--tenant", "py")
            self.api_key = re.search(r'"secret":"([^"]+)"', created).group(1)
        self.process = subprocess.Popen(
            [binary(), "serve", "--db", self.database, "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline()
        match = re.match(r"listening on (http://\S+)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"turnledger serve did not start: {line!r} {self.process.stderr.read()}")
        self.url = match.group(1)

    def cli(self, *arguments: str) -> str:
        return subprocess.run(
            [binary(), *arguments, "--db", self.database], check=True, capture_output=True, text=True
        ).stdout

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as directory:
        served = Server(Path(directory))
        yield served
        served.stop()
        assert served.cli("verify").strip(), "verify printed its report"


@pytest.fixture(scope="session")
def keyed_server() -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as directory:
        served = Server(Path(directory), keyed=True)
        yield served
        served.stop()


@pytest.fixture
def session_id() -> str:
    return f"py-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
