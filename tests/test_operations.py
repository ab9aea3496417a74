"""GetJobRun, StartJobRun, BatchStopJobRun, CreateJob and DeleteJob through boto3."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import JobFactory, error_of

from moto_glue_jobruns import seed_job_runs


def test_get_job_run__same_object_as_get_job_runs(glue: Any, make_job: JobFactory) -> None:
    job = make_job(WorkerType="G.2X", NumberOfWorkers=3)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    seed_job_runs(job, [{"PredecessorRuns": [{"JobName": "up", "RunId": "jr_up"}], "TriggerName": "t"}])
    listed = glue.get_job_runs(JobName=job)["JobRuns"]
    for run in listed:
        single = glue.get_job_run(JobName=job, RunId=run["Id"], PredecessorsIncluded=True)["JobRun"]
        assert single == run
    assert run_id in {run["Id"] for run in listed}


def test_get_job_run__predecessors_only_when_asked(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    (run_id,) = seed_job_runs(job, [{"PredecessorRuns": [{"JobName": "up", "RunId": "jr_up"}]}])
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["PredecessorRuns"] == []
    included = glue.get_job_run(JobName=job, RunId=run_id, PredecessorsIncluded=True)["JobRun"]
    assert included["PredecessorRuns"] == [{"JobName": "up", "RunId": "jr_up"}]


def test_get_job_run__unknown_run(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ClientError) as exc:
        glue.get_job_run(JobName=job, RunId="jr_nope")
    assert error_of(exc)[0::2] == ("EntityNotFoundException", 400)


def test_get_job_run__unknown_job(glue: Any) -> None:
    with pytest.raises(ClientError) as exc:
        glue.get_job_run(JobName="missing", RunId="jr_nope")
    assert error_of(exc) == ("EntityNotFoundException", "Job not found.", 400)


def test_start_job_run__id_shape(glue: Any, make_job: JobFactory) -> None:
    run_id = glue.start_job_run(JobName=make_job())["JobRunId"]
    assert re.fullmatch(r"jr_[0-9a-f]{64}", run_id)


def test_start_job_run__unknown_job(glue: Any) -> None:
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName="missing")
    assert error_of(exc) == (
        "EntityNotFoundException",
        "Failed to start job run due to missing metadata.",
        400,
    )


def test_start_job_run__honours_every_member(glue: Any, make_job: JobFactory) -> None:
    job = make_job(
        GlueVersion="4.0", WorkerType="G.1X", NumberOfWorkers=2, ExecutionProperty={"MaxConcurrentRuns": 3}
    )
    previous = glue.start_job_run(JobName=job)["JobRunId"]
    run_id = glue.start_job_run(
        JobName=job,
        JobRunId=previous,
        Arguments={"--day": "2026-11-28"},
        Timeout=60,
        SecurityConfiguration="sec",
        NotificationProperty={"NotifyDelayAfter": 5},
        WorkerType="G.2X",
        NumberOfWorkers=4,
        ExecutionClass="FLEX",
        ExecutionRoleSessionPolicy='{"Version": "2012-10-17"}',
        JobRunQueuingEnabled=True,
    )["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert run["PreviousRunId"] == previous
    assert run["Arguments"] == {"--day": "2026-11-28"}
    assert run["Timeout"] == 60
    assert run["SecurityConfiguration"] == "sec"
    assert run["NotificationProperty"] == {"NotifyDelayAfter": 5}
    assert (run["WorkerType"], run["NumberOfWorkers"], run["AllocatedCapacity"], run["MaxCapacity"]) == (
        "G.2X",
        4,
        8,
        8.0,
    )
    assert run["ExecutionClass"] == "FLEX"
    assert run["ExecutionRoleSessionPolicy"] == '{"Version": "2012-10-17"}'
    assert run["JobRunQueuingEnabled"] is True


def test_start_job_run__max_capacity_and_explicit_zero_are_honoured(glue: Any, make_job: JobFactory) -> None:
    job = make_job(
        Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"},
        MaxCapacity=1.0,
        ExecutionProperty={"MaxConcurrentRuns": 2},
    )
    run_id = glue.start_job_run(JobName=job, MaxCapacity=0.0625)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["MaxCapacity"] == 0.0625
    default_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=default_id)["JobRun"]["MaxCapacity"] == 1.0


def test_start_job_run__default_outcome_succeeded(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "SUCCEEDED"
    assert run["CompletedOn"] >= run["StartedOn"]
    assert isinstance(run["ExecutionTime"], int)


def test_create_job__existing_name_keeps_runs(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    ids = seed_job_runs(job, [{}] * 2)
    with pytest.raises(ClientError) as exc:
        make_job(job)
    assert error_of(exc) == ("AlreadyExistsException", f"{job} already exists.", 400)
    assert {r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]} == set(ids)


def test_delete_job__deletes_runs(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    seed_job_runs(job, [{}] * 2)
    assert glue.delete_job(JobName=job)["JobName"] == job
    with pytest.raises(ClientError):
        glue.get_job_runs(JobName=job)
    make_job(job)
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


def test_delete_job__missing_job_is_not_an_error(glue: Any) -> None:
    assert glue.delete_job(JobName="missing")["JobName"] == "missing"


def test_batch_stop_job_run__errors_not_exceptions(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    done, running = seed_job_runs(job, [{"JobRunState": "SUCCEEDED"}, {"JobRunState": "RUNNING"}])
    response = glue.batch_stop_job_run(JobName=job, JobRunIds=[done, running, "jr_unknown"])
    assert response["SuccessfulSubmissions"] == [{"JobName": job, "JobRunId": running}]
    errors = {e["JobRunId"]: e["ErrorDetail"]["ErrorCode"] for e in response["Errors"]}
    assert errors == {done: "InvalidInputException", "jr_unknown": "EntityNotFoundException"}
    assert glue.get_job_run(JobName=job, RunId=running)["JobRun"]["JobRunState"] == "STOPPED"


def test_batch_stop_job_run__unknown_job_reports_every_id(glue: Any) -> None:
    response = glue.batch_stop_job_run(JobName="missing", JobRunIds=["jr_a", "jr_b"])
    assert response["SuccessfulSubmissions"] == []
    assert [e["JobRunId"] for e in response["Errors"]] == ["jr_a", "jr_b"]


def test_start_job_run__allocated_and_max_capacity_conflict(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName=job, AllocatedCapacity=10, MaxCapacity=10.0)
    assert error_of(exc) == (
        "InvalidInputException",
        "Please set only Allocated Capacity or Max Capacity",
        400,
    )
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


def test_start_job_run__timeout_over_seven_days(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName=job, Timeout=10081)
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)
    run_id = glue.start_job_run(JobName=job, Timeout=10080)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["Timeout"] == 10080
