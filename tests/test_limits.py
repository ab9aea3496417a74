"""Bounded resources: absurd sizes are refused with a 4xx before they are held, and the
console-script server listens on the loopback interface only."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import JobFactory
from targets import ROLE, InProcess, Server, check_answer, glue_headers

from moto_glue_jobruns import seed_job_runs, set_run_outcomes
from moto_glue_jobruns.responses import MAX_REQUEST_BYTES
from moto_glue_jobruns.seeding import MAX_BODY_BYTES

REPO = Path(__file__).resolve().parent.parent


def _raw_post(endpoint: str, path: str, headers: dict[str, str], declared_length: int) -> bytes:
    """POST headers declaring ``declared_length`` bytes, send none, return the answer.

    A server that tried to read the body would wait for bytes that never come."""
    host, port = endpoint.removeprefix("http://").split(":")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {declared_length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def _status_and_body(answer: bytes) -> tuple[int, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_get_job_runs__declared_body_over_the_limit_is_refused_unread(server: Server) -> None:
    answer = _raw_post(server.endpoint, "/", glue_headers("GetJobRuns"), MAX_REQUEST_BYTES + 1)
    status, body = _status_and_body(answer)
    assert status == 413
    assert check_answer(status, body)["__type"] == "RequestEntityTooLargeException"


def test_seed_route__declared_body_over_the_limit_is_refused_unread(server: Server) -> None:
    answer = _raw_post(server.endpoint, "/moto-api/glue-jobruns/seed", {}, 10**12)
    status, body = _status_and_body(answer)
    assert status == 413
    assert "larger than" in check_answer(status, body)["message"]


def test_seed_route__chunked_body_over_the_limit_is_refused(server: Server) -> None:
    glue = server.client()
    glue.create_job(Name="nightly", Role=ROLE, Command={"Name": "glueetl"})
    piece = json.dumps({}).encode() + b","

    def chunks() -> Iterator[bytes]:
        yield b'{"JobName": "nightly", "JobRuns": ['
        for _ in range(MAX_BODY_BYTES // (len(piece) * 65536) + 1):
            yield piece * 65536
        yield b"{}]}"

    response = server.session.post(f"{server.endpoint}/moto-api/glue-jobruns/seed", data=chunks(), timeout=60)
    assert response.status_code == 413, response.text[:300]
    assert glue.get_job_runs(JobName="nightly")["JobRuns"] == []


def test_batch_stop_job_run__too_many_ids_is_invalid_input(server: Server) -> None:
    body = json.dumps({"JobName": "nightly", "JobRunIds": [f"jr_{i}" for i in range(10_000)]}).encode()
    status, payload = server.send("BatchStopJobRun", body)
    assert (status, check_answer(status, payload)["__type"]) == (400, "InvalidInputException")


@pytest.mark.parametrize("target", ["in_process", pytest.param("server", marks=pytest.mark.server)])
def test_batch_stop_job_run__body_over_the_limit_is_413(target: str, request: pytest.FixtureRequest) -> None:
    sender = InProcess() if target == "in_process" else request.getfixturevalue("server")
    ids = [f"jr_{i:064x}" for i in range(MAX_REQUEST_BYTES // 64)]
    status, payload = sender.send("BatchStopJobRun", json.dumps({"JobName": "j", "JobRunIds": ids}).encode())
    assert (status, check_answer(status, payload)["__type"]) == (413, "RequestEntityTooLargeException")


def test_seed_job_runs__endless_iterable_is_refused(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ValueError, match="JobRuns: at most"):
        seed_job_runs(job, itertools.repeat({}))
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


@pytest.mark.parametrize("runs", [5, None, "runs", {"JobRunState": "FAILED"}])
def test_seed_job_runs__not_a_list_is_a_value_error(glue: Any, make_job: JobFactory, runs: Any) -> None:
    with pytest.raises(ValueError, match="JobRuns: expected a list of dicts"):
        seed_job_runs(make_job(), runs)


def test_set_run_outcomes__not_a_list_is_a_value_error(glue: Any, make_job: JobFactory) -> None:
    with pytest.raises(ValueError, match="Outcomes: expected a list of dicts"):
        set_run_outcomes(make_job(), 3)  # type: ignore[arg-type]


# --------------------------------------------------------------------- console script


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket table")
def test_server_main__binds_loopback_by_default() -> None:
    port = _free_port()
    code = "import sys; from moto_glue_jobruns.server import main; main(sys.argv[1:])"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if _listening_addresses(port) or process.poll() is not None:
                break
            time.sleep(0.05)
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        process.terminate()
        process.wait(timeout=30)
