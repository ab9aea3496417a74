"""Opting in: nothing is active until a test asks, and each way of asking is scoped.

Most tests here lift the suite's session-wide activation (``stock_moto``) first, so they
see exactly what a user's suite sees with the package merely installed.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import threading
import unittest
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.moto_api import state_manager
from test_plugin import QUIET

import moto_glue_jobruns
from moto_glue_jobruns import is_registered, mock_glue_job_runs

pytestmark = pytest.mark.usefixtures("stock_moto")

STOCK_SUITE = """
import boto3
from moto import mock_aws


@mock_aws
def test_reused_job_name_replaces_the_job():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(Name="j", Role="r", Command={"Name": "pythonshell", "PythonVersion": "3.10"})
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})  # stock: no AlreadyExists


@mock_aws
def test_stock_constants():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
    run_id = glue.start_job_run(JobName="j")["JobRunId"]
    run = glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]
    assert (run["ExecutionTime"], run["GlueVersion"], run["LogGroupName"]) == (123, "0.9", "test/log")
"""

PLUGIN_VALUES = """
import boto3
from moto import mock_aws


@mock_aws
def test_plugin_values():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
    run_id = glue.start_job_run(JobName="j")["JobRunId"]
    assert glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]["LogGroupName"] == "/aws-glue/jobs"
"""


def _create_and_start(glue: Any, name: str = "j") -> str:
    glue.create_job(Name=name, Role="r", Command={"Name": "glueetl"})
    run_id: str = glue.start_job_run(JobName=name)["JobRunId"]
    return run_id


def _log_group(glue: Any, run_id: str, name: str = "j") -> str:
    group: str = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]["LogGroupName"]
    return group


# ------------------------------------------------------------ installing changes nothing


def test_import__activates_nothing() -> None:
    code = (
        "import moto_glue_jobruns, moto_glue_jobruns.plugin, boto3\n"
        "from moto import mock_aws\n"
        "assert not moto_glue_jobruns.is_registered()\n"
        "with mock_aws():\n"
        "    glue = boto3.client('glue', region_name='us-east-1')\n"
        "    glue.create_job(Name='j', Role='r', Command={'Name': 'glueetl'})\n"
        "    run_id = glue.start_job_run(JobName='j')['JobRunId']\n"
        "    print(glue.get_job_run(JobName='j', RunId=run_id)['JobRun']['LogGroupName'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "test/log"


def test_installed_plugin__a_stock_moto_suite_passes_unchanged(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stock=STOCK_SUITE)
    result = pytester.runpytest_subprocess(*QUIET)
    result.assert_outcomes(passed=2)


def test_installed_plugin__fixtures_activate_only_their_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mixed=STOCK_SUITE
        + """

def test_with_the_fixture(glue_client):
    run_id = glue_client.start_job_run(
        JobName=glue_client.create_job(Name="j", Role="r", Command={"Name": "glueetl"})["Name"]
    )["JobRunId"]
    assert glue_client.get_job_run(JobName="j", RunId=run_id)["JobRun"]["LogGroupName"] == "/aws-glue/jobs"


test_stock_again = test_stock_constants
"""
    )
    result = pytester.runpytest_subprocess(*QUIET, "-p", "no:randomly")
    result.assert_outcomes(passed=4)


@pytest.mark.parametrize(
    ("args", "ini"),
    [(("--glue-job-runs",), ""), ((), "[pytest]\nglue_job_runs = true\n")],
    ids=["option", "ini"],
)
def test_session_option__activates_every_test(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str
) -> None:
    if ini:
        pytester.makefile(".ini", pytest=ini)
    pytester.makepyfile(test_session=PLUGIN_VALUES)
    result = pytester.runpytest_subprocess(*QUIET, *args)
    result.assert_outcomes(passed=1)


def test_session_option__absent_means_stock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_session=PLUGIN_VALUES)
    result = pytester.runpytest_subprocess(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test/log*/aws-glue/jobs*"])


def test_bare_marker__activates_its_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_marked=PLUGIN_VALUES.replace("@mock_aws", "@pytest.mark.glue_job_runs\n@mock_aws").replace(
            "import boto3", "import boto3\nimport pytest"
        )
        + STOCK_SUITE.split("from moto import mock_aws", 1)[1]
    )
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=3)
    assert not is_registered()


def test_marker_on_a_class__activates_its_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import boto3
import pytest
from moto import mock_aws


@pytest.mark.glue_job_runs
class TestNightly:
    @mock_aws
    def test_it(self):
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
        run_id = glue.start_job_run(JobName="j")["JobRunId"]
        assert glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]["LogGroupName"] == "/aws-glue/jobs"
"""
    )
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert not is_registered()


def test_fixture__restores_stock_moto_after_the_test(glue_client: Any) -> None:
    assert is_registered()  # the fixture's own scope; stock_moto lifted the session's


# ------------------------------------------------------------- decorator, context manager


def test_context_manager__active_inside_stock_outside() -> None:
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        with mock_glue_job_runs():
            assert is_registered()
            inside = _create_and_start(glue, "inside")
            assert _log_group(glue, inside, "inside") == "/aws-glue/jobs"
        assert not is_registered()
        outside = _create_and_start(glue, "outside")
        assert _log_group(glue, outside, "outside") == "test/log"


def test_context_manager__inner_exit_keeps_the_outer_scope() -> None:
    outer = mock_glue_job_runs()
    with outer:
        with mock_glue_job_runs():
            pass
        assert is_registered()
        with outer:  # the same object, entered again
            pass
        assert is_registered()
    assert not is_registered()


def test_decorator__bare_and_called() -> None:
    @mock_glue_job_runs
    def bare(value: int) -> tuple[bool, int]:
        return is_registered(), value

    @mock_glue_job_runs()
    def called() -> bool:
        return is_registered()

    assert bare(7) == (True, 7)
    assert called() is True
    assert bare.__name__ == "bare"
    assert not is_registered()


def test_decorator__restores_when_the_function_raises() -> None:
    @mock_glue_job_runs
    def boom() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        boom()
    assert not is_registered()


def test_decorator__coroutine_function() -> None:
    @mock_glue_job_runs
    async def check() -> bool:
        await asyncio.sleep(0)
        return is_registered()

    assert asyncio.run(check()) is True
    assert not is_registered()


def test_decorator__pytest_style_class() -> None:
    @mock_glue_job_runs
    class Tests:
        def setup_method(self) -> None:
            self.during_setup = is_registered()

        def test_it(self) -> bool:
            return is_registered()

        def helper(self) -> bool:
            return is_registered()

        @staticmethod
        def test_static() -> bool:
            return is_registered()

    tests = Tests()
    tests.setup_method()
    assert (tests.during_setup, tests.test_it(), tests.helper(), Tests.test_static()) == (
        True,
        True,
        False,
        False,
    )
    assert not is_registered()


def test_decorator__unittest_test_case() -> None:
    seen: list[bool] = []

    @mock_glue_job_runs
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            seen.append(is_registered())

        def test_it(self) -> None:
            seen.append(is_registered())

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful()
    assert seen == [True, True]
    assert not is_registered()


def test_decorator__refuses_what_it_cannot_wrap() -> None:
    with pytest.raises(TypeError, match="decorates a function or a class"):
        mock_glue_job_runs()(42)


def test_start_stop__like_mock_aws() -> None:
    scope = mock_glue_job_runs()
    scope.start()
    assert is_registered()
    scope.stop()
    assert not is_registered()
    with pytest.raises(RuntimeError, match="without a matching __enter__"):
        scope.stop()
    assert not is_registered()


def test_scopes__thread_safe_and_never_cut_short_by_another_thread() -> None:
    holding = threading.Event()
    release = threading.Event()
    seen_while_held: list[bool] = []

    def holder() -> None:
        with mock_glue_job_runs():
            holding.set()
            release.wait(30)

    def churn() -> None:
        for _ in range(200):
            with mock_glue_job_runs():
                pass
            seen_while_held.append(is_registered())

    held = threading.Thread(target=holder)
    held.start()
    assert holding.wait(30)
    workers = [threading.Thread(target=churn) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(seen_while_held) and len(seen_while_held) == 1600
    release.set()
    held.join()
    assert not is_registered()


# ----------------------------------------------------------------- register / unregister


def test_register__outlives_scopes_and_unregister_waits_for_them() -> None:
    moto_glue_jobruns.register()
    with mock_glue_job_runs():
        pass
    assert is_registered()  # a closing scope does not end register()
    with mock_glue_job_runs():
        moto_glue_jobruns.unregister()
        assert is_registered()  # the open scope still holds
    assert not is_registered()


# ---------------------------------------------------------------------------- adoption


def test_adoption__stock_runs_started_before_activation_are_kept() -> None:
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"}, GlueVersion="4.0")
        stock_ids = [
            glue.start_job_run(JobName="j", Arguments={"--day": str(day)})["JobRunId"] for day in range(2)
        ]
        with mock_glue_job_runs():
            listed = glue.get_job_runs(JobName="j")["JobRuns"]
            one = glue.get_job_run(JobName="j", RunId=stock_ids[0])["JobRun"]
            new_id = glue.start_job_run(JobName="j")["JobRunId"]
            after = [run["Id"] for run in glue.get_job_runs(JobName="j")["JobRuns"]]
    distinct = list(dict.fromkeys(stock_ids))  # moto 5.0.0 gives every stock run the Id "01"
    assert {run["Id"] for run in listed} == set(distinct)
    assert one["Id"] == stock_ids[0] and one["JobRunState"] == "SUCCEEDED"
    assert (one["LogGroupName"], one["GlueVersion"]) == ("/aws-glue/jobs", "4.0")
    assert after[0] == new_id and set(after[1:]) == set(distinct)


def test_adoption__a_live_stock_run_moves_on_and_can_be_stopped() -> None:
    state_manager.set_transition("glue::job_run", {"progression": "manual", "times": 1000})
    try:
        with mock_aws():
            glue = boto3.client("glue", region_name="us-east-1")
            glue.create_job(
                Name="j", Role="r", Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 5}
            )
            stock_id = glue.start_job_run(JobName="j")["JobRunId"]
            with mock_glue_job_runs():
                state = glue.get_job_run(JobName="j", RunId=stock_id)["JobRun"]["JobRunState"]
                stopped = glue.batch_stop_job_run(JobName="j", JobRunIds=[stock_id])
                final = glue.get_job_run(JobName="j", RunId=stock_id)["JobRun"]
    finally:
        state_manager.unset_transition("glue::job_run")
    assert state == "STARTING"
    assert stopped["SuccessfulSubmissions"] == [{"JobName": "j", "JobRunId": stock_id}]
    assert final["JobRunState"] in ("STOPPING", "STOPPED")


def test_adoption__runs_started_between_two_activations_are_added(stock_moto: None) -> None:
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
        with mock_glue_job_runs():
            first = glue.start_job_run(JobName="j")["JobRunId"]
            glue.get_job_runs(JobName="j")
        stock = glue.start_job_run(JobName="j")["JobRunId"]
        with mock_glue_job_runs():
            ids = [run["Id"] for run in glue.get_job_runs(JobName="j")["JobRuns"]]
    assert first in ids and stock in ids and len(ids) == 2
