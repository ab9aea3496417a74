"""Set up run history and decide how started runs end, without going through AWS calls.

``seed_job_runs`` stores runs given in the JobRun shape; ``set_run_outcomes`` chooses how
the runs the code under test starts will end. Both validate everything before storing
anything, and both are also served over HTTP for moto's server mode.
"""

from __future__ import annotations

import itertools
import json
import os
import reprlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

from ._body import BodyTooLarge, read_body
from ._compat import DEFAULT_ACCOUNT_ID
from ._job import OVERRIDABLE
from ._logs import LOGS_MEMBER, LOGS_USAGE, parse_logs, write_history
from ._run import (
    ACTIVE_STATES,
    DEFAULT_ERROR_MESSAGES,
    ERROR_STATES,
    OUTCOME_STATES,
    QUEUED_STATE_DETAIL,
    TIMES_OUT,
    JobRun,
    Outcome,
    RunLogs,
    now,
)
from ._shapes import Checker, job_run_shape
from ._store import RunStore, new_run_id
from .exceptions import GlueJobRunError
from .models import JobRunBackend, jobrun_backends

MAX_RUNS_PER_CALL = 1_000_000  # one call may not ask for more memory than this
# An HTTP seeding body: room for ~200,000 typical runs per call; parsing JSON can take a
# few dozen times the body's size, so this bounds one request to a few hundred MB.
MAX_BODY_BYTES = 16 * 1024 * 1024
_OUTCOME_MEMBERS = ("JobRunState", "ErrorMessage", "ExecutionTime", "DPUSeconds", LOGS_MEMBER)


def seed_job_runs(
    job_name: str,
    runs: Iterable[Mapping[str, Any]],
    *,
    account_id: str | None = None,
    region_name: str = "us-east-1",
) -> list[str]:
    """Store ``runs`` (dicts in the JobRun shape) as history of ``job_name``.

    Returns the run Ids in input order. Members left out are filled from the job
    definition and AWS's defaults. A run may also carry this plugin's ``Logs`` member,
    ``{"output": [line, ...], "error": [line, ...]}``: it then has its CloudWatch log
    streams, whatever its age (a line is a string or ``{"message": ..., "timestamp": ...}``).
    Raises ``ValueError`` naming the field on bad input, having stored nothing.
    """
    backend = _backend(account_id, region_name)
    raw_runs = _bounded_list("JobRuns", runs)
    with backend.lock:
        store = _store(backend, job_name)
        at = now()
        validation = _Validation()
        built = [_build_run(store, validation, raw, index, at) for index, raw in enumerate(raw_runs)]
        _check_unique(store, built)
        store.add(built)
        for run, logs in validation.logs:
            write_history(store.lifecycle.context, run, logs, at)
    return [run.id for run in built]


def set_run_outcomes(
    job_name: str,
    outcomes: Iterable[Mapping[str, Any]],
    *,
    account_id: str | None = None,
    region_name: str = "us-east-1",
) -> None:
    """Choose how the next runs of ``job_name`` end; the last outcome repeats.

    Each outcome is a partial JobRun: ``JobRunState`` (SUCCEEDED, FAILED, TIMEOUT, ERROR
    or STOPPED), optionally ``ErrorMessage``, ``ExecutionTime``, ``DPUSeconds`` and this
    plugin's ``Logs``: ``{"output": [...], "error": [...]}``, the lines (strings) the run
    prints when it starts RUNNING, in place of the driver's own.
    """
    backend = _backend(account_id, region_name)
    parsed = [_parse_outcome(raw, index) for index, raw in enumerate(_bounded_list("Outcomes", outcomes))]
    if not parsed:
        raise ValueError("Outcomes: give at least one outcome")
    with backend.lock:
        _store(backend, job_name).outcomes = parsed


# --------------------------------------------------------------------------- helpers


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80


def _shown(value: Any) -> str:
    """A short repr for an error message, whatever the caller passed."""
    try:
        return _REPR.repr(value)
    except ValueError:  # an int too long to print
        return f"<{type(value).__name__}>"


def _bounded_list(name: str, items: Any) -> list[Any]:
    """``items`` as a list, refusing more than MAX_RUNS_PER_CALL before holding them all."""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ValueError(f"{name}: expected a list of dicts, got {type(items).__name__}")
    bounded = list(itertools.islice(items, MAX_RUNS_PER_CALL + 1))
    if len(bounded) > MAX_RUNS_PER_CALL:
        raise ValueError(f"{name}: at most {MAX_RUNS_PER_CALL} per call")
    return bounded


def _backend(account_id: str | None, region_name: str) -> JobRunBackend:
    account = account_id or os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
    if not isinstance(account, str) or not (account.isdigit() and len(account) == 12):
        raise ValueError(f"AccountId: {_shown(account)} is not a 12-digit AWS account id")
    if not isinstance(region_name, str):
        raise ValueError(f"Region: {_shown(region_name)} is not a region name")
    try:
        return jobrun_backends[account][region_name]
    except KeyError:
        raise ValueError(f"Region: {_shown(region_name)} is not a region Glue serves") from None


def _store(backend: JobRunBackend, job_name: str) -> RunStore:
    if not isinstance(job_name, str):
        raise ValueError(f"JobName: expected a string, got {type(job_name).__name__}")
    try:
        return backend.store(job_name)
    except GlueJobRunError:
        raise ValueError(
            f"JobName: no job {_shown(job_name)} in account {backend.account_id}, region "
            f"{backend.region_name}; create it with CreateJob first"
        ) from None


# Timestamps every SDK can read back: inside the years 1 to 9999 whatever the time zone.
_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc).timestamp()
_LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()


def _timestamp(name: str, value: Any) -> float:
    seconds = _seconds(name, value)
    if not _EARLIEST <= seconds <= _LATEST:  # also refuses NaN
        raise ValueError(f"{name}: {_shown(value)} is not a moment between the years 1 and 9999")
    return seconds


def _seconds(name: str, value: Any) -> float:
    try:
        if isinstance(value, datetime):
            aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
            return aware.timestamp()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            return _seconds(name, datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"{name}: expected a datetime, epoch seconds or ISO 8601 text, got {_shown(value)}")


class _Validation:
    """Type, enum and range checks of JobRun-shaped dicts against the model.

    A scalar value once accepted for a member is remembered, so seeding many runs that
    share states, figures and settings checks each distinct value once.
    """

    def __init__(self) -> None:
        self.members = job_run_shape().members
        self.accepted: set[tuple[str, type, Any]] = set()
        self.logs: list[tuple[JobRun, RunLogs]] = []  # seeded runs that carry Logs

    def checked(self, raw: Any, index: int) -> dict[str, Any]:
        if not isinstance(raw, dict) and not isinstance(raw, Mapping):
            raise ValueError(
                f"JobRuns[{index}]: expected a dict in the JobRun shape, got {type(raw).__name__}"
            )
        if not self.members.keys() >= raw.keys():
            unknown = sorted(str(key) for key in raw if key not in self.members and key != LOGS_MEMBER)
            if unknown:
                raise ValueError(
                    f"JobRuns[{index}]: unknown member {unknown[0]!r}; allowed: {', '.join(self.members)}, "
                    f"and this plugin's {LOGS_USAGE}"
                )
        values = {key: value for key, value in raw.items() if value is not None}
        for key in _TIMESTAMPS:
            if key in values:
                values[key] = _timestamp(key, values[key])  # the conversion is the check
        accepted = self.accepted
        for key, value in values.items():
            if key in _TIMESTAMPS or key == LOGS_MEMBER:
                continue
            if not isinstance(value, (str, int, float)) or (key, type(value), value) not in accepted:
                self._check(key, value, index)
        return values

    def _check(self, key: str, value: Any, index: int) -> None:
        member = self.members[key]
        enum = getattr(member, "enum", None)
        if enum and isinstance(value, str) and value not in enum:
            raise ValueError(f"{key}: {_shown(value)} is not one of {', '.join(enum)}")
        checker = Checker()
        try:
            checker.check(member, value, key)
        except GlueJobRunError as error:
            raise ValueError(f"{key}: {error.message}; got {_shown(value)}") from None
        if checker.violations:
            raise ValueError(f"JobRuns[{index}]: " + "; ".join(checker.violations))
        if isinstance(value, (str, int, float)):  # hashable, and checked by value alone
            self.accepted.add((key, type(value), value))


_TIMESTAMPS = ("StartedOn", "LastModifiedOn", "CompletedOn")


def _build_run(store: RunStore, validation: _Validation, raw: Any, index: int, at: float) -> JobRun:
    """One seeded run from its checked members; a run with ``Logs`` is noted for writing."""
    values = validation.checked(raw, index)
    if values.get("JobName", store.job.name) != store.job.name:
        raise ValueError(
            f"JobName: {_shown(values['JobName'])} is not the job being seeded ({store.job.name!r})"
        )
    state = values.get("JobRunState", "SUCCEEDED")
    active = state in ACTIVE_STATES
    started = values.get("StartedOn", at)
    if active:
        # AWS (so `aws glue get-job-runs`) also prints ExecutionTime, the seconds so far, for
        # a run still going: accepted as given; the run reports its own once it has ended.
        for late in ("CompletedOn", "DPUSeconds"):
            if late in values:
                raise ValueError(f"{late}: only a finished run has one, and JobRunState is {state}")
    if (state == "SUCCEEDED" or active) and "ErrorMessage" in values:
        raise ValueError(f"ErrorMessage: only a run that did not succeed has one, and JobRunState is {state}")
    completed = values.get("CompletedOn")
    if completed is None and not active:
        completed = started + values.get("ExecutionTime", 0)
    if completed is not None and completed < started:
        raise ValueError(f"CompletedOn: {completed} is before StartedOn {started}")
    if completed is not None and completed > _LATEST:
        raise ValueError(
            f"ExecutionTime: StartedOn {started} plus {completed - started} s is past the year 9999"
        )
    last_modified = values.get("LastModifiedOn", completed if completed is not None else started)
    if last_modified < started:
        raise ValueError(f"LastModifiedOn: {last_modified} is before StartedOn {started}")
    if values.keys().isdisjoint(_SETTINGS_MEMBERS):
        settings = store.default_settings
    else:
        overrides = {key: values[key] for key in OVERRIDABLE if key in values}
        settings = store.settings_for(overrides, values.get("Arguments"))
    if state in TIMES_OUT and started + settings.timeout * 60 <= at:
        raise ValueError(
            f"StartedOn: a {state} run started at {started} is past its Timeout of {settings.timeout} "
            "minutes, so it would have ended TIMEOUT; seed it as TIMEOUT, or give a later StartedOn "
            "or a longer Timeout"
        )
    run = JobRun(
        id=values.get("Id") or new_run_id(),
        settings=settings,
        state=state,
        started_on=started,
        last_modified_on=last_modified,
        completed_on=completed,
        attempt=values.get("Attempt", 0),
        previous_run_id=values.get("PreviousRunId"),
        error_message=values.get("ErrorMessage", DEFAULT_ERROR_MESSAGES.get(state)),
        execution_time=values.get("ExecutionTime"),
        dpu_seconds=values.get("DPUSeconds"),
        state_detail=values.get("StateDetail", QUEUED_STATE_DETAIL if state == "WAITING" else None),
        predecessor_runs=values.get("PredecessorRuns"),
    )
    if LOGS_MEMBER in values:
        until = completed if completed is not None else max(started, at)
        where = f"JobRuns[{index}].{LOGS_MEMBER}"
        validation.logs.append((run, parse_logs(values[LOGS_MEMBER], where, _timestamp, (started, until))))
    return run


_SETTINGS_MEMBERS = frozenset({*OVERRIDABLE, "Arguments"})


def _check_unique(store: RunStore, runs: list[JobRun]) -> None:
    seen: set[str] = set()
    for run in runs:
        if run.id in seen or run.id in store.by_id:
            raise ValueError(f"Id: {run.id!r} is already a run of job {store.job.name!r}")
        seen.add(run.id)


def _parse_outcome(raw: Any, index: int) -> Outcome:
    if not isinstance(raw, Mapping):
        raise ValueError(f"Outcomes[{index}]: expected a dict, got {type(raw).__name__}")
    extra = sorted(str(key) for key in raw if key not in _OUTCOME_MEMBERS)
    if extra:
        raise ValueError(
            f"Outcomes[{index}]: unknown member {extra[0]!r}; allowed: {', '.join(_OUTCOME_MEMBERS)}"
        )
    values = _Validation().checked(raw, index)
    state = values.get("JobRunState", "SUCCEEDED")
    if state not in OUTCOME_STATES:
        raise ValueError(f"JobRunState: {state!r} is not one of {', '.join(OUTCOME_STATES)}")
    if "ErrorMessage" in values and state not in ERROR_STATES:
        raise ValueError(f"ErrorMessage: only FAILED, ERROR or TIMEOUT runs have one, not {state}")
    logs = values.get(LOGS_MEMBER)
    return Outcome(
        state=state,
        error_message=values.get("ErrorMessage"),
        execution_time=values.get("ExecutionTime"),
        dpu_seconds=values.get("DPUSeconds"),
        logs=None if logs is None else parse_logs(logs, f"Outcomes[{index}].{LOGS_MEMBER}", None),
    )


# ------------------------------------------------------------------ server-mode routes


def _json_response(status: int, body: Mapping[str, Any]) -> TYPE_RESPONSE:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def _endpoint(request: Any, runs_key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    body = read_body(request, MAX_BODY_BYTES)
    try:
        payload = json.loads(body or b"null")
    except (ValueError, RecursionError):
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise ValueError(f'the body must be a JSON object like {{"JobName": ..., "{runs_key}": [...]}}')
    allowed = {"JobName", runs_key, "AccountId", "Region"}
    unknown = sorted(str(key) for key in payload if key not in allowed)
    if unknown:
        raise ValueError(f"unknown member {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")
    if not isinstance(payload.get(runs_key), list):
        raise ValueError(f"{runs_key}: expected a JSON list")
    region = payload.get("Region", "us-east-1")
    options = {"account_id": payload.get("AccountId"), "region_name": region}
    return payload, options


def seed_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/seed``: ``seed_job_runs`` over HTTP."""
    try:
        payload, options = _endpoint(request, "JobRuns")
        ids = seed_job_runs(payload.get("JobName"), payload["JobRuns"], **options)  # type: ignore[arg-type]
    except BodyTooLarge as error:
        return _json_response(413, {"__type": "RequestEntityTooLargeException", "message": str(error)})
    except (ValueError, RecursionError) as error:
        return _json_response(400, {"__type": "InvalidInputException", "message": str(error)})
    return _json_response(200, {"JobRunIds": ids})


def outcomes_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/outcomes``: ``set_run_outcomes`` over HTTP."""
    try:
        payload, options = _endpoint(request, "Outcomes")
        set_run_outcomes(payload.get("JobName"), payload["Outcomes"], **options)  # type: ignore[arg-type]
    except BodyTooLarge as error:
        return _json_response(413, {"__type": "RequestEntityTooLargeException", "message": str(error)})
    except (ValueError, RecursionError) as error:
        return _json_response(400, {"__type": "InvalidInputException", "message": str(error)})
    return _json_response(200, {})
