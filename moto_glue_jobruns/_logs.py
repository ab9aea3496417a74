"""What a run writes to CloudWatch Logs, kept in moto's own Logs backend.

A run that reaches RUNNING gets two streams named ``<--custom-logStream-prefix><run id>``:
one in ``<group>/output`` and one in ``<group>/error``, where ``<group>`` is the run's
``--custom-logGroup-prefix`` or else its ``LogGroupName`` (``/aws-glue/jobs``); groups are
created when missing, in the run's account and region. With
``--enable-continuous-cloudwatch-log`` the same lines also go to
``<--continuous-log-logGroup, default /aws-glue/jobs/logs-v2>`` in the stream
``<--continuous-log-logStreamPrefix><run id>``.

The lines come in two batches: what the job prints when it starts RUNNING (the lines its
outcome gives, else the driver's opening line), and how it ends when it ends (the
driver's closing line unless the outcome gave that stream's lines; for FAILED, ERROR and
TIMEOUT the error stream ends with the ErrorMessage). ``append_run_log`` adds lines at any
time. Seeded history is written at once by ``write_history``, whatever its age.

Lines go in through each log group's own ``put_log_events``: moto's PutLogEvents operation
drops events older than 14 days, and a run seeded 90 days ago must keep its logs.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import botocore.session

from ._compat import set_log_moment
from ._lifecycle import RunContext, StateChange, Subscriber
from ._run import ACTIVE_STATES, ERROR_STATES, JobRun, LogLine, RunLogs

STREAMS = ("output", "error")
CONTINUOUS_LOG_GROUP = "/aws-glue/jobs/logs-v2"  # --continuous-log-logGroup's default
# The driver's own lines when a test gives none: what it says on starting and on ending.
_OPENING = {
    "output": "Job run {run_id} of job {job} started (Glue {glue_version})",
    "error": "INFO GlueJobRunner: starting job run {run_id} of job {job}",
}
_CLOSING = {
    "output": "Job run {run_id} of job {job} ended: {state}",
    "error": "INFO GlueJobRunner: job run {run_id} ended with state {state}",
}
_log = logging.getLogger(__name__)
# One writer at a time: the lifecycle writes under the job-run backend's lock, a script's
# reader threads write whenever its lines come; they must not interleave in one stream.
_WRITING = threading.Lock()
Event = dict[str, Any]  # PutLogEvents' InputLogEvent: {"timestamp": epoch ms, "message": str}


@dataclass(frozen=True, slots=True)
class RunStreams:
    """Where a run's lines go: (group, stream) per stream name, and the continuous one."""

    output: tuple[str, str]
    error: tuple[str, str]
    continuous: tuple[str, str] | None

    @classmethod
    def of(cls, run: JobRun) -> RunStreams:
        arguments = run.settings.arguments
        group = arguments.get("--custom-logGroup-prefix") or run.settings.log_group_name
        stream = arguments.get("--custom-logStream-prefix", "") + run.id
        continuous = None
        if arguments.get("--enable-continuous-cloudwatch-log") == "true":
            continuous = (
                arguments.get("--continuous-log-logGroup") or CONTINUOUS_LOG_GROUP,
                arguments.get("--continuous-log-logStreamPrefix", "") + run.id,
            )
        return cls((f"{group}/output", stream), (f"{group}/error", stream), continuous)

    def named(self, stream: str) -> tuple[str, str]:
        if stream not in STREAMS:
            raise ValueError(f"stream: {stream!r} is not one of {', '.join(STREAMS)}")
        return self.output if stream == "output" else self.error


def append_run_log(
    context: RunContext, run: JobRun, stream: str, lines: Iterable[tuple[int, str]], *, backend: Any = None
) -> None:
    """Append ``lines`` (epoch milliseconds, text) to the run's ``output`` or ``error``
    stream, and to its continuous-logging stream if it has one; streams and groups are
    created when missing. Safe from any thread. ``backend``: the Logs backend to write to,
    when the caller holds on to the one it started with (a script's reader thread does, so
    that a line read after moto's reset lands in the discarded backend, not the new one)."""
    streams = RunStreams.of(run)
    group, name = streams.named(stream)
    events: list[Event] = [{"timestamp": int(timestamp), "message": message} for timestamp, message in lines]
    if backend is None:
        backend = logs_backend(context)
    if backend is None or not events:
        return
    first = min(event["timestamp"] for event in events) / 1000
    _put(backend, group, name, events, first)
    if streams.continuous is not None:
        _put(backend, *streams.continuous, events, first)


def write_history(context: RunContext, run: JobRun, logs: RunLogs, now: float) -> None:
    """A seeded run's streams, complete: given lines at their timestamps (else spread
    evenly from StartedOn to CompletedOn, or to ``now`` for a live run), the driver's
    lines for a stream not given, stream times set as if written while it ran."""
    backend = logs_backend(context)
    if backend is None:
        return
    end = run.completed_on if run.completed_on is not None else max(run.started_on, now)
    streams = RunStreams.of(run)
    merged: list[Event] = []
    for name in STREAMS:
        given = logs.lines(name)
        if given is None:
            events = [_event(run.started_on, _line(_OPENING, name, context, run, "RUNNING"))]
            if run.state not in ACTIVE_STATES:
                events.append(_event(end, _line(_CLOSING, name, context, run, run.state)))
        else:
            events = _spread(given, run.started_on, end)
        if name == "error":
            events += _error_message(run, events[-1]["message"] if events else None, end)
        events.sort(key=_timestamp)
        merged += events
        _put(backend, *streams.named(name), events, run.started_on, history=True)
    if streams.continuous is not None:
        merged.sort(key=_timestamp)
        _put(backend, *streams.continuous, merged, run.started_on, history=True)


class RunLogWriter(Subscriber):
    """Writes a live run's lines as it starts RUNNING and as it ends."""

    def state_changed(self, change: StateChange) -> None:
        state = change.state
        if state != "RUNNING" and state in ACTIVE_STATES:
            return
        backend = logs_backend(change.context)
        if backend is None:
            return
        run = change.run
        streams = RunStreams.of(run)
        logs = change.outcome.logs if change.outcome is not None else None
        if state == "RUNNING":
            written = {name: self._opening(change, logs, name) for name in STREAMS}
        else:
            if not _exists(backend, *streams.output):
                return  # ended before it ever ran: AWS writes no driver logs either
            written = {name: self._closing(change, logs, name) for name in STREAMS}
        for name in STREAMS:
            _put(backend, *streams.named(name), written[name], change.at)
        if streams.continuous is not None:
            _put(backend, *streams.continuous, written["output"] + written["error"], change.at)

    @staticmethod
    def _opening(change: StateChange, logs: RunLogs | None, name: str) -> list[Event]:
        given = logs.lines(name) if logs is not None else None
        if given is None:
            return [_event(change.at, _line(_OPENING, name, change.context, change.run, "RUNNING"))]
        return [_event(change.at, line.message) for line in given]

    @staticmethod
    def _closing(change: StateChange, logs: RunLogs | None, name: str) -> list[Event]:
        given = logs.lines(name) if logs is not None else None
        if given is None:
            events = [_event(change.at, _line(_CLOSING, name, change.context, change.run, change.state))]
            last = events[-1]["message"]
        else:
            events, last = [], given[-1].message if given else None
        if name == "error":
            events += _error_message(change.run, last, change.at)
        return events


# ------------------------------------------------------------------------ the Logs member

LOGS_MEMBER = "Logs"  # the key outside the JobRun shape that seeding and outcomes accept
LOGS_USAGE = '"Logs": {"output": [line, ...], "error": [line, ...]}'


def parse_logs(
    raw: Any,
    where: str,
    moment: Callable[[str, Any], float] | None,
    within: tuple[float, float] | None = None,
) -> RunLogs:
    """Check a ``Logs`` member and read it into ``RunLogs``.

    A line is a non-empty string or ``{"message": str, "timestamp": moment}``; timestamps
    are read by ``moment`` and must fall ``within`` the run, and with no ``moment``
    (outcomes: the run has not started yet) a line may not carry one."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected {LOGS_USAGE}, got {type(raw).__name__}")
    unknown = sorted(str(key) for key in raw if key not in STREAMS)
    if unknown:
        raise ValueError(f"{where}: unknown stream {unknown[0]!r}; allowed: {', '.join(STREAMS)}")
    streams: dict[str, tuple[LogLine, ...]] = {}
    limit = max_lines()
    for name, lines in raw.items():
        if isinstance(lines, (str, bytes, Mapping)) or not isinstance(lines, Iterable):
            raise ValueError(f"{where}.{name}: expected a list of lines, got {type(lines).__name__}")
        items = list(itertools.islice(lines, limit + 1))
        if len(items) > limit:
            raise ValueError(f"{where}.{name}: at most {limit} lines (PutLogEvents' limit)")
        streams[name] = tuple(
            _parse_line(item, f"{where}.{name}[{i}]", moment, within) for i, item in enumerate(items)
        )
    return RunLogs(output=streams.get("output"), error=streams.get("error"))


def _parse_line(
    item: Any, where: str, moment: Callable[[str, Any], float] | None, within: tuple[float, float] | None
) -> LogLine:
    message: Any
    raw_timestamp: Any
    if isinstance(item, str):
        message, raw_timestamp = item, None
    elif isinstance(item, Mapping):
        unknown = sorted(str(key) for key in item if key not in ("message", "timestamp"))
        if unknown:
            raise ValueError(f"{where}: unknown member {unknown[0]!r}; allowed: message, timestamp")
        message, raw_timestamp = item.get("message"), item.get("timestamp")
    else:
        raise ValueError(
            f'{where}: expected a string or {{"message": ..., "timestamp": ...}}, got {type(item).__name__}'
        )
    if not isinstance(message, str) or not message:
        raise ValueError(
            f"{where}: the message must be a non-empty string (CloudWatch keeps no empty events)"
        )
    if raw_timestamp is None:
        return LogLine(message)
    if moment is None:
        raise ValueError(f"{where}: an outcome's lines are written while the run runs; give no timestamp")
    timestamp = moment(f"{where}.timestamp", raw_timestamp)
    if within is not None and not within[0] <= timestamp <= within[1]:
        first, last = (datetime.fromtimestamp(t, timezone.utc).isoformat() for t in within)
        shown = datetime.fromtimestamp(timestamp, timezone.utc).isoformat()
        raise ValueError(f"{where}.timestamp: {shown} is outside the run, which ran from {first} to {last}")
    return LogLine(message, timestamp)


@functools.cache
def max_lines() -> int:
    """Most lines one stream may be given: what one PutLogEvents call takes (botocore's model)."""
    model = botocore.session.get_session().get_service_model("logs")
    return int(model.operation_model("PutLogEvents").input_shape.members["logEvents"].metadata["max"])


# ----------------------------------------------------------------------------- helpers


def logs_backend(context: RunContext) -> Any:
    """moto's Logs backend of the run's account and region (None: a region it does not serve)."""
    from moto.logs.models import logs_backends  # loaded on the first run that logs

    try:
        return logs_backends[context.account_id][context.region]
    except KeyError:  # a region moto's Logs does not serve
        return None


def _put(
    backend: Any, group_name: str, stream_name: str, events: list[Event], at: float, *, history: bool = False
) -> None:
    """Write ``events`` through the group's own ``put_log_events`` (no 14-day limit).

    A stream created here is dated ``at`` (moto would date it by the wall clock, a little
    after the run's moment); ``history`` also dates the events' ingestion by their own
    timestamps, as if they had been written while the seeded run ran."""
    with _WRITING:
        _put_unlocked(backend, group_name, stream_name, events, at, history=history)


def _put_unlocked(
    backend: Any, group_name: str, stream_name: str, events: list[Event], at: float, *, history: bool
) -> None:
    backend.ensure_log_group(group_name)
    group = backend.groups[group_name]
    if stream_name not in group.streams:
        group.create_log_stream(stream_name)
        set_log_moment(group.streams[stream_name], "creation_time", int(at * 1000))
    if not events:
        return
    try:
        group.put_log_events(stream_name, events)
    except Exception as error:  # the events are stored; a subscription filter moto cannot serve failed
        _log.warning("moto could not forward run logs from %s to a subscription: %s", group_name, error)
    if history:
        stream = group.streams[stream_name]
        for event in stream.events[-len(events) :]:
            event.ingestion_time = event.timestamp
        set_log_moment(stream, "last_ingestion_time", max(e["timestamp"] for e in events))


def _exists(backend: Any, group_name: str, stream_name: str) -> bool:
    group = backend.groups.get(group_name)
    return group is not None and stream_name in group.streams


def _event(at: float, message: str) -> Event:
    return {"timestamp": int(at * 1000), "message": message}


def _timestamp(event: Event) -> int:
    return int(event["timestamp"])


def _spread(lines: Sequence[LogLine], start: float, end: float) -> list[Event]:
    """Lines at their own timestamps; the others evenly from ``start`` to ``end``, in order."""
    step = (end - start) / (len(lines) - 1) if len(lines) > 1 else 0.0
    return [
        _event(line.timestamp if line.timestamp is not None else start + index * step, line.message)
        for index, line in enumerate(lines)
    ]


def _error_message(run: JobRun, last: str | None, at: float) -> list[Event]:
    """A FAILED, ERROR or TIMEOUT run's error stream ends with its ErrorMessage (unless
    its last line already is that message)."""
    message = run.error_message
    if run.state not in ERROR_STATES or not message or last == message:
        return []
    return [_event(at, message)]


def _line(lines: dict[str, str], name: str, context: RunContext, run: JobRun, state: str) -> str:
    fields = {"run_id": run.id, "job": context.job_name, "glue_version": run.settings.glue_version}
    return lines[name].format(state=state, **fields)


__all__ = [
    "CONTINUOUS_LOG_GROUP",
    "LOGS_MEMBER",
    "STREAMS",
    "RunLogWriter",
    "RunStreams",
    "append_run_log",
    "parse_logs",
    "write_history",
]
