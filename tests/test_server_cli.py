"""The ``moto-glue-jobruns-server`` console script (as ``python -m moto_glue_jobruns.server``)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests
from console import console_server, run_console
from targets import Server

from moto_glue_jobruns.server import DEMO_JOB, demo_runs

DEMO_STATES = [
    "RUNNING",
    "SUCCEEDED",
    "SUCCEEDED",
    "TIMEOUT",
    "SUCCEEDED",
    "FAILED",
    "SUCCEEDED",
    "SUCCEEDED",
]


@pytest.mark.server
@pytest.mark.parametrize("attempt", range(5))
def test_server_cli__demo_is_there_when_the_port_opens(attempt: int) -> None:
    with console_server("--demo") as endpoint:  # returns the moment a connection is accepted
        runs = Server(endpoint).client().get_job_runs(JobName=DEMO_JOB)["JobRuns"]
    assert [run["JobRunState"] for run in runs] == DEMO_STATES


@pytest.mark.server
def test_server_cli__demo_job_has_a_free_slot_beside_its_running_run() -> None:
    with console_server("--demo") as endpoint:
        glue = Server(endpoint).client()
        run_id = glue.start_job_run(JobName=DEMO_JOB)["JobRunId"]
        run = glue.get_job_run(JobName=DEMO_JOB, RunId=run_id)["JobRun"]
        job = glue.get_job(JobName=DEMO_JOB)["Job"]
    assert run["JobRunState"] == "SUCCEEDED"
    assert job["ExecutionProperty"]["MaxConcurrentRuns"] > 1


@pytest.mark.server
def test_server_cli__help_lists_moto_server_options_and_ours() -> None:
    completed = run_console("--help")
    assert completed.returncode == 0, completed.stderr
    usage = completed.stdout.splitlines()[0]
    assert "[--demo] [--seed FILE]" in usage
    for option in ("--host HOST", "--port PORT", "--demo", "--seed FILE"):  # argparse's own layout
        assert option in completed.stdout


@pytest.mark.server
def test_moto_server__does_not_load_the_plugin() -> None:
    """Plain moto_server (what moto's Docker image runs) serves stock moto: no plugin routes."""
    with console_server(module="moto.server") as endpoint:
        answer = requests.post(f"{endpoint}/moto-api/glue-jobruns/seed", data="{}", timeout=10)
    assert answer.status_code == 404


def test_demo_runs__completed_after_started() -> None:
    runs = demo_runs(datetime(2026, 11, 29, tzinfo=timezone.utc))
    assert all(run["CompletedOn"] > run["StartedOn"] for run in runs if "CompletedOn" in run)
