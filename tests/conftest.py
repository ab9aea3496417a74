from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
import requests
from hypothesis import HealthCheck, settings
from moto import mock_aws
from places import InProcess, OnServer, Place
from targets import Server

# pytester's in-process runs drop modules first imported during a run; load the plugin's
# lazily imported modules (and moto's Glue) up front, so every run shares one backend.
import moto_glue_jobruns
import moto_glue_jobruns._executor
import moto_glue_jobruns.responses
import moto_glue_jobruns.seeding
from moto_glue_jobruns import seed_job_runs, set_run_outcomes
from moto_glue_jobruns._compat import server_address

JobFactory = Callable[..., str]


def _load_lazy_modules() -> None:
    """pytester's in-process runs drop every module first imported during a run, so an
    example run first would load moto's Glue and the plugin's lazy modules only for
    itself. One Glue request here loads them all for the whole session."""
    with mock_aws(), moto_glue_jobruns.mock_glue_job_runs():  # conftest loads before the ini opts in
        client = boto3.client("glue", region_name="us-east-1")
        client.create_job(Name="warm-up", Role="r", Command={"Name": "glueetl"})
        client.get_job_runs(JobName="warm-up")


_load_lazy_modules()

REQUIRE_AWSCLI = "MOTO_GLUE_JOBRUNS_REQUIRE_AWSCLI"  # set by tox's awscli env: never skip there


@functools.cache
def aws_executable() -> str | None:
    """The AWS CLI next to this Python (a tox env's own), else on PATH, if it actually runs."""
    beside = os.path.join(os.path.dirname(sys.executable), "aws")
    found = beside if os.access(beside, os.X_OK) else shutil.which("aws")
    if found is None:
        return None
    try:  # a pyenv shim is on PATH even where its Python has no awscli
        subprocess.run([found, "--version"], capture_output=True, check=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return found


SERVER_FIXTURES = frozenset({"endpoint", "server"})
PLACE_FIXTURES = ("place", "api_place", "target")  # parametrized "in process" / "server"


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark ``server`` every test that uses the in-process server (before ``-m`` selects):
    a plain install (no ``server`` extra, so no Flask) runs the rest with
    ``-m "not server and not awscli"``. Tests that start a server otherwise say so themselves."""
    callspec = getattr(item, "callspec", None)
    on_server = callspec is not None and "server" in {callspec.params.get(name) for name in PLACE_FIXTURES}
    if on_server or SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.server)


@pytest.hookimpl(trylast=True)  # after -m has deselected what it will
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    awscli_items = [item for item in items if item.get_closest_marker("awscli")]
    if not awscli_items or aws_executable() is not None:
        return
    if os.environ.get(REQUIRE_AWSCLI):
        raise pytest.UsageError(
            f"{REQUIRE_AWSCLI} is set but no runnable `aws` was found: pip install awscli"
        )
    skip = pytest.mark.skip(
        reason="the `aws` executable is not installed: pip install awscli, or run tox -e awscli"
    )
    for item in awscli_items:
        item.add_marker(skip)


# Hypothesis profiles: "ci" (the default) keeps the whole suite fast on two cores;
# "long" is the deep run recorded in the README (pytest --hypothesis-profile=long).
_COMMON: dict[str, Any] = {
    "deadline": None,  # tests never assert on timing
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=40, **_COMMON)
settings.register_profile("long", max_examples=10_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def stock_moto() -> Iterator[None]:
    """Stock moto for the test: the session-wide activation (ini ``glue_job_runs``) is lifted,
    so only what the test itself opts in to is active; restored after."""
    was_registered = moto_glue_jobruns.is_registered()
    moto_glue_jobruns.unregister()
    assert not moto_glue_jobruns.is_registered(), "a scope opened by an earlier test is still open"
    try:
        yield
    finally:
        moto_glue_jobruns.unregister()
        if was_registered:
            moto_glue_jobruns.register()


@pytest.fixture
def glue() -> Iterator[Any]:
    """A Glue client in us-east-1 inside mock_aws (what most users write themselves)."""
    with mock_aws():
        yield boto3.client("glue", region_name="us-east-1")


@pytest.fixture
def make_job(glue: Any) -> JobFactory:
    def make(name: str = "nightly", **members: Any) -> str:
        members.setdefault("Role", "arn:aws:iam::123456789012:role/glue")
        members.setdefault("Command", {"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
        glue.create_job(Name=name, **members)
        return name

    return make


def error_of(exc_info: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = exc_info.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """moto's ThreadedMotoServer on a free 127.0.0.1 port, in this (plugin-registered) process."""
    from moto.server import ThreadedMotoServer  # needs the server extra (Flask)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server_address(server)
    yield f"http://{host}:{port}"
    server.stop()


def server_client(endpoint: str, region: str = "us-east-1") -> Any:
    """A boto3 Glue client talking to the server at ``endpoint``."""
    return boto3.client(
        "glue",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def server(endpoint: str) -> Iterator[Server]:
    """The server, reset before and after the test."""
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    yield Server(endpoint)
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)


@pytest.fixture(params=["in process", "server"])
def place(request: pytest.FixtureRequest) -> Iterator[Place]:
    """Run the test once in process (inside ``mock_aws``) and once against the server."""
    if request.param == "in process":
        with mock_aws():
            here = InProcess()
            yield here
            here.unset_transition()
        return
    there = OnServer(request.getfixturevalue("endpoint"))
    there.reset()
    yield there
    there.unset_transition()
    there.reset()


# --------------------------------------------- the seeding and outcome APIs, in both places

MOTO_API = "http://motoapi.amazonaws.com"  # moto's own routes, as a mock_aws answers them


class ApiPlace:
    """Where a test talks to the plugin: in process under ``mock_aws``, or over HTTP to
    the test server. Seeding and outcomes go through the Python API in process and
    through the ``/moto-api/glue-jobruns/...`` routes on the server."""

    def __init__(self, mode: str, base: str) -> None:
        self.mode = mode
        self.base = base
        endpoint = None if mode == "in_process" else base
        self.client = boto3.client(
            "glue",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def route(self, path: str, body: Any = None, method: str = "POST") -> requests.Response:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body, default=_iso)
        return requests.request(method, f"{self.base}{path}", data=data, timeout=30)

    def seed(self, job_name: str, runs: list[dict[str, Any]], **route_members: Any) -> list[str]:
        """Seed, or raise ``ValueError`` with the message either place gives."""
        if self.mode == "in_process":
            options = {
                "account_id": route_members.get("AccountId"),
                "region_name": route_members.get("Region", "us-east-1"),
            }
            return seed_job_runs(job_name, runs, **options)
        response = self.route(
            "/moto-api/glue-jobruns/seed", {"JobName": job_name, "JobRuns": runs, **route_members}
        )
        if response.status_code != 200:
            raise ValueError(response.json()["message"])
        ids: list[str] = response.json()["JobRunIds"]
        return ids

    def set_outcomes(self, job_name: str, outcomes: list[dict[str, Any]]) -> None:
        if self.mode == "in_process":
            set_run_outcomes(job_name, outcomes)
            return
        response = self.route("/moto-api/glue-jobruns/outcomes", {"JobName": job_name, "Outcomes": outcomes})
        if response.status_code != 200:
            raise ValueError(response.json()["message"])

    def create_job(self, name: str = "nightly", **members: Any) -> str:
        members.setdefault("Role", "arn:aws:iam::123456789012:role/glue")
        members.setdefault("Command", {"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
        self.client.create_job(Name=name, **members)
        return name


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send {value!r} as JSON")


@pytest.fixture(params=["in_process", "server"])
def api_place(request: pytest.FixtureRequest) -> Iterator[ApiPlace]:
    """The same test in process (``mock_aws``) and against the server (reset around it)."""
    if request.param == "in_process":
        with mock_aws():
            yield ApiPlace("in_process", MOTO_API)
    else:
        yield ApiPlace("server", request.getfixturevalue("server").endpoint)
