"""What a run tells EventBridge: rules on the default bus deliver "Glue Job State Change"
and "Glue Job Run Status" events through moto's events backend, in process and in server
mode (the ``place`` fixture runs each test in both)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time
from moto import mock_aws
from places import InProcess, OnServer, Place

ROLE = "arn:aws:iam::123456789012:role/glue"
ACCOUNT = "123456789012"
STATE_CHANGE = {"source": ["aws.glue"], "detail-type": ["Glue Job State Change"]}
# relative to now: AWS keeps 365 days of history, so a fixed date would fall out of it
START = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
DAY = START.strftime("%Y-%m-%d")
NOW = datetime.now(timezone.utc).replace(microsecond=0)
LAMBDA = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:page-the-team"
SNS = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
STATES = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:retry"


class Alerts:
    """SQS queues behind EventBridge rules, as a test of an alert sets them up."""

    def __init__(self, place: Place) -> None:
        self.events = place.client("events")
        self.sqs = place.client("sqs")

    def queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return url, arn

    def rule(self, name: str, pattern: dict[str, Any], *target_arns: str, state: str = "ENABLED") -> None:
        self.events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
        targets = [{"Id": f"t{index}", "Arn": arn} for index, arn in enumerate(target_arns)]
        self.events.put_targets(Rule=name, Targets=targets)

    def received(self, url: str) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def make_job(place: Place, name: str = "nightly", **members: Any) -> tuple[Any, str]:
    glue = place.client("glue")
    glue.create_job(
        Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"}, **members
    )
    return glue, name


def run_to_end(glue: Any, job: str, **start: Any) -> dict[str, Any]:
    run_id = glue.start_job_run(JobName=job, **start)["JobRunId"]
    run: dict[str, Any] = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


# ---------------------------------------------------------------- Glue Job State Change


def test_rule_on_failed__sqs_gets_one_event_per_failed_run_and_none_for_successes(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("glue-failures")
    alerts.rule("glue-failed", {**STATE_CHANGE, "detail": {"state": ["FAILED"]}}, arn)
    glue, job = make_job(place)
    place.set_outcomes(
        job,
        [
            {"JobRunState": "FAILED", "ErrorMessage": "first"},
            {"JobRunState": "SUCCEEDED"},
            {"JobRunState": "FAILED", "ErrorMessage": "second"},
            {"JobRunState": "SUCCEEDED"},
        ],
    )
    runs = [run_to_end(glue, job) for _ in range(5)]
    glue.get_job_runs(JobName=job)  # reading again sends nothing more
    events = alerts.received(url)
    failed = [run for run in runs if run["JobRunState"] == "FAILED"]
    assert len(failed) == 2
    assert [event["detail"]["jobRunId"] for event in events] == [run["Id"] for run in failed]
    first = events[0]
    assert (first["source"], first["detail-type"], first["region"], first["resources"]) == (
        "aws.glue",
        "Glue Job State Change",
        "us-east-1",
        [],
    )
    assert first["detail"] == {
        "jobName": job,
        "severity": "ERROR",
        "state": "FAILED",
        "jobRunId": failed[0]["Id"],
        "message": f"JobName:{job} and JobRunId:{failed[0]['Id']} failed to execute with exception first",
    }
    assert datetime.fromisoformat(first["time"].replace("Z", "+00:00")) == failed[0]["CompletedOn"].replace(
        microsecond=0
    )


def test_rule_on_all_states__sees_each_terminal_state_once(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("glue-everything")
    alerts.rule("glue-all", STATE_CHANGE, arn)
    glue, job = make_job(place)
    place.set_outcomes(
        job,
        [{"JobRunState": state} for state in ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR")],
    )
    runs = [run_to_end(glue, job) for _ in range(5)]
    events = alerts.received(url)
    by_run = {event["detail"]["jobRunId"]: event["detail"] for event in events}
    assert len(events) == len(by_run) == 4  # AWS sends nothing for ERROR
    assert [
        (by_run[r["Id"]]["state"], by_run[r["Id"]]["severity"], by_run[r["Id"]]["message"]) for r in runs[:4]
    ] == [
        ("SUCCEEDED", "INFO", "Job run succeeded"),
        (
            "FAILED",
            "ERROR",
            f"JobName:{job} and JobRunId:{runs[1]['Id']} failed to execute with exception "
            "The job run terminated with an unknown exit code.",
        ),
        ("TIMEOUT", "WARN", "Job run timed out"),
        ("STOPPED", "INFO", "Job run stopped"),
    ]


def test_rule__pattern_matches_account_region_and_job(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("only-nightly")
    alerts.rule(
        "nightly-here",
        {**STATE_CHANGE, "account": [ACCOUNT], "region": ["us-east-1"], "detail": {"jobName": ["nightly"]}},
        arn,
    )
    glue, nightly = make_job(place)
    _, other = make_job(place, "hourly")
    run_to_end(glue, other)
    run = run_to_end(glue, nightly)
    assert [event["detail"]["jobRunId"] for event in alerts.received(url)] == [run["Id"]]


def test_rule__disabled_rules_do_not_fire(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("muted")
    alerts.rule("muted", STATE_CHANGE, arn, state="DISABLED")
    glue, job = make_job(place)
    run_to_end(glue, job)
    assert alerts.received(url) == []
    alerts.events.enable_rule(Name="muted")
    run = run_to_end(glue, job)
    assert [event["detail"]["jobRunId"] for event in alerts.received(url)] == [run["Id"]]


def test_rule__targets_moto_cannot_deliver_to_break_nothing(
    place: Place, caplog: pytest.LogCaptureFixture
) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("still-delivered")
    other_url, other_arn = alerts.queue("other-rule")
    alerts.rule("page", STATE_CHANGE, LAMBDA, SNS, STATES, arn)
    alerts.rule("other", STATE_CHANGE, other_arn)
    glue, job = make_job(place)
    place.set_outcomes(job, [{"JobRunState": "FAILED"}])
    run = run_to_end(glue, job)
    assert run["JobRunState"] == "FAILED"
    assert glue.get_job_runs(JobName=job)["JobRuns"] == [run]
    assert [event["detail"]["jobRunId"] for event in alerts.received(url)] == [run["Id"]]
    assert [event["detail"]["jobRunId"] for event in alerts.received(other_url)] == [run["Id"]]
    if isinstance(place, InProcess):  # the server logs in its own handlers
        assert "could not deliver" in caplog.text and LAMBDA in caplog.text


def test_rule__scheduled_rules_get_no_events(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("scheduled")
    alerts.events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    alerts.events.put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": arn}])
    glue, job = make_job(place)
    run_to_end(glue, job)
    assert alerts.received(url) == []


def test_events__seeded_history_sends_nothing_until_a_live_run_ends(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("history")
    alerts.rule("all", STATE_CHANGE, arn)
    glue, job = make_job(place, Timeout=60)
    _, running = place.seed(
        job,
        [
            {"JobRunState": "FAILED", "StartedOn": NOW - timedelta(days=3)},
            {"JobRunState": "RUNNING", "StartedOn": NOW - timedelta(minutes=5)},
        ],
    )
    glue.get_job_runs(JobName=job)
    assert alerts.received(url) == []
    glue.batch_stop_job_run(JobName=job, JobRunIds=[running])
    glue.get_job_run(JobName=job, RunId=running)
    assert [(e["detail"]["jobRunId"], e["detail"]["state"]) for e in alerts.received(url)] == [
        (running, "STOPPED")
    ]


def test_events__seeded_live_run_that_times_out_sends_timeout() -> None:
    with mock_aws(), freeze_time(START) as frozen:
        place = InProcess()
        alerts = Alerts(place)
        url, arn = alerts.queue("timeouts")
        alerts.rule("timeouts", {**STATE_CHANGE, "detail": {"state": ["TIMEOUT"]}}, arn)
        glue, job = make_job(place, Timeout=30)
        (run_id,) = place.seed(job, [{"JobRunState": "RUNNING", "StartedOn": START - timedelta(minutes=20)}])
        frozen.tick(timedelta(minutes=11))
        glue.get_job_run(JobName=job, RunId=run_id)
        events = alerts.received(url)
    assert [(e["detail"]["jobRunId"], e["time"]) for e in events] == [(run_id, DAY + "T02:10:00Z")]


def test_events__stay_in_their_account_and_region(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("here")
    alerts.rule("here", STATE_CHANGE, arn)
    elsewhere = place.client("glue", region="eu-west-1")
    elsewhere.create_job(Name="job", Role=ROLE, Command={"Name": "glueetl"})
    run_to_end(elsewhere, "job")
    assert alerts.received(url) == []


# ------------------------------------------------------------------ Glue Job Run Status


def delay_events(alerts: Alerts, url: str) -> list[tuple[str, str, float, str, str]]:
    return [
        (
            e["detail"]["state"],
            e["time"],
            e["detail"]["notificationCondition"]["NotifyDelayAfter"],
            e["detail"]["startedOn"],
            e["detail"]["message"],
        )
        for e in alerts.received(url)
    ]


def test_notify_delay_after__one_run_status_event_per_live_state_under_freezegun() -> None:
    with mock_aws(), freeze_time(START) as frozen:
        place = InProcess()
        place.set_transition(progression="time", seconds=600)
        try:
            alerts = Alerts(place)
            url, arn = alerts.queue("late")
            alerts.rule("late", {"source": ["aws.glue"], "detail-type": ["Glue Job Run Status"]}, arn)
            glue, job = make_job(place, NotificationProperty={"NotifyDelayAfter": 5})
            run_id = glue.start_job_run(JobName=job)["JobRunId"]
            frozen.tick(timedelta(minutes=4))
            glue.get_job_run(JobName=job, RunId=run_id)
            assert alerts.received(url) == []
            for _ in range(6):
                frozen.tick(timedelta(minutes=2))
                glue.get_job_run(JobName=job, RunId=run_id)
            glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
            events = delay_events(alerts, url)
        finally:
            place.unset_transition()
    assert events == [
        ("STARTING", DAY + "T02:05:00Z", 5.0, DAY + "T02:00:00.000Z", "Job is in STARTING state"),
        ("RUNNING", DAY + "T02:12:00Z", 5.0, DAY + "T02:00:00.000Z", "Job is in RUNNING state"),
        ("STOPPING", DAY + "T02:16:00Z", 5.0, DAY + "T02:00:00.000Z", "Job is in STOPPING state"),
    ]


def test_notify_delay_after__run_value_wins_under_time_machine() -> None:
    with mock_aws(), time_machine.travel(START, tick=False) as traveller:
        place = InProcess()
        place.set_transition(progression="manual", times=1000)
        try:
            alerts = Alerts(place)
            url, arn = alerts.queue("late")
            alerts.rule(
                "late", {"detail-type": ["Glue Job Run Status"], "detail": {"state": ["STARTING"]}}, arn
            )
            glue, job = make_job(place, NotificationProperty={"NotifyDelayAfter": 60})
            run_id = glue.start_job_run(JobName=job, NotificationProperty={"NotifyDelayAfter": 2})["JobRunId"]
            traveller.shift(timedelta(minutes=3))
            glue.get_job_runs(JobName=job)
            glue.get_job_runs(JobName=job)
            events = alerts.received(url)
        finally:
            place.unset_transition()
    assert [(e["detail"]["jobRunId"], e["detail"]["notificationCondition"], e["time"]) for e in events] == [
        (run_id, {"NotifyDelayAfter": 2.0}, DAY + "T02:02:00Z")
    ]


def test_notify_delay_after__none_without_it_or_for_quick_runs(place: Place) -> None:
    alerts = Alerts(place)
    url, arn = alerts.queue("late")
    alerts.rule("late", {"detail-type": ["Glue Job Run Status"]}, arn)
    glue, quick = make_job(place, NotificationProperty={"NotifyDelayAfter": 30})
    _, plain = make_job(place, "plain")
    run_to_end(glue, quick)
    run_to_end(glue, plain)
    assert alerts.received(url) == []


def test_notify_delay_after__in_server_mode_under_time_machine(endpoint: str) -> None:
    place = OnServer(endpoint)
    place.reset()
    place.set_transition(progression="manual", times=1000)
    try:
        with time_machine.travel(START, tick=True) as traveller:
            alerts = Alerts(place)
            url, arn = alerts.queue("late")
            alerts.rule("late", {"detail-type": ["Glue Job Run Status"]}, arn)
            glue, job = make_job(place, NotificationProperty={"NotifyDelayAfter": 10})
            run_id = glue.start_job_run(JobName=job)["JobRunId"]
            traveller.shift(timedelta(minutes=11))
            glue.get_job_run(JobName=job, RunId=run_id)
            events = alerts.received(url)
    finally:
        place.unset_transition()
        place.reset()
    assert [(e["detail"]["jobRunId"], e["detail"]["state"], e["time"][:16]) for e in events] == [
        (run_id, "STARTING", DAY + "T02:10")
    ]
