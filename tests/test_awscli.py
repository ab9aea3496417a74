"""Server mode through a real client: the AWS CLI against ThreadedMotoServer.

These run in tox's ``awscli`` env (``pytest -m awscli``); elsewhere they are skipped when
no runnable ``aws`` is installed (see ``conftest.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cli_output import get_job_runs_output
from conftest import aws_executable
from console import console_server

pytestmark = pytest.mark.awscli

JOB = "nightly"


class AwsCli:
    """Runs ``aws glue ...`` against one endpoint, with throw-away credentials and config."""

    def __init__(self, endpoint: str, home: Path) -> None:
        self.endpoint = endpoint
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_PAGER": "",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        executable = aws_executable()
        assert executable is not None, "conftest skips these tests when aws is missing"
        command = [executable, "glue", *args, "--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)

    def __call__(self, *args: str) -> Any:
        completed = self.run(*args)
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout) if completed.stdout.strip() else {}


@pytest.fixture
def aws(endpoint: str, tmp_path: Path) -> Iterator[AwsCli]:
    """The AWS CLI pointed at a freshly reset server holding one job, ``nightly``."""
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    cli = AwsCli(endpoint, tmp_path)
    cli(
        "create-job",
        "--name",
        JOB,
        "--role",
        "arn:aws:iam::123456789012:role/glue",
        "--command",
        "Name=glueetl",
    )
    yield cli
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)


def seed(endpoint: str, runs: list[dict[str, Any]]) -> list[str]:
    """Seed over HTTP, as a test written in another language would."""
    response = requests.post(
        f"{endpoint}/moto-api/glue-jobruns/seed",
        data=json.dumps({"JobName": JOB, "JobRuns": runs}),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    ids: list[str] = response.json()["JobRunIds"]
    return ids


def seed_five(endpoint: str) -> list[str]:
    """Five finished runs a minute apart; returns their Ids newest first."""
    return seed(endpoint, [{"StartedOn": 1_800_000_000 + 60 * i} for i in range(5)])[::-1]


def test_awscli__get_job_runs_newest_first(endpoint: str, aws: AwsCli) -> None:
    newest_first = seed_five(endpoint)
    answer = aws("get-job-runs", "--job-name", JOB)
    assert [run["Id"] for run in answer["JobRuns"]] == newest_first


def test_awscli__start_job_run_then_get_job_runs(aws: AwsCli) -> None:
    run_id = aws("start-job-run", "--job-name", JOB)["JobRunId"]
    runs = aws("get-job-runs", "--job-name", JOB)["JobRuns"]
    assert [(run["Id"], run["JobRunState"], run["LogGroupName"]) for run in runs] == [
        (run_id, "SUCCEEDED", "/aws-glue/jobs")
    ]


def test_awscli__no_paginate_returns_one_page_and_a_token(endpoint: str, aws: AwsCli) -> None:
    newest_first = seed_five(endpoint)
    answer = aws("get-job-runs", "--job-name", JOB, "--max-results", "2", "--no-paginate")
    assert [run["Id"] for run in answer["JobRuns"]] == newest_first[:2]
    assert answer["NextToken"]


def test_awscli__page_size_walks_every_page(endpoint: str, aws: AwsCli) -> None:
    newest_first = seed_five(endpoint)
    answer = aws("get-job-runs", "--job-name", JOB, "--page-size", "2")
    assert [run["Id"] for run in answer["JobRuns"]] == newest_first
    assert "NextToken" not in answer


def test_awscli__max_items_then_starting_token(endpoint: str, aws: AwsCli) -> None:
    newest_first = seed_five(endpoint)
    first = aws("get-job-runs", "--job-name", JOB, "--page-size", "2", "--max-items", "3")
    rest = aws("get-job-runs", "--job-name", JOB, "--page-size", "2", "--starting-token", first["NextToken"])
    assert [run["Id"] for run in first["JobRuns"] + rest["JobRuns"]] == newest_first


def test_awscli__batch_stop_job_run(endpoint: str, aws: AwsCli) -> None:
    (running,) = seed(endpoint, [{"JobRunState": "RUNNING"}])
    answer = aws("batch-stop-job-run", "--job-name", JOB, "--job-run-ids", running, "jr_unknown")
    assert answer["SuccessfulSubmissions"] == [{"JobName": JOB, "JobRunId": running}]
    assert [(error["JobRunId"], error["ErrorDetail"]["ErrorCode"]) for error in answer["Errors"]] == [
        ("jr_unknown", "EntityNotFoundException")
    ]


def test_awscli__stopped_run_reads_stopped(endpoint: str, aws: AwsCli) -> None:
    (running,) = seed(endpoint, [{"JobRunState": "RUNNING"}])
    aws("batch-stop-job-run", "--job-name", JOB, "--job-run-ids", running)
    run = aws("get-job-run", "--job-name", JOB, "--run-id", running)["JobRun"]
    assert (run["JobRunState"], "CompletedOn" in run) == ("STOPPED", True)


def test_awscli__unknown_job_is_an_error_exit(aws: AwsCli) -> None:
    completed = aws.run("get-job-runs", "--job-name", "missing")
    assert completed.returncode != 0
    assert "EntityNotFoundException" in completed.stderr


def test_awscli__printed_runs_replay_with_seed(endpoint: str, aws: AwsCli, tmp_path: Path) -> None:
    """What this CLI prints (epoch seconds, for the AWS CLI v1) is a ``--seed`` file that
    serves the same runs again: the job is created from them."""
    seed(endpoint, get_job_runs_output()["JobRuns"])
    printed = aws.run("get-job-runs", "--job-name", JOB)
    assert printed.returncode == 0, printed.stderr
    (tmp_path / "runs.json").write_text(printed.stdout, encoding="utf-8")
    with console_server("--seed", str(tmp_path / "runs.json")) as replay:
        again = AwsCli(replay, tmp_path)("get-job-runs", "--job-name", JOB)
    assert again == json.loads(printed.stdout)
