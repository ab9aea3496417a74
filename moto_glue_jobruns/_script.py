"""What a job's script gets when it runs locally: its source, its command line, and an
environment in which its AWS calls reach this mock and nothing else.

The source is the job's ``Command.ScriptLocation``, read from moto's S3 (or a local path the
test gives). Its calls go to a loopback moto server started in this process, so it shares
the backends the test reads; every SDK setting of the environment is replaced.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import boto3

from ._compat import server_address

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
    missing = [name for name in ("flask", "flask_cors") if importlib.util.find_spec(name) is None]
    if missing:  # moto.server would only warn, then fail on first use
        raise ScriptUnavailable(
            f"running job scripts needs moto's server ({', '.join(missing)} missing): "
            'pip install "moto-glue-jobruns[server]"'
        )
    from moto.server import ThreadedMotoServer

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
