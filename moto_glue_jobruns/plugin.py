"""The pytest plugin (entry point ``pytest11``): registers the plugin and offers fixtures.

Fixtures:

* ``glue_client`` - a boto3 Glue client inside ``mock_aws``.
* ``glue_job_runs`` - a ``GlueJobRuns`` helper to create jobs, seed runs and set outcomes.

Marker ``@pytest.mark.glue_job_runs(job=..., seed=[...], outcomes=[...], job_kwargs={...})``
creates the job, seeds its history and sets its outcomes before the test runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import boto3
import pytest
from moto import mock_aws

import moto_glue_jobruns

MARKER = "glue_job_runs"
DEFAULT_ROLE = "arn:aws:iam::123456789012:role/glue-job"


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


def pytest_configure(config: pytest.Config) -> None:
    moto_glue_jobruns.register()
    config.addinivalue_line(
        "markers",
        f"{MARKER}(job, seed=None, outcomes=None, job_kwargs=None): create a Glue job in the "
        "mocked account, seed its run history and choose how its started runs end.",
    )


@pytest.fixture(name="glue_client")
def glue_client_fixture() -> Iterator[Any]:
    """A boto3 Glue client (us-east-1) talking to moto, with the job-run plugin active."""
    with mock_aws():
        yield boto3.client("glue", region_name="us-east-1")


@pytest.fixture(name="glue_job_runs")
def glue_job_runs_fixture(request: pytest.FixtureRequest, glue_client: Any) -> GlueJobRuns:
    """Helper to create jobs, seed runs and set outcomes; applies the marker if present."""
    helper = GlueJobRuns(glue_client)
    for marker in request.node.iter_markers(MARKER):
        _apply_marker(helper, *marker.args, **marker.kwargs)
    return helper


def _apply_marker(
    helper: GlueJobRuns,
    job: str,
    seed: Iterable[Mapping[str, Any]] | None = None,
    outcomes: Iterable[Mapping[str, Any]] | None = None,
    job_kwargs: Mapping[str, Any] | None = None,
) -> None:
    helper.create_job(job, **dict(job_kwargs or {}))
    if seed:
        helper.seed(job, seed)
    if outcomes:
        helper.set_outcomes(job, outcomes)
