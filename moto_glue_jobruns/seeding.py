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
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

from ._body import BodyTooLarge, read_body
from ._compat import DEFAULT_ACCOUNT_ID, mock_aws_active
from ._job import OVERRIDABLE
from ._logs import LOGS_MEMBER, LOGS_USAGE, parse_logs, write_history
from ._run import (
    ACTIVE_STATES,
    DEFAULT_ERROR_MESSAGES,
    ERROR_STATES,
    OUTCOME_STATES,
    QUEUED_STATE_DETAIL,
    JobRun,
    Outcome,
    RunLogs,
    now,
)
from ._shapes import Checker, job_run_shape
from ._store import HISTORY_SECONDS, RunStore, new_run_ids
from .exceptions import GlueJobRunError
from .models import JobRunBackend, jobrun_backends, where_jobs_are

MAX_RUNS_PER_CALL = 1_000_000  # one call may not ask for more memory than this
# An HTTP seeding body: room for ~200,000 typical runs per call; parsing JSON can take a
# few dozen times the body's size, so this bounds one request to a few hundred MB.
MAX_BODY_BYTES = 16 * 1024 * 1024
_OUTCOME_MEMBERS = ("JobRunState", "ErrorMessage", "ExecutionTime", "DPUSeconds", LOGS_MEMBER)
SEED_ROUTE = "/moto-api/glue-jobruns/seed"
OUTCOMES_ROUTE = "/moto-api/glue-jobruns/outcomes"


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
    return _seed(job_name, runs, account_id, region_name, route=None)


def _seed(
    job_name: str, runs: Iterable[Mapping[str, Any]], account_id: Any, region_name: Any, route: str | None
) -> list[str]:
    backend = _backend(account_id, region_name)
    raw_runs = _bounded_list("JobRuns", runs)
    with backend.lock:
        store = _store(backend, job_name, route or SEED_ROUTE, served=route is not None)
        at = now()
        builder = _Builder(store, at)
        built = builder.build_all(raw_runs)
        _check_unique(store, built)
        store.add(built)
        for run, logs in builder.logs:
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
    or STOPPED), optionally ``ErrorMessage``, ``ExecutionTime`` and ``DPUSeconds``.
    """
    _set_outcomes(job_name, outcomes, account_id, region_name, route=None)


def _set_outcomes(
    job_name: str, outcomes: Iterable[Mapping[str, Any]], account_id: Any, region_name: Any, route: str | None
) -> None:
    backend = _backend(account_id, region_name)
    parsed = [_parse_outcome(raw, index) for index, raw in enumerate(_bounded_list("Outcomes", outcomes))]
    if not parsed:
        raise ValueError("Outcomes: give at least one outcome")
    with backend.lock:
        _store(backend, job_name, route or OUTCOMES_ROUTE, served=route is not None).outcomes = parsed


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


def _backend(account_id: Any, region_name: Any) -> JobRunBackend:
    """The backend of the account (given, else ``MOTO_ACCOUNT_ID``, else moto's default)
    and region; "not given" is ``None`` only, so ``""`` or ``0`` is refused."""
    account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID) if account_id is None else account_id
    if not isinstance(account, str) or not (account.isascii() and account.isdigit() and len(account) == 12):
        raise ValueError(f"AccountId: {_shown(account)} is not a 12-digit AWS account id like '123456789012'")
    if not isinstance(region_name, str):
        raise ValueError(f"Region: {_shown(region_name)} is not a region name like 'us-east-1'")
    try:
        return jobrun_backends[account][region_name]
    except KeyError:
        raise ValueError(f"Region: {_shown(region_name)} is not a region Glue serves") from None


def _store(backend: JobRunBackend, job_name: Any, route: str, *, served: bool) -> RunStore:
    """The runs of ``job_name``, or a ``ValueError`` saying where the job was looked for
    and what would make it found (``served``: the request came in over ``route``)."""
    if not isinstance(job_name, str):
        raise ValueError(f"JobName: expected a string, got {type(job_name).__name__}")
    try:
        return backend.store(job_name)
    except GlueJobRunError:
        pass
    account, region = backend.account_id, backend.region_name
    elsewhere = [place for place in where_jobs_are(job_name) if place != (account, region)]
    found = "; ".join(f"account {a}, region {r}" for a, r in elsewhere[:5])
    if served:
        where = f"in account {account}, region {region} of this moto server"
        hint = (
            f'a job of that name is in {found}: give "AccountId" and "Region" to match'
            if elsewhere
            else "create it with CreateJob against this server first"
        )
    else:
        active = "a mock_aws is active" if mock_aws_active() else "no mock_aws is active"
        where = f"in account {account}, region {region} of the moto backend in this process ({active})"
        if elsewhere:
            hint = f"a job of that name is in {found}: pass account_id= and region_name= to match"
        elif mock_aws_active():
            hint = f"create it with CreateJob in this mock (region {region}) first"
        else:
            hint = (
                "call this inside the @mock_aws test or `with mock_aws():` block that created "
                "the job (outside one, only a ThreadedMotoServer running in this process is seen)"
            )
        hint += f"; for a moto server in another process, use its POST {route} route"
    raise ValueError(f"JobName: no job {_shown(job_name)} {where}; {hint}")


# Timestamps every SDK can read back: inside the years 1 to 9999 whatever the time zone.
_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc).timestamp()
_LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()


def _timestamp(name: str, value: Any) -> float:
    """``value`` (a datetime, epoch seconds or ISO 8601 text) as epoch seconds, checked."""
    kind = type(value)
    seconds: float
    if kind is datetime and value.tzinfo is not None:  # the common case, first
        seconds = value.timestamp()
    elif kind is float:
        seconds = value
    else:
        seconds = _seconds(name, value)
    if not _EARLIEST <= seconds <= _LATEST:  # also refuses NaN
        if isinstance(value, (int, float)) and _LATEST < seconds <= _LATEST * 1000:
            moment = datetime.fromtimestamp(seconds / 1000, timezone.utc).isoformat()
            raise ValueError(
                f"{name}: {_shown(value)} looks like epoch milliseconds ({moment}); give epoch "
                "seconds (divide by 1000), a datetime or ISO 8601 text"
            )
        raise ValueError(f"{name}: {_shown(value)} is not a moment between the years 1 and 9999")
    return seconds


def _too_old(started: float, at: float) -> ValueError:
    shown = datetime.fromtimestamp(started, timezone.utc).isoformat()
    clock = datetime.fromtimestamp(at, timezone.utc).isoformat()
    return ValueError(
        f"StartedOn: {shown} is more than 365 days before now ({clock} by moto's clock); AWS "
        "keeps 365 days of job-run history, so GetJobRuns would never list this run. Give "
        "dates relative to now (datetime.now(timezone.utc) - timedelta(days=3)), or freeze "
        "time near them (freezegun, time-machine)"
    )


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

    A scalar value once accepted for a member is remembered (by its exact type, so 1,
    1.0 and True stay apart), so seeding many runs that share states, figures and settings
    walks the model once per distinct value.
    """

    def __init__(self) -> None:
        self.members = job_run_shape().members
        self.accepted: dict[type, dict[str, set[Any]]] = {str: {}, int: {}, float: {}, bool: {}}

    def check(self, raw: Any, index: int) -> None:
        """Check every member of ``raw`` but the timestamps (their conversion checks them)."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
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
        accepted = self.accepted
        for key, value in raw.items():
            if value is None or key in _TIMESTAMPS or key == LOGS_MEMBER:  # AWS reads null as absent
                continue
            by_member = accepted.get(type(value))
            if by_member is not None and value in by_member.get(key, ()):
                continue
            self._check(key, value, index)

    def checked(self, raw: Any, index: int) -> dict[str, Any]:
        """``raw`` (with no timestamps) checked, without its null members."""
        self.check(raw, index)
        return {key: value for key, value in raw.items() if value is not None}

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
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ValueError(f"{key}: {_shown(value)} is negative; a run's {key} is 0 or more")
        by_member = self.accepted.get(type(value))
        if by_member is not None:  # hashable, and checked by value alone
            by_member.setdefault(key, set()).add(value)


_TIMESTAMPS = frozenset({"StartedOn", "LastModifiedOn", "CompletedOn"})
# AWS (so `aws glue get-job-runs`) also prints ExecutionTime, the seconds so far, for a run
# still going: accepted as given; the run reports its own once it has ended.
_FINISHED_ONLY = ("CompletedOn", "DPUSeconds")


class _Builder:
    """Turns the JobRun-shaped dicts of one seeding call into runs of ``store``'s job."""

    def __init__(self, store: RunStore, at: float) -> None:
        self.store = store
        self.at = at
        self.oldest = at - HISTORY_SECONDS
        self.validation = _Validation()
        self.unnamed: list[JobRun] = []  # runs given no Id, in order
        self.logs: list[tuple[JobRun, RunLogs]] = []  # runs that carry Logs, to write once stored

    def build_all(self, raw_runs: list[Any]) -> list[JobRun]:
        build = self.build
        runs = [build(raw, index) for index, raw in enumerate(raw_runs)]
        # drawn at once, the Ids are the ones drawing them run by run would give
        for run, run_id in zip(self.unnamed, new_run_ids(len(self.unnamed)), strict=True):
            run.id = run_id
        return runs

    def build(self, raw: Any, index: int) -> JobRun:
        self.validation.check(raw, index)
        get = raw.get
        store = self.store
        job_name = get("JobName")
        if job_name is not None and job_name != store.job.name:
            raise ValueError(f"JobName: {_shown(job_name)} is not the job being seeded ({store.job.name!r})")
        state = get("JobRunState")
        if state is None:
            state = "SUCCEEDED"
        started = get("StartedOn")
        started = self.at if started is None else _timestamp("StartedOn", started)
        if started < self.oldest:
            raise _too_old(started, self.at)
        completed = get("CompletedOn")
        if completed is not None:
            completed = _timestamp("CompletedOn", completed)
        execution_time = get("ExecutionTime")
        error_message = get("ErrorMessage")
        active = state in ACTIVE_STATES
        if active:
            for late in _FINISHED_ONLY:
                if get(late) is not None:
                    raise ValueError(f"{late}: only a finished run has one, and JobRunState is {state}")
        if error_message is None:
            error_message = DEFAULT_ERROR_MESSAGES.get(state)
        elif state == "SUCCEEDED" or active:
            raise ValueError(
                f"ErrorMessage: only a run that did not succeed has one, and JobRunState is {state}"
            )
        if completed is None and not active:
            completed = started if execution_time is None else started + execution_time
        if completed is not None:
            if completed < started:
                raise ValueError(f"CompletedOn: {completed} is before StartedOn {started}")
            if completed > _LATEST:
                raise ValueError(
                    f"ExecutionTime: StartedOn {started} plus {completed - started} s is past the year 9999"
                )
        last_modified = get("LastModifiedOn")
        if last_modified is None:
            last_modified = started if completed is None else completed
        else:
            last_modified = _timestamp("LastModifiedOn", last_modified)
            if last_modified < started:
                raise ValueError(f"LastModifiedOn: {last_modified} is before StartedOn {started}")
        if raw.keys().isdisjoint(_SETTINGS_MEMBERS):
            settings = store.default_settings
        else:
            overrides = {key: raw[key] for key in OVERRIDABLE if get(key) is not None}
            settings = store.settings_for(overrides, get("Arguments"))
        state_detail = get("StateDetail")
        if state_detail is None and state == "WAITING":
            state_detail = QUEUED_STATE_DETAIL
        attempt = get("Attempt")
        run_id = get("Id")
        run = JobRun(
            "" if run_id is None else run_id,
            settings,
            state,
            started,
            last_modified,
            completed,
            0 if attempt is None else attempt,
            get("PreviousRunId"),
            error_message,
            execution_time,
            get("DPUSeconds"),
            state_detail,
            get("PredecessorRuns"),
        )
        if run_id is None:
            self.unnamed.append(run)
        logs = get(LOGS_MEMBER)
        if logs is not None:
            until = completed if completed is not None else max(started, self.at)
            where = f"JobRuns[{index}].{LOGS_MEMBER}"
            self.logs.append((run, parse_logs(logs, where, _timestamp, (started, until))))
        return run


_SETTINGS_MEMBERS = frozenset({*OVERRIDABLE, "Arguments"})


def _check_unique(store: RunStore, runs: list[JobRun]) -> None:
    ids = [run.id for run in runs]
    if len(set(ids)) == len(ids) and store.by_id.keys().isdisjoint(ids):
        return
    seen: set[str] = set()
    for run_id in ids:
        if run_id in seen or run_id in store.by_id:
            raise ValueError(f"Id: {run_id!r} is already a run of job {store.job.name!r}")
        seen.add(run_id)


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


def _json_response(status: int, body: Mapping[str, Any], **headers: str) -> TYPE_RESPONSE:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(body)


def _endpoint(request: Any, runs_key: str) -> tuple[Any, list[Any], Any, Any]:
    """JobName, the list, AccountId and Region of a route's body (``None``: not given)."""
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
    region = payload.get("Region")
    region = "us-east-1" if region is None else region  # JSON null is "not given", as in AWS's APIs
    return payload.get("JobName"), payload[runs_key], payload.get("AccountId"), region


def _route(
    request: Any, route: str, runs_key: str, call: Callable[[Any, list[Any], Any, Any, str], Any]
) -> TYPE_RESPONSE:
    """Answer one route: POST only; 200, or a JSON 4xx having stored nothing."""
    method = getattr(request, "method", "POST")
    if method != "POST":
        message = f'{route} takes POST with a JSON body {{"JobName": ..., "{runs_key}": [...]}}, not {method}'
        return _json_response(405, {"__type": "MethodNotAllowedException", "message": message}, Allow="POST")
    try:
        job_name, items, account_id, region = _endpoint(request, runs_key)
        answer = call(job_name, items, account_id, region, route)
    except BodyTooLarge as error:
        return _json_response(413, {"__type": "RequestEntityTooLargeException", "message": str(error)})
    except (ValueError, RecursionError) as error:
        return _json_response(400, {"__type": "InvalidInputException", "message": str(error)})
    return _json_response(200, {"JobRunIds": answer} if answer is not None else {})


def seed_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/seed``: ``seed_job_runs`` over HTTP."""
    return _route(request, SEED_ROUTE, "JobRuns", _seed)


def outcomes_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/outcomes``: ``set_run_outcomes`` over HTTP."""
    return _route(request, OUTCOMES_ROUTE, "Outcomes", _set_outcomes)
