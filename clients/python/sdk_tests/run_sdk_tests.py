"""Runs the OpenAI Agents SDK's own session tests against ``TurnLedgerSession``.

    python clients/python/sdk_tests/run_sdk_tests.py [--bin PATH_TO_turnledger]

Downloads the SDK's source distribution (the wheel has no tests), serves a throwaway ledger with
``turnledger serve``, and runs the chosen test files with ``turnledger_swap`` loaded: the sessions
those tests use are ledger sessions. None of the SDK's code is kept in this repository. The
environment must hold the same openai-agents version, this client, and requirements-test.txt.
Exits with pytest's status; ``verify`` must find the ledger clean afterwards.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "0.24.0"
TESTS = ["tests/memory/test_session.py", "tests/deferred_session_writes", "tests/test_hitl_session_scenario.py"]
HERE = Path(__file__).resolve().parent


def default_binary() -> str:
    if os.environ.get("TURNLEDGER_BIN"):
        return os.environ["TURNLEDGER_BIN"]
    repository = HERE.parents[2]
    path = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=repository, check=True, capture_output=True, text=True
    ).stdout.strip()
    return str(Path(path) / "turnledger")


def source_distribution(directory: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         f"openai-agents=={VERSION}", "-d", str(directory)],
        check=True,
    )
    archive = next(directory.glob(f"openai_agents-{VERSION}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")
    return directory / f"openai_agents-{VERSION}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=None, help="the turnledger binary (default: $TURNLEDGER_BIN, else the debug build)")
    arguments = parser.parse_args()
    installed = importlib.metadata.version("openai-agents")
    if installed != VERSION:
        print(f"openai-agents {installed} is installed; these tests are those of {VERSION}", file=sys.stderr)
        return 2
    binary = arguments.bin or default_binary()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        sdist = source_distribution(work)
        database = work / "ledger.sqlite"
        log = (work / "serve.log").open("w")  # the access log: shown only when something fails
        server = subprocess.Popen(
            [binary, "serve", "--db", str(database), "--port", "0"], stdout=subprocess.PIPE, stderr=log, text=True
        )
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            match = re.match(r"listening on (http://\S+)", line)
            if not match:
                print(f"turnledger serve did not start: {line!r}", file=sys.stderr)
                return 2
            environment = dict(os.environ, TURNLEDGER_URL=match.group(1), PYTHONPATH=f"{HERE}{os.pathsep}{sdist}")
            status = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-rfExX", "-p", "no:cacheprovider", "-p", "turnledger_swap", *TESTS],
                cwd=sdist, env=environment,
            ).returncode
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        if status != 0:
            print("turnledger serve, last lines:", *(work / "serve.log").read_text().splitlines()[-40:], sep="\n")
        report = subprocess.run(
            [binary, "verify", "--db", str(database)], capture_output=True, text=True
        )
        print(f"turnledger verify: exit {report.returncode}")
        if report.returncode != 0:
            print(report.stdout, report.stderr, file=sys.stderr)
            return 1
        return status


if __name__ == "__main__":
    sys.exit(main())
