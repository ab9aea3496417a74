"""Cost guarantees asserted structurally (what each call touches), never by timing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import JobFactory
from freezegun import freeze_time

from moto_glue_jobruns import seed_job_runs
from moto_glue_jobruns._lifecycle import Lifecycle
from moto_glue_jobruns._run import JobRun


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the runs turned into JobRun dicts, in order."""
    seen: list[str] = []
    original = JobRun.to_dict

    def spy(self: JobRun, job_name: str, **kwargs: Any) -> dict[str, Any]:
        seen.append(self.id)
        return original(self, job_name, **kwargs)

    monkeypatch.setattr(JobRun, "to_dict", spy)
    return seen


def test_get_job_runs__a_page_renders_only_its_own_runs(
    glue: Any, make_job: JobFactory, rendered: list[str]
) -> None:
    job = make_job()
    long_ago = datetime.now(timezone.utc) - timedelta(days=800)
    with freeze_time(long_ago):  # seeded when they were recent; now beyond the 365 days AWS keeps
        seed_job_runs(job, [{"StartedOn": long_ago - timedelta(seconds=i)} for i in range(5)])
    seed_job_runs(job, [{} for _ in range(2_000)])
    first = glue.get_job_runs(JobName=job, MaxResults=7)
    second = glue.get_job_runs(JobName=job, MaxResults=7, NextToken=first["NextToken"])
    assert rendered == [run["Id"] for run in first["JobRuns"] + second["JobRuns"]]


def test_get_job_run__renders_one_run(glue: Any, make_job: JobFactory, rendered: list[str]) -> None:
    job = make_job()
    ids = seed_job_runs(job, [{} for _ in range(1_000)])
    glue.get_job_run(JobName=job, RunId=ids[500])
    glue.start_job_run(JobName=job)
    assert rendered == [ids[500]]


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the runs a call looked at to move them on (state manager or Timeout)."""
    seen: list[str] = []
    refresh = Lifecycle.refresh

    def spy_refresh(self: Lifecycle, run: JobRun, at: float) -> bool:
        seen.append(run.id)
        return refresh(self, run, at)

    monkeypatch.setattr(Lifecycle, "refresh", spy_refresh)
    return seen


def test_get_job_runs__seeded_active_runs_are_touched_only_once_their_timeout_passes(
    glue: Any, make_job: JobFactory, refreshed: list[str]
) -> None:
    job = make_job(Timeout=60, ExecutionProperty={"MaxConcurrentRuns": 5_000})
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with freeze_time(now) as frozen:
        running = seed_job_runs(
            job,
            [{"JobRunState": "RUNNING", "StartedOn": now - timedelta(minutes=i % 50)} for i in range(1_000)],
        )
        due = seed_job_runs(job, [{"JobRunState": "STARTING", "StartedOn": now - timedelta(minutes=59)}] * 3)
        glue.get_job_runs(JobName=job, MaxResults=5)
        glue.get_job_run(JobName=job, RunId=running[0])
        assert refreshed == []  # nothing is due, so no run was looked at
        frozen.tick(timedelta(minutes=2))  # the three STARTING runs pass their 60 minutes
        glue.get_job_run(JobName=job, RunId=running[0])
        assert sorted(refreshed) == sorted(due)
        assert {glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] for run_id in due} == {
            "TIMEOUT"
        }
