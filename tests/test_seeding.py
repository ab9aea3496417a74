"""seed_job_runs and set_run_outcomes: validation, atomicity, filling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import JobFactory

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)


def test_seed__returns_ids_in_input_order(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    ids = seed_job_runs(
        job, [{"Id": "jr_b", "StartedOn": T0}, {"Id": "jr_a", "StartedOn": T0 - timedelta(hours=1)}]
    )
    assert ids == ["jr_b", "jr_a"]


def test_seed__fills_members_from_job_then_defaults(glue: Any, make_job: JobFactory) -> None:
    job = make_job(GlueVersion="5.0", Timeout=30, SecurityConfiguration="sec", JobMode="VISUAL")
    (run_id,) = seed_job_runs(job, [{"JobRunState": "FAILED", "StartedOn": T0}])
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert (run["GlueVersion"], run["Timeout"], run["SecurityConfiguration"], run["JobMode"]) == (
        "5.0",
        30,
        "sec",
        "VISUAL",
    )
    assert run["ErrorMessage"]  # failed runs always say why
    assert run["CompletedOn"] == run["StartedOn"] == T0


def test_seed__accepts_iso_and_epoch_timestamps(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    (a, b) = seed_job_runs(job, [{"StartedOn": T0.isoformat()}, {"StartedOn": T0.timestamp() + 1}])
    assert glue.get_job_run(JobName=job, RunId=a)["JobRun"]["StartedOn"] == T0
    assert glue.get_job_run(JobName=job, RunId=b)["JobRun"]["StartedOn"] == T0 + timedelta(seconds=1)


def test_seed__last_modified_on_is_kept(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    (run_id,) = seed_job_runs(job, [{"StartedOn": T0, "LastModifiedOn": T0 + timedelta(minutes=3)}])
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert (run["StartedOn"], run["LastModifiedOn"]) == (T0, T0 + timedelta(minutes=3))


def test_seed__naive_datetimes_are_utc(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    (run_id,) = seed_job_runs(job, [{"StartedOn": T0.replace(tzinfo=None)}])
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["StartedOn"] == T0


@pytest.mark.parametrize(
    ("run", "fragment"),
    [
        ({"JobRunState": "DONE"}, "JobRunState: 'DONE' is not one of STARTING, RUNNING"),
        ({"Colour": "red"}, "unknown member 'Colour'"),
        ({"Attempt": "1"}, "Attempt:"),
        ({"Attempt": True}, "Attempt:"),
        ({"StartedOn": "yesterday"}, "StartedOn:"),
        ({"StartedOn": T0, "CompletedOn": T0 - timedelta(seconds=1)}, "CompletedOn:"),
        ({"JobRunState": "RUNNING", "CompletedOn": T0}, "CompletedOn: only a finished run"),
        ({"StartedOn": T0, "LastModifiedOn": T0 - timedelta(seconds=1)}, "LastModifiedOn: "),
        ({"LastModifiedOn": "soon"}, "LastModifiedOn: expected a datetime"),
        ({"JobRunState": "SUCCEEDED", "ErrorMessage": "boom"}, "ErrorMessage:"),
        ({"WorkerType": "G.3X"}, "WorkerType: 'G.3X' is not one of Standard, G.1X"),
        ({"Arguments": {"a": 1}}, "Arguments:"),
        ({"JobName": "other"}, "JobName:"),
        ({"Timeout": 0}, "at 'Timeout' failed to satisfy constraint"),
        ("not a dict", "expected a dict"),
    ],
)
def test_seed__bad_run_raises_and_stores_nothing(
    glue: Any, make_job: JobFactory, run: Any, fragment: str
) -> None:
    job = make_job()
    with pytest.raises(ValueError, match=None) as exc:
        seed_job_runs(job, [{}, run])
    assert fragment in str(exc.value)
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


def test_seed__duplicate_ids_rejected(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    seed_job_runs(job, [{"Id": "jr_1"}])
    with pytest.raises(ValueError, match="Id: 'jr_1'"):
        seed_job_runs(job, [{"Id": "jr_2"}, {"Id": "jr_1"}])
    with pytest.raises(ValueError, match="Id: 'jr_3'"):
        seed_job_runs(job, [{"Id": "jr_3"}, {"Id": "jr_3"}])
    assert [r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]] == ["jr_1"]


def test_seed__unknown_job(glue: Any) -> None:
    with pytest.raises(ValueError, match="JobName: no job 'missing'"):
        seed_job_runs("missing", [{}])


def test_seed__unknown_region_and_bad_account(glue: Any, make_job: JobFactory) -> None:
    job = make_job()
    with pytest.raises(ValueError, match="Region"):
        seed_job_runs(job, [{}], region_name="mars-1")
    with pytest.raises(ValueError, match="AccountId"):
        seed_job_runs(job, [{}], account_id="abc")


def test_seed__other_account(glue: Any, make_job: JobFactory) -> None:
    make_job()
    with pytest.raises(ValueError, match="account 111111111111"):
        seed_job_runs("nightly", [{}], account_id="111111111111")


@pytest.mark.parametrize(
    ("outcomes", "fragment"),
    [
        ([], "at least one"),
        ([{"JobRunState": "RUNNING"}], "is not one of SUCCEEDED, FAILED, TIMEOUT, ERROR, STOPPED"),
        ([{"JobRunState": "SUCCEEDED", "ErrorMessage": "x"}], "ErrorMessage"),
        ([{"StartedOn": T0}], "unknown member 'StartedOn'"),
        ([{"ExecutionTime": "slow"}], "ExecutionTime"),
    ],
)
def test_set_run_outcomes__bad_outcome_changes_nothing(
    glue: Any, make_job: JobFactory, outcomes: list[Any], fragment: str
) -> None:
    job = make_job()
    set_run_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "first"}])
    with pytest.raises(ValueError) as exc:
        set_run_outcomes(job, outcomes)
    assert fragment in str(exc.value)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["ErrorMessage"] == "first"


def test_seed__ids_come_from_motos_seeded_random_source_in_order(glue: Any, make_job: JobFactory) -> None:
    from moto.moto_api._internal import mock_random

    from moto_glue_jobruns._store import new_run_id

    job = make_job()
    runs = [{}] * 4_100 + [{"Id": "jr_given"}] + [{}] * 3  # more than one chunk of drawn Ids
    mock_random.seed(9)
    ids = seed_job_runs(job, runs)
    mock_random.seed(9)
    expected = [new_run_id() for _ in range(4_103)]
    assert ids == [*expected[:4_100], "jr_given", *expected[4_100:]]
    assert {run["Id"] for run in glue.get_job_runs(JobName=job, MaxResults=4)["JobRuns"]} == set(ids[-4:])
