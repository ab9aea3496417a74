"""Fuzzing GetJobRuns, GetJobRun, StartJobRun and BatchStopJobRun with generated bodies.

Every answer is a 2xx or an AWS-shaped 4xx JSON error, a rejected request changes
nothing GetJobRuns shows, and a body that is valid per the model is only refused for
what the stored state decides (unknown job or run, no free slot).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fuzzing import OPERATIONS, body, input_shape, valid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from targets import ROLE, InProcess, Server, Target, check_answer, snapshot

from moto_glue_jobruns import seed_job_runs
from moto_glue_jobruns._job import MAX_TIMEOUT
from moto_glue_jobruns.exceptions import CapacityConflict, CapacityWithWorkers, TimeoutTooLong

JOBS = ("fuzz", "fuzz-one")
SEEDED = tuple(f"jr_seeded_{i}" for i in range(6))
SEED_STATES = ("RUNNING", "WAITING", "SUCCEEDED", "FAILED", "STOPPED", "STARTING")
TOKEN = "@@TOKEN@@"
MAX_STORED = 20  # recreate the jobs past this many runs, so a snapshot stays cheap

_names = st.sampled_from(JOBS) | valid(input_shape("GetJobRuns").members["JobName"])
_ids = st.sampled_from(SEEDED) | valid(input_shape("GetJobRun").members["RunId"])
FIXED: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "GetJobRuns": {"JobName": _names, "NextToken": st.just(TOKEN)},
    "GetJobRun": {"JobName": _names, "RunId": _ids},
    "StartJobRun": {"JobName": _names, "JobRunId": _ids},
    "BatchStopJobRun": {"JobName": _names, "JobRunIds": st.lists(_ids, min_size=1, max_size=25)},
}
# StartJobRun rules beyond the model (its documentation and stock moto's behaviour).
START_RULES = {
    CapacityConflict().message,
    TimeoutTooLong(MAX_TIMEOUT).message,
    CapacityWithWorkers("Max Capacity").message,
    CapacityWithWorkers("Allocated Capacity").message,
}
# Refusals a valid body may still get, decided by the stored state.
STATE_ERRORS = {
    "GetJobRuns": {"EntityNotFoundException"},
    "GetJobRun": {"EntityNotFoundException"},
    "StartJobRun": {"EntityNotFoundException", "ConcurrentRunsExceededException"},
    "BatchStopJobRun": set(),
}
CHANGES_STATE = {"StartJobRun", "BatchStopJobRun"}
BODIES = {operation: body(input_shape(operation), FIXED[operation]) for operation in OPERATIONS}
FUZZ_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class Jobs:
    """The fuzzed jobs in one target, recreated with seeded runs when they grow."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.glue = target.client()
        self.tokens: dict[str, str] = {}
        self.shown: dict[str, list[dict[str, Any]]] | None = None
        self.recreate()

    def recreate(self) -> None:
        for name in JOBS:
            self.glue.delete_job(JobName=name)
        self.glue.create_job(
            Name=JOBS[0], Role=ROLE, Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 3}
        )
        self.glue.create_job(Name=JOBS[1], Role=ROLE, Command={"Name": "glueetl"}, MaxRetries=1)
        runs = [
            {"Id": run_id, "JobRunState": state} for run_id, state in zip(SEEDED, SEED_STATES, strict=True)
        ]
        for name in JOBS:
            self.seed(name, runs + [{}] * 3)
        self.tokens = {name: self.glue.get_job_runs(JobName=name, MaxResults=2)["NextToken"] for name in JOBS}

    def seed(self, job_name: str, runs: list[dict[str, Any]]) -> None:
        if isinstance(self.target, Server):
            status, _ = self.target.post(
                "/moto-api/glue-jobruns/seed", json.dumps({"JobName": job_name, "JobRuns": runs}).encode()
            )
            assert status == 200
        else:
            seed_job_runs(job_name, runs)

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """What GetJobRuns shows, read again only after a request that may change it."""
        if self.shown is None:
            self.shown = snapshot(self.target, JOBS)
            if max(len(runs) for runs in self.shown.values()) > MAX_STORED:
                self.recreate()
                self.shown = snapshot(self.target, JOBS)
        return self.shown


@pytest.fixture
def in_process() -> Iterator[Jobs]:
    with mock_aws():
        yield Jobs(InProcess())


@pytest.fixture
def on_server(server: Server) -> Jobs:
    return Jobs(server)


def _job_named_in(raw: bytes) -> str:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return ""
    name = doc.get("JobName") if isinstance(doc, dict) else None
    return name if isinstance(name, str) else ""


def fuzz_one(jobs: Jobs, operation: str, request: tuple[bytes, bool]) -> None:
    raw, is_valid = request
    if TOKEN.encode() in raw:  # a real token, issued for the job the body names
        token = jobs.tokens.get(_job_named_in(raw), jobs.tokens[JOBS[0]])
        raw = raw.replace(TOKEN.encode(), token.encode())
    before = jobs.snapshot()
    status, payload = jobs.target.send(operation, raw)
    answer = check_answer(status, payload)
    if status == 200 and operation in CHANGES_STATE:
        jobs.shown = None
    elif status != 200:
        assert snapshot(jobs.target, JOBS) == before, answer
        if is_valid and not (operation == "StartJobRun" and answer["message"] in START_RULES):
            assert answer["__type"] in STATE_ERRORS[operation], answer


@pytest.mark.parametrize("operation", OPERATIONS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz__in_process(in_process: Jobs, operation: str, data: st.DataObject) -> None:
    fuzz_one(in_process, operation, data.draw(BODIES[operation]))


@pytest.mark.parametrize("operation", OPERATIONS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz__server(on_server: Jobs, operation: str, data: st.DataObject) -> None:
    fuzz_one(on_server, operation, data.draw(BODIES[operation]))
