"""One job run: its stored fields, where a live run is heading, and its JobRun shape.

A finished run is a handful of slots and shares its settings with its siblings, so a
million stored runs stay small. A live run also holds a ``Progress`` (moto's
``ManagedState`` for ``glue::job_run``) until it reaches a terminal state. How a run
moves from state to state is ``_lifecycle``'s business, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Any

from ._compat import ManagedState, utcnow
from ._job import RunSettings

MODEL_NAME = "glue::job_run"
ACTIVE_STATES = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})
HOLDS_SLOT = frozenset({"STARTING", "RUNNING", "STOPPING"})
STOPPABLE = frozenset({"STARTING", "RUNNING", "WAITING"})
ERROR_STATES = frozenset({"FAILED", "ERROR", "TIMEOUT"})
TIMES_OUT = frozenset({"STARTING", "RUNNING"})  # states a run leaves for TIMEOUT past its Timeout
OUTCOME_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED")

# What AWS's "job run statuses" page says each abnormal end means; used when a test
# does not choose an ErrorMessage itself.
DEFAULT_ERROR_MESSAGES = {
    "FAILED": "The job run terminated with an unknown exit code.",
    "ERROR": "A workflow, schedule trigger, or event trigger attempted to run a deleted job.",
    "TIMEOUT": "The job run time exceeded its specified timeout value.",
}
QUEUED_STATE_DETAIL = "Job run is waiting for resources: max concurrent runs for the job exceeded."

_TRANSITIONS: dict[str, list[tuple[str | None, str]]] = {
    state: [("STARTING", "RUNNING"), ("RUNNING", state)] for state in OUTCOME_STATES
}
_TRANSITIONS["STOPPED"] = [("STARTING", "RUNNING"), ("RUNNING", "STOPPING"), ("STOPPING", "STOPPED")]
_STOP_TRANSITIONS: list[tuple[str | None, str]] = [("STOPPING", "STOPPED")]


def now() -> float:
    """The wall clock as epoch seconds, read through moto's ``utcnow`` at call time."""
    return utcnow().replace(tzinfo=timezone.utc).timestamp()


@dataclass(frozen=True, slots=True)
class LogLine:
    """A line a run writes; ``timestamp`` (epoch seconds) None means "placed by the run"."""

    message: str
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class RunLogs:
    """What a run's ``output`` and ``error`` streams hold; None: the driver's own lines."""

    output: tuple[LogLine, ...] | None = None
    error: tuple[LogLine, ...] | None = None

    def lines(self, stream: str) -> tuple[LogLine, ...] | None:
        return self.output if stream == "output" else self.error


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a started run ends: its terminal state and, optionally, its figures and lines."""

    state: str = "SUCCEEDED"
    error_message: str | None = None
    execution_time: int | None = None
    dpu_seconds: float | None = None
    logs: RunLogs | None = None


class Progress(ManagedState):
    """moto's state manager drives a live run; this remembers where it is heading.

    Also what the lifecycle needs while the run is live: when it entered its current
    state, when it started running, and which states it has sent a delay notice for.
    """

    def __init__(self, transitions: list[tuple[str | None, str]], outcome: Outcome) -> None:
        super().__init__(model_name=MODEL_NAME, transitions=transitions)
        self.following = dict(transitions)
        self.outcome = outcome
        self.running_since: float | None = None
        self.state_since: float | None = None
        self.delay_noticed: set[str] = set()

    @classmethod
    def to_outcome(cls, outcome: Outcome) -> Progress:
        return cls(_TRANSITIONS[outcome.state], outcome)

    @classmethod
    def resume(cls, state: str, outcome: Outcome) -> Progress:
        """Progress towards ``outcome`` for a run already in ``state`` (an adopted run)."""
        transitions = _TRANSITIONS[outcome.state]
        sources = [source for source, _ in transitions]
        return cls(transitions[sources.index(state) :] if state in sources else transitions, outcome)

    @classmethod
    def stopping(cls, logs: RunLogs | None = None) -> Progress:
        return cls(_STOP_TRANSITIONS, Outcome("STOPPED", logs=logs))

    def reached_at(self, state: str, at: float) -> float:
        """When the run reached ``state`` on its way to ``status``: the moment of the read,
        for moto's state manager (a script run knows when its process started and ended)."""
        return at

    def path(self, start: str, end: str) -> list[str]:
        """The states after ``start`` up to ``end``, along this run's transitions.

        moto's ``immediate`` progression jumps to the last state in one read; every state
        passed on the way is still a change of its own."""
        following = self.following
        states: list[str] = []
        state = start
        while state != end and state in following and len(states) < len(following):
            state = following[state]
            states.append(state)
        return states if state == end else [end]


@dataclass(slots=True, eq=False)
class JobRun:
    """A stored run. Timestamps are epoch seconds; ``None`` means "not set"."""

    id: str
    settings: RunSettings
    state: str
    started_on: float
    last_modified_on: float
    completed_on: float | None = None
    attempt: int = 0
    previous_run_id: str | None = None
    error_message: str | None = None
    execution_time: int | None = None
    dpu_seconds: float | None = None
    state_detail: str | None = None
    predecessor_runs: list[dict[str, str]] | None = None
    progress: Progress | None = None

    @property
    def deadline(self) -> float:
        """When the run ends TIMEOUT if it is still STARTING or RUNNING."""
        return self.started_on + self.settings.timeout * 60

    def to_dict(self, job_name: str, *, predecessors: bool = True) -> dict[str, Any]:
        """The JobRun shape GetJobRuns and GetJobRun answer with for this run."""
        members: dict[str, Any] = {
            "Id": self.id,
            "Attempt": self.attempt,
            "JobName": job_name,
            "StartedOn": self.started_on,
            "LastModifiedOn": self.last_modified_on,
            "JobRunState": self.state,
            "PredecessorRuns": (self.predecessor_runs or []) if predecessors else [],
        }
        if self.previous_run_id is not None:
            members["PreviousRunId"] = self.previous_run_id
        if self.error_message is not None:
            members["ErrorMessage"] = self.error_message
        if self.state_detail is not None:
            members["StateDetail"] = self.state_detail
        completed = self.completed_on
        if completed is not None:
            members["CompletedOn"] = completed
            execution_time = self.execution_time
            if execution_time is None:
                execution_time = max(0, int(completed - self.started_on))
            members["ExecutionTime"] = execution_time
            dpu_seconds = self.dpu_seconds
            if dpu_seconds is None:
                factor = self.settings.dpu_factor
                dpu_seconds = None if factor is None else float(execution_time * factor)
            if dpu_seconds is not None:
                members["DPUSeconds"] = dpu_seconds
        members.update(self.settings.members)
        return members
