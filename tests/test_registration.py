"""Registering, unregistering, coexisting with the rest of moto's Glue, and reset."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.models import default_user_config  # noqa: F401  (moto is importable)

import moto_glue_jobruns
from moto_glue_jobruns import seed_job_runs


@pytest.fixture
def restore_registration() -> Any:
    yield
    moto_glue_jobruns.register()


def test_register__idempotent_and_thread_safe(restore_registration: None) -> None:
    moto_glue_jobruns.unregister()
    threads = [threading.Thread(target=moto_glue_jobruns.register) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert moto_glue_jobruns.is_registered()
    moto_glue_jobruns.unregister()
    assert not moto_glue_jobruns.is_registered()
    moto_glue_jobruns.unregister()  # a second unregister changes nothing
    assert not moto_glue_jobruns.is_registered()


def test_unregister__stock_moto_behaviour_returns(restore_registration: None) -> None:
    moto_glue_jobruns.unregister()
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})  # stock: silently replaced
        run_id = glue.start_job_run(JobName="j")["JobRunId"]
        run = glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]
        assert (run["ExecutionTime"], run["GlueVersion"], run["LogGroupName"]) == (123, "0.9", "test/log")
    moto_glue_jobruns.register()
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
        run_id = glue.start_job_run(JobName="j")["JobRunId"]
        assert glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]["LogGroupName"] == "/aws-glue/jobs"


def test_other_glue_operations_keep_working(glue: Any) -> None:
    glue.create_database(DatabaseInput={"Name": "db"})
    glue.create_table(DatabaseName="db", TableInput={"Name": "t"})
    assert glue.get_table(DatabaseName="db", Name="t")["Table"]["Name"] == "t"
    glue.create_crawler(Name="c", Role="r", Targets={"S3Targets": [{"Path": "s3://b"}]})
    assert glue.get_crawler(Name="c")["Crawler"]["Name"] == "c"
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"}, Tags={"team": "data"})
    glue.create_trigger(Name="t", Type="ON_DEMAND", Actions=[{"JobName": "j"}])
    assert glue.get_trigger(Name="t")["Trigger"]["Name"] == "t"
    assert glue.get_job(JobName="j")["Job"]["Command"] == {"Name": "glueetl"}
    assert glue.list_jobs()["JobNames"] == ["j"]
    assert [job["Name"] for job in glue.get_jobs()["Jobs"]] == ["j"]
    arn = "arn:aws:glue:us-east-1:123456789012:job/j"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"env": "test"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data", "env": "test"}
    glue.delete_job(JobName="j")
    assert glue.list_jobs()["JobNames"] == []


def test_update_job__served_while_registered_and_stock_after_unregister(restore_registration: None) -> None:
    def attempt() -> tuple[str, str]:
        with mock_aws():
            glue = boto3.client("glue", region_name="us-east-1")
            glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
            try:
                glue.update_job(JobName="j", JobUpdate={"Role": "r2", "Command": {"Name": "glueetl"}})
                return "ok", glue.get_job(JobName="j")["Job"]["Role"]
            except Exception as error:
                return type(error).__name__, str(error)

    assert attempt() == ("ok", "r2")
    moto_glue_jobruns.unregister()
    assert attempt() == ("NotImplementedError", "The update_job action has not been implemented")


def test_reset__leaving_mock_aws_clears_runs() -> None:
    def run() -> None:
        with mock_aws():
            glue = boto3.client("glue", region_name="us-east-1")
            glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
            seed_job_runs("j", [{}] * 3)
            assert len(glue.get_job_runs(JobName="j")["JobRuns"]) == 3

    def assert_reset() -> None:
        with mock_aws():
            glue = boto3.client("glue", region_name="us-east-1")
            glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
            assert glue.get_job_runs(JobName="j")["JobRuns"] == []

    run()
    assert_reset()


def test_state_is_per_account_and_region(glue: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
    seed_job_runs("j", [{}] * 2)
    west = boto3.client("glue", region_name="eu-west-1")
    west.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
    assert west.get_job_runs(JobName="j")["JobRuns"] == []
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")
    other = boto3.client("glue", region_name="us-east-1")
    with pytest.raises(other.exceptions.EntityNotFoundException):
        other.get_job_runs(JobName="j")
