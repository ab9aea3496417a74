"""The lifecycle hub: every state change of a run is announced once, in order, with its
context, through boto3-driven runs in process and in server mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import JobFactory, server_client
from freezegun import freeze_time
from moto.moto_api import state_manager
from targets import Server

from moto_glue_jobruns import seed_job_runs, set_run_outcomes
from moto_glue_jobruns._lifecycle import DelayNotice, StateChange, Subscriber, subscribe

# relative to now: AWS keeps 365 days of history, so a fixed date would fall out of it
START = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)


@dataclass
class Recorder(Subscriber):
    changes: list[StateChange] = field(default_factory=list)
    notices: list[DelayNotice] = field(default_factory=list)

    def state_changed(self, change: StateChange) -> None:
        self.changes.append(change)

    def delay_exceeded(self, notice: DelayNotice) -> None:
        self.notices.append(notice)

    def states(self, run_id: str) -> list[tuple[str | None, str]]:
        return [(c.previous, c.state) for c in self.changes if c.run.id == run_id]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recording = Recorder()
    unsubscribe = subscribe(recording)
    yield recording
    unsubscribe()


@pytest.fixture
def transition() -> Iterator[Any]:
    def set_to(**config: Any) -> None:
        state_manager.set_transition(model_name="glue::job_run", transition=config)

    yield set_to
    state_manager.unset_transition("glue::job_run")


def test_hub__immediate_progression_announces_every_state(
    glue: Any, make_job: JobFactory, recorder: Recorder
) -> None:
    job = make_job()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert recorder.states(run_id) == [(None, "STARTING")]
    glue.get_job_run(JobName=job, RunId=run_id)
    assert recorder.states(run_id) == [(None, "STARTING"), ("STARTING", "RUNNING"), ("RUNNING", "SUCCEEDED")]
    change = recorder.changes[-1]
    assert (change.context.account_id, change.context.region, change.context.job_name) == (
        "123456789012",
        "us-east-1",
        job,
    )
    assert change.run.completed_on is not None and change.outcome is not None
    assert change.outcome.state == "SUCCEEDED"


def test_hub__stopped_outcome_passes_through_stopping(
    glue: Any, make_job: JobFactory, recorder: Recorder
) -> None:
    job = make_job()
    set_run_outcomes(job, [{"JobRunState": "STOPPED"}])
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_runs(JobName=job)
    assert [state for _, state in recorder.states(run_id)] == ["STARTING", "RUNNING", "STOPPING", "STOPPED"]


def test_hub__stop_and_time_progression(
    glue: Any, make_job: JobFactory, recorder: Recorder, transition: Any
) -> None:
    transition(progression="time", seconds=60)
    job = make_job()
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        frozen.tick(timedelta(seconds=61))
        glue.get_job_run(JobName=job, RunId=run_id)
        glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
        frozen.tick(timedelta(seconds=61))
        glue.get_job_run(JobName=job, RunId=run_id)
    assert recorder.states(run_id) == [
        (None, "STARTING"),
        ("STARTING", "RUNNING"),
        ("RUNNING", "STOPPING"),
        ("STOPPING", "STOPPED"),
    ]
    moments = [c.at - START.timestamp() for c in recorder.changes if c.run.id == run_id]
    assert moments == [0, 61, 61, 122]


def test_hub__timeout_is_announced_at_the_deadline(
    glue: Any, make_job: JobFactory, recorder: Recorder, transition: Any
) -> None:
    transition(progression="manual", times=1000)
    job = make_job(Timeout=30)
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        frozen.tick(timedelta(minutes=45))
        glue.get_job_runs(JobName=job)
    assert recorder.states(run_id) == [(None, "STARTING"), ("STARTING", "TIMEOUT")]
    assert recorder.changes[-1].at == (START + timedelta(minutes=30)).timestamp()


def test_hub__queue_start_and_expiry(
    glue: Any, make_job: JobFactory, recorder: Recorder, transition: Any
) -> None:
    transition(progression="manual", times=10**6)
    job = make_job(JobRunQueuingEnabled=True, Timeout=60)
    with freeze_time(START) as frozen:
        first = glue.start_job_run(JobName=job, Timeout=600)["JobRunId"]
        queued = glue.start_job_run(JobName=job)["JobRunId"]
        expiring = glue.start_job_run(JobName=job, Timeout=5)["JobRunId"]
        glue.batch_stop_job_run(JobName=job, JobRunIds=[first])
        transition(progression="immediate")
        frozen.tick(timedelta(minutes=10))
        glue.get_job_runs(JobName=job)
    assert recorder.states(first) == [(None, "STARTING"), ("STARTING", "STOPPING"), ("STOPPING", "STOPPED")]
    assert recorder.states(queued) == [
        (None, "WAITING"),
        ("WAITING", "STARTING"),
        ("STARTING", "RUNNING"),
        ("RUNNING", "SUCCEEDED"),
    ]
    assert recorder.states(expiring) == [(None, "WAITING"), ("WAITING", "EXPIRED")]


def test_hub__retries_are_announced_as_new_runs(glue: Any, make_job: JobFactory, recorder: Recorder) -> None:
    job = make_job(MaxRetries=1)
    set_run_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "boom"}, {"JobRunState": "SUCCEEDED"}])
    first = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_runs(JobName=job)
    assert recorder.states(first)[-1] == ("RUNNING", "FAILED")
    assert recorder.states(f"{first}_attempt_1") == [
        (None, "STARTING"),
        ("STARTING", "RUNNING"),
        ("RUNNING", "SUCCEEDED"),
    ]


def test_hub__seeded_history_announces_nothing_until_a_live_one_ends(
    glue: Any, make_job: JobFactory, recorder: Recorder
) -> None:
    job = make_job()
    done, running = seed_job_runs(job, [{"JobRunState": "FAILED"}, {"JobRunState": "RUNNING"}])
    glue.get_job_runs(JobName=job)
    assert recorder.changes == []
    glue.batch_stop_job_run(JobName=job, JobRunIds=[running])
    glue.get_job_runs(JobName=job)
    assert recorder.states(running) == [("RUNNING", "STOPPING"), ("STOPPING", "STOPPED")]
    assert recorder.states(done) == []
    assert recorder.changes[-1].outcome is not None  # the stop's


def test_hub__delay_notice_once_per_live_state(
    glue: Any, make_job: JobFactory, recorder: Recorder, transition: Any
) -> None:
    transition(progression="time", seconds=600)
    job = make_job(NotificationProperty={"NotifyDelayAfter": 5})
    with freeze_time(START) as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        for _ in range(8):
            frozen.tick(timedelta(minutes=2))
            glue.get_job_run(JobName=job, RunId=run_id)
    assert [(n.state, n.at - START.timestamp(), n.delay_minutes) for n in recorder.notices] == [
        ("STARTING", 300, 5.0),
        ("RUNNING", 720, 5.0),
    ]


def test_hub__server_mode_announces_the_same(server: Server, recorder: Recorder) -> None:
    glue = server_client(server.endpoint)
    glue.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    glue.get_job_run(JobName="job", RunId=run_id)
    assert [state for _, state in recorder.states(run_id)] == ["STARTING", "RUNNING", "SUCCEEDED"]
