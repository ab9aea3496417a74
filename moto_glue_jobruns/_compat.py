"""Seams between moto 5.0 and the newest 5.x, and the check that moto still has them.

Verified on moto 5.0.0, the newest 5.0.x, 5.1.x and the newest 5.x:

* ``moto.core.utils.utcnow``, ``ManagedState``, ``mock_random``, ``state_manager`` and
  ``DEFAULT_ACCOUNT_ID`` exist under these names on every one of them.
* moto's botocore stubber rebuilds ``backend.urls`` from ``moto.glue.urls.url_paths`` on
  every request, so replacing that table's entry is seen at once, in process and by a
  server created after registration.
* ``ThreadedMotoServer.get_host_and_port()`` only exists from moto 5.0.x (not 5.0.0);
  ``server_address`` reads the bound port either way, so ``port=0`` is usable everywhere.
* moto's Logs backend keeps a stream's ``creation_time`` and ``last_ingestion_time`` as
  epoch milliseconds up to 5.2.4 and as naive UTC datetimes from 5.2.5; ``set_log_moment``
  writes whichever the installed moto keeps. ``LogGroup.put_log_events``,
  ``ensure_log_group``/``ensure_log_stream`` and ``LogEvent.ingestion_time`` (epoch ms)
  are the same from 5.0.0 on.
* moto's events ``Rule.send_to_targets(event)``, ``Rule.state``, ``Rule.targets``,
  ``EventPattern.matches_event`` and ``EventBus.rules`` exist from 5.0.0 on; the event's
  ``time`` is epoch seconds there, which moto formats when it delivers. After 5.0.0 moto's
  event message also carries ``ingestion-time``, which delivery reads: ``event_message``
  adds it when the installed moto's own ``EventMessageType`` has it.
* ``MockAWS._nested_count`` counts the active ``mock_aws`` scopes on all of them.

``require_moto_internals()`` checks every piece of moto the plugin reaches into (the
table ``MOTO_INTERNALS``), so a moto release that moved one fails once, at activation,
with a message naming it, instead of with a traceback inside a request.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

TESTED_MOTO = "5.0.0 to 5.2.5"


def _moto_version() -> str:
    try:
        return str(importlib.import_module("moto").__version__)
    except (ImportError, AttributeError):  # pragma: no cover - moto without a version
        return "(unknown version)"


def _missing_error(missing: list[str]) -> RuntimeError:
    plugin = getattr(importlib.import_module(__package__ or "moto_glue_jobruns"), "__version__", "")
    return RuntimeError(
        f"moto-glue-jobruns {plugin} cannot run on moto {_moto_version()}: it needs "
        f"{', '.join(missing)}, which this moto does not have (moto moved or removed it). "
        f"moto-glue-jobruns is tested on moto {TESTED_MOTO}: install one of those "
        "(pip install 'moto>=5.0,<6' picks the newest), or a moto-glue-jobruns release "
        "that supports this moto."
    )


try:
    from moto.core.models import DEFAULT_ACCOUNT_ID, MockAWS
    from moto.core.utils import utcnow
    from moto.moto_api import state_manager
    from moto.moto_api._internal import mock_random
    from moto.moto_api._internal.managed_state_model import ManagedState
except ImportError as error:  # pragma: no cover - exercised in a child process by the tests
    raise _missing_error([f"{error.name or 'moto'} ({error})"]) from error

if TYPE_CHECKING:  # moto.server needs the ``server`` extra (flask); import it lazily
    from moto.server import ThreadedMotoServer

# Every piece of moto the plugin uses: (module, attribute path or "", what it is for).
# A "[key]" step looks the key up in a dict.
MOTO_INTERNALS: tuple[tuple[str, str, str], ...] = (
    ("moto.core.utils", "utcnow", "the clock every timestamp is read from"),
    ("moto.core.utils", "camelcase_to_underscores", "operation dispatch"),
    ("moto.core.models", "DEFAULT_ACCOUNT_ID", "the default account"),
    ("moto.core.models", "MockAWS", "telling whether a mock_aws is active"),
    ("moto.core.base_backend", "BackendDict", "per-account, per-region state moto resets"),
    ("moto.core.base_backend", "BaseBackend", "the job-run backend"),
    ("moto.core.exceptions", "JsonRESTError", "AWS-shaped errors"),
    ("moto.core.responses", "BaseResponse.setup_class", "reading a request"),
    ("moto.core.responses", "BaseResponse._authenticate_and_authorize_normal_action", "moto's IAM checks"),
    ("moto.core.responses", "BaseResponse._get_action", "operation dispatch"),
    ("moto.moto_api", "state_manager.set_transition", "run progression"),
    ("moto.moto_api", "state_manager.get_transition", "run progression"),
    ("moto.moto_api._internal", "mock_random.getrandbits", "run Ids"),
    ("moto.moto_api._internal.managed_state_model", "ManagedState.advance", "run progression"),
    ("moto.moto_api._internal.managed_state_model", "ManagedState.status", "run progression"),
    ("moto.moto_api._internal.urls", "url_paths", "the /moto-api/glue-jobruns/... routes"),
    ("moto.glue.urls", "url_paths[{0}/$]", "routing Glue requests to the plugin"),
    ("moto.glue.models", "glue_backends", "the Glue jobs stock moto keeps"),
    ("moto.glue.models", "FakeJob.as_dict", "adopting and updating stock moto's jobs"),
    ("moto.glue.responses", "GlueResponse.dispatch", "the Glue operations the plugin does not serve"),
    ("moto.utilities.aws_headers", "gen_amzn_requestid_long", "request ids"),
)

_LOCK = threading.Lock()
_verified = False


def require_moto_internals() -> None:
    """Check, once per process, that moto has every piece the plugin needs.

    Raises ``RuntimeError`` naming moto's version and each missing piece. Imports moto's
    Glue (about 60 ms the first time), so call it where the plugin is activated.
    """
    global _verified
    with _LOCK:
        if _verified:
            return
        missing = [
            f"{module}.{path}" if path else module
            for module, path, _ in MOTO_INTERNALS
            if not _has(module, path)
        ]
        if missing:
            raise _missing_error(missing)
        _verified = True


def _has(module_name: str, path: str) -> bool:
    try:
        found: object = importlib.import_module(module_name)
    except ImportError:
        return False
    for step in path.replace("[", ".[").split(".") if path else ():
        if step.startswith("["):
            if not isinstance(found, dict) or step[1:-1] not in found:
                return False
            found = found[step[1:-1]]
        elif not hasattr(found, step):
            return False
        else:
            found = getattr(found, step)
    return True


def mock_aws_active() -> bool:
    """Whether a ``mock_aws`` (decorator, context manager or ``start()``) is active."""
    return int(getattr(MockAWS, "_nested_count", 0)) > 0


# FakeJobRun attribute -> the JobRun member it holds; the same names on moto 5.0.0 to 5.2.x
_STOCK_RUN_MEMBERS = {
    "arguments": "Arguments",
    "allocated_capacity": "AllocatedCapacity",
    "max_capacity": "MaxCapacity",
    "timeout": "Timeout",
    "worker_type": "WorkerType",
    "number_of_workers": "NumberOfWorkers",
    "security_configuration": "SecurityConfiguration",
    "notification_property": "NotificationProperty",
}


@functools.cache
def _stock_run_defaults() -> dict[str, Any]:
    """The values stock moto's FakeJobRun invents when a run does not set them."""
    from moto.glue.models import FakeJobRun

    parameters = inspect.signature(FakeJobRun.__init__).parameters
    return {name: p.default for name, p in parameters.items() if p.default is not inspect.Parameter.empty}


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def stock_job_runs(stock_job: Any) -> list[Any]:
    """The runs stock moto keeps for a job, oldest first (``FakeJob.job_runs``)."""
    runs: list[Any] = getattr(stock_job, "job_runs", [])
    return runs


def stock_run_members(stock_run: Any) -> dict[str, Any]:
    """A run stock moto started, as JobRun members: what the run itself set, never the
    constants stock moto fills in for what it did not."""
    defaults = _stock_run_defaults()
    members: dict[str, Any] = {
        "Id": stock_run.job_run_id,
        "JobRunState": stock_run.status,
        "StartedOn": _epoch(stock_run.started_on),
        "LastModifiedOn": _epoch(stock_run.modified_on),
    }
    previous = getattr(stock_run, "previous_run_id", None)  # moto 5.1+
    if isinstance(previous, str):
        members["PreviousRunId"] = previous
    for attribute, member in _STOCK_RUN_MEMBERS.items():
        value = getattr(stock_run, attribute, None)
        if value is not None and (attribute not in defaults or value != defaults[attribute]):
            members[member] = value
    return members


def server_address(server: ThreadedMotoServer) -> tuple[str, int]:
    """The host and port a started ``ThreadedMotoServer`` listens on (``port=0`` too)."""
    get_host_and_port = getattr(server, "get_host_and_port", None)
    if get_host_and_port is None:  # pragma: no cover - moto 5.0.0 has no accessor: ask werkzeug
        bound = server._server
        if bound is None:
            raise RuntimeError("start() the ThreadedMotoServer before asking for its address")
        return str(bound.server_address[0]), int(bound.server_address[1])
    host, port = get_host_and_port()
    return str(host), int(port)


def event_message(event: dict[str, Any], at: float) -> dict[str, Any]:
    """``event`` (AWS's members) as moto's events backend carries it to targets."""
    return {**event, "ingestion-time": at} if _events_read_ingestion_time() else dict(event)


@functools.cache
def _events_read_ingestion_time() -> bool:
    from moto.events.utils import EventMessageType

    return "ingestion-time" in EventMessageType.__annotations__


def set_log_moment(owner: Any, attribute: str, epoch_ms: int) -> None:
    """Set a moment moto's Logs backend keeps on ``owner`` (a stream's ``creation_time`` or
    ``last_ingestion_time``, already set by moto) in the form this moto keeps it in."""
    if isinstance(getattr(owner, attribute), datetime):  # moto >= 5.2.5
        setattr(owner, attribute, datetime.fromtimestamp(epoch_ms / 1000, timezone.utc).replace(tzinfo=None))
    else:
        setattr(owner, attribute, epoch_ms)


__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "MOTO_INTERNALS",
    "ManagedState",
    "event_message",
    "mock_aws_active",
    "stock_job_runs",
    "stock_run_members",
    "mock_random",
    "require_moto_internals",
    "server_address",
    "set_log_moment",
    "state_manager",
    "utcnow",
]
