"""Benchmark script execution: StartJobRun to SUCCEEDED for a script that does nothing,
against running the same script with ``python`` directly, side by side.

    python bench/bench_executor.py              # 40 rounds
    python bench/bench_executor.py --rounds 10  # quicker

Each round runs the script directly (``subprocess.run([python, script])``), then starts a
run of a job that executes it and polls GetJobRun (every millisecond) until SUCCEEDED; the
order alternates between rounds. Medians are reported, and the overhead both as a ratio and
in milliseconds: what a test pays for going through the mock instead of running the script.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moto_glue_jobruns import execute_job_scripts, mock_glue_job_runs  # noqa: E402

NOOP = "pass\n"


def direct(script: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, script], check=True)
    return time.perf_counter() - start


def through_the_mock(glue: Any) -> float:
    start = time.perf_counter()
    run_id = glue.start_job_run(JobName="noop")["JobRunId"]
    while glue.get_job_run(JobName="noop", RunId=run_id)["JobRun"]["JobRunState"] != "SUCCEEDED":
        time.sleep(0.001)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    samples: dict[str, list[float]] = {"direct": [], "mock": []}
    with tempfile.TemporaryDirectory() as folder, mock_aws(), mock_glue_job_runs():
        script = str(Path(folder) / "noop.py")
        Path(script).write_text(NOOP)
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(Name="noop", Role="r", Command={"Name": "pythonshell", "ScriptLocation": script})
        execute_job_scripts("noop")
        through_the_mock(glue)  # warm-up: loopback server, model, first import
        for index in range(args.rounds):
            order = ("direct", "mock") if index % 2 == 0 else ("mock", "direct")
            for name in order:
                samples[name].append(direct(script) if name == "direct" else through_the_mock(glue))
    plain, mocked = (statistics.median(samples[name]) for name in ("direct", "mock"))
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, medians")
    print("| figure | time |")
    print("| --- | ---: |")
    print(f"| `python noop.py` directly | {plain * 1e3:.1f} ms |")
    print(f"| StartJobRun to SUCCEEDED, executing noop.py | {mocked * 1e3:.1f} ms |")
    print(f"| overhead | {(mocked - plain) * 1e3:.1f} ms ({mocked / plain:.2f}x) |")


if __name__ == "__main__":
    main()
