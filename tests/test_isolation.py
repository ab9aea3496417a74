"""Runs never leak across accounts, regions or jobs, and moto's reset clears everything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from conftest import JobFactory, error_of
from moto import mock_aws
from targets import ROLE, Server

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

OTHER_ACCOUNT = "111111111111"


def _create(client: Any, name: str = "nightly") -> None:
    client.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl"})


def _first_token(client: Any, name: str = "nightly") -> str:
    token: str = client.get_job_runs(JobName=name, MaxResults=1)["NextToken"]
    return token


@pytest.fixture
def other_account(monkeypatch: pytest.MonkeyPatch, glue: Any) -> Iterator[Any]:
    """A client in another account of the same mock (moto reads MOTO_ACCOUNT_ID per request)."""
    yield lambda: monkeypatch.setenv("MOTO_ACCOUNT_ID", OTHER_ACCOUNT)
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)


def test_get_job_runs__runs_stay_in_their_account(
    glue: Any, make_job: JobFactory, other_account: Any
) -> None:
    glue.start_job_run(JobName=make_job())
    other_account()
    _create(glue)
    assert glue.get_job_runs(JobName="nightly")["JobRuns"] == []


def test_get_job_runs__token_from_another_account_is_invalid(
    glue: Any, make_job: JobFactory, other_account: Any
) -> None:
    seed_job_runs(make_job(), [{}, {}])
    token = _first_token(glue)
    other_account()
    _create(glue)
    seed_job_runs("nightly", [{}, {}], account_id=OTHER_ACCOUNT)
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="nightly", NextToken=token)
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)


def test_get_job_runs__token_from_another_region_is_invalid(glue: Any, make_job: JobFactory) -> None:
    seed_job_runs(make_job(), [{}, {}])
    west = boto3.client("glue", region_name="eu-west-1")
    _create(west)
    seed_job_runs("nightly", [{}, {}], region_name="eu-west-1")
    with pytest.raises(ClientError) as exc:
        west.get_job_runs(JobName="nightly", NextToken=_first_token(glue))
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)


def test_get_job_runs__token_from_another_job_is_invalid(glue: Any, make_job: JobFactory) -> None:
    seed_job_runs(make_job("a"), [{}, {}])
    seed_job_runs(make_job("b"), [{}, {}])
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="b", NextToken=_first_token(glue, "a"))
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)


def test_seed_job_runs__lands_only_in_the_named_account(
    glue: Any, make_job: JobFactory, other_account: Any
) -> None:
    make_job()
    other_account()
    _create(glue)
    (run_id,) = seed_job_runs("nightly", [{}], account_id=OTHER_ACCOUNT)
    assert [run["Id"] for run in glue.get_job_runs(JobName="nightly")["JobRuns"]] == [run_id]
    seed_job_runs("nightly", [{}], account_id="123456789012")
    assert [run["Id"] for run in glue.get_job_runs(JobName="nightly")["JobRuns"]] == [run_id]


def test_batch_stop_job_run__cannot_stop_a_run_of_another_job(glue: Any, make_job: JobFactory) -> None:
    (run_id,) = seed_job_runs(make_job("a"), [{"JobRunState": "RUNNING"}])
    make_job("b")
    answer = glue.batch_stop_job_run(JobName="b", JobRunIds=[run_id])
    assert answer["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    assert glue.get_job_run(JobName="a", RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"


# ------------------------------------------------------------------------------ reset


def test_get_job_runs__token_after_reset_and_recreate_is_invalid() -> None:
    mock = mock_aws()
    mock.start()
    try:
        glue = boto3.client("glue", region_name="us-east-1")
        _create(glue)
        seed_job_runs("nightly", [{}, {}])
        token = _first_token(glue)
        mock.reset()
        _create(glue)
        with pytest.raises(ClientError) as exc:
            glue.get_job_runs(JobName="nightly", NextToken=token)
        assert error_of(exc)[0::2] == ("InvalidInputException", 400)
    finally:
        mock.stop()


def test_get_job_runs__token_after_reset_names_a_missing_job() -> None:
    mock = mock_aws()
    mock.start()
    try:
        glue = boto3.client("glue", region_name="us-east-1")
        _create(glue)
        seed_job_runs("nightly", [{}, {}])
        token = _first_token(glue)
        mock.reset()
        with pytest.raises(ClientError) as exc:
            glue.get_job_runs(JobName="nightly", NextToken=token)
        assert error_of(exc)[0::2] == ("EntityNotFoundException", 400)
    finally:
        mock.stop()


def test_set_run_outcomes__cleared_by_reset() -> None:
    mock = mock_aws()
    mock.start()
    try:
        glue = boto3.client("glue", region_name="us-east-1")
        _create(glue)
        set_run_outcomes("nightly", [{"JobRunState": "FAILED"}])
        mock.reset()
        _create(glue)
        run_id = glue.start_job_run(JobName="nightly")["JobRunId"]
        assert glue.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    finally:
        mock.stop()


# ------------------------------------------------------------------------ server mode


def _account_client(server: Server, account: str) -> Any:
    client = server.client()
    client.meta.events.register(
        "before-sign.glue.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
    )
    return client


def test_server__seed_route_naming_another_account_stays_there(server: Server) -> None:
    mine, theirs = server.client(), _account_client(server, OTHER_ACCOUNT)
    _create(mine)
    _create(theirs)
    body = {"JobName": "nightly", "JobRuns": [{}], "AccountId": OTHER_ACCOUNT}
    status, payload = server.post("/moto-api/glue-jobruns/seed", json.dumps(body).encode())
    assert status == 200
    assert [run["Id"] for run in theirs.get_job_runs(JobName="nightly")["JobRuns"]] == json.loads(payload)[
        "JobRunIds"
    ]
    assert mine.get_job_runs(JobName="nightly")["JobRuns"] == []


def test_server__token_from_another_account_is_invalid(server: Server) -> None:
    mine, theirs = server.client(), _account_client(server, OTHER_ACCOUNT)
    for client in (mine, theirs):
        _create(client)
        client.start_job_run(JobName="nightly")
        client.start_job_run(JobName="nightly")
    with pytest.raises(ClientError) as exc:
        theirs.get_job_runs(JobName="nightly", NextToken=_first_token(mine))
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)


def test_server__token_after_reset_mid_walk_is_invalid(server: Server) -> None:
    glue = server.client()
    _create(glue)
    seed = {"JobName": "nightly", "JobRuns": [{}, {}, {}]}
    assert server.post("/moto-api/glue-jobruns/seed", json.dumps(seed).encode())[0] == 200
    token = _first_token(glue)
    requests.post(f"{server.endpoint}/moto-api/reset", timeout=10)
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="nightly", NextToken=token)
    assert error_of(exc)[0::2] == ("EntityNotFoundException", 400)
    _create(glue)
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="nightly", NextToken=token)
    assert error_of(exc)[0::2] == ("InvalidInputException", 400)
