"""Cost guarantees asserted structurally (what each call touches), never by timing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import JobFactory

from moto_glue_jobruns import seed_job_runs
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
    old = [{"StartedOn": 1_000_000_000 + i} for i in range(5)]  # beyond the 365 days AWS keeps
    seed_job_runs(job, old)
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
