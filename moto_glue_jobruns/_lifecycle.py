"""The lifecycle hub: the one place where a run changes state, and who hears of it.

Every state a started run enters (created STARTING or WAITING, STARTING -> RUNNING, its
outcome, a timeout, a stop, STOPPING -> STOPPED, an expiry, a retry's creation) is set by
``Lifecycle`` and announced to the subscribers as a ``StateChange``; a run still
STARTING, RUNNING or STOPPING past its ``NotifyDelayAfter`` is announced once per state as
a ``DelayNotice``. A jump of several states in one read (moto's ``immediate``
progression) is announced state by state. Seeded history is stored, not lived, so it
announces nothing; a seeded run that is still live announces how it ends.

Subscribers are process-wide (``subscribe``) and called under the job-run backend's
lock, in the order they subscribed; the moment of a change is ``at``, in epoch seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ._run import ACTIVE_STATES, DEFAULT_ERROR_MESSAGES, ERROR_STATES, TIMES_OUT, JobRun, Outcome, Progress

DELAY_STATES = frozenset({"STARTING", "RUNNING", "STOPPING"})  # "Glue Job Run Status" states


@dataclass(frozen=True, slots=True)
class RunContext:
    """Where the runs of one job live: its account, region and name."""

    account_id: str
    region: str
    job_name: str


@dataclass(frozen=True, slots=True)
class StateChange:
    """``run`` entered ``state`` at ``at``; ``previous`` is None for a run just created."""

    context: RunContext
    run: JobRun
    previous: str | None
    state: str
    at: float
    outcome: Outcome | None  # where a live run was heading (None for seeded runs)


@dataclass(frozen=True, slots=True)
class DelayNotice:
    """``run`` was in ``state`` at ``at``, at least ``delay_minutes`` after it started."""

    context: RunContext
    run: JobRun
    state: str
    at: float
    delay_minutes: float


class Subscriber:
    """Hears about runs changing state; override the methods you need (both do nothing)."""

    def state_changed(self, change: StateChange) -> None:
        """Called after a run entered a state, its fields (CompletedOn, ...) already set."""

    def delay_exceeded(self, notice: DelayNotice) -> None:
        """Called once per state a run holds past its ``NotifyDelayAfter``."""


_subscribers: tuple[Subscriber, ...] = ()
_LOCK = threading.Lock()


def subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Announce every run's state changes to ``subscriber``; returns the way to stop.

    A subscriber replaces one of the same class (say, its module was imported again)."""
    global _subscribers
    kind = _kind(subscriber)
    with _LOCK:
        _subscribers = (*(s for s in _subscribers if _kind(s) != kind), subscriber)

    def unsubscribe() -> None:
        global _subscribers
        with _LOCK:
            _subscribers = tuple(s for s in _subscribers if s is not subscriber)

    return unsubscribe


def _kind(subscriber: Subscriber) -> tuple[str, str]:
    return type(subscriber).__module__, type(subscriber).__qualname__


class Lifecycle:
    """Moves the runs of one job from state to state; ``_enter`` is the one place that does."""

    def __init__(self, context: RunContext) -> None:
        self.context = context

    # ------------------------------------------------------------------- the changes

    def begin(self, run: JobRun, at: float) -> None:
        """A run StartJobRun (or a retry) just created, STARTING or WAITING: announce it."""
        if run.progress is not None:
            run.progress.state_since = at
        self._announce(run, None, at)

    def start_queued(self, run: JobRun, outcome: Outcome, at: float) -> None:
        """A slot freed: the WAITING run starts, heading for ``outcome``."""
        run.progress = Progress.to_outcome(outcome)
        run.state_detail = None
        self._enter(run, "STARTING", at)

    def expire(self, run: JobRun, at: float) -> bool:
        """A WAITING run that got no slot within its Timeout ends EXPIRED; True if it did."""
        deadline = run.deadline
        if at < deadline:
            return False
        run.state_detail = None
        run.completed_on = deadline
        run.execution_time = 0
        self._enter(run, "EXPIRED", deadline)
        return True

    def stop(self, run: JobRun, at: float) -> None:
        """BatchStopJobRun: STOPPING now, STOPPED as the state manager moves it on."""
        previous = run.progress
        if previous is not None:
            running_since = previous.running_since
        else:  # a seeded run: RUNNING since it started
            running_since = run.started_on if run.state == "RUNNING" else None
        run.progress = Progress.stopping(previous.outcome.logs if previous is not None else None)
        if previous is not None:
            run.progress.delay_noticed = previous.delay_noticed
        run.progress.running_since = running_since if running_since is not None else at
        run.state_detail = None
        self._enter(run, "STOPPING", at)

    def refresh(self, run: JobRun, at: float) -> bool:
        """Apply timeout, delay notices and the state manager's progression to a live run.

        True if the run just ended. A seeded run that is still live only times out (or
        is stopped): no state manager drives it."""
        if run.state in TIMES_OUT:
            deadline = run.deadline
            if at >= deadline:
                self._notice_delay(run, deadline)
                self._finish(run, "TIMEOUT", deadline)
                return True
        progress = run.progress
        if progress is None:
            return False
        self._notice_delay(run, at)
        status = progress.status
        if status is None or status == run.state:
            return False
        for state in progress.path(run.state, status):
            moment = progress.reached_at(state, at)
            if progress.running_since is None and run.state == "STARTING":
                progress.running_since = moment
            if state not in ACTIVE_STATES:
                self._finish(run, state, moment)
                return True
            self._enter(run, state, moment)
        return False

    def _finish(self, run: JobRun, state: str, at: float) -> None:
        """End the run in ``state`` at ``at``, filling AWS's end-of-run figures."""
        progress = run.progress
        outcome = progress.outcome if progress and progress.outcome.state == state else Outcome(state)
        if progress is None:  # a seeded run: RUNNING since it started, or never RUNNING
            running_since = run.started_on if run.state == "RUNNING" else at
        else:
            running_since = progress.running_since if progress.running_since is not None else at
        run.completed_on = at
        run.state_detail = None
        if state in ERROR_STATES:
            run.error_message = outcome.error_message or DEFAULT_ERROR_MESSAGES[state]
        if outcome.execution_time is not None:
            run.execution_time = outcome.execution_time
        else:
            run.execution_time = max(0, int(at - running_since))
        run.dpu_seconds = outcome.dpu_seconds
        self._enter(run, state, at)
        run.progress = None

    # ------------------------------------------------------------ the one assignment

    def _enter(self, run: JobRun, state: str, at: float) -> None:
        previous = run.state
        run.state = state
        run.last_modified_on = at
        if run.progress is not None:
            run.progress.state_since = at
        self._announce(run, previous, at)
        self._notice_delay(run, at)  # entered late: this state is past the delay already

    def _announce(self, run: JobRun, previous: str | None, at: float) -> None:
        subscribers = _subscribers
        if subscribers:
            outcome = run.progress.outcome if run.progress is not None else None
            change = StateChange(self.context, run, previous, run.state, at, outcome)
            for subscriber in subscribers:
                subscriber.state_changed(change)

    def _notice_delay(self, run: JobRun, at: float) -> None:
        """Once the run is ``NotifyDelayAfter`` minutes old, one notice per live state."""
        progress = run.progress
        delay = run.settings.notify_delay_after
        if delay is None or progress is None or run.state not in DELAY_STATES:
            return
        threshold = run.started_on + delay * 60
        if at < threshold or run.state in progress.delay_noticed:
            return
        progress.delay_noticed.add(run.state)
        since = progress.state_since if progress.state_since is not None else run.started_on
        notice = DelayNotice(self.context, run, run.state, max(threshold, since), delay)
        for subscriber in _subscribers:
            subscriber.delay_exceeded(notice)


__all__ = ["DELAY_STATES", "DelayNotice", "Lifecycle", "RunContext", "StateChange", "Subscriber", "subscribe"]
