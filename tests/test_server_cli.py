"""The ``moto-glue-jobruns-server`` console script (as ``python -m moto_glue_jobruns.server``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from conftest import server_client

from moto_glue_jobruns.server import _option, demo_runs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_demo(client: Any) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 90
    while True:
        try:
            runs: list[dict[str, Any]] = client.get_job_runs(JobName="demo")["JobRuns"]
            if runs:
                return runs
        except (ClientError, EndpointConnectionError):
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@pytest.fixture
def demo_server() -> Iterator[str]:
    """``--demo`` on a free port, in its own process, stopped after the test."""
    port = free_port()
    command = [sys.executable, "-m", "moto_glue_jobruns.server", "--demo", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_server_cli__demo_serves_a_week_of_runs_newest_first(demo_server: str) -> None:
    runs = wait_for_demo(server_client(demo_server))
    assert [run["JobRunState"] for run in runs] == [
        "RUNNING",
        "SUCCEEDED",
        "SUCCEEDED",
        "TIMEOUT",
        "SUCCEEDED",
        "FAILED",
        "SUCCEEDED",
        "SUCCEEDED",
    ]


def test_demo_runs__completed_after_started() -> None:
    runs = demo_runs(datetime(2026, 11, 29, tzinfo=timezone.utc))
    assert all(run["CompletedOn"] > run["StartedOn"] for run in runs if "CompletedOn" in run)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--demo"], "5000"),
        (["-p", "5001"], "5001"),
        (["--port", "5002"], "5002"),
        (["--port=5003"], "5003"),
        (["-p"], "5000"),
    ],
)
def test_server_option__reads_moto_server_port_spellings(args: list[str], expected: str) -> None:
    assert _option(args, ("-p", "--port"), "5000") == expected
