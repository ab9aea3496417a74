"""Benchmark GetJobRuns and the run lifecycle: the floor, stock moto and the plugin, side by side.

    python bench/bench_jobruns.py            # full run: N = 1k, 10k, 100k, 1M (about 10 minutes)
    python bench/bench_jobruns.py --quick    # N = 1k, 10k, under a minute
    python bench/bench_jobruns.py --json results.json

The **floor** is the same boto3 client parsing the same page with no mock behind it: the JSON
bytes the plugin answered with, handed back from a botocore ``before-send`` handler. Every
figure is a median of samples taken in rounds that call floor, stock moto and the plugin in
turn, so machine noise hits them alike; the ratios are what to read. Stock moto is measured
with the plugin unregistered (``moto_glue_jobruns.unregister()``), on runs created directly in
its backend (it has no seeding); where it would take minutes it is measured up to a time
budget and reported as a lower bound (``>``).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core.botocore_stubber import MockRawResponse
from moto.core.models import botocore_stubber
from moto.glue.models import FakeJobRun, glue_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import moto_glue_jobruns  # noqa: E402  (the worktree's package, not an installed one)
from moto_glue_jobruns import _lifecycle  # noqa: E402
from moto_glue_jobruns.models import jobrun_backends  # noqa: E402

ACCOUNT, REGION = "123456789012", "us-east-1"
PAGE = 200
STATE_CHANGE_TARGET = 300e-6  # "a state change with logs and events costs at most a few hundred µs"
CONTENT_TYPE = {"Content-Type": "application/x-amz-json-1.1"}
Timer = Callable[[], float]


# ------------------------------------------------------------------------------ timing


def timed(call: Callable[[], object]) -> Timer:
    def run() -> float:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start

    return run


def interleave(timers: dict[str, Timer], rounds: int, budget: float) -> dict[str, float]:
    """Median seconds of each timer, sampled in rounds that call every timer in turn.

    A timer whose samples add up to more than ``budget`` seconds stops being sampled."""
    samples: dict[str, list[float]] = {name: [] for name in timers}
    for index in range(rounds):
        names = list(timers)
        names = names[index % len(names) :] + names[: index % len(names)]  # rotate the order
        for name in names:
            if sum(samples[name]) < budget or not samples[name]:
                samples[name].append(timers[name]())
    return {name: statistics.median(values) for name, values in samples.items()}


# ------------------------------------------------------------------------------- clients


def client(endpoint_url: str | None = None, *, mocked: bool = True) -> Any:
    """A Glue client; ``mocked=False`` removes moto's own botocore hook from it."""
    glue = boto3.client(
        "glue",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    if not mocked:
        glue.meta.events.unregister("before-send", botocore_stubber)
    return glue


class Canned:
    """The floor: a client answered from canned bytes by a ``before-send`` handler."""

    def __init__(self) -> None:
        self.client = client(mocked=False)
        self.bodies: dict[str, list[bytes]] = {}
        self.client.meta.events.register_first("before-send.glue", self._answer)

    def _answer(self, request: Any, **kwargs: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        queue = self.bodies[operation]
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        return AWSResponse(request.url, 200, dict(CONTENT_TYPE), MockRawResponse(body))  # type: ignore[arg-type]

    def set(self, operation: str, *bodies: bytes) -> None:
        self.bodies[operation] = list(bodies)


class WireRecorder:
    """Keeps the raw bytes of the last answer a client received, to replay them as the floor."""

    def __init__(self, glue: Any) -> None:
        self.body = b""
        glue.meta.events.register("before-parse.glue", self._record)

    def _record(self, response_dict: dict[str, Any], **kwargs: Any) -> None:
        self.body = response_dict["body"]


# ------------------------------------------------------------------------------- set-up


@contextmanager
def plugin_active(active: bool) -> Iterator[None]:
    was = moto_glue_jobruns.is_registered()
    (moto_glue_jobruns.register if active else moto_glue_jobruns.unregister)()
    try:
        yield
    finally:
        (moto_glue_jobruns.register if was else moto_glue_jobruns.unregister)()


def seed_plugin_job(glue: Any, name: str, count: int) -> tuple[float, list[str]]:
    """Create a job and seed ``count`` finished runs, one a second; returns (runs/s, ids)."""
    glue.create_job(Name=name, Role="r", Command={"Name": "glueetl"}, GlueVersion="4.0")
    start = datetime.now(timezone.utc) - timedelta(seconds=count + 3600)
    states = ("SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "TIMEOUT")
    ids: list[str] = []
    spent = 0.0
    for offset in range(0, count, 100_000):
        chunk = [
            {
                "StartedOn": start + timedelta(seconds=index),
                "JobRunState": states[index % len(states)],
                "ExecutionTime": 60 + index % 600,
            }
            for index in range(offset, min(count, offset + 100_000))
        ]
        began = time.perf_counter()
        ids += moto_glue_jobruns.seed_job_runs(name, chunk)
        spent += time.perf_counter() - began
    return count / spent, ids


def make_stock_job(glue: Any, name: str, count: int) -> list[str]:
    """Stock moto has no seeding: append its own FakeJobRun objects to the job."""
    with plugin_active(False):
        glue.create_job(Name=name, Role="r", Command={"Name": "glueetl"}, GlueVersion="4.0")
    job = glue_backends[ACCOUNT][REGION].jobs[name]
    job.job_runs.extend(FakeJobRun(job_name=name) for _ in range(count))
    return [run.job_run_id for run in job.job_runs]


def middle_token_plugin(name: str) -> str:
    """A NextToken pointing at the middle of the job's runs (walking there would take minutes)."""
    backend = jobrun_backends[ACCOUNT][REGION]
    store = backend.store(name)
    middle = store.runs[len(store.runs) // 2]
    return backend._make_token(store, (middle.started_on, 0))


def middle_token_stock(name: str, count: int) -> str:
    _, token = glue_backends[ACCOUNT][REGION].get_job_runs(name, max_results=count // 2)
    return str(token)


# ---------------------------------------------------------------------------- measuring


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.rows: list[dict[str, Any]] = []
        self.glue = client()
        self.wire = WireRecorder(self.glue)
        self.canned = Canned()
        self.stubbed = client(mocked=False)
        self.servers: dict[str, Any] = {}
        self.state_changes: dict[str, float] = {}

    def row(self, figure: str, n: int | None, **values: Any) -> None:
        self.rows.append({"figure": figure, "N": n, **values})
        shown = ", ".join(
            f"{k}={v * 1e3:.2f}ms" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()
        )
        print(f"  {figure} N={n}: {shown}", flush=True)

    def start_servers(self) -> None:
        """One server bound to stock moto's Glue, one to the plugin's (moto binds at first use)."""
        for mode, active in (("stock", False), ("plugin", True)):
            with plugin_active(active):
                server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
                server.start()
                host, port = server.get_host_and_port()
                glue = client(f"http://{host}:{port}", mocked=False)
                glue.get_jobs(MaxResults=1)  # moto builds its Glue app now, with today's table
                self.servers[mode] = (server, glue)

    def stop_servers(self) -> None:
        for server, _ in self.servers.values():
            server.stop()

    def page_figures(self, n: int, plugin_job: str, stock_job: str, stock_n: int) -> None:
        first = ({"JobName": plugin_job}, {"JobName": stock_job})
        middle = (
            {"JobName": plugin_job, "NextToken": middle_token_plugin(plugin_job)},
            {"JobName": stock_job, "NextToken": middle_token_stock(stock_job, stock_n)},
        )
        for figure, (plugin_args, stock_args) in (
            ("page of 200, first", first),
            ("page of 200, middle", middle),
        ):
            result = self._page({**plugin_args, "MaxResults": PAGE}, {**stock_args, "MaxResults": PAGE})
            self.row(figure, n, **result, stock_lower_bound=n > stock_n)

    def _page(self, plugin_args: dict[str, Any], stock_args: dict[str, Any]) -> dict[str, float]:
        rounds, budget = (12, 2.0) if self.quick else (40, 8.0)
        srv_stock, srv_plugin = self.servers["stock"][1], self.servers["plugin"][1]
        answer = self.glue.get_job_runs(**plugin_args)
        assert len(answer["JobRuns"]) == PAGE
        self.canned.set("GetJobRuns", self.wire.body)
        stub = _stubber(self.stubbed, "get_job_runs", answer, rounds)
        try:
            return interleave(
                {
                    "floor": timed(lambda: self.canned.client.get_job_runs(**plugin_args)),
                    "stubber": timed(lambda: self.stubbed.get_job_runs(**plugin_args)),
                    "stock": timed(lambda: self._as_stock(self.glue.get_job_runs, **stock_args)),
                    "plugin": timed(lambda: self.glue.get_job_runs(**plugin_args)),
                    "server stock": timed(lambda: srv_stock.get_job_runs(**stock_args)),
                    "server plugin": timed(lambda: srv_plugin.get_job_runs(**plugin_args)),
                },
                rounds,
                budget,
            )
        finally:
            stub.deactivate()

    def walk(self, n: int, plugin_job: str, stock_job: str) -> None:
        """Every page with boto3's paginator, against the sum of its page floors."""
        stock_budget = 3.0 if self.quick else 30.0
        stock = self._walk_stock(stock_job, n, stock_budget)
        rounds = 3 if n <= 10_000 else 1 if self.quick else 2
        walks = [self._walk_plugin_and_floor(plugin_job, n) for _ in range(rounds)]
        floor = statistics.median(walk[0] for walk in walks)
        plugin = statistics.median(walk[1] for walk in walks)
        self.row("walk all pages", n, floor=floor, stock=stock[0], plugin=plugin, stock_lower_bound=stock[1])

    def _walk_plugin_and_floor(self, job: str, n: int) -> tuple[float, float]:
        """The plugin's walk with boto3's paginator, each page followed by its floor: the
        same bytes parsed by the canned client. Returns (sum of page floors, walk)."""
        pages = iter(
            self.glue.get_paginator("get_job_runs").paginate(JobName=job, PaginationConfig={"PageSize": PAGE})
        )
        floor = walk = 0.0
        count = 0
        while True:
            began = time.perf_counter()
            page = next(pages, None)
            walk += time.perf_counter() - began
            if page is None:
                break
            count += len(page["JobRuns"])
            self.canned.set("GetJobRuns", self.wire.body)
            floor += timed(lambda: self.canned.client.get_job_runs(JobName=job, MaxResults=PAGE))()
        assert count >= n
        return floor, walk

    def _walk_stock(self, job: str, n: int, budget: float) -> tuple[float, bool]:
        """Stock moto's walk, or a lower bound from the pages done within ``budget`` (later pages cost more)."""
        with plugin_active(False):
            started = time.perf_counter()
            done, token = 0, None
            while True:
                args: dict[str, Any] = {"JobName": job, "MaxResults": PAGE}
                if token:
                    args["NextToken"] = token
                page = self.glue.get_job_runs(**args)
                done += len(page["JobRuns"])
                token = page.get("NextToken")
                elapsed = time.perf_counter() - started
                if not token:
                    return elapsed, False
                if elapsed > budget:
                    return elapsed * n / done, True

    def run_figures(
        self, n: int, plugin_job: str, plugin_ids: list[str], stock_job: str, stock_ids: list[str]
    ) -> None:
        rounds, budget = (40, 2.0) if self.quick else (150, 6.0)
        plugin_run, stock_run = plugin_ids[len(plugin_ids) // 2], stock_ids[len(stock_ids) // 2]
        self.glue.get_job_run(JobName=plugin_job, RunId=plugin_run)
        self.canned.set("GetJobRun", self.wire.body)
        result = interleave(
            {
                "floor": timed(lambda: self.canned.client.get_job_run(JobName=plugin_job, RunId=plugin_run)),
                "stock": timed(
                    lambda: self._as_stock(self.glue.get_job_run, JobName=stock_job, RunId=stock_run)
                ),
                "plugin": timed(lambda: self.glue.get_job_run(JobName=plugin_job, RunId=plugin_run)),
            },
            rounds,
            budget,
        )
        self.row("GetJobRun", n, **result)
        self.glue.start_job_run(JobName=plugin_job)
        self.canned.set("StartJobRun", self.wire.body)
        result = interleave(
            {
                "floor": timed(lambda: self.canned.client.start_job_run(JobName=plugin_job)),
                "stock": timed(lambda: self._as_stock(self.glue.start_job_run, JobName=stock_job)),
                "plugin": timed(lambda: self.glue.start_job_run(JobName=plugin_job)),
            },
            rounds,
            budget,
        )
        self.row("StartJobRun", n, **result)

    def state_change(self) -> None:
        """What a state change costs with CloudWatch logs and EventBridge events, and without.

        One run's whole life straight through the backend (no HTTP, no botocore): StartJobRun,
        then a GetJobRun that moves it STARTING -> RUNNING -> SUCCEEDED; three state changes.
        With logs and events, RUNNING writes two streams' first lines and SUCCEEDED their
        last ones and puts a "Glue Job State Change" event on the default bus; without, the
        lifecycle has no subscribers. Then the same with a rule that delivers the event to an
        SQS queue, against moto's own PutEvents delivering one such event: delivery is
        moto's work (its SQS and input-template code), the same as for any event."""
        from moto.events.models import events_backends

        job = "state-change"
        self.glue.create_job(Name=job, Role="r", Command={"Name": "glueetl"}, GlueVersion="4.0")
        backend = jobrun_backends[ACCOUNT][REGION]
        subscribers = _lifecycle._subscribers
        rounds = 200 if self.quick else 1000

        def one_life() -> None:
            run_id = backend.start_job_run(job, {}, None, None)
            assert backend.get_job_run(job, run_id, False)["JobRunState"] == "SUCCEEDED"

        def bare() -> None:
            _lifecycle._subscribers = ()
            try:
                one_life()
            finally:
                _lifecycle._subscribers = subscribers

        one_life()
        lives = interleave({"bare": timed(bare), "plugin": timed(one_life)}, rounds, 1e9)
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rules = boto3.client("events", region_name=REGION)
        pattern = {"source": ["aws.glue"], "detail-type": ["Glue Job State Change"]}
        rules.put_rule(Name="alerts", EventPattern=json.dumps(pattern))
        rules.put_targets(Rule="alerts", Targets=[{"Id": "queue", "Arn": arn}])
        moto_events = events_backends[ACCOUNT][REGION]
        detail = {  # the size of the plugin's own event
            "jobName": job,
            "severity": "INFO",
            "state": "SUCCEEDED",
            "jobRunId": f"jr_{'0' * 64}",
            "message": "Job run succeeded",
        }
        entry = {"Source": "aws.glue", "DetailType": "Glue Job State Change", "Detail": json.dumps(detail)}

        def emptied(call: Callable[[], object]) -> Timer:
            def run() -> float:
                # moto's SendMessage costs O(messages waiting): take the last one away first
                for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
                    "Messages", []
                ):
                    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
                return timed(call)()

            return run

        delivered = interleave(
            {"rule": emptied(one_life), "put_events": emptied(lambda: moto_events.put_events([entry]))},
            rounds,
            1e9,
        )
        waiting = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
        assert int(waiting["Attributes"]["ApproximateNumberOfMessages"]) > 0, "the rule delivered nothing"
        rules.remove_targets(Rule="alerts", Ids=["queue"])  # the figures after this one send nothing
        rules.delete_rule(Name="alerts")
        self.state_changes = {
            "bare": lives["bare"] / 3,
            "plugin": lives["plugin"] / 3,
            "delivery": delivered["rule"] - lives["plugin"],
            "put_events": delivered["put_events"],
        }
        shown = ", ".join(f"{name}={seconds * 1e6:.0f}us" for name, seconds in self.state_changes.items())
        print(f"  state change: {shown}", flush=True)

    def other_glue_call(self) -> None:
        self.glue.create_database(DatabaseInput={"Name": "bench"})
        self.glue.get_database(Name="bench")
        self.canned.set("GetDatabase", self.wire.body)
        rounds = 60 if self.quick else 300
        result = interleave(
            {
                "floor": timed(lambda: self.canned.client.get_database(Name="bench")),
                "stock": timed(lambda: self._as_stock(self.glue.get_database, Name="bench")),
                "plugin": timed(lambda: self.glue.get_database(Name="bench")),
            },
            rounds,
            1e9,
        )
        self.row("GetDatabase (not served)", None, **result)

    @staticmethod
    def _as_stock(call: Callable[..., object], **kwargs: Any) -> object:
        moto_glue_jobruns.unregister()
        try:
            return call(**kwargs)
        finally:
            moto_glue_jobruns.register()


def _stubber(glue: Any, method: str, answer: dict[str, Any], count: int) -> Any:
    """botocore's Stubber, for reference only: it skips parsing altogether."""
    from botocore.stub import Stubber

    stub = Stubber(glue)
    for _ in range(count):
        stub.add_response(method, {k: v for k, v in answer.items() if k != "ResponseMetadata"})
    stub.activate()
    return stub


# ------------------------------------------------------------------- child processes


_MEMORY_CHILD = """
import gc, json, sys, time, tracemalloc
from datetime import datetime, timedelta, timezone
import boto3
from moto import mock_aws
from moto.glue.models import FakeJobRun, glue_backends
import moto_glue_jobruns
count, mode = int(sys.argv[1]), sys.argv[2]
with mock_aws():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(Name="j", Role="r", Command={"Name": "glueetl"})
    start = datetime.now(timezone.utc) - timedelta(seconds=count + 3600)
    runs = [{"StartedOn": start + timedelta(seconds=i), "JobRunState": "SUCCEEDED", "ExecutionTime": 60 + i % 600}
            for i in range(count)]
    moto_glue_jobruns.seed_job_runs("j", runs[:1])  # the store and its shared settings exist
    job = glue_backends["123456789012"]["us-east-1"].jobs["j"]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    if mode == "plugin":
        moto_glue_jobruns.seed_job_runs("j", runs[1:])
    else:
        job.job_runs.extend(FakeJobRun(job_name="j") for _ in range(count - 1))
    del runs
    gc.collect()
    print(json.dumps((tracemalloc.get_traced_memory()[0] - before) / (count - 1)))
"""

_IMPORT_CHILD = """
import json, time
import moto
began = time.perf_counter()
import moto_glue_jobruns
print(json.dumps(time.perf_counter() - began))
"""


def child(code: str, *args: str) -> Any:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    output = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- reporting


def growth(points: list[tuple[int, float]]) -> float | None:
    """The exponent k of time ~ N**k, a least-squares fit over the sizes measured."""
    points = [(n, t) for n, t in points if t and t > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def fmt_time(value: float | None, lower: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value * 1e3:.1f} ms" if value < 10 else f"{value:.1f} s"
    return (">" if lower else "") + text


def fmt_ratio(a: float | None, b: float | None, lower: bool = False) -> str:
    if a is None or b is None or not b:
        return "—"
    return f"{'<' if lower else ''}{a / b:.2f}x"


def report(results: dict[str, Any]) -> str:
    lines = [
        "| figure | N | floor | Stubber | stock moto | plugin | plugin / floor | plugin / stock | server: stock | server: plugin | server plugin / floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["rows"]:
        lower = bool(row.get("stock_lower_bound"))
        lines.append(
            "| {figure} | {n} | {floor} | {stub} | {stock} | {plugin} | {pf} | {ps} | {ss} | {sp} | {spf} |".format(
                figure=row["figure"],
                n=f"{row['N']:,}" if row["N"] else "",
                floor=fmt_time(row.get("floor")),
                stub=fmt_time(row.get("stubber")),
                stock=fmt_time(row.get("stock"), lower) if row.get("stock") is not None else "—",
                plugin=fmt_time(row.get("plugin")),
                pf=fmt_ratio(row.get("plugin"), row.get("floor")),
                ps=fmt_ratio(row.get("plugin"), row.get("stock"), lower),
                ss=fmt_time(row.get("server stock"), lower) if row.get("server stock") else "—",
                sp=fmt_time(row.get("server plugin")),
                spf=fmt_ratio(row.get("server plugin"), row.get("floor")),
            )
        )
    lines += ["", "Growth in N (time ~ N^k; 0 is flat, 1 linear, 2 quadratic):", ""]
    lines += [
        "| figure | floor | stock moto | plugin | server: plugin |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    figures = dict.fromkeys(row["figure"] for row in results["rows"] if row["N"])
    for figure in figures:
        rows = [row for row in results["rows"] if row["figure"] == figure]
        cells = []
        for column in ("floor", "stock", "plugin", "server plugin"):
            usable = [
                (r["N"], r.get(column))
                for r in rows
                if not (column == "stock" and r.get("stock_lower_bound"))
            ]
            k = growth([(n, t) for n, t in usable if t is not None])
            cells.append("—" if k is None else f"{k:+.2f}")
        lines.append(f"| {figure} | " + " | ".join(cells) + " |")
    lines += ["", "| other figure | stock moto | plugin | target |", "| --- | ---: | ---: | --- |"]
    for name, stock, plugin, target in results["others"]:
        lines.append(f"| {name} | {stock} | {plugin} | {target} |")
    lines += ["", "SPEC §9 targets:", ""]
    lines += [f"- {'PASS' if ok else 'MISS'}: {text}" for ok, text in results["targets"]]
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]], others: dict[str, float], sizes: list[int]) -> list[tuple[bool, str]]:
    def get(figure: str, n: int) -> dict[str, Any] | None:
        return next((r for r in rows if r["figure"] == figure and r["N"] == n), None)

    checks: list[tuple[bool, str]] = []
    for figure in ("page of 200, first", "page of 200, middle"):
        for n in sizes:
            row = get(figure, n)
            if row and n in (1_000, 100_000, 1_000_000, sizes[-1]):
                ratio = row["plugin"] / row["floor"]
                checks.append((ratio <= 1.2, f"{figure} at N={n:,}: {ratio:.2f} x floor (≤ 1.2)"))
        low, high = get(figure, sizes[0]), get(figure, sizes[-1])
        if low and high:
            # flatness on the ratio to the floor, measured side by side, so drift of the machine cancels
            flat = (high["plugin"] / high["floor"]) / (low["plugin"] / low["floor"])
            checks.append(
                (
                    flat <= 1.1,
                    f"{figure}: N={sizes[-1]:,} / N={sizes[0]:,} = {flat:.2f} (≤ 1.1, floor-normalised)",
                )
            )
    walk = get("walk all pages", 100_000) or get("walk all pages", max(n for n in sizes if n <= 100_000))
    if walk:
        ratio = walk["plugin"] / walk["floor"]
        checks.append((ratio <= 1.3, f"walk of {walk['N']:,} runs: {ratio:.2f} x sum of page floors (≤ 1.3)"))
    for figure in ("StartJobRun", "GetJobRun"):
        low, high = get(figure, sizes[0]), get(figure, min(sizes[-1], 100_000)) or get(figure, sizes[-1])
        if low and high:
            flat = (high["plugin"] / high["floor"]) / (low["plugin"] / low["floor"])
            checks.append(
                (flat <= 1.1, f"{figure}: N={high['N']:,} / N={low['N']:,} = {flat:.2f} (flat, ≤ 1.1)")
            )
    checks.append(
        (
            others["seed"] >= 100_000,
            f"seed_job_runs of {sizes[-1] if 100_000 not in sizes else 100_000:,} runs: {others['seed']:,.0f} runs/s (≥ 100,000)",
        )
    )
    checks.append((others["memory"] <= 400, f"memory: {others['memory']:.0f} B per stored run (≤ 400)"))
    checks.append(
        (
            others["change"] <= STATE_CHANGE_TARGET,
            f"a state change with logs and events: +{others['change'] * 1e6:.0f} µs "
            f"(≤ {STATE_CHANGE_TARGET * 1e6:.0f} µs)",
        )
    )
    checks.append((others["other"] <= 1.05, f"GetDatabase: {others['other']:.3f} x stock (≤ 1.05)"))
    checks.append((others["import"] <= 0.05, f"import after moto: {others['import'] * 1e3:.1f} ms (≤ 50 ms)"))
    return checks


# --------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1k and 10k only; under a minute")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    stock_cap = 10_000 if args.quick else 100_000
    walk_cap = 10_000 if args.quick else 100_000
    began = time.perf_counter()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per server request
    moto_glue_jobruns.register()
    bench = Bench(args.quick)
    seed_rates: list[float] = []
    stock_ids: dict[str, list[str]] = {}
    with mock_aws():
        bench.start_servers()
        bench.other_glue_call()
        bench.state_change()
        for n in sizes:
            print(f"N = {n:,}", flush=True)
            rate, plugin_ids = seed_plugin_job(bench.glue, f"plugin-{n}", n)
            seed_rates.append(rate)
            stock_n = min(n, stock_cap)
            stock_job = f"stock-{stock_n}"
            if stock_job not in stock_ids:
                stock_ids[stock_job] = make_stock_job(bench.glue, stock_job, stock_n)
            gc.collect()
            bench.page_figures(n, f"plugin-{n}", stock_job, stock_n)
            if n <= walk_cap:
                bench.walk(n, f"plugin-{n}", stock_job)
            bench.run_figures(n, f"plugin-{n}", plugin_ids, stock_job, stock_ids[stock_job])
            for row in bench.rows[-3:]:
                if n > stock_n and row["N"] == n:
                    row["stock_lower_bound"] = True
        bench.stop_servers()
    print("memory and import time (child processes)", flush=True)
    memory_n = 100_000
    memory_plugin = child(_MEMORY_CHILD, str(memory_n), "plugin")
    memory_stock = child(_MEMORY_CHILD, str(memory_n if not args.quick else 20_000), "stock")
    imports = statistics.median(child(_IMPORT_CHILD) for _ in range(3 if args.quick else 7))
    other = next(r for r in bench.rows if r["N"] is None)
    changes = bench.state_changes
    others = {
        "change": changes["plugin"] - changes["bare"],
        "seed": seed_rates[sizes.index(100_000)] if 100_000 in sizes else seed_rates[-1],
        "memory": memory_plugin,
        "other": other["plugin"] / other["stock"],
        "import": imports,
    }
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "sizes": sizes,
        "rows": bench.rows,
        "others": [
            (
                "seed_job_runs, runs/s (validation included), N = " + ", ".join(f"{n:,}" for n in sizes),
                "no seeding",
                ", ".join(f"{rate:,.0f}" for rate in seed_rates),
                "≥ 100,000",
            ),
            (
                f"memory per stored run (tracemalloc, {memory_n:,} runs)",
                f"{memory_stock:.0f} B",
                f"{memory_plugin:.0f} B",
                "≤ 400 B",
            ),
            ("`import moto_glue_jobruns` after `import moto`", "—", f"{imports * 1e3:.1f} ms", "≤ 50 ms"),
            ("GetDatabase, plugin / stock", "1.00x", f"{others['other']:.3f}x", "≤ 1.05x"),
            (
                "a state change with CloudWatch logs and EventBridge events, in the backend "
                "(stock: the same with no subscribers)",
                f"{changes['bare'] * 1e6:.0f} µs",
                f"{changes['plugin'] * 1e6:.0f} µs (+{others['change'] * 1e6:.0f} µs)",
                f"+ ≤ {STATE_CHANGE_TARGET * 1e6:.0f} µs",
            ),
            (
                "... and delivering its event to a rule's SQS target (stock: moto's own PutEvents "
                "delivering one event there)",
                f"{changes['put_events'] * 1e6:.0f} µs",
                f"{changes['delivery'] * 1e6:.0f} µs",
                "moto's cost",
            ),
        ],
    }
    results["targets"] = targets(bench.rows, others, sizes)
    print()
    print(report(results))
    print(f"\n(took {time.perf_counter() - began:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
