"""The job-run lifecycle: state manager progression, outcomes, stop, timeout, queuing,
retries and time, all through boto3."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import JobFactory, error_of
from freezegun import freeze_time
from moto.moto_api import state_manager

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

# relative to now: AWS keeps 365 days of history, so a fixed date would fall out of it
START = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
TERMINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED", "EXPIRED"}


@pytest.fixture
def transition() -> Iterator[Any]:
    """Set the glue::job_run transition for one test, restoring the default after."""

    def set_to(**config: Any) -> None:
        state_manager.set_transition(model_name="glue::job_run", transition=config)

    yield set_to
    state_manager.unset_transition("glue::job_run")


def run_of(glue: Any, job: str, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


# ------------------------------------------------------------------ progression


def test_progression__immediate_by_default(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert run_of(glue, job, run_id)["JobRunState"] == "SUCCEEDED"


@pytest.mark.parametrize("times", [1, 3])
def test_progression__manual_after_times_reads(
    glue: Any, make_job: JobFactory, transition: Any, times: int
) -> None:
    transition(progression="manual", times=times)
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    seen = [run_of(glue, job, run_id)["JobRunState"] for _ in range(2 * times)]
    expected = ["STARTING"] * (times - 1) + ["RUNNING"] * times + ["SUCCEEDED"]
    assert seen == expected


def test_progression__manual_counts_get_job_runs_as_a_read(
    glue: Any, make_job: JobFactory, transition: Any
) -> None:
    transition(progression="manual", times=1)
    job = make_job()
    glue.start_job_run(JobName=job)
    states = [glue.get_job_runs(JobName=job)["JobRuns"][0]["JobRunState"] for _ in range(3)]
    assert states == ["RUNNING", "SUCCEEDED", "SUCCEEDED"]


def test_progression__time_with_seconds(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="time", seconds=30)
    job = make_job()
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        assert run_of(glue, job, run_id)["JobRunState"] == "STARTING"
        frozen.tick(timedelta(seconds=31))
        assert run_of(glue, job, run_id)["JobRunState"] == "RUNNING"
        frozen.tick(timedelta(seconds=100))
        run = run_of(glue, job, run_id)
    assert run["JobRunState"] == "SUCCEEDED"
    assert run["StartedOn"] == START
    assert run["CompletedOn"] == START + timedelta(seconds=131)
    assert run["ExecutionTime"] == 100  # time in RUNNING; start-up excluded as AWS does


# --------------------------------------------------------------------- outcomes


@pytest.mark.parametrize(
    ("outcome", "state", "message"),
    [
        ({"JobRunState": "FAILED", "ErrorMessage": "boom"}, "FAILED", "boom"),
        ({"JobRunState": "FAILED"}, "FAILED", "The job run terminated with an unknown exit code."),
        ({"JobRunState": "TIMEOUT"}, "TIMEOUT", "The job run time exceeded its specified timeout value."),
        ({"JobRunState": "ERROR", "ErrorMessage": "deleted"}, "ERROR", "deleted"),
        ({"JobRunState": "STOPPED"}, "STOPPED", None),
        ({"JobRunState": "SUCCEEDED"}, "SUCCEEDED", None),
    ],
)
def test_outcomes__each_terminal_state(
    glue: Any, make_job: JobFactory, outcome: dict[str, Any], state: str, message: str | None
) -> None:
    job = make_job()
    set_run_outcomes(job, [outcome])
    run = run_of(glue, job, glue.start_job_run(JobName=job)["JobRunId"])
    assert run["JobRunState"] == state
    assert run.get("ErrorMessage") == message
    assert "CompletedOn" in run and "ExecutionTime" in run


def test_outcomes__successive_runs_then_last_repeats(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    set_run_outcomes(
        job, [{"JobRunState": "FAILED"}, {"JobRunState": "TIMEOUT"}, {"JobRunState": "SUCCEEDED"}]
    )
    states = []
    for _ in range(5):
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        states.append(run_of(glue, job, run_id)["JobRunState"])
    assert states == ["FAILED", "TIMEOUT", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]


def test_outcomes__execution_figures(glue: Any, make_job: JobFactory) -> None:
    job = make_job(WorkerType="G.2X", NumberOfWorkers=5, ExecutionClass="FLEX", GlueVersion="4.0")
    set_run_outcomes(job, [{"JobRunState": "SUCCEEDED", "ExecutionTime": 321, "DPUSeconds": 1234.5}])
    run = run_of(glue, job, glue.start_job_run(JobName=job)["JobRunId"])
    assert (run["ExecutionTime"], run["DPUSeconds"]) == (321, 1234.5)


def test_outcomes__are_per_job(glue: Any, make_job: JobFactory) -> None:
    failing, fine = make_job("failing"), make_job("fine")
    set_run_outcomes(failing, [{"JobRunState": "FAILED"}])
    assert run_of(glue, fine, glue.start_job_run(JobName=fine)["JobRunId"])["JobRunState"] == "SUCCEEDED"
    assert run_of(glue, failing, glue.start_job_run(JobName=failing)["JobRunId"])["JobRunState"] == "FAILED"


# ---------------------------------------------------------------------- stopping


def test_batch_stop_job_run__stopping_then_stopped(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1)
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    response = glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    assert response["SuccessfulSubmissions"] == [{"JobName": job, "JobRunId": run_id}]
    assert response["Errors"] == []
    glue_runs = glue.get_job_runs(JobName=job)["JobRuns"]  # one read: STOPPING -> STOPPED
    assert glue_runs[0]["JobRunState"] == "STOPPED"
    assert "ErrorMessage" not in glue_runs[0] and "CompletedOn" in glue_runs[0]


def test_batch_stop_job_run__shows_stopping_until_progressed(
    glue: Any, make_job: JobFactory, transition: Any
) -> None:
    transition(progression="manual", times=2)
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    assert [run_of(glue, job, run_id)["JobRunState"] for _ in range(2)] == ["STOPPING", "STOPPED"]


def test_batch_stop_job_run__finished_run_is_an_error_entry(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run_of(glue, job, run_id)  # immediate: SUCCEEDED
    response = glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    assert response["SuccessfulSubmissions"] == []
    (error,) = response["Errors"]
    assert error["JobRunId"] == run_id and error["ErrorDetail"]["ErrorCode"] == "InvalidInputException"
    assert run_of(glue, job, run_id)["JobRunState"] == "SUCCEEDED"


@pytest.mark.parametrize("count", [0, 26])
def test_batch_stop_job_run__id_count_is_validated(make_job: JobFactory, count: int) -> None:
    job = make_job()
    client = boto3.client("glue", region_name="us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.batch_stop_job_run(JobName=job, JobRunIds=[f"jr_{i}" for i in range(count)])
    code, message, status = error_of(exc)
    assert (code, status) == ("InvalidInputException", 400)
    assert "jobRunIds" in message


def test_batch_stop_job_run__25_ids_are_fine(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    response = glue.batch_stop_job_run(JobName=job, JobRunIds=[f"jr_{i}" for i in range(25)])
    assert len(response["Errors"]) == 25


# ----------------------------------------------------------------------- timeout


def test_timeout__run_past_its_timeout_ends_timeout(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1000)
    job = make_job(Timeout=30)
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        frozen.tick(timedelta(minutes=29))
        assert run_of(glue, job, run_id)["JobRunState"] == "STARTING"
        frozen.tick(timedelta(minutes=5))
        run = run_of(glue, job, run_id)
    assert run["JobRunState"] == "TIMEOUT"
    assert run["CompletedOn"] == START + timedelta(minutes=30)
    assert run["ErrorMessage"] == "The job run time exceeded its specified timeout value."


def test_timeout__run_timeout_overrides_job(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1000)
    job = make_job(Timeout=600)
    with time_machine.travel(START, tick=False) as traveller:
        run_id = glue.start_job_run(JobName=job, Timeout=1)["JobRunId"]
        traveller.shift(timedelta(minutes=2))
        run = run_of(glue, job, run_id)
    assert (run["JobRunState"], run["CompletedOn"]) == ("TIMEOUT", START + timedelta(minutes=1))


# ------------------------------------------------------------ concurrency, queuing


def test_concurrency__past_max_concurrent_runs(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1000)
    job = make_job(ExecutionProperty={"MaxConcurrentRuns": 2})
    glue.start_job_run(JobName=job)
    glue.start_job_run(JobName=job)
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName=job)
    assert error_of(exc) == ("ConcurrentRunsExceededException", f"Concurrent runs exceeded for {job}", 400)
    assert len(glue.get_job_runs(JobName=job)["JobRuns"]) == 2


def test_concurrency__default_is_one_and_finished_runs_free_the_slot(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    first = glue.start_job_run(JobName=job)["JobRunId"]
    run_of(glue, job, first)  # immediate: finished
    assert glue.start_job_run(JobName=job)["JobRunId"] != first


def test_queuing__waits_then_starts_in_order(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=2)
    job = make_job(JobRunQueuingEnabled=True)
    running = glue.start_job_run(JobName=job)["JobRunId"]
    queued = [glue.start_job_run(JobName=job)["JobRunId"] for _ in range(2)]
    for run_id in queued:
        run = run_of(glue, job, run_id)
        assert run["JobRunState"] == "WAITING"
        assert run["StateDetail"]
    glue.batch_stop_job_run(JobName=job, JobRunIds=[running])
    assert [run_of(glue, job, running)["JobRunState"] for _ in range(2)] == ["STOPPING", "STOPPED"]
    states = {run_id: run_of(glue, job, run_id)["JobRunState"] for run_id in queued}
    assert states == {queued[0]: "STARTING", queued[1]: "WAITING"}
    assert "StateDetail" not in run_of(glue, job, queued[0])


def test_queuing__request_value_wins_over_job(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1000)
    queuing, plain = make_job("queuing", JobRunQueuingEnabled=True), make_job("plain")
    glue.start_job_run(JobName=queuing)
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName=queuing, JobRunQueuingEnabled=False)
    assert error_of(exc)[0] == "ConcurrentRunsExceededException"
    glue.start_job_run(JobName=plain)
    waiting = glue.start_job_run(JobName=plain, JobRunQueuingEnabled=True)["JobRunId"]
    assert run_of(glue, plain, waiting)["JobRunState"] == "WAITING"


def test_queuing__waiting_run_can_be_stopped(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=1000)
    job = make_job(JobRunQueuingEnabled=True)
    glue.start_job_run(JobName=job)
    waiting = glue.start_job_run(JobName=job)["JobRunId"]
    assert glue.batch_stop_job_run(JobName=job, JobRunIds=[waiting])["Errors"] == []
    transition(progression="immediate")
    assert run_of(glue, job, waiting)["JobRunState"] == "STOPPED"


def test_queuing__waiting_past_timeout_expires(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="manual", times=10**6)
    job = make_job(JobRunQueuingEnabled=True, Timeout=60)
    with freeze_time(START) as frozen:
        glue.start_job_run(JobName=job, Timeout=600)
        waiting = glue.start_job_run(JobName=job)["JobRunId"]
        frozen.tick(timedelta(minutes=61))
        run = run_of(glue, job, waiting)
    assert run["JobRunState"] == "EXPIRED"
    assert run["CompletedOn"] == START + timedelta(minutes=60)


# ----------------------------------------------------------------------- retries


def test_retries__failed_run_is_retried_max_retries_times(glue: Any, make_job: JobFactory) -> None:
    job = make_job(MaxRetries=2)
    set_run_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "boom"}])
    first = glue.start_job_run(JobName=job)["JobRunId"]
    runs = glue.get_job_runs(JobName=job)["JobRuns"]
    assert [(r["Id"], r["Attempt"], r.get("PreviousRunId")) for r in runs] == [
        (f"{first}_attempt_2", 2, f"{first}_attempt_1"),
        (f"{first}_attempt_1", 1, first),
        (first, 0, None),
    ]
    assert {r["JobRunState"] for r in runs} == {"FAILED"}


def test_retries__stop_when_a_retry_succeeds(glue: Any, make_job: JobFactory) -> None:
    job = make_job(MaxRetries=3)
    set_run_outcomes(job, [{"JobRunState": "FAILED"}, {"JobRunState": "SUCCEEDED"}])
    first = glue.start_job_run(JobName=job)["JobRunId"]
    runs = glue.get_job_runs(JobName=job)["JobRuns"]
    assert [(r["Id"], r["JobRunState"]) for r in runs] == [
        (f"{first}_attempt_1", "SUCCEEDED"),
        (first, "FAILED"),
    ]


def test_retries__not_for_other_ends_or_without_max_retries(glue: Any, make_job: JobFactory) -> None:
    retrying, plain = make_job("retrying", MaxRetries=2), make_job("plain")
    set_run_outcomes(retrying, [{"JobRunState": "TIMEOUT"}])
    set_run_outcomes(plain, [{"JobRunState": "FAILED"}])
    glue.start_job_run(JobName=retrying)
    glue.start_job_run(JobName=plain)
    assert len(glue.get_job_runs(JobName=retrying)["JobRuns"]) == 1
    assert len(glue.get_job_runs(JobName=plain)["JobRuns"]) == 1


def test_retries__manual_retry_sets_previous_run_id(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    set_run_outcomes(job, [{"JobRunState": "FAILED"}, {"JobRunState": "SUCCEEDED"}])
    failed = glue.start_job_run(JobName=job)["JobRunId"]
    run_of(glue, job, failed)
    retry = glue.start_job_run(JobName=job, JobRunId=failed)["JobRunId"]
    run = run_of(glue, job, retry)
    assert (run["PreviousRunId"], run["Attempt"], run["JobRunState"]) == (failed, 0, "SUCCEEDED")


# -------------------------------------------------------------------------- time


def test_time__timestamps_follow_the_clock(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with freeze_time(START):
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        run = run_of(glue, job, run_id)
    assert run["StartedOn"] == run["LastModifiedOn"] == run["CompletedOn"] == START


def test_time__dpu_seconds_for_auto_scaling_runs(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="time", seconds=10)
    job = make_job(
        WorkerType="G.1X",
        NumberOfWorkers=8,
        GlueVersion="4.0",
        DefaultArguments={"--enable-auto-scaling": "true"},
    )
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        frozen.tick(timedelta(seconds=11))
        run_of(glue, job, run_id)  # RUNNING
        frozen.tick(timedelta(seconds=50))
        run = run_of(glue, job, run_id)
    assert (run["JobRunState"], run["ExecutionTime"]) == ("SUCCEEDED", 50)
    assert run["DPUSeconds"] == 50 * 8 * 1.0


def test_time__seeded_run_figures(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    (run_id,) = seed_job_runs(job, [{"StartedOn": START, "CompletedOn": START + timedelta(seconds=90.7)}])
    assert run_of(glue, job, run_id)["ExecutionTime"] == 90


# ------------------------------------------------------------- a realistic poller


def wait_for_run(glue: Any, job: str, run_id: str, sleep: Any, poll_seconds: int = 30) -> dict[str, Any]:
    """What users write: poll GetJobRun until the run reaches a terminal state."""
    for _ in range(1000):
        run = run_of(glue, job, run_id)
        if run["JobRunState"] in TERMINAL:
            return run
        sleep(poll_seconds)
    raise AssertionError("run never finished")


@pytest.mark.parametrize("outcome", ["SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED"])
def test_poller__sees_every_outcome(glue: Any, make_job: JobFactory, transition: Any, outcome: str) -> None:
    transition(progression="time", seconds=60)
    job = make_job(WorkerType="G.1X", NumberOfWorkers=2)
    set_run_outcomes(job, [{"JobRunState": outcome}])
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job, Arguments={"--day": "2026-11-27"})["JobRunId"]
        run = wait_for_run(glue, job, run_id, sleep=lambda s: frozen.tick(timedelta(seconds=s)))
        listed = glue.get_job_runs(JobName=job)["JobRuns"]
    assert run["JobRunState"] == outcome
    assert run["CompletedOn"] > run["StartedOn"] == START
    assert listed == [run]


def test_poller__stopped_by_the_code_under_test(glue: Any, make_job: JobFactory, transition: Any) -> None:
    transition(progression="time", seconds=60)
    job = make_job()
    with time_machine.travel(START, tick=False) as traveller:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
        run = wait_for_run(glue, job, run_id, sleep=lambda s: traveller.shift(timedelta(seconds=s)))
    assert run["JobRunState"] == "STOPPED"


# ------------------------------------------------------------------ seeded live runs


def test_timeout__seeded_running_run_times_out(glue: Any, make_job: JobFactory) -> None:
    job = make_job(Timeout=60)
    with freeze_time(START) as frozen:
        (run_id,) = seed_job_runs(
            job, [{"JobRunState": "RUNNING", "StartedOn": START - timedelta(minutes=10)}]
        )
        frozen.tick(timedelta(minutes=49))
        assert run_of(glue, job, run_id)["JobRunState"] == "RUNNING"
        frozen.tick(timedelta(minutes=2))
        run = run_of(glue, job, run_id)
    assert (run["JobRunState"], run["CompletedOn"]) == ("TIMEOUT", START + timedelta(minutes=50))
    assert run["ExecutionTime"] == 3600
    assert run["ErrorMessage"] == "The job run time exceeded its specified timeout value."


def test_batch_stop_job_run__seeded_running_run_counts_its_time(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with freeze_time(START):
        (run_id,) = seed_job_runs(
            job, [{"JobRunState": "RUNNING", "StartedOn": START - timedelta(minutes=5)}]
        )
        glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
        run = run_of(glue, job, run_id)
    assert (run["JobRunState"], run["ExecutionTime"]) == ("STOPPED", 300)
