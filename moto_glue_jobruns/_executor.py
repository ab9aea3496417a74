"""Runs that do their work: for a job opted in with ``execute_job_scripts``, each run
executes the job's script in a child process and follows it.

The executor hangs off the lifecycle hub: a run entering STARTING starts its script,
STOPPING or any end kills it, and the run's progress reads the process (RUNNING while it
runs, SUCCEEDED on exit 0, FAILED otherwise). moto's reset kills what still runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from moto.core.common_types import TYPE_RESPONSE

from ._lifecycle import RunContext, StateChange, Subscriber, subscribe
from ._logs import append_run_log
from ._logs import logs_backend as logs_backend_of
from ._process import ScriptProcess
from ._run import ACTIVE_STATES, JobRun, Outcome, Progress, now
from ._script import (
    Execution,
    RunDirectory,
    ScriptUnavailable,
    glue_argv,
    missing_runtime_hint,
    script_endpoint,
    script_environment,
    script_source,
)

if TYPE_CHECKING:
    from ._store import RunStore

_SUBSCRIBE_LOCK = threading.Lock()


def execute_job_scripts(
    job_name: str,
    *,
    python: str | os.PathLike[str] | None = None,
    script: str | os.PathLike[str] | None = None,
    account_id: str | None = None,
    region_name: str = "us-east-1",
) -> None:
    """Make the runs of ``job_name`` execute the job's script instead of following outcomes.

    The script is the job's ``Command.ScriptLocation`` in moto's S3 (or ``script``, a local
    path), run by ``python`` (default: this interpreter) with the arguments Glue passes. Its
    AWS calls reach this mock; its stdout and stderr go to the run's log streams.
    """
    _execute(job_name, python, script, account_id, region_name, served=False)


EXECUTE_ROUTE = "/moto-api/glue-jobruns/execute"


def _execute(
    job_name: Any, python: Any, script: Any, account_id: Any, region_name: Any, *, served: bool
) -> None:
    from .seeding import _backend, _store

    interpreter = shutil.which(os.fspath(python if python is not None else sys.executable))
    if interpreter is None:
        raise ValueError(f"python: {python!r} is not an executable interpreter (a path, or a name on PATH)")
    if script is not None and not isinstance(script, (str, os.PathLike)):
        raise ValueError(f"script: expected a path, got {type(script).__name__}")
    execution = Execution(python=interpreter, script=None if script is None else os.fspath(script))
    backend = _backend(account_id, region_name)
    script_endpoint()  # fails here, with what to install, if moto's server is missing
    with backend.lock:
        store = _store(backend, job_name, EXECUTE_ROUTE, served=served)
        script_source(backend.account_id, store.job.script_location, execution)  # readable now
        store.execution = execution
    _ensure_subscribed()


def _real_seconds() -> float:
    """A clock that freezegun leaves alone (it freezes time.monotonic with the wall clock):
    a script's ExecutionTime is the seconds it really ran."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class ScriptProgress(Progress):
    """A live run driven by its script's process instead of moto's state manager:
    RUNNING while the process runs, SUCCEEDED on exit 0, FAILED otherwise."""

    def __init__(
        self,
        argv: list[str],
        env: Mapping[str, str],
        directory: RunDirectory,
        taken_over: Progress,
        on_line: Callable[[str, str], None],
        on_end: Callable[[], None],
    ) -> None:
        super().__init__([("STARTING", "RUNNING"), ("RUNNING", "SUCCEEDED")], Outcome())
        self.directory = directory
        self.running_since = taken_over.running_since
        self.state_since = taken_over.state_since
        self.delay_noticed = taken_over.delay_noticed
        self.spawned_at = now()  # the clock's moments (freezegun-aware) of start and exit
        self.ended_at: float | None = None
        self.elapsed = 0.0  # real seconds the process ran
        self._on_end = on_end
        self._started = _real_seconds()
        self.process = ScriptProcess(argv, env=env, cwd=directory.path, on_line=on_line, on_exit=self._exited)

    def _exited(self, code: int) -> None:
        """From the process's waiter thread, before its exit status shows."""
        self.elapsed = _real_seconds() - self._started
        self.ended_at = now()
        self.directory.remove()
        self._on_end()

    @property
    def status(self) -> str | None:
        code = self.process.returncode
        if code is None:
            return "RUNNING"
        state = "SUCCEEDED" if code == 0 else "FAILED"
        if self.outcome.execution_time is None:  # the first read since the exit
            message = None
            if state == "FAILED":
                message = self.process.error_message()
                message = missing_runtime_hint(message) or message or f"The script exited with status {code}."
            self.outcome = Outcome(state, error_message=message, execution_time=int(self.elapsed))
            self.following["RUNNING"] = state
        return state

    @status.setter
    def status(self, value: str) -> None:
        raise AttributeError("a script run's state follows its process")

    def reached_at(self, state: str, at: float) -> float:
        if state == "RUNNING":
            return min(at, self.spawned_at)
        return at if self.ended_at is None else min(at, self.ended_at)

    def advance(self) -> None:
        """A read does not move a script run on; its process does."""


class ScriptExecutor(Subscriber):
    """Starts a script when a run of an opted-in job enters STARTING; kills it when the
    run is stopped or ends otherwise (timeout), and on moto's reset."""

    def __init__(self) -> None:
        self.running: dict[tuple[str, str, str], ScriptProgress] = {}
        self.lock = threading.RLock()

    def state_changed(self, change: StateChange) -> None:
        context, run = change.context, change.run
        key = (context.account_id, context.region, run.id)
        if change.state == "STARTING":
            store = _store_of(context)
            if store is not None and store.execution is not None:
                self._spawn(store, run, store.execution, key)
        elif change.state not in ACTIVE_STATES or change.state == "STOPPING":
            with self.lock:
                progress = self.running.pop(key, None)
            if progress is not None:
                progress.process.kill()

    def _spawn(self, store: RunStore, run: JobRun, execution: Execution, key: tuple[str, str, str]) -> None:
        context = store.lifecycle.context
        assert run.progress is not None
        location = execution.script or store.job.script_location or "script.py"

        def forget() -> None:
            with self.lock:
                self.running.pop(key, None)

        logs_backend = logs_backend_of(context)  # kept: a line read after a reset goes nowhere

        def write(stream: str, line: str) -> None:
            append_run_log(context, run, stream, [(int(now() * 1000), line)], backend=logs_backend)

        directory = None
        try:
            source = script_source(context.account_id, store.job.script_location, execution)
            directory = RunDirectory(source, os.path.basename(location))
            argv = glue_argv(
                execution.python, directory.script, context.job_name, run.id, run.settings.arguments
            )
            env = script_environment(context.account_id, context.region, script_endpoint())
            progress = ScriptProgress(argv, env, directory, run.progress, write, forget)
        except (ScriptUnavailable, OSError) as error:  # gone since the opt-in: the run fails, saying why
            if directory is not None:
                directory.remove()
            reason = (
                error if isinstance(error, ScriptUnavailable) else f"{execution.python}: {error.strerror}"
            )
            run.progress = Progress.to_outcome(
                Outcome("FAILED", error_message=f"The script could not be run: {reason}")
            )
            return
        run.progress = progress
        with self.lock:
            if progress.ended_at is None:  # else it ended already, and forget() has run
                self.running[key] = progress

    def kill_region(self, account_id: str, region: str) -> None:
        """moto's reset of one backend: no script of its runs keeps running."""
        with self.lock:
            doomed = [key for key in self.running if key[:2] == (account_id, region)]
            progresses = [self.running.pop(key) for key in doomed]
        for progress in progresses:
            progress.process.kill()


def _store_of(context: RunContext) -> RunStore | None:
    from .models import jobrun_backends

    return jobrun_backends[context.account_id][context.region].stores.get(context.job_name)


EXECUTOR = ScriptExecutor()
_subscribed: list[Callable[[], None]] = []


def _ensure_subscribed() -> None:
    with _SUBSCRIBE_LOCK:
        if not _subscribed:
            _subscribed.append(subscribe(EXECUTOR))


_EXECUTE_MEMBERS = ("JobName", "Python", "Script", "AccountId", "Region")


def execute_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/execute``: ``execute_job_scripts`` over HTTP, with
    ``{"JobName": ..., "Python": optional, "Script": optional, "AccountId", "Region"}``."""
    from ._body import BodyTooLarge, read_body
    from .seeding import MAX_BODY_BYTES, _json_response

    method = getattr(request, "method", "POST")
    if method != "POST":
        message = f'{EXECUTE_ROUTE} takes POST with a JSON body {{"JobName": ...}}, not {method}'
        return _json_response(405, {"__type": "MethodNotAllowedException", "message": message}, Allow="POST")
    try:
        payload = json.loads(read_body(request, MAX_BODY_BYTES) or b"null")
        if not isinstance(payload, dict):
            raise ValueError('the body must be a JSON object like {"JobName": ...}')
        unknown = sorted(str(key) for key in payload if key not in _EXECUTE_MEMBERS)
        if unknown:
            raise ValueError(f"unknown member {unknown[0]!r}; allowed: {', '.join(_EXECUTE_MEMBERS)}")
        for member in ("Python", "Script"):
            if payload.get(member) is not None and not isinstance(payload[member], str):
                raise ValueError(f"{member}: expected a string path")
        region = payload.get("Region")
        _execute(
            payload.get("JobName"),
            payload.get("Python"),
            payload.get("Script"),
            payload.get("AccountId"),
            "us-east-1" if region is None else region,
            served=True,
        )
    except BodyTooLarge as error:
        return _json_response(413, {"__type": "RequestEntityTooLargeException", "message": str(error)})
    except json.JSONDecodeError:
        return _json_response(
            400, {"__type": "InvalidInputException", "message": "the body is not valid JSON"}
        )
    except (ValueError, RecursionError) as error:
        return _json_response(400, {"__type": "InvalidInputException", "message": str(error)})
    return _json_response(200, {})
