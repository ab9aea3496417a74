"""Running a job's own Python script for the runs of jobs a test opted in (``execute_job_scripts``).

The script is the job's ``Command.ScriptLocation``, read from moto's S3 (or a local path
the test gives), run by a Python interpreter with the arguments Glue passes. Its AWS
calls reach the same mocked account through a loopback moto server that shares this
process's backends; the environment points every SDK at it, so a script never reaches AWS.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from moto.core.common_types import TYPE_RESPONSE

from ._compat import server_address
from ._lifecycle import RunContext, StateChange, Subscriber, subscribe
from ._process import ScriptProcess
from ._run import ACTIVE_STATES, JobRun, Outcome, Progress, now

if TYPE_CHECKING:
    from ._store import RunStore

SPARK_RUNTIME_MODULES = ("awsglue", "pyspark")
# Where a request escaping the endpoint would go: nothing listens on the discard port.
_DEAD_PROXY = "http://127.0.0.1:9"
# Variables that could point an SDK at a real account or endpoint.
_SCRUBBED_PREFIXES = ("AWS_",)
_SERVER_LOCK = threading.Lock()


@dataclass(frozen=True)
class Execution:
    """How a job's runs execute its script: the interpreter, and a script path if given."""

    python: str
    script: str | None = None


class ScriptUnavailable(ValueError):
    """The script could not be read; the message says where it was looked for."""


def script_source(account_id: str, script_location: str | None, execution: Execution) -> bytes:
    """The script's text: the test's local path, else ScriptLocation in moto's S3 (or on disk)."""
    location = execution.script or script_location
    if not location:
        raise ScriptUnavailable("the job has no Command.ScriptLocation and no script path was given")
    if location.startswith("s3://"):
        bucket, _, key = location[len("s3://") :].partition("/")
        from moto.s3.models import s3_backends

        try:
            found = s3_backends[account_id]["global"].get_object(bucket, key)
        except Exception:  # moto raises its own MissingBucket / MissingKey
            found = None
        if found is None:
            raise ScriptUnavailable(
                f"no object {location} in moto's S3 of account {account_id}: put the script there "
                "first, or give a local path (execute_job_scripts(..., script=...))"
            )
        value: bytes = found.value
        return value
    path = Path(location.removeprefix("file://"))
    try:
        return path.read_bytes()
    except OSError as error:
        raise ScriptUnavailable(f"cannot read the script {str(path)!r}: {error.strerror}") from None


def glue_argv(
    python: str, script: str, job_name: str, run_id: str, arguments: Mapping[str, str]
) -> list[str]:
    """The command line Glue gives a job script: ``--JOB_NAME``, ``--JOB_RUN_ID`` and the run's
    resolved arguments, each as ``--key value``, as ``getResolvedOptions`` parses them."""
    argv = [python, script, "--JOB_NAME", job_name, "--JOB_RUN_ID", run_id]
    for key, value in arguments.items():
        argv += [key if key.startswith("--") else f"--{key}", value]
    return argv


def script_environment(account_id: str, region: str, endpoint: str) -> dict[str, str]:
    """The script's environment: this one without AWS settings, every SDK pointed at ``endpoint``
    with credentials that moto maps to ``account_id``."""
    key_id, secret = _credentials(account_id, endpoint)
    env = {key: value for key, value in os.environ.items() if not key.startswith(_SCRUBBED_PREFIXES)}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION=region,
        AWS_REGION=region,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        HTTP_PROXY=_DEAD_PROXY,
        HTTPS_PROXY=_DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",  # lines reach the log streams as they are printed
    )
    for name in ("http_proxy", "https_proxy", "no_proxy"):
        env[name] = env[name.upper()]
    return env


SCRIPT_USER = "moto-glue-jobruns-scripts"
_keys: dict[str, tuple[str, str]] = {}


def _credentials(account_id: str, endpoint: str) -> tuple[str, str]:
    """Credentials whose calls moto files under ``account_id``: the ``testing`` keys where
    they already are, else an access key of an IAM user made for scripts in that account
    (moto maps an access key to the account that created it)."""
    from moto.iam.models import get_account_id_from

    for key_id, secret in (("testing", "testing"), _keys.get(account_id, ("", ""))):
        if key_id and get_account_id_from(key_id) == account_id:
            return key_id, secret
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.meta.events.register(
        "before-sign.iam.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account_id)
    )
    try:
        iam.create_user(UserName=SCRIPT_USER)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    created = iam.create_access_key(UserName=SCRIPT_USER)["AccessKey"]
    _keys[account_id] = (created["AccessKeyId"], created["SecretAccessKey"])
    return _keys[account_id]


@functools.cache
def _endpoint_server() -> str:
    """A moto server on a free loopback port, in this process, so it shares its backends."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:  # flask and friends come with the server extra
        raise ScriptUnavailable(
            f"running job scripts needs moto's server ({error.name} is missing): "
            'pip install "moto-glue-jobruns[server]"'
        ) from None
    quiet = logging.getLogger("werkzeug")
    if quiet.level == logging.NOTSET:  # one request log line per script call is noise here
        quiet.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server_address(server)
    return f"http://{host}:{port}"


def script_endpoint() -> str:
    """The endpoint scripts send their AWS calls to (started on first use)."""
    with _SERVER_LOCK:
        return _endpoint_server()


def missing_runtime_hint(message: str | None) -> str | None:
    """A clearer ErrorMessage when a script died importing Glue's Spark runtime."""
    if message is None or "No module named" not in message:
        return None
    for module in SPARK_RUNTIME_MODULES:
        if f"'{module}" in message:
            return (
                f"{message}: the script needs Glue's Spark runtime ({', '.join(SPARK_RUNTIME_MODULES)}), "
                "which the local executor does not provide; install them for the interpreter it "
                "uses, or pass python= one that has them"
            )
    return None


class RunDirectory:
    """A temporary folder holding one run's copy of the script, removed after the run."""

    def __init__(self, source: bytes, name: str) -> None:
        self.path = tempfile.mkdtemp(prefix="glue-run-")
        self.script = os.path.join(self.path, name or "script.py")
        with open(self.script, "wb") as handle:
            handle.write(source)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


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
        store = _store(backend, job_name)
        script_source(backend.account_id, store.job.script_location, execution)  # readable now
        store.execution = execution
    _ensure_subscribed()


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
        self.ended_at: float | None = None  # the clock's moment of exit (freezegun-aware)
        self.elapsed = 0.0  # real seconds the process ran
        self._on_end = on_end
        self._started = time.monotonic()
        self.process = ScriptProcess(argv, env=env, cwd=directory.path, on_line=on_line, on_exit=self._exited)

    def _exited(self, code: int) -> None:
        """From the process's waiter thread, before its exit status shows."""
        self.elapsed = time.monotonic() - self._started
        self.ended_at = now()
        self.directory.remove()
        self._on_end()

    @property
    def status(self) -> str | None:
        code = self.process.returncode
        if code is None:
            return "RUNNING"
        state = "SUCCEEDED" if code == 0 else "FAILED"
        if self.following["RUNNING"] != state:
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

    def reached_at(self, at: float) -> float:
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
        try:
            source = script_source(context.account_id, store.job.script_location, execution)
        except ScriptUnavailable as error:  # gone since the opt-in: the run fails, saying why
            run.progress = Progress.to_outcome(
                Outcome("FAILED", error_message=f"The script could not be run: {error}")
            )
            return
        directory = RunDirectory(source, os.path.basename(location))
        argv = glue_argv(execution.python, directory.script, context.job_name, run.id, run.settings.arguments)
        env = script_environment(context.account_id, context.region, script_endpoint())

        def forget() -> None:
            with self.lock:
                self.running.pop(key, None)

        progress = ScriptProgress(argv, env, directory, run.progress, lambda stream, line: None, forget)
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
    with _SERVER_LOCK:
        if not _subscribed:
            _subscribed.append(subscribe(EXECUTOR))


_EXECUTE_MEMBERS = ("JobName", "Python", "Script", "AccountId", "Region")


def execute_endpoint(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """``POST /moto-api/glue-jobruns/execute``: ``execute_job_scripts`` over HTTP, with
    ``{"JobName": ..., "Python": optional, "Script": optional, "AccountId", "Region"}``."""
    from ._body import BodyTooLarge, read_body
    from .seeding import MAX_BODY_BYTES

    def answer(status: int, body: Mapping[str, Any]) -> TYPE_RESPONSE:
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    try:
        payload = json.loads(read_body(request, MAX_BODY_BYTES) or b"null")
    except BodyTooLarge as error:
        return answer(413, {"__type": "RequestEntityTooLargeException", "message": str(error)})
    except (ValueError, RecursionError):
        return answer(400, {"__type": "InvalidInputException", "message": "the body is not valid JSON"})
    try:
        if not isinstance(payload, dict):
            raise ValueError('the body must be a JSON object like {"JobName": ...}')
        unknown = sorted(str(key) for key in payload if key not in _EXECUTE_MEMBERS)
        if unknown:
            raise ValueError(f"unknown member {unknown[0]!r}; allowed: {', '.join(_EXECUTE_MEMBERS)}")
        for member in ("Python", "Script"):
            if payload.get(member) is not None and not isinstance(payload[member], str):
                raise ValueError(f"{member}: expected a string path")
        execute_job_scripts(
            payload.get("JobName"),  # type: ignore[arg-type]  # checked by execute_job_scripts
            python=payload.get("Python"),
            script=payload.get("Script"),
            account_id=payload.get("AccountId"),
            region_name=payload.get("Region", "us-east-1"),
        )
    except (ValueError, ScriptUnavailable) as error:
        return answer(400, {"__type": "InvalidInputException", "message": str(error)})
    return answer(200, {})
