"""The pytest plugin, run the way users run it: test files driven through ``pytester``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from moto_glue_jobruns.plugin import GlueJobRuns

HEADER = """
import boto3
import pytest
from moto import mock_aws
"""


# plugins that slow an in-process run or warn under xdist; not this package's concern
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")

# pytester runs these in this process: lift the session-wide activation, so what they
# prove is what the fixtures and marker activate themselves
pytestmark = pytest.mark.usefixtures("stock_moto")


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + source)
    return pytester.runpytest(*QUIET)


def test_plugin__glue_client_is_a_mocked_glue_client(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_it(glue_client):
    glue_client.create_job(Name="x", Role="r", Command={"Name": "glueetl"})
    assert glue_client.list_jobs()["JobNames"] == ["x"]
    assert glue_client.meta.region_name == "us-east-1"
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__marker_seeds_history(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", seed=[{"JobRunState": "FAILED", "ErrorMessage": "boom"}])
def test_it(glue_client):
    (run,) = glue_client.get_job_runs(JobName="nightly")["JobRuns"]
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "boom")
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__marker_sets_outcomes(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", outcomes=[{"JobRunState": "TIMEOUT"}, {"JobRunState": "SUCCEEDED"}])
def test_it(glue_client):
    states = []
    for _ in range(3):
        run_id = glue_client.start_job_run(JobName="nightly")["JobRunId"]
        states.append(glue_client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]["JobRunState"])
    assert states == ["TIMEOUT", "SUCCEEDED", "SUCCEEDED"]
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__marker_job_kwargs_reach_create_job(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs(job="nightly", job_kwargs={"GlueVersion": "5.0"}, seed=[{}])
def test_it(glue_client):
    (run,) = glue_client.get_job_runs(JobName="nightly")["JobRuns"]
    assert (run["GlueVersion"], run["Timeout"]) == ("5.0", 480)
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__stacked_markers_on_class_and_test_create_each_job(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("hourly")
class TestJobs:
    @pytest.mark.glue_job_runs("nightly")
    def test_it(self, glue_job_runs):
        assert sorted(glue_job_runs.client.list_jobs()["JobNames"]) == ["hourly", "nightly"]
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__state_does_not_leak_between_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", seed=[{}])
def test_first(glue_client):
    assert len(glue_client.get_job_runs(JobName="nightly")["JobRuns"]) == 1

def test_second(glue_client):
    assert glue_client.list_jobs()["JobNames"] == []
""",
    )
    result.assert_outcomes(passed=2)


def test_plugin__teardown_runs_when_the_test_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly")
def test_fails(glue_client):
    assert False, "the test body failed"

def test_after(glue_client):
    assert glue_client.list_jobs()["JobNames"] == []
""",
    )
    result.assert_outcomes(passed=1, failed=1)


def test_plugin__works_under_mock_aws_decorator(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@mock_aws
@pytest.mark.glue_job_runs("nightly", seed=[{"JobRunState": "RUNNING"}])
def test_it(glue_client):
    other = boto3.client("glue", region_name="us-east-1")
    assert other.get_job_runs(JobName="nightly")["JobRuns"][0]["JobRunState"] == "RUNNING"
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__works_with_mock_aws_context_manager(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", seed=[{}, {}])
def test_it(glue_client):
    with mock_aws():
        other = boto3.client("glue", region_name="us-east-1")
        assert len(other.get_job_runs(JobName="nightly")["JobRuns"]) == 2
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__works_under_mock_aws_class_decorator(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@mock_aws
class TestNightly:
    @pytest.mark.glue_job_runs("nightly", seed=[{}])
    def test_one(self, glue_client):
        assert len(glue_client.get_job_runs(JobName="nightly")["JobRuns"]) == 1

    def test_two(self, glue_job_runs):
        glue_job_runs.create_job("nightly")
        assert glue_job_runs.client.get_job_runs(JobName="nightly")["JobRuns"] == []
""",
    )
    result.assert_outcomes(passed=2)


def test_plugin__marker_without_a_fixture_says_what_to_add(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly")
def test_it():
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*applied by the glue_client or glue_job_runs fixture*add one of them*test_it*"]
    )


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("(seed=[{}])", "*give exactly one job name*got ?]. Use it as @pytest.mark.glue_job_runs(*"),
        ('("a", "b")', "*give exactly one job name*got ?'a', 'b'?.*"),
        ('("a", job="b")', "*give exactly one job name*"),
        ("(5)", "*give exactly one job name (a non-empty str)*"),
        ('("a", seeds=[{}])', "*unknown keyword seeds; it takes seed, outcomes, job_kwargs, execute*"),
        ('("a", seed={"JobRunState": "FAILED"})', "*seed must be a list of dicts*"),
        ('("a", outcomes=["FAILED"])', "*outcomes must be a list of dicts*got an item 'FAILED'*"),
        ('("a", job_kwargs=["GlueVersion"])', "*job_kwargs must be a dict of CreateJob members*"),
    ],
)
def test_plugin__malformed_marker_says_how_to_write_it(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    result = run(pytester, f"@pytest.mark.glue_job_runs{marker}\ndef test_it(glue_client):\n    pass\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_plugin__invalid_seed_names_the_job_and_field(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", seed=[{"JobRunState": "DONE"}])
def test_it(glue_client):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*glue_job_runs: job 'nightly': *JobRunState*DONE*"])


def test_plugin__invalid_outcome_names_the_job_and_field(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.glue_job_runs("nightly", outcomes=[{"JobRunState": "RUNNING"}])
def test_it(glue_client):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*glue_job_runs: job 'nightly': *JobRunState*"])


def test_plugin__marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers", *QUIET)
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.glue_job_runs(job=None, seed=None, outcomes=None, job_kwargs=None, execute=False): serve*"
        ]
    )


def test_glue_job_runs__create_job_fills_role_and_command(glue_job_runs: GlueJobRuns) -> None:
    glue_job_runs.create_job("nightly", GlueVersion="4.0")
    job = glue_job_runs.client.get_job(JobName="nightly")["Job"]
    assert (job["Role"], job["Command"]["Name"], job["GlueVersion"]) == (
        "arn:aws:iam::123456789012:role/glue-job",
        "glueetl",
        "4.0",
    )


def test_glue_job_runs__seed_returns_ids_in_input_order(glue_job_runs: GlueJobRuns, glue_client: Any) -> None:
    glue_job_runs.create_job("nightly")
    now = datetime.now(timezone.utc)
    ids = glue_job_runs.seed("nightly", [{"StartedOn": now - timedelta(minutes=3 - i)} for i in range(3)])
    newest_first = [run["Id"] for run in glue_client.get_job_runs(JobName="nightly")["JobRuns"]]
    assert newest_first == ids[::-1]


def test_glue_job_runs__set_outcomes_decides_the_next_run(
    glue_job_runs: GlueJobRuns, glue_client: Any
) -> None:
    glue_job_runs.create_job("nightly")
    glue_job_runs.set_outcomes("nightly", [{"JobRunState": "ERROR", "ErrorMessage": "gone"}])
    run_id = glue_client.start_job_run(JobName="nightly")["JobRunId"]
    run = glue_client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
    assert (run["JobRunState"], run["ErrorMessage"]) == ("ERROR", "gone")


@pytest.mark.server  # the script reaches the mock through a loopback server
def test_plugin__marker_execute_runs_the_jobs_script(pytester: pytest.Pytester, tmp_path: Any) -> None:
    script = tmp_path / "nightly.py"
    script.write_text(
        "import sys\nraise SystemExit('exit from ' + sys.argv[sys.argv.index('--JOB_NAME') + 1])\n"
    )
    result = run(
        pytester,
        f"""
import time

@pytest.mark.glue_job_runs("nightly", execute={{"script": {str(script)!r}}})
def test_it(glue_client):
    run_id = glue_client.start_job_run(JobName="nightly")["JobRunId"]
    while True:
        run = glue_client.get_job_run(JobName="nightly", RunId=run_id)["JobRun"]
        if run["JobRunState"] not in ("STARTING", "RUNNING"):
            break
        time.sleep(0.02)
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "exit from nightly")
""",
    )
    result.assert_outcomes(passed=1)


def test_plugin__marker_execute_must_be_true_or_options(pytester: pytest.Pytester) -> None:
    result = run(
        pytester, '@pytest.mark.glue_job_runs("a", execute="yes")\ndef test_it(glue_client):\n    pass\n'
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(['*execute must be True or a dict with "python" and/or "script", got *yes*'])
