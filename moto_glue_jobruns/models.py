"""The job-run backend: one per account and region, kept in a moto ``BackendDict``.

Job definitions live in stock moto's Glue backend (so GetJob, ListJobs and the rest keep
working); this backend keeps, per job, a ``RunStore`` with what stock moto does not
model. moto's reset clears it like every other backend.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import inspect
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import camelcase_to_underscores

from ._compat import stock_job_runs
from ._events import RunEventPublisher
from ._job import JobDefinition, check_job_members, check_run_request
from ._lifecycle import RunContext, subscribe
from ._logs import RunLogWriter
from ._run import STOPPABLE, JobRun, Outcome, now
from ._shapes import input_shape
from ._store import RunStore
from .exceptions import InvalidNextToken, JobNotFound, StartMetadataMissing

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    """Run a backend method under the backend's lock: moto's server is threaded."""

    @functools.wraps(method)
    def wrapper(self: JobRunBackend, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


DEFAULT_PAGE_SIZE = 100  # AWS's is not public; stock moto uses 100
_TOKEN_KEY = secrets.token_bytes(32)  # tokens only this process issued verify


class JobRunBackend(BaseBackend):
    """Runs of the Glue jobs of one account and region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.stores: dict[str, RunStore] = {}
        self.lock = threading.RLock()

    def reset(self) -> None:
        """moto's reset: a script still running for one of these runs is killed first."""
        if any(store.execution is not None for store in self.stores.values()):
            from ._executor import EXECUTOR

            EXECUTOR.kill_region(self.account_id, self.region_name)
        super().reset()

    @property
    def _stock_jobs(self) -> dict[str, Any]:
        from moto.glue.models import glue_backends  # loaded with moto's Glue, not at our import

        jobs: dict[str, Any] = glue_backends[self.account_id][self.region_name].jobs
        return jobs

    def store(self, job_name: str) -> RunStore:
        """The runs of ``job_name``; ``EntityNotFoundException`` if moto has no such job.

        A job created while the plugin was inactive is adopted from stock moto, with the
        runs stock moto started for it; a store whose job was deleted or replaced behind
        our back is dropped.
        """
        source = self._stock_jobs.get(job_name)
        store = self.stores.get(job_name)
        if source is None:
            self.stores.pop(job_name, None)
            raise JobNotFound()
        if store is None or store.source is not source:
            members = {k: v for k, v in source.as_dict().items() if v is not None}
            store = self.stores[job_name] = self._new_store(JobDefinition.from_members(members), source)
        store.adopt(stock_job_runs(source))
        return store

    def _new_store(self, job: JobDefinition, source: object) -> RunStore:
        return RunStore(job, RunContext(self.account_id, self.region_name, job.name), source)

    # ------------------------------------------------------------------------- jobs

    def job_exists(self, job_name: str) -> bool:
        return job_name in self._stock_jobs

    @_locked
    def register_job(self, members: Mapping[str, Any]) -> None:
        """Record the full CreateJob request once stock moto has created the job."""
        name = members["Name"]
        self.stores[name] = self._new_store(JobDefinition.from_members(members), self._stock_jobs.get(name))

    @_locked
    def update_job(self, job_name: str, update: Mapping[str, Any]) -> None:
        """UpdateJob: ``update`` (a JobUpdate) replaces the definition, members not given
        included, in stock moto's job object too. Stored runs keep their settings."""
        check_job_members(update)
        store = self.store(job_name)
        members = {**update, "Name": job_name}
        _redefine_stock_job(self._stock_jobs[job_name], members)
        store.redefine(JobDefinition.from_members(members))

    @_locked
    def forget_job(self, job_name: str) -> None:
        """DeleteJob: the job's runs go with it."""
        self.stores.pop(job_name, None)

    # ------------------------------------------------------------------------- runs

    @_locked
    def get_job_runs(
        self, job_name: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        store = self.store(job_name)
        cursor = None if next_token is None else self._read_token(store, next_token)
        at = now()
        store.describe_all()
        store.refresh(at)
        runs, after = store.page(max_results or DEFAULT_PAGE_SIZE, cursor, at)
        token = None if after is None else self._make_token(store, after)
        return [run.to_dict(job_name) for run in runs], token

    @_locked
    def get_job_run(self, job_name: str, run_id: str, predecessors: bool) -> dict[str, Any]:
        store = self.store(job_name)
        at = now()
        run = store.get(run_id, at)
        if run.progress is not None:
            run.progress.advance()
        store.refresh(at)
        return run.to_dict(job_name, predecessors=predecessors)

    @_locked
    def start_job_run(
        self,
        job_name: str,
        overrides: Mapping[str, Any],
        arguments: Mapping[str, str] | None,
        previous_run_id: str | None,
    ) -> str:
        """StartJobRun; the run's JobRunQueuingEnabled, else the job's, decides queuing."""
        check_run_request(overrides)
        try:
            store = self.store(job_name)
        except JobNotFound:
            raise StartMetadataMissing() from None
        store.job.check_start(overrides)
        at = now()
        store.refresh(at)
        settings = store.settings_for(overrides, arguments)
        return store.start(settings, at, previous_run_id, bool(settings.job_run_queuing_enabled)).id

    @_locked
    def batch_stop_job_run(
        self, job_name: str, run_ids: Iterable[str]
    ) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
        """Stop what can be stopped; every other Id is an ``Errors`` entry, never a raise."""
        stopped: list[dict[str, str]] = []
        errors: list[dict[str, Any]] = []
        store = self.store(job_name) if self.job_exists(job_name) else None
        at = now()
        if store is not None:
            store.refresh(at)
        for run_id in run_ids:
            run = store.by_id.get(run_id) if store is not None else None
            if run is None:
                errors.append(
                    _stop_error(job_name, run_id, "EntityNotFoundException", f"Job run {run_id} not found.")
                )
            elif run.state not in STOPPABLE:
                errors.append(
                    _stop_error(
                        job_name,
                        run_id,
                        "InvalidInputException",
                        f"Job run {run_id} is in state {run.state} and cannot be stopped.",
                    )
                )
            else:
                assert store is not None
                store.stop(run, at)
                stopped.append({"JobName": job_name, "JobRunId": run_id})
        return stopped, errors

    @_locked
    def add_runs(self, job_name: str, runs: list[JobRun]) -> None:
        self.store(job_name).add(runs)

    @_locked
    def set_outcomes(self, job_name: str, outcomes: list[Outcome]) -> None:
        self.store(job_name).outcomes = list(outcomes)

    # ----------------------------------------------------------------------- tokens

    def _mac(self, store: RunStore, body: str) -> str:
        scope = f"{self.account_id}\0{self.region_name}\0{store.job.name}\0{store.nonce}\0{body}"
        return hmac.new(_TOKEN_KEY, scope.encode("utf-8", "surrogatepass"), hashlib.blake2s).hexdigest()[:24]

    def _make_token(self, store: RunStore, cursor: tuple[float, int]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
        return f"{body}.{self._mac(store, body)}"

    def _read_token(self, store: RunStore, token: str) -> tuple[float, int]:
        if not token.isascii():  # every token this plugin issues is ASCII
            raise InvalidNextToken()
        body, _, mac = token.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(store, body).encode()):
            raise InvalidNextToken()
        started_on, offset = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        return float(started_on), int(offset)


def where_jobs_are(job_name: str) -> list[tuple[str, str]]:
    """The (account, region) pairs of this process's moto backends that have ``job_name``."""
    from moto.glue.models import glue_backends

    return [
        (account, region)
        for account, regions in list(glue_backends.items())
        for region, backend in list(regions.items())
        if job_name in backend.jobs
    ]


def _redefine_stock_job(job: Any, members: Mapping[str, Any]) -> None:
    """Give stock moto's job object the definition in ``members``, so GetJob, GetJobs and
    ListJobs show it; its name, ARN, CreatedOn, tags and stock runs stay. Stock moto's own
    constructor builds the new definition, so its defaults apply to members not given."""
    from moto.glue.models import FakeJob

    fields = _stock_job_fields()
    arguments: dict[str, Any] = dict.fromkeys(inspect.signature(FakeJob).parameters)
    arguments.update({name: members.get(member) for name, member in fields.items()})
    arguments.update(name=job.name, tags={}, backend=job.backend)
    fresh = FakeJob(**arguments)
    for attribute in (*fields, "last_modified_on"):
        if hasattr(fresh, attribute):
            setattr(job, attribute, getattr(fresh, attribute))


@functools.cache
def _stock_job_fields() -> dict[str, str]:
    """Stock ``FakeJob`` constructor parameter -> the JobUpdate member it holds."""
    from moto.glue.models import FakeJob

    members = input_shape("UpdateJob").members["JobUpdate"].members
    by_parameter = {camelcase_to_underscores(member): member for member in members}
    return {
        name: by_parameter[name] for name in inspect.signature(FakeJob).parameters if name in by_parameter
    }


def _stop_error(job_name: str, run_id: str, code: str, message: str) -> dict[str, Any]:
    return {
        "JobName": job_name,
        "JobRunId": run_id,
        "ErrorDetail": {"ErrorCode": code, "ErrorMessage": message},
    }


jobrun_backends = BackendDict(JobRunBackend, "glue")
subscribe(RunLogWriter())  # what a run leaves behind: its CloudWatch logs ...
subscribe(RunEventPublisher())  # ... and its EventBridge events
