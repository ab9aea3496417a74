"""Seeding and outcome errors that tell the truth: what is wrong, where it looked, what to do.

Each refusal is checked through the Python API in process and through the HTTP routes on
the server (``api_place``), and each leaves nothing stored.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
import time_machine
from botocore.exceptions import ClientError, EndpointConnectionError
from conftest import ApiPlace, server_client
from freezegun import freeze_time
from moto import mock_aws

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

SEED = "/moto-api/glue-jobruns/seed"
OUTCOMES = "/moto-api/glue-jobruns/outcomes"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def refused(api_place: ApiPlace, job: str, runs: list[dict[str, Any]], **route_members: Any) -> str:
    """The message a refused seeding gives; GetJobRuns shows nothing afterwards."""
    with pytest.raises(ValueError) as exc:
        api_place.seed(job, runs, **route_members)
    assert api_place.client.get_job_runs(JobName=job)["JobRuns"] == []
    return str(exc.value)


# ----------------------------------------------------------------- the 365-day window


def test_seed__started_before_the_365_day_history_is_refused(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    message = refused(
        api_place, job, [{"StartedOn": now() - timedelta(days=1)}, {"StartedOn": datetime(2024, 1, 1)}]
    )
    assert message.startswith("StartedOn: 2024-01-01T00:00:00+00:00 is more than 365 days before now")
    assert "AWS keeps 365 days of job-run history" in message
    assert "relative to now" in message and "freeze time" in message


def test_seed__365_days_ago_is_still_inside_the_window(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    (run_id,) = api_place.seed(job, [{"StartedOn": now() - timedelta(days=365) + timedelta(minutes=1)}])
    assert [run["Id"] for run in api_place.client.get_job_runs(JobName=job)["JobRuns"]] == [run_id]


CLOCKS: dict[str, Callable[[datetime], AbstractContextManager[Any]]] = {
    "freezegun": lambda moment: freeze_time(moment),
    "time-machine": lambda moment: time_machine.travel(moment, tick=False),
}


@pytest.mark.parametrize("clock", sorted(CLOCKS))
def test_seed__the_window_is_measured_from_the_frozen_clock(clock: str) -> None:
    fixture_date = datetime(2024, 1, 1, tzinfo=timezone.utc)
    with mock_aws(), CLOCKS[clock](fixture_date + timedelta(days=2)):
        glue = ApiPlace("in_process", "").client
        glue.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
        (run_id,) = seed_job_runs("job", [{"StartedOn": fixture_date}])
        assert [run["Id"] for run in glue.get_job_runs(JobName="job")["JobRuns"]] == [run_id]
    with mock_aws(), CLOCKS[clock](fixture_date + timedelta(days=400)):
        ApiPlace("in_process", "").client.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
        with pytest.raises(
            ValueError, match=r"2024-01-01T00:00:00\+00:00 is more than 365 days before now \(2025-02"
        ):
            seed_job_runs("job", [{"StartedOn": fixture_date}])


# ----------------------------------------------------------------- figures and clocks


NON_NEGATIVE = {
    "ExecutionTime": -5,
    "DPUSeconds": -0.5,
    "Attempt": -1,
    "AllocatedCapacity": -2,
    "MaxCapacity": -1.0,
    "NumberOfWorkers": -3,
}


@pytest.mark.parametrize("member", sorted(NON_NEGATIVE))
@pytest.mark.parametrize("with_completion", [False, True], ids=["alone", "with-CompletedOn"])
def test_seed__negative_figure_is_refused_naming_the_member(
    api_place: ApiPlace, member: str, with_completion: bool
) -> None:
    job = api_place.create_job()
    run: dict[str, Any] = {"JobRunState": "FAILED", member: NON_NEGATIVE[member]}
    if with_completion:
        run.update(StartedOn=now() - timedelta(hours=1), CompletedOn=now())
    message = refused(api_place, job, [run])
    assert message == f"{member}: {NON_NEGATIVE[member]} is negative; a run's {member} is 0 or more"


@pytest.mark.parametrize(("member", "value"), [("ExecutionTime", -1), ("DPUSeconds", -0.1)])
def test_set_run_outcomes__negative_figure_is_refused(api_place: ApiPlace, member: str, value: float) -> None:
    job = api_place.create_job()
    with pytest.raises(ValueError, match=rf"^{member}: {value} is negative"):
        api_place.set_outcomes(job, [{"JobRunState": "SUCCEEDED", member: value}])
    run_id = api_place.client.start_job_run(JobName=job)["JobRunId"]
    assert api_place.client.get_job_run(JobName=job, RunId=run_id)["JobRun"]["ExecutionTime"] >= 0


@pytest.mark.parametrize("member", ["StartedOn", "CompletedOn", "LastModifiedOn"])
def test_seed__epoch_milliseconds_are_named(api_place: ApiPlace, member: str) -> None:
    job = api_place.create_job()
    millis = int(now().timestamp() * 1000)
    run = {"StartedOn": now() - timedelta(hours=1), "JobRunState": "FAILED", member: millis}
    message = refused(api_place, job, [run])
    assert message.startswith(f"{member}: {millis} looks like epoch milliseconds ({now().year}-")
    assert "divide by 1000" in message


# ------------------------------------------------------------------- where it looked


def test_seed__outside_mock_aws_says_where_it_looked_and_what_to_do() -> None:
    with pytest.raises(ValueError) as exc:
        seed_job_runs("issue9-nowhere", [{}])
    message = str(exc.value)
    assert "no job 'issue9-nowhere' in account 123456789012, region us-east-1" in message
    assert "moto backend in this process (no mock_aws is active)" in message
    assert "inside the @mock_aws test or `with mock_aws():` block" in message
    assert "POST /moto-api/glue-jobruns/seed" in message
    assert "CreateJob" not in message  # creating it here cannot be the fix


def test_set_run_outcomes__outside_mock_aws_points_to_its_route() -> None:
    with pytest.raises(ValueError) as exc:
        set_run_outcomes("issue9-nowhere", [{}])
    assert "(no mock_aws is active)" in str(exc.value)
    assert "POST /moto-api/glue-jobruns/outcomes" in str(exc.value)


def test_seed__in_a_mock_without_the_job_says_create_it() -> None:
    with mock_aws():
        with pytest.raises(ValueError) as exc:
            seed_job_runs("missing", [{}])
    message = str(exc.value)
    assert "(a mock_aws is active)" in message
    assert "create it with CreateJob in this mock (region us-east-1) first" in message


def test_seed__job_in_another_region_or_account_is_named() -> None:
    with mock_aws():
        ApiPlace("in_process", "").client.create_job(Name="nightly", Role="r", Command={"Name": "glueetl"})
        with pytest.raises(ValueError) as exc:
            seed_job_runs("nightly", [{}], region_name="eu-west-1")
        assert "a job of that name is in account 123456789012, region us-east-1" in str(exc.value)
        assert "region_name=" in str(exc.value)
        with pytest.raises(ValueError) as exc:
            seed_job_runs("nightly", [{}], account_id="111111111111")
        assert "region eu-west-1" not in str(exc.value)
        assert "a job of that name is in account 123456789012, region us-east-1" in str(exc.value)


def test_seed_route__unknown_job_says_create_it_against_this_server(api_place: ApiPlace) -> None:
    response = api_place.route(SEED, {"JobName": "missing", "JobRuns": [{}]})
    assert response.status_code == 400
    message = response.json()["message"]
    assert "no job 'missing' in account 123456789012, region us-east-1" in message
    assert "create it with CreateJob against this server first" in message


def test_seed_route__job_in_another_region_names_it(api_place: ApiPlace) -> None:
    api_place.create_job("nightly")
    response = api_place.route(SEED, {"JobName": "nightly", "JobRuns": [{}], "Region": "eu-west-1"})
    assert response.status_code == 400
    assert (
        'is in account 123456789012, region us-east-1: give "AccountId" and "Region"'
        in response.json()["message"]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def other_process_server() -> Iterator[str]:
    """``moto-glue-jobruns-server`` in a process of its own, stopped after the test."""
    port = _free_port()
    command = [sys.executable, "-m", "moto_glue_jobruns.server", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server_client(endpoint).list_jobs()
                break
            except (ClientError, EndpointConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.server
def test_seed__job_in_a_server_in_another_process_follows_the_advice(other_process_server: str) -> None:
    glue = server_client(other_process_server)
    glue.create_job(Name="issue9-remote", Role="r", Command={"Name": "glueetl"})
    with pytest.raises(ValueError) as exc:
        seed_job_runs("issue9-remote", [{"JobRunState": "FAILED"}])
    assert "POST /moto-api/glue-jobruns/seed" in str(exc.value)
    body = {"JobName": "issue9-remote", "JobRuns": [{"JobRunState": "FAILED"}]}
    response = requests.post(f"{other_process_server}{SEED}", data=json.dumps(body), timeout=30)
    assert response.status_code == 200
    runs = glue.get_job_runs(JobName="issue9-remote")["JobRuns"]
    assert [run["Id"] for run in runs] == response.json()["JobRunIds"]


# ------------------------------------------------------------------------- the routes


@pytest.mark.parametrize("route", [SEED, OUTCOMES])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_routes__other_methods_are_405_with_allow_post(api_place: ApiPlace, route: str, method: str) -> None:
    job = api_place.create_job()
    response = api_place.route(route, {"JobName": job, "JobRuns": [{}], "Outcomes": [{}]}, method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    if method != "HEAD":
        assert response.json()["message"].startswith(f"{route} takes POST")
    assert api_place.client.get_job_runs(JobName=job)["JobRuns"] == []


BAD_ACCOUNTS = [
    [],
    0,
    "",
    "12345678901",
    "1234567890123",
    "abcdefghijkl",
    123456789012,
    True,
    {},
    "\uff11" * 12,
]


@pytest.mark.parametrize("account", BAD_ACCOUNTS, ids=repr)
@pytest.mark.parametrize("route", [SEED, OUTCOMES])
def test_routes__account_id_must_be_a_12_digit_string(api_place: ApiPlace, route: str, account: Any) -> None:
    job = api_place.create_job()
    items = "JobRuns" if route == SEED else "Outcomes"
    response = api_place.route(route, {"JobName": job, items: [{}], "AccountId": account})
    assert response.status_code == 400
    assert response.json()["message"].startswith("AccountId: ")
    assert api_place.client.get_job_runs(JobName=job)["JobRuns"] == []


@pytest.mark.parametrize("region", [[], 0, "", True, "mars-1", {"name": "us-east-1"}], ids=repr)
def test_routes__region_must_be_a_region_name(api_place: ApiPlace, region: Any) -> None:
    job = api_place.create_job()
    response = api_place.route(SEED, {"JobName": job, "JobRuns": [{}], "Region": region})
    assert response.status_code == 400
    assert response.json()["message"].startswith("Region: ")
    assert api_place.client.get_job_runs(JobName=job)["JobRuns"] == []


def test_routes__null_account_and_region_mean_not_given(api_place: ApiPlace) -> None:
    job = api_place.create_job()
    response = api_place.route(SEED, {"JobName": job, "JobRuns": [{}], "AccountId": None, "Region": None})
    assert response.status_code == 200
    assert [run["Id"] for run in api_place.client.get_job_runs(JobName=job)["JobRuns"]] == response.json()[
        "JobRunIds"
    ]


@pytest.mark.parametrize("account", ["", 0, [], "abc"], ids=repr)
def test_seed_job_runs__account_id_is_none_or_12_digits(account: Any) -> None:
    with mock_aws():
        ApiPlace("in_process", "").client.create_job(Name="job", Role="r", Command={"Name": "glueetl"})
        with pytest.raises(ValueError, match=r"^AccountId: "):
            seed_job_runs("job", [{}], account_id=account)
        with pytest.raises(ValueError, match=r"^AccountId: "):
            set_run_outcomes("job", [{}], account_id=account)
