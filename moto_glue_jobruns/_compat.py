"""Seams between moto 5.0 and the newest 5.x: every import from moto internals lives here.

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
"""

from __future__ import annotations

import functools
import inspect
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.utils import utcnow
from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

if TYPE_CHECKING:  # moto.server needs the ``server`` extra (flask); import it lazily
    from moto.server import ThreadedMotoServer


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
    "stock_job_runs",
    "stock_run_members",
    "ManagedState",
    "event_message",
    "mock_random",
    "server_address",
    "set_log_moment",
    "state_manager",
    "utcnow",
]
