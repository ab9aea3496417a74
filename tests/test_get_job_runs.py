"""GetJobRuns through boto3: order, validation, pagination, members."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import JobFactory, error_of
from freezegun import freeze_time

from moto_glue_jobruns import seed_job_runs

T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)


def test_get_job_runs__newest_first(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    ids = seed_job_runs(job, [{"StartedOn": T0 + timedelta(minutes=m)} for m in (5, 1, 9, 3)])
    runs = glue.get_job_runs(JobName=job)["JobRuns"]
    assert [r["Id"] for r in runs] == [ids[2], ids[0], ids[3], ids[1]]


def test_get_job_runs__same_instant_in_reverse_creation_order(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    first = seed_job_runs(job, [{"StartedOn": T0}] * 3)
    second = seed_job_runs(job, [{"StartedOn": T0}] * 2)
    runs = glue.get_job_runs(JobName=job)["JobRuns"]
    assert [r["Id"] for r in runs] == list(reversed(first + second))


def test_get_job_runs__started_runs_newest_first(glue: Any, make_job: JobFactory) -> None:
    job = make_job(ExecutionProperty={"MaxConcurrentRuns": 5})
    ids = [glue.start_job_run(JobName=job)["JobRunId"] for _ in range(4)]
    assert [r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]] == ids[::-1]


def test_get_job_runs__unknown_job(glue: Any) -> None:
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="missing")
    assert error_of(exc) == ("EntityNotFoundException", "Job not found.", 400)


def test_get_job_runs__no_runs(glue: Any, make_job: JobFactory) -> None:
    response = glue.get_job_runs(JobName=make_job())
    assert response["JobRuns"] == []
    assert "NextToken" not in response


@pytest.mark.parametrize("max_results", [0, -1, 201, 10**6])
def test_get_job_runs__max_results_out_of_range(make_job: JobFactory, max_results: int) -> None:
    job = make_job()
    client = boto3.client("glue", region_name="us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.get_job_runs(JobName=job, MaxResults=max_results)
    assert error_of(exc) == ("InvalidInputException", "MaxResults size must be between 1 and 200", 400)


@pytest.mark.parametrize("max_results", [1, 200])
def test_get_job_runs__max_results_bounds_accepted(glue: Any, make_job: JobFactory, max_results: int) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 201)
    assert len(glue.get_job_runs(JobName=job, MaxResults=max_results)["JobRuns"]) == max_results


def test_get_job_runs__default_page_size_is_100(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 150)
    response = glue.get_job_runs(JobName=job)
    assert len(response["JobRuns"]) == 100
    assert "NextToken" in response


@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("", "Member must have length greater than or equal to 1"),
        ("x" * 256, "Member must have length less than or equal to 255"),
        ("bad\nname", "Member must satisfy regular expression pattern"),
    ],
)
def test_get_job_runs__job_name_constraints(make_job: JobFactory, name: str, constraint: str) -> None:
    make_job()
    client = boto3.client("glue", region_name="us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.get_job_runs(JobName=name)
    code, message, status = error_of(exc)
    assert (code, status) == ("InvalidInputException", 400)
    assert "at 'jobName' failed to satisfy constraint" in message
    assert constraint in message


def test_get_job_runs__job_name_with_supplementary_characters(glue: Any, make_job: JobFactory) -> None:
    job = make_job("emoji-\U0001f600-job")
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


def test_get_job_runs__paginator_walks_every_run_once(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    ids = seed_job_runs(job, [{"StartedOn": T0 + timedelta(seconds=i % 7)} for i in range(95)])
    pages = glue.get_paginator("get_job_runs").paginate(JobName=job, PaginationConfig={"PageSize": 10})
    walked = [run["Id"] for page in pages for run in page["JobRuns"]]
    assert sorted(walked) == sorted(ids)
    assert len(walked) == len(set(walked)) == 95
    started = [
        run["StartedOn"]
        for page in glue.get_paginator("get_job_runs").paginate(JobName=job)
        for run in page["JobRuns"]
    ]
    assert started == sorted(started, reverse=True)


def test_get_job_runs__runs_started_between_pages_never_duplicate(glue: Any, make_job: JobFactory) -> None:
    job = make_job(ExecutionProperty={"MaxConcurrentRuns": 1000})
    before = set(seed_job_runs(job, [{"StartedOn": T0 + timedelta(seconds=i // 3)} for i in range(30)]))
    seen: list[str] = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = glue.get_job_runs(JobName=job, MaxResults=4, **kwargs)
        seen += [run["Id"] for run in page["JobRuns"]]
        glue.start_job_run(JobName=job)
        seed_job_runs(job, [{"StartedOn": T0 + timedelta(seconds=5)}])  # lands among the unread
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_get_job_runs__token_of_another_job_is_rejected(glue: Any, make_job: JobFactory) -> None:
    first, second = make_job("first"), make_job("second")
    seed_job_runs(first, [{}] * 3)
    seed_job_runs(second, [{}] * 3)
    token = glue.get_job_runs(JobName=first, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName=second, NextToken=token)
    code, _, status = error_of(exc)
    assert (code, status) == ("InvalidInputException", 400)


def test_get_job_runs__token_of_another_region_is_rejected(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 3)
    token = glue.get_job_runs(JobName=job, MaxResults=1)["NextToken"]
    other = boto3.client("glue", region_name="eu-west-1")
    other.create_job(Name=job, Role="r", Command={"Name": "glueetl"})
    seed_job_runs(job, [{}] * 3, region_name="eu-west-1")
    with pytest.raises(ClientError) as exc:
        other.get_job_runs(JobName=job, NextToken=token)
    assert error_of(exc)[0] == "InvalidInputException"


@pytest.mark.parametrize("token", ["garbage", "", "a.b", "\u00e9t\u00e9.x", "e30.000000000000000000000000"])
def test_get_job_runs__forged_token_is_rejected(glue: Any, make_job: JobFactory, token: str) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 3)
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName=job, NextToken=token)
    assert error_of(exc)[0] == "InvalidInputException"


def test_get_job_runs__token_of_a_deleted_and_recreated_job_is_rejected(
    glue: Any, make_job: JobFactory
) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 3)
    token = glue.get_job_runs(JobName=job, MaxResults=1)["NextToken"]
    glue.delete_job(JobName=job)
    make_job(job)
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName=job, NextToken=token)
    assert error_of(exc)[0] == "InvalidInputException"


def test_get_job_runs__history_older_than_365_days_is_not_returned(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with freeze_time(now) as frozen:
        aging, recent = seed_job_runs(
            job, [{"StartedOn": now - timedelta(days=364)}, {"StartedOn": now - timedelta(days=1)}]
        )
        assert [r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]] == [recent, aging]
        frozen.tick(timedelta(days=2))  # the older run is now 366 days old
        assert [r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]] == [recent]
        with pytest.raises(ClientError) as exc:
            glue.get_job_run(JobName=job, RunId=aging)
        assert error_of(exc)[0] == "EntityNotFoundException"


def test_get_job_runs__members_of_a_succeeded_worker_run(glue: Any, make_job: JobFactory) -> None:
    job = make_job(
        WorkerType="G.1X",
        NumberOfWorkers=10,
        GlueVersion="4.0",
        DefaultArguments={"--a": "job", "--b": "job"},
    )
    seed_job_runs(
        job,
        [
            {
                "StartedOn": T0,
                "CompletedOn": T0 + timedelta(seconds=144),
                "ExecutionTime": 117,
                "Arguments": {"--b": "run"},
            }
        ],
    )
    run = glue.get_job_runs(JobName=job)["JobRuns"][0]
    assert run["Id"].startswith("jr_") and len(run["Id"]) == 67
    assert {
        k: v for k, v in run.items() if k not in ("Id", "StartedOn", "LastModifiedOn", "CompletedOn")
    } == {
        "Attempt": 0,
        "JobName": job,
        "JobMode": "SCRIPT",
        "JobRunState": "SUCCEEDED",
        "Arguments": {"--a": "job", "--b": "run"},
        "PredecessorRuns": [],
        "AllocatedCapacity": 10,
        "ExecutionTime": 117,
        "Timeout": 2880,
        "MaxCapacity": 10.0,
        "WorkerType": "G.1X",
        "NumberOfWorkers": 10,
        "LogGroupName": "/aws-glue/jobs",
        "GlueVersion": "4.0",
        "ExecutionClass": "STANDARD",
    }
    assert run["StartedOn"] == T0
    assert run["CompletedOn"] == run["LastModifiedOn"] == T0 + timedelta(seconds=144)


def test_get_job_runs__running_run_has_no_completion_members(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    seed_job_runs(job, [{"JobRunState": "RUNNING"}])
    run = glue.get_job_runs(JobName=job)["JobRuns"][0]
    assert run["JobRunState"] == "RUNNING"
    assert not {"CompletedOn", "ExecutionTime", "ErrorMessage", "DPUSeconds"} & set(run)


def test_get_job_runs__defaults_follow_aws(glue: Any, make_job: JobFactory) -> None:
    spark = make_job("spark")
    shell = make_job(
        "shell", Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"}, GlueVersion="5.0"
    )
    seed_job_runs(spark, [{}])
    seed_job_runs(shell, [{}])
    spark_run = glue.get_job_runs(JobName=spark)["JobRuns"][0]
    shell_run = glue.get_job_runs(JobName=shell)["JobRuns"][0]
    assert (spark_run["AllocatedCapacity"], spark_run["MaxCapacity"]) == (10, 10.0)
    assert (shell_run["AllocatedCapacity"], shell_run["MaxCapacity"]) == (0, 0.0625)
    assert shell_run["Timeout"] == 480
    assert "WorkerType" not in spark_run


def test_get_job_runs__dpu_seconds_only_for_flex(glue: Any, make_job: JobFactory) -> None:
    flex = make_job("flex", WorkerType="G.2X", NumberOfWorkers=4, ExecutionClass="FLEX", GlueVersion="4.0")
    standard = make_job("standard", WorkerType="G.2X", NumberOfWorkers=4, GlueVersion="4.0")
    for job in (flex, standard):
        seed_job_runs(
            job, [{"StartedOn": T0, "ExecutionTime": 100, "CompletedOn": T0 + timedelta(seconds=120)}]
        )
    assert glue.get_job_runs(JobName=flex)["JobRuns"][0]["DPUSeconds"] == 100 * 4 * 2.0
    assert "DPUSeconds" not in glue.get_job_runs(JobName=standard)["JobRuns"][0]


def test_get_job_runs__non_overridable_arguments_win(glue: Any, make_job: JobFactory) -> None:
    job = make_job(
        DefaultArguments={"--x": "default"}, NonOverridableArguments={"--x": "fixed", "--y": "fixed"}
    )
    run_id = glue.start_job_run(JobName=job, Arguments={"--x": "run", "--z": "run"})["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert run["Arguments"] == {"--x": "fixed", "--y": "fixed", "--z": "run"}
