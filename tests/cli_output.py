"""What ``aws glue get-job-runs --job-name nightly`` prints, as a fixture built relative to now.

Members, their order and their formats are the AWS CLI v2's (ISO 8601 in the caller's time
zone, here +01:00, milliseconds; real run Ids; ``PredecessorRuns: []``; a run still going
shows the ``ExecutionTime`` so far), as in public CLI transcripts. The AWS CLI v1 prints
epoch seconds instead; ``test_awscli.py`` replays its real output.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

JOB = "nightly"
CET = timezone(timedelta(hours=1))
_SETTINGS = {
    "AllocatedCapacity": 10,
    "Timeout": 2880,
    "MaxCapacity": 10.0,
    "WorkerType": "G.1X",
    "NumberOfWorkers": 10,
    "LogGroupName": "/aws-glue/jobs",
    "GlueVersion": "4.0",
    "ExecutionClass": "STANDARD",
}
TIMESTAMPS = ("StartedOn", "LastModifiedOn", "CompletedOn")


def _iso(moment: datetime) -> str:
    return moment.astimezone(CET).isoformat(timespec="microseconds")


def _run(run_id: str, started: datetime, state: str, seconds: int | None, **extra: Any) -> dict[str, Any]:
    """One run in the CLI's member order; ``seconds`` is how long a finished run took."""
    run: dict[str, Any] = {"Id": run_id, "Attempt": extra.pop("Attempt", 0)}
    for key in ("PreviousRunId", "TriggerName"):
        if key in extra:
            run[key] = extra.pop(key)
    run.update(JobName=JOB, JobMode="SCRIPT", JobRunQueuingEnabled=False, StartedOn=_iso(started))
    if seconds is None:
        run["LastModifiedOn"] = _iso(started + timedelta(seconds=7))
    else:
        run["LastModifiedOn"] = run["CompletedOn"] = _iso(started + timedelta(seconds=seconds))
    run["JobRunState"] = state
    run["Arguments"] = extra.pop("Arguments", {"--job-bookmark-option": "job-bookmark-enable"})
    if "ErrorMessage" in extra:
        run["ErrorMessage"] = extra.pop("ErrorMessage")
    run["PredecessorRuns"] = []
    run["AllocatedCapacity"] = _SETTINGS["AllocatedCapacity"]
    run["ExecutionTime"] = extra.pop("ExecutionTime", 0 if seconds is None else seconds - 12)
    run.update({key: value for key, value in _SETTINGS.items() if key != "AllocatedCapacity"})
    run.update(extra)
    return run


def get_job_runs_output(now: datetime | None = None) -> dict[str, Any]:
    """``{"JobRuns": [...]}`` newest first: a run going now, a retried failure, a timeout,
    a stopped run and a FLEX run that reports DPUSeconds."""
    # milliseconds, as AWS keeps them, and never in the future
    at = (now or datetime.now(timezone.utc)).replace(microsecond=123000) - timedelta(seconds=1)
    first = "jr_" + "5f0c" * 16
    return {
        "JobRuns": [
            _run("jr_" + "a1b2" * 16, at - timedelta(minutes=3), "RUNNING", None, TriggerName="nightly-02h"),
            _run(
                f"{first}_attempt_1",
                at - timedelta(days=1, minutes=-20),
                "SUCCEEDED",
                1260,
                Attempt=1,
                PreviousRunId=first,
                TriggerName="nightly-02h",
            ),
            _run(
                first,
                at - timedelta(days=1),
                "FAILED",
                1140,
                TriggerName="nightly-02h",
                ErrorMessage="An error occurred while calling o122.pyWriteDynamicFrame. Access Denied",
            ),
            _run(
                "jr_" + "77de" * 16,
                at - timedelta(days=3),
                "TIMEOUT",
                2880 * 60,
                ExecutionTime=2880 * 60,
                ErrorMessage="The job run time exceeded its specified timeout value.",
            ),
            _run("jr_" + "0e9a" * 16, at - timedelta(days=4), "STOPPED", 300),
            _run(
                "jr_" + "c3f1" * 16,
                at - timedelta(days=5),
                "SUCCEEDED",
                600,
                ExecutionClass="FLEX",
                DPUSeconds=5880.0,
            ),
        ]
    }


def as_served(run: dict[str, Any]) -> dict[str, Any]:
    """A printed run as boto3 reads it back: timestamps as datetimes. A run still going
    has no ExecutionTime until it ends (the plugin reports it then)."""
    served = {
        key: datetime.fromisoformat(value) if key in TIMESTAMPS else value for key, value in run.items()
    }
    if "CompletedOn" not in run:
        served.pop("ExecutionTime", None)
    return served
