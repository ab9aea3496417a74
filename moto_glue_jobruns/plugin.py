"""The pytest plugin (entry point ``pytest11``): fixtures, a marker and a session option.

Loading it activates nothing; each of these opts in, and restores stock moto after:

* ``glue_client`` - a boto3 Glue client (us-east-1) inside ``mock_aws``, plugin active.
* ``glue_job_runs`` - a ``GlueJobRuns`` helper to create jobs, seed runs and set outcomes.
* ``@pytest.mark.glue_job_runs`` - the plugin is active for that test (or class, module).
  With a job, ``@pytest.mark.glue_job_runs("job", seed=[...], outcomes=[...],
  job_kwargs={...}, execute=False)`` also creates the job, seeds its history and sets its
  outcomes (or, ``execute=True``, makes its runs run the job's script) before the test
  runs; either fixture applies that. Stack it for several jobs.
* ``--glue-job-runs`` (or ini ``glue_job_runs = true``) - active for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

import moto_glue_jobruns
from moto_glue_jobruns._registration import mock_glue_job_runs

MARKER = "glue_job_runs"
OPTION = "--glue-job-runs"
INI = "glue_job_runs"
_REGISTERED = pytest.StashKey[bool]()
FIXTURES = ("glue_client", "glue_job_runs")
DEFAULT_ROLE = "arn:aws:iam::123456789012:role/glue-job"
REGION = "us-east-1"
_USAGE = (
    f'@pytest.mark.{MARKER}("job-name", seed=[{{"JobRunState": "FAILED"}}], '
    'outcomes=[{"JobRunState": "SUCCEEDED"}], job_kwargs={"GlueVersion": "4.0"})'
)
_KEYWORDS = ("seed", "outcomes", "job_kwargs", "execute")


class GlueJobRuns:
    """What a test needs to arrange Glue job runs, bound to one mocked account/region."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.region_name: str = client.meta.region_name

    def create_job(self, name: str, **members: Any) -> str:
        """CreateJob with a role and a glueetl command unless ``members`` say otherwise."""
        members.setdefault("Role", DEFAULT_ROLE)
        members.setdefault("Command", {"Name": "glueetl", "ScriptLocation": f"s3://scripts/{name}.py"})
        self.client.create_job(Name=name, **members)
        return name

    def seed(self, job_name: str, runs: Iterable[Mapping[str, Any]]) -> list[str]:
        """``seed_job_runs`` in this fixture's region."""
        return moto_glue_jobruns.seed_job_runs(job_name, runs, region_name=self.region_name)

    def set_outcomes(self, job_name: str, outcomes: Iterable[Mapping[str, Any]]) -> None:
        """``set_run_outcomes`` in this fixture's region."""
        moto_glue_jobruns.set_run_outcomes(job_name, outcomes, region_name=self.region_name)

    def execute_scripts(self, job_name: str, *, python: str | None = None, script: str | None = None) -> None:
        """``execute_job_scripts`` in this fixture's region: runs of the job run its script."""
        moto_glue_jobruns.execute_job_scripts(
            job_name, python=python, script=script, region_name=self.region_name
        )


@dataclass(frozen=True)
class _Arrangement:
    """One ``glue_job_runs`` marker, checked."""

    job: str
    seed: list[Mapping[str, Any]] = field(default_factory=list)
    outcomes: list[Mapping[str, Any]] = field(default_factory=list)
    job_kwargs: dict[str, Any] = field(default_factory=dict)
    execute: dict[str, Any] | None = None  # execute_job_scripts keywords, if the runs run the script

    @classmethod
    def from_marker(cls, marker: pytest.Mark) -> _Arrangement:
        kwargs = dict(marker.kwargs)
        names = [*marker.args, *([kwargs.pop("job")] if "job" in kwargs else [])]
        if len(names) != 1 or not isinstance(names[0], str) or not names[0]:
            raise _MarkerError(f"give exactly one job name (a non-empty str), got {names!r}")
        unknown = sorted(set(kwargs) - set(_KEYWORDS))
        if unknown:
            raise _MarkerError(f"unknown keyword {', '.join(unknown)}; it takes {', '.join(_KEYWORDS)}")
        job_kwargs = kwargs.get("job_kwargs") or {}
        if not isinstance(job_kwargs, Mapping):
            raise _MarkerError(f"job_kwargs must be a dict of CreateJob members, got {job_kwargs!r}")
        return cls(
            job=names[0],
            seed=_list_of_dicts("seed", kwargs.get("seed")),
            outcomes=_list_of_dicts("outcomes", kwargs.get("outcomes")),
            job_kwargs=dict(job_kwargs),
            execute=_execute_options(kwargs.get("execute")),
        )

    def apply(self, helper: GlueJobRuns) -> None:
        helper.create_job(self.job, **self.job_kwargs)
        try:
            if self.seed:
                helper.seed(self.job, self.seed)
            if self.outcomes:
                helper.set_outcomes(self.job, self.outcomes)
            if self.execute is not None:
                helper.execute_scripts(self.job, **self.execute)
        except ValueError as error:
            raise _MarkerError(f"job {self.job!r}: {error}") from error


class _MarkerError(ValueError):
    pass


def _execute_options(value: Any) -> dict[str, Any] | None:
    if value is None or value is False:
        return None
    if value is True:
        return {}
    if isinstance(value, Mapping) and set(value) <= {"python", "script"}:
        return dict(value)
    raise _MarkerError(f'execute must be True or a dict with "python" and/or "script", got {value!r}')


def _list_of_dicts(name: str, value: Any) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _MarkerError(f"{name} must be a list of dicts in the JobRun shape, got {value!r}")
    items = list(value)
    for item in items:
        if not isinstance(item, Mapping):
            raise _MarkerError(f"{name} must be a list of dicts in the JobRun shape, got an item {item!r}")
    return items


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("moto-glue-jobruns")
    group.addoption(
        OPTION,
        action="store_true",
        default=None,
        help="serve Glue job runs through moto-glue-jobruns for the whole session (ini: glue_job_runs)",
    )
    parser.addini(INI, type="bool", default=False, help="like --glue-job-runs: active for the whole session")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(job=None, seed=None, outcomes=None, job_kwargs=None, execute=False): serve Glue job runs "
        "through moto-glue-jobruns for this test; with a job, also create it in the mocked "
        "account, seed its run history and choose how its started runs end (or, with "
        "execute=True, have them run the job's script) "
        f"(a job needs the {' or '.join(FIXTURES)} fixture).",
    )
    session_wide = config.getoption(OPTION)
    if session_wide is None:
        session_wide = config.getini(INI)
    config.stash[_REGISTERED] = bool(session_wide)
    if session_wide:
        moto_glue_jobruns.register()


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_REGISTERED, False):
        moto_glue_jobruns.unregister()


def _arranging_markers(item: pytest.Item) -> list[pytest.Mark]:
    """The markers that name a job (a bare marker only activates the plugin)."""
    return [marker for marker in item.iter_markers(MARKER) if marker.args or marker.kwargs]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A marker naming a job that no fixture would apply is a mistake: say how to fix it."""
    if not _arranging_markers(item):
        return
    if not set(FIXTURES) & set(getattr(item, "fixturenames", ())):
        pytest.fail(
            f"@pytest.mark.{MARKER} is applied by the {' or '.join(FIXTURES)} fixture: "
            f"add one of them to the arguments of {item.name}",
            pytrace=False,
        )


@pytest.fixture(name="_glue_job_runs_marked", autouse=True)
def _marked_fixture(request: pytest.FixtureRequest) -> Iterator[None]:
    """The plugin is active for a test carrying the marker, and only for it."""
    if request.node.get_closest_marker(MARKER) is None:
        yield
        return
    with mock_glue_job_runs():
        yield


@pytest.fixture(name="_glue_job_runs_arranged")
def _arranged_fixture(request: pytest.FixtureRequest) -> Iterator[GlueJobRuns]:
    """Inside ``mock_aws``: a client-bound helper, with every marker on the test applied."""
    try:
        arrangements = [_Arrangement.from_marker(marker) for marker in _arranging_markers(request.node)]
    except _MarkerError as error:
        problem: str | None = f"{error}. Use it as {_USAGE}"
    else:
        problem = None
    if problem is not None:
        pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)
    with mock_glue_job_runs(), mock_aws():
        helper = GlueJobRuns(boto3.client("glue", region_name=REGION))
        try:
            for arrangement in arrangements:
                arrangement.apply(helper)
        except _MarkerError as error:
            problem = str(error)
        if problem is not None:
            pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)
        yield helper


@pytest.fixture(name="glue_client")
def glue_client_fixture(_glue_job_runs_arranged: GlueJobRuns) -> Any:
    """A boto3 Glue client (us-east-1) talking to moto, with the plugin active for the test."""
    return _glue_job_runs_arranged.client


@pytest.fixture(name="glue_job_runs")
def glue_job_runs_fixture(_glue_job_runs_arranged: GlueJobRuns) -> GlueJobRuns:
    """Helper to create jobs, seed runs and set outcomes; the marker is already applied."""
    return _glue_job_runs_arranged


__all__ = ["GlueJobRuns"]
