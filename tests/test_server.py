"""Server mode: ThreadedMotoServer in this process, boto3 and raw HTTP against it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import server_client

GLUE_HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    # moto's server picks the service from the signature's credential scope
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/glue/aws4_request, "
    "SignedHeaders=host, Signature=0",
}


@pytest.fixture
def client(endpoint: str) -> Iterator[Any]:
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    glue = server_client(endpoint)
    glue.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
    yield glue
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)


def call(endpoint: str, operation: str, body: bytes | str) -> requests.Response:
    headers = {**GLUE_HEADERS, "X-Amz-Target": f"AWSGlue.{operation}"}
    return requests.post(endpoint, data=body, headers=headers, timeout=10)


def seed(endpoint: str, body: Any) -> requests.Response:
    return requests.post(f"{endpoint}/moto-api/glue-jobruns/seed", data=json.dumps(body), timeout=10)


def test_server__seed_then_page_through_with_boto3(endpoint: str, client: Any) -> None:
    response = seed(
        endpoint, {"JobName": "job", "JobRuns": [{"StartedOn": 1_800_000_000 + i} for i in range(25)]}
    )
    assert response.status_code == 200
    ids = response.json()["JobRunIds"]
    pages = client.get_paginator("get_job_runs").paginate(JobName="job", PaginationConfig={"PageSize": 7})
    assert [run["Id"] for page in pages for run in page["JobRuns"]] == ids[::-1]


def test_server__seed_accepts_iso_timestamps_and_region(endpoint: str, client: Any) -> None:
    west = server_client(endpoint, "eu-west-1")
    west.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
    response = seed(
        endpoint,
        {
            "JobName": "job",
            "Region": "eu-west-1",
            "JobRuns": [{"StartedOn": "2026-11-01T10:00:00Z", "JobRunState": "FAILED"}],
        },
    )
    assert response.status_code == 200
    assert west.get_job_runs(JobName="job")["JobRuns"][0]["JobRunState"] == "FAILED"
    assert client.get_job_runs(JobName="job")["JobRuns"] == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"JobName": "job"}',
        b'{"JobName": "job", "JobRuns": [{"JobRunState": "DONE"}]}',
        b'{"JobName": "nope", "JobRuns": [{}]}',
        b'{"JobName": 5, "JobRuns": []}',
        b'{"JobName": "job", "JobRuns": {}}',
    ],
)
def test_server__bad_seed_body_is_a_400_and_stores_nothing(endpoint: str, client: Any, body: bytes) -> None:
    response = requests.post(f"{endpoint}/moto-api/glue-jobruns/seed", data=body, timeout=10)
    assert response.status_code == 400
    assert response.json()["message"]
    assert client.get_job_runs(JobName="job")["JobRuns"] == []


def test_server__outcomes_endpoint(endpoint: str, client: Any) -> None:
    response = requests.post(
        f"{endpoint}/moto-api/glue-jobruns/outcomes",
        timeout=10,
        data=json.dumps({"JobName": "job", "Outcomes": [{"JobRunState": "FAILED", "ErrorMessage": "boom"}]}),
    )
    assert response.status_code == 200
    run_id = client.start_job_run(JobName="job")["JobRunId"]
    run = client.get_job_run(JobName="job", RunId=run_id)["JobRun"]
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "boom")


def test_server__reset_clears_runs(endpoint: str, client: Any) -> None:
    seed(endpoint, {"JobName": "job", "JobRuns": [{}]})
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    client.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
    assert client.get_job_runs(JobName="job")["JobRuns"] == []


@pytest.mark.parametrize(
    ("operation", "body", "code"),
    [
        ("GetJobRuns", b"{not json", "SerializationException"),
        ("GetJobRuns", b"[1, 2]", "SerializationException"),
        ("GetJobRuns", b"\xff\xfe\x00", "SerializationException"),
        ("GetJobRuns", b'{"JobName": "job", "MaxResults": "abc"}', "SerializationException"),
        ("GetJobRuns", b'{"JobName": ["job"]}', "SerializationException"),
        ("GetJobRuns", b'{"JobName": "job", "NextToken": 5}', "SerializationException"),
        ("GetJobRuns", b'{"JobName": "job", "MaxResults": 1e308}', "SerializationException"),
        ("GetJobRuns", b'{"JobName": "job", "MaxResults": 99999999999999999999}', "InvalidInputException"),
        ("GetJobRuns", b"{}", "InvalidInputException"),
        ("GetJobRuns", b"null", "InvalidInputException"),
        ("GetJobRuns", b'{"JobName": null}', "InvalidInputException"),
        ("GetJobRuns", b'{"JobName": "' + b"x" * 100_000 + b'"}', "InvalidInputException"),
        ("GetJobRuns", b"[" * 100_000 + b"]" * 100_000, "SerializationException"),
        ("GetJobRun", b'{"JobName": "job"}', "InvalidInputException"),
        (
            "GetJobRun",
            b'{"JobName": "job", "RunId": "r", "PredecessorsIncluded": "yes"}',
            "SerializationException",
        ),
        ("StartJobRun", b'{"JobName": "job", "Arguments": {"a": 1}}', "SerializationException"),
        ("StartJobRun", b'{"JobName": "job", "Timeout": 0}', "InvalidInputException"),
        ("StartJobRun", b'{"JobName": "job", "WorkerType": "G.9X"}', "InvalidInputException"),
        ("StartJobRun", b'{"JobName": "job", "NotificationProperty": []}', "SerializationException"),
        ("BatchStopJobRun", b'{"JobName": "job", "JobRunIds": []}', "InvalidInputException"),
        (
            "BatchStopJobRun",
            b'{"JobName": "job", "JobRunIds": ' + json.dumps(["x"] * 26).encode() + b"}",
            "InvalidInputException",
        ),
        ("BatchStopJobRun", b'{"JobName": "job", "JobRunIds": "jr_1"}', "SerializationException"),
        ("CreateJob", b'{"Name": "x"}', "InvalidInputException"),
        ("DeleteJob", b'{"JobName": 1}', "SerializationException"),
    ],
)
def test_server__bad_request_is_an_aws_shaped_4xx(
    endpoint: str, client: Any, operation: str, body: bytes, code: str
) -> None:
    response = call(endpoint, operation, body)
    assert response.status_code == 400, response.text[:300]
    payload = response.json()
    assert payload["__type"] == code
    assert isinstance(payload["message"], str) and "Traceback" not in payload["message"]
    assert client.get_job_runs(JobName="job")["JobRuns"] == []
    assert client.list_jobs()["JobNames"] == ["job"]


def test_server__job_name_of_255_characters_is_fine(endpoint: str, client: Any) -> None:
    response = call(endpoint, "GetJobRuns", json.dumps({"JobName": "x" * 255}))
    assert response.status_code == 400
    assert response.json()["__type"] == "EntityNotFoundException"
