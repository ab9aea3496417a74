"""A seeded STARTING or RUNNING run past its Timeout ends TIMEOUT when read, as a started one
does; every other seeded run keeps the state it was given."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from conftest import ApiPlace
from freezegun import freeze_time
from moto import mock_aws

from moto_glue_jobruns import seed_job_runs

TIMEOUT_MESSAGE = "The job run time exceeded its specified timeout value."


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def run_of(api_place: ApiPlace, job: str, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = api_place.client.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


def test_seeded_run__running_past_its_timeout_ends_timeout(api_place: ApiPlace) -> None:
    job = api_place.create_job(Timeout=30)
    started = now() - timedelta(minutes=45)
    (run_id,) = api_place.seed(job, [{"JobRunState": "RUNNING", "StartedOn": started}])
    (listed,) = api_place.client.get_job_runs(JobName=job)["JobRuns"]
    assert listed == run_of(api_place, job, run_id)
    assert listed["JobRunState"] == "TIMEOUT"
    assert listed["CompletedOn"] == listed["LastModifiedOn"] == started + timedelta(minutes=30)
    assert listed["ExecutionTime"] == 30 * 60  # running since it started
    assert listed["ErrorMessage"] == TIMEOUT_MESSAGE


def test_seeded_run__starting_past_its_timeout_ends_timeout_without_execution_time(
    api_place: ApiPlace,
) -> None:
    job = api_place.create_job(Timeout=30)
    started = now() - timedelta(hours=2)
    (run_id,) = api_place.seed(job, [{"JobRunState": "STARTING", "StartedOn": started}])
    run = run_of(api_place, job, run_id)
    assert (run["JobRunState"], run["CompletedOn"], run["ExecutionTime"]) == (
        "TIMEOUT",
        started + timedelta(minutes=30),
        0,
    )


def test_seeded_run__its_own_timeout_wins_over_the_jobs(api_place: ApiPlace) -> None:
    job = api_place.create_job(Timeout=30)
    started = now() - timedelta(minutes=15)
    short, default = api_place.seed(
        job,
        [
            {"JobRunState": "RUNNING", "StartedOn": started, "Timeout": 10},
            {"JobRunState": "RUNNING", "StartedOn": started},
        ],
    )
    assert run_of(api_place, job, short)["JobRunState"] == "TIMEOUT"
    assert run_of(api_place, job, short)["CompletedOn"] == started + timedelta(minutes=10)
    assert run_of(api_place, job, default)["JobRunState"] == "RUNNING"


def test_seeded_run__other_states_keep_theirs_past_the_timeout(api_place: ApiPlace) -> None:
    job = api_place.create_job(Timeout=30, ExecutionProperty={"MaxConcurrentRuns": 10})
    started = now() - timedelta(hours=3)
    states = ["WAITING", "STOPPING", "SUCCEEDED", "FAILED", "STOPPED", "EXPIRED", "ERROR"]
    ids = api_place.seed(job, [{"JobRunState": state, "StartedOn": started} for state in states])
    assert [run_of(api_place, job, run_id)["JobRunState"] for run_id in ids] == states


def test_seeded_run__timing_out_frees_its_slot(api_place: ApiPlace) -> None:
    job = api_place.create_job(Timeout=30)  # MaxConcurrentRuns 1
    api_place.seed(job, [{"JobRunState": "RUNNING", "StartedOn": now() - timedelta(minutes=31)}])
    run_id = api_place.client.start_job_run(JobName=job)["JobRunId"]  # the seeded run no longer holds it
    assert run_of(api_place, job, run_id)["JobRunState"] == "SUCCEEDED"
    api_place.seed(job, [{"JobRunState": "RUNNING"}])
    with pytest.raises(api_place.client.exceptions.ConcurrentRunsExceededException):
        api_place.client.start_job_run(JobName=job)


def test_seeded_run__batch_stop_after_its_timeout_reports_timeout(api_place: ApiPlace) -> None:
    job = api_place.create_job(Timeout=30)
    (run_id,) = api_place.seed(job, [{"JobRunState": "RUNNING", "StartedOn": now() - timedelta(minutes=31)}])
    answer = api_place.client.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    assert answer["SuccessfulSubmissions"] == []
    assert "TIMEOUT" in answer["Errors"][0]["ErrorDetail"]["ErrorMessage"]


Clock = Callable[[datetime], AbstractContextManager[Any]]
CLOCKS: dict[str, Clock] = {
    "freezegun": lambda start: freeze_time(start),
    "time-machine": lambda start: time_machine.travel(start, tick=False),
}


def _advance(clock: Any, delta: timedelta) -> None:
    if hasattr(clock, "tick"):
        clock.tick(delta)
    else:
        clock.shift(delta)


@pytest.fixture(params=sorted(CLOCKS))
def frozen(request: pytest.FixtureRequest) -> Iterator[tuple[datetime, Any]]:
    start = now()
    with mock_aws(), CLOCKS[request.param](start) as clock:
        yield start, clock


def test_seeded_run__times_out_as_the_frozen_clock_passes_its_timeout(frozen: tuple[datetime, Any]) -> None:
    start, clock = frozen
    glue = ApiPlace("in_process", "").client
    glue.create_job(Name="job", Role="r", Command={"Name": "glueetl"}, Timeout=30)
    running, stopped = seed_job_runs("job", [{"JobRunState": "RUNNING"}, {"JobRunState": "RUNNING"}])
    glue.batch_stop_job_run(JobName="job", JobRunIds=[stopped])
    _advance(clock, timedelta(minutes=29))
    assert glue.get_job_run(JobName="job", RunId=running)["JobRun"]["JobRunState"] == "RUNNING"
    _advance(clock, timedelta(minutes=2))
    run = glue.get_job_run(JobName="job", RunId=running)["JobRun"]
    assert (run["JobRunState"], run["CompletedOn"]) == ("TIMEOUT", start + timedelta(minutes=30))
    assert glue.get_job_run(JobName="job", RunId=stopped)["JobRun"]["JobRunState"] == "STOPPED"


def test_seeded_run__a_queued_run_starts_when_the_seeded_one_times_out(frozen: tuple[datetime, Any]) -> None:
    start, clock = frozen
    glue = ApiPlace("in_process", "").client
    glue.create_job(Name="job", Role="r", Command={"Name": "glueetl"}, Timeout=30)
    seed_job_runs("job", [{"JobRunState": "RUNNING", "StartedOn": start - timedelta(minutes=20)}])
    queued = glue.start_job_run(JobName="job", JobRunQueuingEnabled=True)["JobRunId"]
    assert glue.get_job_run(JobName="job", RunId=queued)["JobRun"]["JobRunState"] == "WAITING"
    _advance(clock, timedelta(minutes=15))  # the seeded run ends TIMEOUT at +10 minutes
    assert glue.get_job_run(JobName="job", RunId=queued)["JobRun"]["JobRunState"] == "SUCCEEDED"
