"""One job run: its stored fields, how it progresses, and its JobRun shape.

A finished run is a handful of slots and shares its settings with its siblings, so a
million stored runs stay small. A live run also holds a ``Progress`` (moto's
``ManagedState`` for ``glue::job_run``) until it reaches a terminal state.
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
TIMED_STATES = frozenset({"STARTING", "RUNNING"})  # a run past its Timeout in these ends TIMEOUT
ERROR_STATES = frozenset({"FAILED", "ERROR", "TIMEOUT"})
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
class Outcome:
    """How a started run ends: its terminal state and, optionally, its figures."""

    state: str = "SUCCEEDED"
    error_message: str | None = None
    execution_time: int | None = None
    dpu_seconds: float | None = None


class Progress(ManagedState):
    """moto's state manager drives a live run; this remembers where it is heading."""

    def __init__(self, transitions: list[tuple[str | None, str]], outcome: Outcome) -> None:
        super().__init__(model_name=MODEL_NAME, transitions=transitions)
        self.outcome = outcome
        self.running_since: float | None = None

    @classmethod
    def to_outcome(cls, outcome: Outcome) -> Progress:
        return cls(_TRANSITIONS[outcome.state], outcome)

    @classmethod
    def stopping(cls) -> Progress:
        return cls(_STOP_TRANSITIONS, Outcome("STOPPED"))


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

    def time_out(self) -> None:
        """A seeded STARTING or RUNNING run past its Timeout ends as a started one does;
        a seeded RUNNING run is taken to have been running since it started."""
        since = self.started_on if self.state == "RUNNING" else None
        self.finish("TIMEOUT", self.deadline, running_since=since)

    def refresh(self, at: float) -> bool:
        """Apply timeout and the state manager's progression; True if the run just ended."""
        progress = self.progress
        if progress is None:
            return False
        if self.state in TIMED_STATES:
            deadline = self.deadline
            if at >= deadline:
                self.finish("TIMEOUT", deadline)
                return True
        status = progress.status
        if status is None or status == self.state:
            return False
        if progress.running_since is None and self.state == "STARTING":
            progress.running_since = at
        self.state = status
        self.last_modified_on = at
        if status in ACTIVE_STATES:
            return False
        self.finish(status, at)
        return True

    def stop(self, at: float) -> None:
        """BatchStopJobRun: STOPPING now, STOPPED as the state manager moves it on."""
        running_since = self.progress.running_since if self.progress else None
        self.progress = Progress.stopping()
        self.progress.running_since = running_since if running_since is not None else at
        self.state = "STOPPING"
        self.state_detail = None
        self.last_modified_on = at

    def finish(
        self, state: str, at: float, message: str | None = None, running_since: float | None = None
    ) -> None:
        """End the run in ``state`` at time ``at``, filling AWS's end-of-run figures.

        ExecutionTime counts from ``running_since``, else from when the state manager
        moved the run to RUNNING, else it is 0."""
        progress = self.progress
        outcome = progress.outcome if progress and progress.outcome.state == state else Outcome(state)
        if running_since is None and progress is not None:
            running_since = progress.running_since
        if running_since is None:
            running_since = at
        self.state = state
        self.completed_on = at
        self.last_modified_on = at
        self.state_detail = None
        if state in ERROR_STATES:
            self.error_message = message or outcome.error_message or DEFAULT_ERROR_MESSAGES[state]
        if outcome.execution_time is not None:
            self.execution_time = outcome.execution_time
        else:
            self.execution_time = max(0, int(at - running_since))
        self.dpu_seconds = outcome.dpu_seconds
        self.progress = None

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
