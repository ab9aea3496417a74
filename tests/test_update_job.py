"""UpdateJob (moto 5.x does not serve it): the JobUpdate replaces the job definition."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ApiPlace, error_of

ROLE = "arn:aws:iam::123456789012:role/glue"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://b/new.py"}


def run_of(api_place: ApiPlace, job: str, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = api_place.client.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


def test_update_job__answers_the_job_name(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    answer = api_place.client.update_job(JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND})
    assert answer["JobName"] == job


def test_update_job__replaces_the_definition_shown_by_get_job(api_place: ApiPlace) -> None:
    job = api_place.create_job(
        Description="old",
        Timeout=30,
        MaxRetries=2,
        DefaultArguments={"--a": "1"},
        WorkerType="G.1X",
        NumberOfWorkers=4,
        GlueVersion="4.0",
        Tags={"team": "data"},
    )
    created = api_place.client.get_job(JobName=job)["Job"]
    api_place.client.update_job(
        JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND, "Description": "new", "MaxCapacity": 2.0}
    )
    shown = api_place.client.get_job(JobName=job)["Job"]
    assert (shown["Description"], shown["Command"], shown["MaxCapacity"]) == ("new", COMMAND, 2.0)
    # "overwrites the previous job definition": members not given are gone or back to defaults
    for member in ("Timeout", "MaxRetries", "WorkerType", "NumberOfWorkers", "GlueVersion"):
        assert member not in shown, member
    assert shown.get("DefaultArguments", {}) == {}
    assert shown["CreatedOn"] == created["CreatedOn"]
    assert shown["LastModifiedOn"] >= created["LastModifiedOn"]
    assert api_place.client.get_jobs()["Jobs"] == [shown]
    assert api_place.client.list_jobs()["JobNames"] == [job]
    arn = f"arn:aws:glue:us-east-1:123456789012:job/{job}"
    assert api_place.client.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}


def test_update_job__later_runs_use_the_new_definition_earlier_runs_keep_theirs(api_place: ApiPlace) -> None:
    job = api_place.create_job(
        Timeout=30,
        DefaultArguments={"--env": "old"},
        WorkerType="G.1X",
        NumberOfWorkers=4,
        ExecutionProperty={"MaxConcurrentRuns": 3},
    )
    (seeded,) = api_place.seed(job, [{"JobRunState": "FAILED", "ErrorMessage": "boom"}])
    before = api_place.client.start_job_run(JobName=job)["JobRunId"]
    api_place.client.update_job(
        JobName=job,
        JobUpdate={
            "Role": ROLE,
            "Command": COMMAND,
            "Timeout": 90,
            "DefaultArguments": {"--env": "new"},
            "WorkerType": "G.2X",
            "NumberOfWorkers": 3,
        },
    )
    after = api_place.client.start_job_run(JobName=job)["JobRunId"]
    old, new = run_of(api_place, job, before), run_of(api_place, job, after)
    assert (old["Timeout"], old["Arguments"], old["WorkerType"], old["MaxCapacity"]) == (
        30,
        {"--env": "old"},
        "G.1X",
        4.0,
    )
    assert (new["Timeout"], new["Arguments"], new["WorkerType"], new["MaxCapacity"]) == (
        90,
        {"--env": "new"},
        "G.2X",
        6.0,
    )
    listed = [run["Id"] for run in api_place.client.get_job_runs(JobName=job)["JobRuns"]]
    assert listed == [after, before, seeded]  # the update kept every run


def test_update_job__members_not_given_are_reset_for_later_runs(api_place: ApiPlace) -> None:
    job = api_place.create_job(
        Timeout=30, MaxRetries=1, ExecutionProperty={"MaxConcurrentRuns": 5}, GlueVersion="4.0"
    )
    fresh = api_place.create_job("fresh")
    api_place.client.update_job(JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND})
    first = api_place.client.start_job_run(JobName=job)["JobRunId"]
    run = run_of(api_place, job, first)
    like_new = run_of(api_place, fresh, api_place.client.start_job_run(JobName=fresh)["JobRunId"])
    assert (run["Timeout"], run["GlueVersion"]) == (like_new["Timeout"], like_new["GlueVersion"])
    assert (run["Timeout"], run["GlueVersion"]) != (30, "4.0")  # AWS's defaults, not the old job's
    api_place.set_outcomes(job, [{"JobRunState": "FAILED"}])
    failed = api_place.client.start_job_run(JobName=job)["JobRunId"]
    ids = [r["Id"] for r in api_place.client.get_job_runs(JobName=job)["JobRuns"]]
    assert ids == [failed, first]  # MaxRetries is back to 0: no retry


def test_update_job__page_tokens_survive_the_update(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    ids = api_place.seed(job, [{}] * 3)
    page = api_place.client.get_job_runs(JobName=job, MaxResults=2)
    api_place.client.update_job(JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND})
    rest = api_place.client.get_job_runs(JobName=job, NextToken=page["NextToken"])["JobRuns"]
    assert [run["Id"] for run in page["JobRuns"] + rest] == ids[::-1]


def test_update_job__unknown_job(api_place: ApiPlace) -> None:
    with pytest.raises(ClientError) as exc:
        api_place.client.update_job(JobName="missing", JobUpdate={"Role": ROLE, "Command": COMMAND})
    assert error_of(exc) == ("EntityNotFoundException", "Job not found.", 400)
    assert api_place.client.list_jobs()["JobNames"] == []


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (
            {"MaxCapacity": 10.0, "WorkerType": "G.1X", "NumberOfWorkers": 10},
            "Please do not set Max Capacity if using Worker Type and Number of Workers.",
        ),
        (
            {"AllocatedCapacity": 10, "NumberOfWorkers": 10},
            "Please do not set Allocated Capacity if using Worker Type and Number of Workers.",
        ),
    ],
)
def test_update_job__capacity_with_workers_is_refused_and_changes_nothing(
    api_place: ApiPlace, update: dict[str, Any], message: str
) -> None:
    job = api_place.create_job(Timeout=30)
    before = api_place.client.get_job(JobName=job)["Job"]
    with pytest.raises(ClientError) as exc:
        api_place.client.update_job(JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND, **update})
    assert error_of(exc) == ("InvalidInputException", message, 400)
    assert api_place.client.get_job(JobName=job)["Job"] == before


def test_update_job__bad_input_is_validated_against_the_model(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    with pytest.raises(ClientError) as exc:
        api_place.client.update_job(
            JobName=job, JobUpdate={"Role": ROLE, "Command": COMMAND, "GlueVersion": "x"}
        )
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)
