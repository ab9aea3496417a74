"""The lifecycle in server mode: moto's state-manager API and outcomes over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import server_client


@pytest.fixture
def glue(endpoint: str) -> Iterator[Any]:
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    client = server_client(endpoint)
    client.create_job(Name="job", Role="r", Command={"Name": "glueetl"}, MaxRetries=1)
    yield client
    requests.post(
        f"{endpoint}/moto-api/state-manager/unset-transition",
        data=json.dumps({"model_name": "glue::job_run"}),
        timeout=10,
    )
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)


def set_transition(endpoint: str, transition: dict[str, Any]) -> None:
    body = {"model_name": "glue::job_run", "transition": transition}
    response = requests.post(
        f"{endpoint}/moto-api/state-manager/set-transition", data=json.dumps(body), timeout=10
    )
    assert response.status_code == 201


def test_server__manual_transition_over_http(endpoint: str, glue: Any) -> None:
    set_transition(endpoint, {"progression": "manual", "times": 1})
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    states = [glue.get_job_run(JobName="job", RunId=run_id)["JobRun"]["JobRunState"] for _ in range(2)]
    assert states == ["RUNNING", "SUCCEEDED"]


def test_server__outcomes_with_retry_over_http(endpoint: str, glue: Any) -> None:
    body = {
        "JobName": "job",
        "Outcomes": [{"JobRunState": "FAILED", "ErrorMessage": "boom"}, {"JobRunState": "SUCCEEDED"}],
    }
    assert requests.post(f"{endpoint}/moto-api/glue-jobruns/outcomes", data=json.dumps(body), timeout=10).ok
    first = glue.start_job_run(JobName="job")["JobRunId"]
    runs = glue.get_job_runs(JobName="job")["JobRuns"]
    assert [(r["Id"], r["JobRunState"]) for r in runs] == [
        (f"{first}_attempt_1", "SUCCEEDED"),
        (first, "FAILED"),
    ]


def test_server__batch_stop_over_http(endpoint: str, glue: Any) -> None:
    set_transition(endpoint, {"progression": "manual", "times": 5})
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    response = glue.batch_stop_job_run(JobName="job", JobRunIds=[run_id, "jr_missing"])
    assert response["SuccessfulSubmissions"] == [{"JobName": "job", "JobRunId": run_id}]
    assert response["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    assert glue.get_job_run(JobName="job", RunId=run_id)["JobRun"]["JobRunState"] == "STOPPING"
