"""Sixteen clients at once on shared jobs, in server mode and in process.

For a few seconds every client thread mixes StartJobRun, GetJobRuns paginator walks,
GetJobRun, BatchStopJobRun and seeding on two jobs: one with room for many concurrent
runs and one with room for one (so ConcurrentRunsExceededException happens). Runs stay
live for a few reads (moto's ``manual`` progression) so stops and slot limits matter.
Afterwards every started or seeded run is listed exactly once, every stop has held, and
no request failed except with the error the mix provokes.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.moto_api import state_manager
from targets import ROLE, InProcess, Server, Target

from moto_glue_jobruns import seed_job_runs

THREADS = 16
SECONDS = 3.0
WIDE, NARROW = "wide", "narrow"
MODEL = "glue::job_run"
LIVE_FOR_READS = {"progression": "manual", "times": 3}
SEED_STATES = ("RUNNING", "SUCCEEDED", "FAILED")

Seeder = Callable[[str, list[dict[str, Any]]], list[str]]


@dataclass
class Ledger:
    """What the clients were told, recorded under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    runs: dict[str, dict[str, str]] = field(default_factory=lambda: {WIDE: {}, NARROW: {}})  # id -> state
    stopped: set[str] = field(default_factory=set)
    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    walks: list[tuple[set[str], list[str], list[datetime]]] = field(default_factory=list)

    def known(self, job: str) -> list[str]:
        with self.lock:
            return list(self.runs[job])

    def count(self, counter: Counter[str], key: str) -> None:
        with self.lock:
            counter[key] += 1

    def record(self, job: str, ids: list[str], state: str) -> None:
        with self.lock:
            for run_id in ids:
                assert run_id not in self.runs[WIDE] and run_id not in self.runs[NARROW], run_id
                self.runs[job][run_id] = state


class Client:
    """One thread's view: its own boto3 client and random stream."""

    def __init__(self, glue: Any, seeder: Seeder, ledger: Ledger, seed: int) -> None:
        self.glue = glue  # made in the main thread: boto3 sessions are not thread-safe
        self.seeder = seeder
        self.ledger = ledger
        self.rng = random.Random(seed)

    def run(self, deadline: float) -> None:
        actions = [self.start] * 4 + [self.walk, self.get, self.stop, self.stop, self.seed]
        while time.monotonic() < deadline:
            action = self.rng.choice(actions)
            job = self.rng.choice((WIDE, NARROW))
            self.ledger.count(self.ledger.requests, action.__name__)
            try:
                action(job)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                self.ledger.count(self.ledger.errors, code)
                if not (action == self.start and job == NARROW and code == "ConcurrentRunsExceededException"):
                    self.ledger.unexpected.append(f"{action.__name__} {job}: {error}")
            except Exception as error:  # every failure is reported, none hidden
                self.ledger.unexpected.append(f"{action.__name__} {job}: {error!r}")

    def start(self, job: str) -> None:
        self.ledger.record(job, [self.glue.start_job_run(JobName=job)["JobRunId"]], "STARTED")

    def walk(self, job: str) -> None:
        known = set(self.ledger.known(job))
        paginator = self.glue.get_paginator("get_job_runs")
        pages = paginator.paginate(JobName=job, PaginationConfig={"PageSize": self.rng.randint(1, 40)})
        runs = [run for page in pages for run in page["JobRuns"]]
        with self.ledger.lock:
            self.ledger.walks.append((known, [r["Id"] for r in runs], [r["StartedOn"] for r in runs]))

    def get(self, job: str) -> None:
        known = self.ledger.known(job)
        if known:
            run_id = self.rng.choice(known)
            run = self.glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
            assert (run["Id"], run["JobName"]) == (run_id, job)

    def stop(self, job: str) -> None:
        known = self.ledger.known(job)
        ids = [*self.rng.sample(known, min(len(known), self.rng.randint(1, 5))), "jr_unknown"]
        answer = self.glue.batch_stop_job_run(JobName=job, JobRunIds=ids)
        with self.ledger.lock:
            self.ledger.stopped.update(s["JobRunId"] for s in answer["SuccessfulSubmissions"])
        for error in answer["Errors"]:
            code = error["ErrorDetail"]["ErrorCode"]
            expected = (
                "EntityNotFoundException" if error["JobRunId"] == "jr_unknown" else "InvalidInputException"
            )
            assert code == expected, error

    def seed(self, job: str) -> None:
        now = datetime.now(timezone.utc)
        state = self.rng.choice(SEED_STATES if job == WIDE else SEED_STATES[1:])  # narrow keeps its one slot
        runs = [
            {"JobRunState": state, "StartedOn": now - timedelta(seconds=self.rng.randint(0, 3600))}
            for _ in range(self.rng.randint(1, 5))
        ]
        self.ledger.record(job, self.seeder(job, runs), state)


def hammer(target: Target, seeder: Seeder, set_transition: Callable[[dict[str, Any]], None]) -> Ledger:
    glue = target.client()
    glue.create_job(
        Name=WIDE, Role=ROLE, Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 10_000}
    )
    glue.create_job(
        Name=NARROW, Role=ROLE, Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 1}
    )
    ledger = Ledger()
    set_transition(LIVE_FOR_READS)
    session = boto3.session.Session()
    clients = [Client(target.client(session), seeder, ledger, seed) for seed in range(THREADS)]
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=client.run, args=(deadline,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    set_transition({"progression": "immediate"})  # every live run now ends on its next read
    return ledger


def final_states(target: Target, job: str) -> list[tuple[str, str]]:
    pages = target.client().get_paginator("get_job_runs").paginate(JobName=job)
    return [(run["Id"], run["JobRunState"]) for page in pages for run in page["JobRuns"]]


def check(target: Target, ledger: Ledger, label: str) -> None:
    assert ledger.unexpected == []
    checked = 0
    for job in (WIDE, NARROW):
        listed = final_states(target, job)
        ids = [run_id for run_id, _ in listed]
        assert len(ids) == len(set(ids))
        assert set(ids) == set(ledger.runs[job])
        for run_id, state in listed:
            told = ledger.runs[job][run_id]
            if run_id in ledger.stopped:
                assert state == "STOPPED", run_id
            else:
                assert state == ("SUCCEEDED" if told == "STARTED" else told), run_id
            checked += 1
    for known, walked, started in ledger.walks:
        assert len(walked) == len(set(walked))
        assert known <= set(walked)
        assert started == sorted(started, reverse=True)
    assert ledger.errors["ConcurrentRunsExceededException"] > 0  # the narrow job was contended
    print(
        f"\nconcurrency[{label}]: {THREADS} threads, {sum(ledger.requests.values())} requests "
        f"{dict(ledger.requests)}, errors {dict(ledger.errors)}, {len(ledger.walks)} walks, "
        f"{checked} runs checked, {len(ledger.stopped)} stopped"
    )


@pytest.fixture
def transitions_restored() -> Iterator[None]:
    yield
    state_manager.unset_transition(MODEL)


def test_server__sixteen_clients_lose_nothing(server: Server, transitions_restored: None) -> None:
    def seeder(job: str, runs: list[dict[str, Any]]) -> list[str]:
        body = {
            "JobName": job,
            "JobRuns": [{**run, "StartedOn": run["StartedOn"].isoformat()} for run in runs],
        }
        status, payload = server.post("/moto-api/glue-jobruns/seed", json.dumps(body).encode())
        assert status == 200, payload
        ids: list[str] = json.loads(payload)["JobRunIds"]
        return ids

    def set_transition(transition: dict[str, Any]) -> None:
        body = {"model_name": MODEL, "transition": transition}
        url = f"{server.endpoint}/moto-api/state-manager/set-transition"
        assert requests.post(url, data=json.dumps(body), timeout=10).status_code == 201

    check(server, hammer(server, seeder, set_transition), "server")


def test_in_process__sixteen_threads_lose_nothing(transitions_restored: None) -> None:
    with mock_aws():
        target = InProcess()
        ledger = hammer(target, seed_job_runs, lambda t: state_manager.set_transition(MODEL, t))
        check(target, ledger, "in process")
