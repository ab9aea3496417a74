"""The runs of one job: ordered for paging, indexed by Id, with live runs kept apart.

Every read costs time in the size of what it returns (plus the few runs that are still
live): runs sit in a list sorted by StartedOn, so a page is a bisect and a slice; an Id
is a dict look-up; the live runs (not yet in a terminal state) are a small dict that each
call refreshes, so retries, queued starts and timeouts happen without a scan. Seeded
STARTING and RUNNING runs, which nothing but their Timeout moves on, wait in a heap by
deadline instead, so a read only touches the ones whose Timeout has passed. Every state
change goes through the store's ``Lifecycle``.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
import secrets
from collections import deque
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ._compat import mock_random, stock_run_members
from ._job import OVERRIDABLE, JobDefinition, RunSettings, settings_key
from ._lifecycle import Lifecycle, RunContext
from ._run import ACTIVE_STATES, HOLDS_SLOT, QUEUED_STATE_DETAIL, TIMES_OUT, JobRun, Outcome, Progress
from .exceptions import ConcurrentRunsExceeded, JobRunNotFound

if TYPE_CHECKING:
    from ._script import Execution

HISTORY_SECONDS = 365 * 24 * 3600  # AWS keeps job-run history for 365 days
_started_on = attrgetter("started_on")
_id = attrgetter("id")


def new_run_id() -> str:
    """``jr_`` and 64 lowercase hex digits, from moto's seedable random source."""
    return f"jr_{mock_random.getrandbits(256):064x}"


def new_run_ids(count: int, chunk: int = 4096) -> list[str]:
    """``count`` run Ids, the very ones ``count`` calls of ``new_run_id`` would give, made
    a chunk at a time: ``getrandbits`` fills an n-bit number from its lowest 32-bit word
    up, so the lowest 256 bits are the first Id."""
    ids: list[str] = []
    while count > 0:
        size = min(count, chunk)
        data = mock_random.getrandbits(256 * size).to_bytes(32 * size, "big")
        part = ("jr_" + data.hex(" ", 32).replace(" ", " jr_")).split(" ")
        part.reverse()
        ids += part
        count -= size
    return ids


class RunStore:
    """All runs of one job definition in one account and region."""

    def __init__(self, job: JobDefinition, context: RunContext, source: object = None) -> None:
        self.job = job
        self.lifecycle = Lifecycle(context)
        self.source = source  # the stock moto job object this store belongs to
        self.nonce = secrets.token_hex(8)  # binds page tokens to this store's lifetime
        self.runs: list[JobRun] = []  # ascending StartedOn; ties in creation order
        self.by_id: dict[str, JobRun] = {}
        self.live: dict[str, JobRun] = {}  # runs a Progress still drives, in start order
        self.waiting: deque[tuple[JobRun, Outcome]] = deque()
        # Seeded STARTING/RUNNING runs, by deadline; an entry goes stale once stopped.
        self.timers: list[tuple[float, int, JobRun]] = []
        self.timed_holding = 0  # how many of them still hold a slot
        self._order = itertools.count()
        self.outcomes: list[Outcome] = []
        self.execution: Execution | None = None  # execute_job_scripts: runs run the script
        self.adopted = 0  # how many of stock moto's runs of this job were taken over
        self._settings: dict[str, RunSettings] = {}
        self.default_settings = self.intern(job.run_settings({}))

    def redefine(self, job: JobDefinition) -> None:
        """UpdateJob: later runs use ``job``; stored runs keep the settings they have."""
        self.job = job
        self.default_settings = self.intern(job.run_settings({}))

    # ------------------------------------------------------------------ building blocks

    def intern(self, settings: RunSettings) -> RunSettings:
        """One shared object per distinct settings, so a run costs a pointer for them."""
        return self._settings.setdefault(settings_key(settings), settings)

    def settings_for(self, overrides: Mapping[str, Any], arguments: Mapping[str, str] | None) -> RunSettings:
        if not overrides and not arguments:
            return self.default_settings
        return self.intern(self.job.run_settings(overrides, arguments))

    def next_outcome(self) -> Outcome:
        """Outcomes set by the test are used in turn; the last one repeats."""
        if not self.outcomes:
            return Outcome()
        return self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]

    def add(self, runs: Iterable[JobRun]) -> None:
        """Store runs, keeping the StartedOn order (appending is the common case)."""
        batch = list(runs)
        starts = list(map(_started_on, batch))
        ordered = all(map(operator.le, starts, itertools.islice(starts, 1, None)))
        if ordered and (not self.runs or not batch or self.runs[-1].started_on <= starts[0]):
            self.runs.extend(batch)
        elif len(batch) < 16:
            for run in batch:
                bisect.insort_right(self.runs, run, key=_started_on)
        else:
            self.runs.extend(batch)
            self.runs.sort(key=_started_on)
        self.by_id.update(zip(map(_id, batch), batch, strict=True))
        for run in [run for run in batch if run.state in ACTIVE_STATES]:
            if run.progress is None and run.state in TIMES_OUT:  # seeded
                heapq.heappush(self.timers, (run.deadline, next(self._order), run))
                self.timed_holding += 1
            else:
                self.live[run.id] = run

    def adopt(self, stock_runs: list[Any]) -> None:
        """Take over, once each, the runs stock moto started while the plugin was inactive.

        A run keeps its Id, its times and what it set; one still live moves on from its
        state to SUCCEEDED, stock moto's only outcome. A repeated Id (moto 5.0.0 gives
        every run ``01``) is taken once, as stock moto's GetJobRun finds only the first.
        """
        fresh = stock_runs[self.adopted :]
        if not fresh:
            return
        self.adopted = len(stock_runs)
        runs: list[JobRun] = []
        taken: set[str] = set()
        for stock in fresh:
            members = stock_run_members(stock)
            if members["Id"] in taken or members["Id"] in self.by_id:
                continue
            taken.add(members["Id"])
            overrides = {key: members[key] for key in OVERRIDABLE if key in members}
            state = members["JobRunState"]
            live = state in ACTIVE_STATES
            runs.append(
                JobRun(
                    id=members["Id"],
                    settings=self.settings_for(overrides, members.get("Arguments")),
                    state=state,
                    started_on=members["StartedOn"],
                    last_modified_on=members["LastModifiedOn"],
                    completed_on=None if live else members["LastModifiedOn"],
                    previous_run_id=members.get("PreviousRunId"),
                    progress=Progress.resume(state, Outcome()) if live else None,
                )
            )
        self.add(runs)

    # ------------------------------------------------------------------------ reading

    def refresh(self, at: float) -> None:
        """Move every live run on: timeouts, state-manager progress, retries, queue."""
        self._expire_timers(at)
        while True:
            self._start_waiting(at)
            lifecycle = self.lifecycle
            finished = [run for run in list(self.live.values()) if lifecycle.refresh(run, at)]
            if not finished:
                return
            for run in finished:
                del self.live[run.id]
                if run.state == "FAILED" and run.attempt < self.job.max_retries:
                    self._retry(run)

    def describe_all(self) -> None:
        """A read of every run of the job: counts for moto's ``manual`` progression."""
        for run in self.live.values():
            if run.progress is not None:
                run.progress.advance()

    def get(self, run_id: str, at: float) -> JobRun:
        run = self.by_id.get(run_id)
        if run is None or run.started_on < at - HISTORY_SECONDS:
            raise JobRunNotFound(run_id)
        return run

    def page(
        self, limit: int, cursor: tuple[float, int] | None, at: float
    ) -> tuple[list[JobRun], tuple[float, int] | None]:
        """Up to ``limit`` runs newest first, starting below ``cursor``.

        A cursor is (StartedOn, position within the runs sharing that StartedOn): runs
        started later land above it and runs with the same StartedOn land after their
        peers, so a cursor keeps pointing at the same place while runs are added.
        """
        runs = self.runs
        floor = bisect.bisect_left(runs, at - HISTORY_SECONDS, key=_started_on)
        if cursor is None:
            end = len(runs)
        else:
            end = bisect.bisect_left(runs, cursor[0], key=_started_on) + cursor[1]
        start = max(floor, end - limit)
        chosen = runs[start:end]
        chosen.reverse()
        if start <= floor:
            return chosen, None
        first = runs[start]
        return chosen, (first.started_on, start - bisect.bisect_left(runs, first.started_on, key=_started_on))

    # ------------------------------------------------------------------------ changes

    def start(self, settings: RunSettings, at: float, previous_run_id: str | None, queue: bool) -> JobRun:
        """StartJobRun: a STARTING run, or a WAITING one when queuing and no slot is free."""
        busy = self._busy()
        if busy >= self.job.max_concurrent_runs and not queue:
            raise ConcurrentRunsExceeded(self.job.name)
        outcome = self.next_outcome()
        queued = busy >= self.job.max_concurrent_runs
        run = JobRun(
            id=new_run_id(),
            settings=settings,
            state="WAITING" if queued else "STARTING",
            started_on=at,
            last_modified_on=at,
            previous_run_id=previous_run_id,
            state_detail=QUEUED_STATE_DETAIL if queued else None,
            progress=None if queued else Progress.to_outcome(outcome),
        )
        if queued:
            self.waiting.append((run, outcome))
        self.add([run])
        self.lifecycle.begin(run, at)
        return run

    def stop(self, run: JobRun, at: float) -> None:
        if run.state == "WAITING":
            self.waiting = deque(item for item in self.waiting if item[0] is not run)
        elif run.progress is None and run.state in TIMES_OUT:  # its timer entry goes stale
            self.timed_holding -= 1
        self.live[run.id] = run
        self.lifecycle.stop(run, at)

    def _busy(self) -> int:
        """Runs holding one of the job's MaxConcurrentRuns slots."""
        return self.timed_holding + sum(1 for run in self.live.values() if run.state in HOLDS_SLOT)

    def _expire_timers(self, at: float) -> None:
        """Seeded STARTING/RUNNING runs whose Timeout has passed end TIMEOUT."""
        timers = self.timers
        while timers and timers[0][0] <= at:
            _, _, run = heapq.heappop(timers)
            if run.progress is None and run.state in TIMES_OUT:  # not stopped meanwhile
                self.lifecycle.refresh(run, at)
                self.timed_holding -= 1

    def _retry(self, failed: JobRun) -> None:
        """AWS retries a FAILED run MaxRetries times, each retry a run of its own."""
        root = failed.id.split("_attempt_", 1)[0]
        attempt = failed.attempt + 1
        at = failed.completed_on if failed.completed_on is not None else failed.started_on
        retry = JobRun(
            id=f"{root}_attempt_{attempt}",
            settings=failed.settings,
            state="STARTING",
            started_on=at,
            last_modified_on=at,
            attempt=attempt,
            previous_run_id=failed.id,
            progress=Progress.to_outcome(self.next_outcome()),
        )
        self.add([retry])
        self.lifecycle.begin(retry, at)

    def _start_waiting(self, at: float) -> None:
        """Queued runs start, oldest first, as slots free; past their Timeout they expire."""
        while self.waiting:
            run, outcome = self.waiting[0]
            if self.lifecycle.expire(run, at):
                self.waiting.popleft()
                del self.live[run.id]
                continue
            if self._busy() >= self.job.max_concurrent_runs:
                return
            self.waiting.popleft()
            self.lifecycle.start_queued(run, outcome, at)
