"""What a run leaves in CloudWatch Logs, read through boto3's Logs client from moto's own
Logs backend, in process and in server mode (the ``place`` fixture runs each test in both)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from freezegun import freeze_time
from moto import mock_aws
from places import InProcess, Place

from moto_glue_jobruns import seed_job_runs
from moto_glue_jobruns._lifecycle import RunContext
from moto_glue_jobruns._logs import append_run_log
from moto_glue_jobruns.models import jobrun_backends

OUTPUT, ERROR = "/aws-glue/jobs/output", "/aws-glue/jobs/error"
ROLE = "arn:aws:iam::123456789012:role/glue"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
# relative to now: AWS keeps 365 days of history, so a fixed date would fall out of it
START = (datetime.now(timezone.utc) - timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)


def make_job(place: Place, name: str = "nightly", **members: Any) -> tuple[Any, str]:
    glue = place.client("glue")
    glue.create_job(
        Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"}, **members
    )
    return glue, name


def messages(logs: Any, group: str, stream: str) -> list[str]:
    events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)["events"]
    return [event["message"] for event in events]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# ------------------------------------------------------------------- a live run


def test_get_log_events__poller_sees_the_lines_so_far_then_the_rest(place: Place) -> None:
    place.set_transition(progression="manual", times=1)
    glue, job = make_job(place)
    logs = place.client("logs")
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
    page = logs.get_log_events(logGroupName=OUTPUT, logStreamName=run_id, startFromHead=True)
    so_far = [event["message"] for event in page["events"]]
    assert so_far == [f"Job run {run_id} of job {job} started (Glue 6.0)"]
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    rest = logs.get_log_events(
        logGroupName=OUTPUT, logStreamName=run_id, startFromHead=True, nextToken=page["nextForwardToken"]
    )["events"]
    assert [event["message"] for event in rest] == [f"Job run {run_id} of job {job} ended: SUCCEEDED"]


def test_get_log_events__failed_run_error_stream_ends_with_its_message(place: Place) -> None:
    glue, job = make_job(place)
    place.set_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "AnalysisException: no such table"}])
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    error_lines = messages(place.client("logs"), f"{run['LogGroupName']}/error", run_id)
    assert error_lines[-1] == run["ErrorMessage"] == "AnalysisException: no such table"
    assert len(error_lines) == 3  # opening, closing, the ErrorMessage


@pytest.mark.parametrize("state", ["TIMEOUT", "ERROR"])
def test_get_log_events__other_failures_end_with_their_message_too(place: Place, state: str) -> None:
    glue, job = make_job(place)
    place.set_outcomes(job, [{"JobRunState": state}])
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert messages(place.client("logs"), ERROR, run_id)[-1] == run["ErrorMessage"]


def test_get_log_events__outcome_lines_replace_the_drivers(place: Place) -> None:
    glue, job = make_job(place)
    lines = ['{"__dagster_pipes_version": "0.1", "method": "opened", "params": {}}', "rows written: 42"]
    place.set_outcomes(
        job, [{"JobRunState": "FAILED", "ErrorMessage": "boom", "Logs": {"output": lines, "error": []}}]
    )
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_run(JobName=job, RunId=run_id)
    logs = place.client("logs")
    assert messages(logs, OUTPUT, run_id) == lines
    assert messages(logs, ERROR, run_id) == ["boom"]


def test_describe_log_streams__a_run_stopped_before_it_ran_has_none(place: Place) -> None:
    place.set_transition(progression="manual", times=5)
    glue, job = make_job(place)
    logs = place.client("logs")
    before = glue.start_job_run(JobName=job)["JobRunId"]
    glue.batch_stop_job_run(JobName=job, JobRunIds=[before])
    place.set_transition(progression="immediate")
    assert glue.get_job_run(JobName=job, RunId=before)["JobRun"]["JobRunState"] == "STOPPED"
    ran = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_run(JobName=job, RunId=ran)
    streams = logs.describe_log_streams(logGroupName=OUTPUT)["logStreams"]
    assert [stream["logStreamName"] for stream in streams] == [ran]


def test_log_streams__live_in_the_runs_account_and_region(place: Place) -> None:
    glue, job = make_job(place)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_run(JobName=job, RunId=run_id)
    assert place.client("logs").describe_log_streams(logGroupName=OUTPUT)["logStreams"]
    elsewhere = place.client("logs", region="eu-west-1")
    assert elsewhere.describe_log_groups(logGroupNamePrefix="/aws-glue")["logGroups"] == []


# ------------------------------------------------------------- what the orchestrators call


def test_filter_log_events__as_airflows_glue_job_hook_reads(place: Place) -> None:
    """GlueJobHook(verbose=True).print_job_logs: a filter_log_events paginator on
    ``<LogGroupName>/output`` and ``/error``, the run id as the only stream, from StartedOn,
    resuming from the last nextToken on each poll."""
    place.set_transition(progression="manual", times=1)
    glue, job = make_job(place)
    place.set_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "boom"}])
    paginator = place.client("logs").get_paginator("filter_log_events")
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    tokens: dict[str, str | None] = {"output": None, "error": None}
    seen: dict[str, list[str]] = {"output": [], "error": []}
    state = "STARTING"
    while state not in ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"):
        state = glue.get_job_run(JobName=job, RunId=run_id, PredecessorsIncluded=True)["JobRun"][
            "JobRunState"
        ]
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        for suffix in ("output", "error"):
            for response in paginator.paginate(
                logGroupName=f"{run['LogGroupName']}/{suffix}",
                logStreamNames=[run_id],
                startTime=int(run["StartedOn"].timestamp() * 1000),
                PaginationConfig={"StartingToken": tokens[suffix]},
            ):
                seen[suffix] += [event["message"] for event in response["events"]]
                tokens[suffix] = response.get("nextToken") or tokens[suffix]
    assert seen["error"][-1] == "boom"
    assert any(run_id in line for line in seen["output"])


def test_get_log_events__as_airflows_deferrable_trigger_reads(place: Place) -> None:
    """GlueJobCompleteTrigger(verbose=True): get_log_events from the head of each stream,
    following nextForwardToken until it stops changing."""
    glue, job = make_job(place)
    logs = place.client("logs")
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    fetched: list[str] = []
    token: str | None = None
    while True:
        response = logs.get_log_events(
            logGroupName=f"{run['LogGroupName']}/error",
            logStreamName=run_id,
            startFromHead=True,
            **({"nextToken": token} if token else {}),
        )
        fetched += [event["message"] for event in response["events"]]
        if not response["events"] or token == response["nextForwardToken"]:
            break
        token = response["nextForwardToken"]
    assert fetched == [
        f"INFO GlueJobRunner: starting job run {run_id} of job {job}",
        f"INFO GlueJobRunner: job run {run_id} ended with state SUCCEEDED",
    ]


def test_describe_log_streams__as_dagster_pipes_reads(place: Place) -> None:
    """PipesGlueClient: the run's LogGroupName, then PipesCloudWatchMessageReader checks
    the stream exists (DescribeLogStreams with the run id as prefix) and reads it with
    GetLogEvents from its start time, following nextForwardToken."""
    glue, job = make_job(place)
    printed = ['{"__dagster_pipes_version": "0.1", "method": "closed", "params": {}}']
    place.set_outcomes(job, [{"Logs": {"output": printed}}])
    start_time = int(datetime.now(timezone.utc).timestamp() * 1000) - 1000
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    log_group = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["LogGroupName"]
    logs = place.client("logs")
    described = logs.describe_log_streams(logGroupName=f"{log_group}/output", logStreamNamePrefix=run_id)
    assert [stream["logStreamName"] for stream in described["logStreams"]] == [run_id]
    params = {"logGroupName": f"{log_group}/output", "logStreamName": run_id, "startTime": start_time}
    response = logs.get_log_events(**params)
    assert [event["message"] for event in response["events"]] == printed
    again = logs.get_log_events(**params, nextToken=response["nextForwardToken"])
    assert again["events"] == []


# -------------------------------------------------------------------- where logs go


def test_log_groups__custom_prefixes_move_groups_and_streams(place: Place) -> None:
    glue, job = make_job(place, DefaultArguments={"--custom-logGroup-prefix": "/nightly/glue"})
    run_id = glue.start_job_run(JobName=job, Arguments={"--custom-logStream-prefix": "sales-"})["JobRunId"]
    glue.get_job_run(JobName=job, RunId=run_id)
    logs = place.client("logs")
    groups = [group["logGroupName"] for group in logs.describe_log_groups()["logGroups"]]
    assert groups == ["/nightly/glue/error", "/nightly/glue/output"]
    assert messages(logs, "/nightly/glue/output", f"sales-{run_id}")[0].startswith(f"Job run {run_id}")


def test_log_groups__continuous_logging_writes_the_driver_stream_too(place: Place) -> None:
    glue, job = make_job(place, DefaultArguments={"--enable-continuous-cloudwatch-log": "true"})
    logs = place.client("logs")
    default = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_run(JobName=job, RunId=default)
    custom = glue.start_job_run(
        JobName=job,
        Arguments={"--continuous-log-logGroup": "/team/etl", "--continuous-log-logStreamPrefix": "etl-"},
    )["JobRunId"]
    glue.get_job_run(JobName=job, RunId=custom)
    driver = messages(logs, "/aws-glue/jobs/logs-v2", default)
    assert driver == messages(logs, OUTPUT, default)[:1] + messages(logs, ERROR, default)[:1] + driver[2:]
    assert len(driver) == 4
    assert len(messages(logs, "/team/etl", f"etl-{custom}")) == 4


def test_log_groups__existing_groups_are_kept(place: Place) -> None:
    logs = place.client("logs")
    logs.create_log_group(logGroupName=OUTPUT, tags={"team": "data"})
    glue, job = make_job(place)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    glue.get_job_run(JobName=job, RunId=run_id)
    assert logs.list_tags_log_group(logGroupName=OUTPUT)["tags"] == {"team": "data"}
    assert len(messages(logs, OUTPUT, run_id)) == 2


# ------------------------------------------------------------------ seeded history


def test_get_log_events__seeded_history_90_days_old_is_readable(place: Place) -> None:
    _, job = make_job(place)
    started = NOW - timedelta(days=90)
    (run_id,) = place.seed(
        job,
        [
            {
                "JobRunState": "FAILED",
                "ErrorMessage": "boom",
                "StartedOn": started,
                "CompletedOn": started + timedelta(minutes=10),
                "Logs": {
                    "output": [
                        "reading",
                        {"message": "writing", "timestamp": started + timedelta(minutes=4)},
                    ],
                    "error": ["ERROR Executor: task failed"],
                },
            }
        ],
    )
    logs = place.client("logs")
    output = logs.get_log_events(logGroupName=OUTPUT, logStreamName=run_id, startFromHead=True)["events"]
    assert [(e["message"], e["timestamp"], e["ingestionTime"]) for e in output] == [
        ("reading", ms(started), ms(started)),
        ("writing", ms(started + timedelta(minutes=4)), ms(started + timedelta(minutes=4))),
    ]
    error = logs.get_log_events(logGroupName=ERROR, logStreamName=run_id, startFromHead=True)["events"]
    assert [(e["message"], e["timestamp"]) for e in error] == [
        ("ERROR Executor: task failed", ms(started)),
        ("boom", ms(started + timedelta(minutes=10))),
    ]
    (stream,) = logs.describe_log_streams(logGroupName=OUTPUT)["logStreams"]
    assert stream["creationTime"] == ms(started)
    assert stream["lastIngestionTime"] == ms(started + timedelta(minutes=4))


def test_get_log_events__seeded_lines_spread_over_the_run(place: Place) -> None:
    _, job = make_job(place)
    started = NOW - timedelta(hours=3)
    (run_id,) = place.seed(
        job,
        [
            {
                "StartedOn": started,
                "CompletedOn": started + timedelta(minutes=30),
                "Logs": {"output": ["a", "b", "c"]},
            }
        ],
    )
    events = place.client("logs").get_log_events(logGroupName=OUTPUT, logStreamName=run_id)["events"]
    assert [(e["message"], e["timestamp"]) for e in events] == [
        ("a", ms(started)),
        ("b", ms(started + timedelta(minutes=15))),
        ("c", ms(started + timedelta(minutes=30))),
    ]
    error = messages(place.client("logs"), ERROR, run_id)  # not given: the driver's lines
    assert error == [
        f"INFO GlueJobRunner: starting job run {run_id} of job {job}",
        f"INFO GlueJobRunner: job run {run_id} ended with state SUCCEEDED",
    ]


def test_describe_log_streams__seeded_runs_without_logs_have_none(place: Place) -> None:
    _, job = make_job(place)
    with_logs, _ = place.seed(job, [{"Logs": {}}, {"JobRunState": "FAILED"}])
    assert [
        s["logStreamName"]
        for s in place.client("logs").describe_log_streams(logGroupName=OUTPUT)["logStreams"]
    ] == [with_logs]


def test_get_log_events__seeded_live_run_gets_its_ending_when_stopped(place: Place) -> None:
    glue, job = make_job(place)
    (run_id,) = place.seed(
        job, [{"JobRunState": "RUNNING", "StartedOn": NOW - timedelta(minutes=5), "Logs": {}}]
    )
    logs = place.client("logs")
    assert len(messages(logs, OUTPUT, run_id)) == 1
    glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    glue.get_job_run(JobName=job, RunId=run_id)
    assert messages(logs, OUTPUT, run_id)[-1] == f"Job run {run_id} of job {job} ended: STOPPED"


# ------------------------------------------------------------------------------ time


def test_log_timestamps__follow_freezegun() -> None:
    with mock_aws(), freeze_time(START) as frozen:
        place = InProcess()
        place.set_transition(progression="time", seconds=60)
        try:
            glue, job = make_job(place)
            run_id = glue.start_job_run(JobName=job)["JobRunId"]
            for _ in range(3):
                frozen.tick(timedelta(seconds=61))
                glue.get_job_run(JobName=job, RunId=run_id)
            events = place.client("logs").get_log_events(logGroupName=OUTPUT, logStreamName=run_id)["events"]
        finally:
            place.unset_transition()
    assert [e["timestamp"] for e in events] == [
        ms(START + timedelta(seconds=61)),
        ms(START + timedelta(seconds=122)),
    ]


def test_log_timestamps__follow_time_machine() -> None:
    with mock_aws(), time_machine.travel(START, tick=False) as traveller:
        place = InProcess()
        place.set_transition(progression="time", seconds=60)
        try:
            glue, job = make_job(place)
            run_id = glue.start_job_run(JobName=job)["JobRunId"]
            for _ in range(3):
                traveller.shift(timedelta(seconds=61))
                glue.get_job_run(JobName=job, RunId=run_id)
            events = place.client("logs").get_log_events(logGroupName=ERROR, logStreamName=run_id)["events"]
        finally:
            place.unset_transition()
    assert [e["timestamp"] for e in events] == [
        ms(START + timedelta(seconds=61)),
        ms(START + timedelta(seconds=122)),
    ]


# ------------------------------------------------------------------ appending lines


def test_append_run_log__adds_to_a_runs_streams(glue: Any) -> None:
    """What an executor running the job's script calls for each line it prints."""
    glue.create_job(
        Name="job",
        Role=ROLE,
        Command={"Name": "glueetl"},
        DefaultArguments={"--enable-continuous-cloudwatch-log": "true"},
    )
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    glue.get_job_run(JobName="job", RunId=run_id)
    backend = jobrun_backends["123456789012"]["us-east-1"]
    with backend.lock:
        run = backend.store("job").by_id[run_id]
        assert run.completed_on is not None
        later = int(run.completed_on * 1000) + 5
        context = RunContext("123456789012", "us-east-1", "job")
        append_run_log(context, run, "error", [(later, "Traceback ...")])
        with pytest.raises(ValueError, match="stream: 'stdout' is not one of output, error"):
            append_run_log(context, run, "stdout", [(later, "x")])
    logs = boto3.client("logs", region_name="us-east-1")
    assert messages(logs, ERROR, run_id)[-1] == "Traceback ..."
    assert messages(logs, "/aws-glue/jobs/logs-v2", run_id)[-1] == "Traceback ..."


# ------------------------------------------------------------------- bad Logs members

T0 = NOW - timedelta(hours=1)
BAD_SEEDED_LOGS = [
    ("not a dict", "JobRuns[1].Logs: expected"),
    ({"stdout": []}, "JobRuns[1].Logs: unknown stream 'stdout'; allowed: output, error"),
    ({"output": "one line"}, "JobRuns[1].Logs.output: expected a list of lines, got str"),
    ({"output": [7]}, "JobRuns[1].Logs.output[0]: expected a string or"),
    ({"output": [""]}, "JobRuns[1].Logs.output[0]: the message must be a non-empty string"),
    (
        {"error": [{"text": "x"}]},
        "JobRuns[1].Logs.error[0]: unknown member 'text'; allowed: message, timestamp",
    ),
    ({"output": [{"message": "x", "timestamp": "noon"}]}, "JobRuns[1].Logs.output[0].timestamp: expected"),
    (
        {"output": [{"message": "x", "timestamp": T0 - timedelta(seconds=1)}]},
        "JobRuns[1].Logs.output[0].timestamp:",
    ),
    ({"output": ["x"] * 10_001}, "JobRuns[1].Logs.output: at most 10000 lines"),
]


@pytest.mark.parametrize(("logs", "fragment"), BAD_SEEDED_LOGS)
def test_seed__bad_logs_raise_and_store_nothing(place: Place, logs: Any, fragment: str) -> None:
    glue, job = make_job(place)
    runs = [{"Logs": {}}, {"StartedOn": T0, "CompletedOn": T0 + timedelta(minutes=5), "Logs": logs}]
    if isinstance(place, InProcess):
        with pytest.raises(ValueError) as exc:
            place.seed(job, runs)
        message = str(exc.value)
    else:
        response = place._post("/moto-api/glue-jobruns/seed", {"JobName": job, "JobRuns": runs})
        assert response.status_code == 400
        assert response.json()["__type"] == "InvalidInputException"
        message = response.json()["message"]
    assert fragment in message
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []
    assert place.client("logs").describe_log_groups()["logGroups"] == []


def test_seed__unknown_member_names_the_logs_member(glue: Any) -> None:
    glue.create_job(Name="job", Role=ROLE, Command={"Name": "glueetl"})
    with pytest.raises(
        ValueError, match=r"unknown member 'Log'; allowed: Id, .*, and this plugin's \"Logs\""
    ):
        seed_job_runs("job", [{"Log": {}}])


@pytest.mark.parametrize(
    ("logs", "fragment"),
    [
        ({"output": [{"message": "x", "timestamp": 1}]}, "Outcomes[0].Logs.output[0]: an outcome's lines"),
        ({"err": []}, "Outcomes[0].Logs: unknown stream 'err'"),
    ],
)
def test_set_run_outcomes__bad_logs_change_nothing(place: Place, logs: Any, fragment: str) -> None:
    glue, job = make_job(place)
    place.set_outcomes(job, [{"JobRunState": "FAILED", "ErrorMessage": "first"}])
    bad = [{"JobRunState": "SUCCEEDED", "Logs": logs}]
    if isinstance(place, InProcess):
        with pytest.raises(ValueError) as exc:
            place.set_outcomes(job, bad)
        message = str(exc.value)
    else:
        response = place._post("/moto-api/glue-jobruns/outcomes", {"JobName": job, "Outcomes": bad})
        assert response.status_code == 400
        message = response.json()["message"]
    assert fragment in message
    assert run_of(glue, job)["ErrorMessage"] == "first"


def run_of(glue: Any, job: str) -> dict[str, Any]:
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run: dict[str, Any] = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


def test_subscription_filters__get_the_runs_lines_and_a_broken_one_breaks_nothing(
    glue: Any, caplog: pytest.LogCaptureFixture
) -> None:
    logs = boto3.client("logs", region_name="us-east-1")
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    for name in ("kept", "gone"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    arns = {
        name: kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
        for name in ("kept", "gone")
    }
    for group, name in ((OUTPUT, "kept"), (ERROR, "gone")):
        logs.create_log_group(logGroupName=group)
        logs.put_subscription_filter(
            logGroupName=group, filterName=name, filterPattern="", destinationArn=arns[name]
        )
    kinesis.delete_stream(StreamName="gone")
    glue.create_job(Name="job", Role=ROLE, Command={"Name": "glueetl"})
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    assert glue.get_job_run(JobName="job", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    assert len(messages(logs, ERROR, run_id)) == 2  # stored, though moto could not forward them
    assert "could not forward run logs from /aws-glue/jobs/error" in caplog.text
    shard = kinesis.list_shards(StreamName="kept")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="kept", ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    assert kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]  # one per put
