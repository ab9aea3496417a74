"""The lifecycle in server mode: moto's state-manager API and outcomes over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def glue(endpoint: str) -> Iterator[Any]:
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    client = boto3.client(
        "glue",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
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
