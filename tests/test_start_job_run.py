"""StartJobRun's rules beyond the model: a job that does not exist, capacity with workers.

Which capacity combinations are refused (AWS: "Do not set MaxCapacity if using WorkerType
and NumberOfWorkers"; CreateJob/UpdateJob "cannot submit both"):

* request MaxCapacity (or AllocatedCapacity) with request WorkerType or NumberOfWorkers;
* request MaxCapacity (or AllocatedCapacity) on a job that defines WorkerType or
  NumberOfWorkers: the run would carry both;
* CreateJob or UpdateJob setting a capacity together with workers.

Accepted: request workers on a job that defines a capacity (the request's workers replace
it, as they replace the MaxCapacity AWS derives for a job with workers), and a request
capacity on a job without workers.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ApiPlace, error_of

MAX = "Please do not set Max Capacity if using Worker Type and Number of Workers."
ALLOCATED = "Please do not set Allocated Capacity if using Worker Type and Number of Workers."
WORKERS = {"WorkerType": "G.1X", "NumberOfWorkers": 10}


def runs_of(api_place: ApiPlace, job: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = api_place.client.get_job_runs(JobName=job)["JobRuns"]
    return runs


def test_start_job_run__unknown_job_is_missing_metadata(api_place: ApiPlace) -> None:
    with pytest.raises(ClientError) as exc:
        api_place.client.start_job_run(JobName="missing")
    assert error_of(exc) == (
        "EntityNotFoundException",
        "Failed to start job run due to missing metadata.",
        400,
    )


@pytest.mark.parametrize(
    ("job", "request_members", "message"),
    [
        ({}, {"MaxCapacity": 10.0, **WORKERS}, MAX),
        ({}, {"MaxCapacity": 10.0, "NumberOfWorkers": 10}, MAX),
        ({}, {"MaxCapacity": 10.0, "WorkerType": "G.1X"}, MAX),
        ({}, {"AllocatedCapacity": 10, **WORKERS}, ALLOCATED),
        (WORKERS, {"MaxCapacity": 10.0}, MAX),
        (WORKERS, {"AllocatedCapacity": 10}, ALLOCATED),
        ({"NumberOfWorkers": 10, "WorkerType": "G.2X"}, {"MaxCapacity": 2.0, "WorkerType": "G.1X"}, MAX),
    ],
    ids=[
        "request-both",
        "request-number",
        "request-type",
        "request-allocated",
        "job-workers",
        "job-allocated",
        "mixed",
    ],
)
def test_start_job_run__capacity_with_workers_is_refused(
    api_place: ApiPlace, job: dict[str, Any], request_members: dict[str, Any], message: str
) -> None:
    name = api_place.create_job(**job)
    with pytest.raises(ClientError) as exc:
        api_place.client.start_job_run(JobName=name, **request_members)
    assert error_of(exc) == ("InvalidInputException", message, 400)
    assert runs_of(api_place, name) == []


def test_start_job_run__request_workers_replace_the_jobs_capacity(api_place: ApiPlace) -> None:
    name = api_place.create_job(
        MaxCapacity=10.0, GlueVersion="1.0", ExecutionProperty={"MaxConcurrentRuns": 2}
    )
    by_workers = api_place.client.start_job_run(JobName=name, WorkerType="G.2X", NumberOfWorkers=3)[
        "JobRunId"
    ]
    by_capacity = api_place.client.start_job_run(JobName=name, MaxCapacity=5.0)["JobRunId"]
    runs = {run["Id"]: run for run in runs_of(api_place, name)}
    assert (runs[by_workers]["WorkerType"], runs[by_workers]["MaxCapacity"]) == ("G.2X", 6.0)
    assert (runs[by_capacity].get("WorkerType"), runs[by_capacity]["MaxCapacity"]) == (None, 5.0)


def test_start_job_run__worker_job_starts_with_its_own_or_new_workers(api_place: ApiPlace) -> None:
    name = api_place.create_job(**WORKERS, ExecutionProperty={"MaxConcurrentRuns": 2})
    plain = api_place.client.start_job_run(JobName=name)["JobRunId"]
    bigger = api_place.client.start_job_run(JobName=name, NumberOfWorkers=20)["JobRunId"]
    runs = {run["Id"]: run for run in runs_of(api_place, name)}
    assert (runs[plain]["NumberOfWorkers"], runs[plain]["MaxCapacity"]) == (10, 10.0)
    assert (runs[bigger]["NumberOfWorkers"], runs[bigger]["MaxCapacity"]) == (20, 20.0)


@pytest.mark.parametrize(
    ("members", "message"),
    [({"MaxCapacity": 10.0, **WORKERS}, MAX), ({"AllocatedCapacity": 10, "WorkerType": "G.1X"}, ALLOCATED)],
)
def test_create_job__capacity_with_workers_is_refused(
    api_place: ApiPlace, members: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        api_place.create_job(**members)
    assert error_of(exc) == ("InvalidInputException", message, 400)
    assert api_place.client.list_jobs()["JobNames"] == []
