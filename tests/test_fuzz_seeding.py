"""Fuzzing seed_job_runs, set_run_outcomes and their server-mode routes.

The Python functions either succeed or raise ValueError, having stored nothing; the
routes answer 200 or an HTTP 4xx JSON error, having stored nothing. Whatever was
accepted can still be read back through boto3.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fuzzing import PYTHON_JUNK, envelope, job_run_doc, outcome_doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from targets import ROLE, InProcess, Server, Target, check_answer

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

JOB = "seeded"
MAX_STORED = 60  # recreate the job past this many runs or bytes, so a snapshot stays cheap
MAX_SHOWN_BYTES = 100_000
MARKER = [{"JobRunState": "FAILED", "ErrorMessage": "marker"}]
FUZZ_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_names = st.just(JOB) | st.just("missing") | PYTHON_JUNK
_accounts = st.sampled_from([None, "123456789012", "111111111111", ""]) | PYTHON_JUNK
_regions = st.sampled_from(["us-east-1", "eu-west-1"]) | PYTHON_JUNK


def _runs_argument(items: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    lists = st.lists(items, max_size=4)
    return lists | lists.map(tuple) | lists.map(iter) | PYTHON_JUNK


class SeededJob:
    """One job whose runs GetJobRuns shows, read through boto3 like a user reads them."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.glue = target.client()
        self.recreate()

    def recreate(self) -> None:
        self.glue.delete_job(JobName=JOB)
        self.glue.create_job(
            Name=JOB, Role=ROLE, Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 1000}
        )

    def snapshot(self) -> list[dict[str, Any]]:
        pages = self.glue.get_paginator("get_job_runs").paginate(
            JobName=JOB, PaginationConfig={"PageSize": 200}
        )
        return [run for page in pages for run in page["JobRuns"]]

    def fresh_snapshot(self) -> list[dict[str, Any]]:
        shown = self.snapshot()
        if len(shown) > MAX_STORED or len(json.dumps(shown, default=str)) > MAX_SHOWN_BYTES:
            self.recreate()
            shown = self.snapshot()
        return shown

    def started_run(self) -> dict[str, Any]:
        run_id = self.glue.start_job_run(JobName=JOB)["JobRunId"]
        run: dict[str, Any] = self.glue.get_job_run(JobName=JOB, RunId=run_id)["JobRun"]
        return run


def _check_seeded(job: SeededJob, before: list[dict[str, Any]], ids: list[str], count: int | None) -> None:
    assert len(ids) == len(set(ids))
    if count is not None:
        assert len(ids) == count
    after = job.snapshot()
    old = {run["Id"] for run in before}
    assert old <= {run["Id"] for run in after}
    assert {run["Id"] for run in after} - old <= set(ids)


@pytest.fixture
def in_process() -> Iterator[SeededJob]:
    with mock_aws():
        yield SeededJob(InProcess())


@pytest.fixture
def on_server(server: Server) -> SeededJob:
    return SeededJob(server)


@FUZZ_SETTINGS
@given(
    job_name=_names,
    runs=_runs_argument(job_run_doc(python=True)),
    account_id=_accounts,
    region_name=_regions,
)
def test_seed_job_runs__fuzzed(
    in_process: SeededJob, job_name: Any, runs: Any, account_id: Any, region_name: Any
) -> None:
    before = in_process.fresh_snapshot()
    count = len(runs) if isinstance(runs, (list, tuple)) else None
    try:
        ids = seed_job_runs(job_name, runs, account_id=account_id, region_name=region_name)
    except ValueError:
        assert in_process.snapshot() == before
        return
    _check_seeded(in_process, before, ids, count)


@FUZZ_SETTINGS
@given(
    job_name=_names,
    outcomes=_runs_argument(outcome_doc(python=True)),
    account_id=_accounts,
    region_name=_regions,
)
def test_set_run_outcomes__fuzzed(
    in_process: SeededJob, job_name: Any, outcomes: Any, account_id: Any, region_name: Any
) -> None:
    in_process.fresh_snapshot()
    set_run_outcomes(JOB, MARKER)
    try:
        set_run_outcomes(job_name, outcomes, account_id=account_id, region_name=region_name)
    except ValueError:
        run = in_process.started_run()
        assert (run["JobRunState"], run.get("ErrorMessage")) == ("FAILED", "marker")
        return
    in_process.started_run()  # whatever was accepted, a run using it reads back


@FUZZ_SETTINGS
@given(request=envelope("JobRuns", job_run_doc(), st.just(JOB) | st.just("missing") | st.text(max_size=4)))
def test_seed_route__fuzzed(on_server: SeededJob, request: tuple[bytes, int | None]) -> None:
    raw, count = request
    server = on_server.target
    assert isinstance(server, Server)
    before = on_server.fresh_snapshot()
    status, payload = server.post("/moto-api/glue-jobruns/seed", raw)
    answer = check_answer(status, payload)
    if status != 200:
        assert on_server.snapshot() == before
        return
    _check_seeded(on_server, before, answer["JobRunIds"], count)


@FUZZ_SETTINGS
@given(request=envelope("Outcomes", outcome_doc(), st.just(JOB) | st.just("missing") | st.text(max_size=4)))
def test_outcomes_route__fuzzed(on_server: SeededJob, request: tuple[bytes, int | None]) -> None:
    raw, _ = request
    server = on_server.target
    assert isinstance(server, Server)
    on_server.fresh_snapshot()
    status, _ = server.post(
        "/moto-api/glue-jobruns/outcomes", json.dumps({"JobName": JOB, "Outcomes": MARKER}).encode()
    )
    assert status == 200
    status, payload = server.post("/moto-api/glue-jobruns/outcomes", raw)
    check_answer(status, payload)
    run = on_server.started_run()
    if status != 200:
        assert (run["JobRunState"], run.get("ErrorMessage")) == ("FAILED", "marker")
