"""``moto-glue-jobruns-server``: moto's server with the plugin registered.

Takes moto_server's options (``-H/--host``, ``-p/--port``, ...; 127.0.0.1:5000 by
default) plus ``--demo``, which creates a job named ``demo`` with a week of seeded runs.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import moto.server

import moto_glue_jobruns

DEMO_JOB = "demo"


def demo_runs(now: datetime) -> list[dict[str, Any]]:
    """A week of nightly runs: mostly SUCCEEDED, one FAILED and retried, one TIMEOUT."""
    runs: list[dict[str, Any]] = []
    for day in range(7, 0, -1):
        started = now - timedelta(days=day)
        runs.append(
            {
                "StartedOn": started,
                "ExecutionTime": 600 + 37 * day,
                "CompletedOn": started + timedelta(seconds=640 + 37 * day),
            }
        )
    runs[2].update(
        JobRunState="FAILED", ErrorMessage="An error occurred while calling o122.pyWriteDynamicFrame."
    )
    runs[4].update(
        JobRunState="TIMEOUT",
        ExecutionTime=2880 * 60,
        CompletedOn=runs[4]["StartedOn"] + timedelta(minutes=2880),
    )
    runs.append({"JobRunState": "RUNNING", "StartedOn": now - timedelta(minutes=5)})
    return runs


def _seed_demo(host: str, port: int) -> None:
    import boto3

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    client = boto3.client(
        "glue",
        region_name="us-east-1",
        endpoint_url=f"http://{host}:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_job(
        Name=DEMO_JOB,
        Role="arn:aws:iam::123456789012:role/demo",
        Command={"Name": "glueetl", "ScriptLocation": "s3://demo/script.py"},
        GlueVersion="4.0",
        WorkerType="G.1X",
        NumberOfWorkers=10,
    )
    moto_glue_jobruns.seed_job_runs(DEMO_JOB, demo_runs(datetime.now(timezone.utc)))
    print(f"Demo job {DEMO_JOB!r} ready with seeded runs", flush=True)  # noqa: T201


def main(argv: list[str] | None = None) -> None:
    """Run moto's server with the plugin; ``--demo`` also seeds a demo job."""
    args = list(sys.argv[1:] if argv is None else argv)
    moto_glue_jobruns.register()
    if "--demo" in args:
        args.remove("--demo")
        host = _option(args, ("-H", "--host"), "127.0.0.1")
        port = int(_option(args, ("-p", "--port"), os.environ.get("MOTO_PORT", "5000")))
        threading.Thread(target=_seed_demo, args=(host, port), daemon=True).start()
    moto.server.main(args or ["--host", "127.0.0.1"])


def _option(args: list[str], names: tuple[str, ...], default: str) -> str:
    for index, arg in enumerate(args):
        if arg in names and index + 1 < len(args):
            return args[index + 1]
        for name in names:
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return default


if __name__ == "__main__":  # python -m moto_glue_jobruns.server
    main()
