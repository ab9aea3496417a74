"""Regressions found by fuzzing: inputs that once escaped as 500s or unreadable runs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from conftest import JobFactory
from targets import InProcess, check_answer

from moto_glue_jobruns import seed_job_runs

HUGE = "1" + "0" * 400


def test_get_job_runs__json_null_body_is_invalid_input(glue: Any, make_job: JobFactory) -> None:
    status, payload = InProcess().send("GetJobRuns", b"null")
    assert (status, check_answer(status, payload)["__type"]) == (400, "InvalidInputException")


@pytest.mark.parametrize(
    "member",
    [
        f'"AllocatedCapacity": {HUGE}',
        '"Timeout": 100000000000000000000',
        '"NumberOfWorkers": 2147483648, "WorkerType": "G.1X"',
        f'"NotificationProperty": {{"NotifyDelayAfter": {HUGE}}}',
        '"MaxCapacity": 1e400',
        '"MaxCapacity": NaN',
        '"MaxCapacity": -Infinity',
    ],
)
def test_start_job_run__number_the_member_cannot_hold_is_a_serialization_error(
    glue: Any, make_job: JobFactory, member: str
) -> None:
    job = make_job(ExecutionProperty={"MaxConcurrentRuns": 10})
    status, payload = InProcess().send("StartJobRun", f'{{"JobName": "{job}", {member}}}'.encode())
    assert (status, check_answer(status, payload)["__type"]) == (400, "SerializationException")
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


@pytest.mark.parametrize(
    "started_on",
    [
        float("nan"),
        float("inf"),
        1e300,
        -1e12,
        "9999-12-31T23:59:59-12:00",
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
    ],
)
def test_seed_job_runs__moment_outside_years_1_to_9999_is_a_value_error(
    glue: Any, make_job: JobFactory, started_on: Any
) -> None:
    job = make_job()
    with pytest.raises(ValueError, match=r"^StartedOn: "):
        seed_job_runs(job, [{"StartedOn": started_on}])
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("DPUSeconds", float("inf")),
        ("MaxCapacity", float("nan")),
        ("ExecutionTime", 10**400),
        ("Attempt", 2**31),
        pytest.param("Timeout", 10**5000, id="Timeout-5001-digits"),
        ("AllocatedCapacity", Decimal("1.5")),
    ],
)
def test_seed_job_runs__number_a_run_cannot_carry_is_a_value_error(
    glue: Any, make_job: JobFactory, member: str, value: Any
) -> None:
    job = make_job()
    with pytest.raises(ValueError, match=rf"^{member}: "):
        seed_job_runs(job, [{member: value}])
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


def test_seed_job_runs__completion_past_year_9999_is_a_value_error(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ValueError, match=r"^ExecutionTime: "):
        seed_job_runs(
            job, [{"StartedOn": datetime(9999, 12, 29, tzinfo=timezone.utc), "ExecutionTime": 2**31 - 1}]
        )
