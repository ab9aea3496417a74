"""``moto-glue-jobruns-server``: moto's server with the plugin registered.

Takes moto_server's options (``-H/--host``, ``-p/--port``, ...; 127.0.0.1:5000 by
default) plus ``--demo``, a job named ``demo`` with a week of runs, and ``--seed FILE``,
the JSON that ``aws glue get-job-runs`` prints. Both are stored in process before the
server binds its port, so the first request already sees them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

import moto_glue_jobruns

from ._run import HOLDS_SLOT

DEMO_JOB = "demo"
# Room for the demo's RUNNING run and the runs a reader starts with the README's commands.
DEMO_CONCURRENT_RUNS = 3
REGION = "us-east-1"  # where --demo and --seed store, as seed_job_runs does by default
_ROLE = "arn:aws:iam::123456789012:role/moto-glue-jobruns"


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


def read_job_runs_output(text: str) -> dict[str, list[dict[str, Any]]]:
    """The runs in ``aws glue get-job-runs`` output (``{"JobRuns": [...]}``), by JobName.

    A ``NextToken`` (``--no-paginate`` output) is ignored. Raises ``ValueError`` saying
    what is wrong; the runs themselves are checked when they are seeded.
    """
    try:
        output = json.loads(text)
    except ValueError as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(output, dict) or not isinstance(output.get("JobRuns"), list):
        raise ValueError('expected the JSON `aws glue get-job-runs` prints: {"JobRuns": [...]}')
    unknown = sorted(key for key in output if key not in ("JobRuns", "NextToken"))
    if unknown:
        raise ValueError(f"unknown member {unknown[0]!r}; expected JobRuns (and NextToken)")
    by_job: dict[str, list[dict[str, Any]]] = {}
    for index, run in enumerate(output["JobRuns"]):
        name = run.get("JobName") if isinstance(run, dict) else None
        if not isinstance(name, str):
            raise ValueError(f"JobRuns[{index}]: expected a run with its JobName, as the CLI prints it")
        by_job.setdefault(name, []).append(run)
    return by_job


def job_for_runs(name: str, runs: Sequence[Mapping[str, Any]], create_job_members: Any) -> dict[str, Any]:
    """CreateJob members for a job known only from its runs: the settings of its newest
    run (the first, in the CLI's order), such as GlueVersion, workers and Timeout, and as
    many concurrent runs as the runs holding a slot (at least AWS's default, 1)."""
    newest = runs[0]
    copied = {
        key: value
        for key, value in newest.items()
        if key in create_job_members and key not in ("Name", "AllocatedCapacity") and value is not None
    }
    if "WorkerType" in copied:  # AWS refuses MaxCapacity beside WorkerType/NumberOfWorkers
        copied.pop("MaxCapacity", None)
    holding = sum(1 for run in runs if run.get("JobRunState") in HOLDS_SLOT)
    return {
        "Name": name,
        "Role": _ROLE,
        "Command": {"Name": "glueetl"},
        **copied,
        "ExecutionProperty": {"MaxConcurrentRuns": max(1, holding)},
    }


@contextlib.contextmanager
def _backends() -> Iterator[Any]:
    """A boto3 Glue client served in process by the backends the server will serve,
    left as they are afterwards (moto's mock without its reset)."""
    import boto3
    from moto import mock_aws

    mock = mock_aws()
    mock.start(reset=False)
    try:
        yield boto3.client("glue", region_name=REGION)
    finally:
        mock.stop(remove_data=False)


def _store_demo(glue: Any) -> None:
    glue.create_job(
        Name=DEMO_JOB,
        Role=_ROLE,
        Command={"Name": "glueetl", "ScriptLocation": "s3://demo/script.py"},
        GlueVersion="4.0",
        WorkerType="G.1X",
        NumberOfWorkers=10,
        ExecutionProperty={"MaxConcurrentRuns": DEMO_CONCURRENT_RUNS},
    )
    moto_glue_jobruns.seed_job_runs(DEMO_JOB, demo_runs(datetime.now(timezone.utc)), region_name=REGION)


def _store_history(glue: Any, by_job: Mapping[str, list[dict[str, Any]]]) -> int:
    members = glue.meta.service_model.operation_model("CreateJob").input_shape.members
    count = 0
    for name, runs in by_job.items():
        try:
            glue.get_job(JobName=name)
        except glue.exceptions.EntityNotFoundException:
            glue.create_job(**job_for_runs(name, runs, members))
        count += len(moto_glue_jobruns.seed_job_runs(name, runs, region_name=REGION))
    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(usage=argparse.SUPPRESS, add_help=False, allow_abbrev=False)
    group = parser.add_argument_group("moto-glue-jobruns options (stored before the port opens)")
    group.add_argument(
        "--demo", action="store_true", help=f"create a job named {DEMO_JOB!r} with a week of seeded runs"
    )
    group.add_argument(
        "--seed",
        action="append",
        default=[],
        metavar="FILE",
        help="seed the runs in FILE, the JSON `aws glue get-job-runs` prints, creating each "
        f"job that does not exist from its newest run (repeatable; region {REGION})",
    )
    return parser


def _help(moto_main: Any) -> str:
    """moto_server's own help with this script's options added."""
    text = io.StringIO()
    with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
        moto_main(["--help"])
    return text.getvalue().replace("[-h]", "[-h] [--demo] [--seed FILE]", 1) + "\n" + _parser().format_help()


def main(argv: list[str] | None = None) -> None:
    """Run moto's server with the plugin; ``--demo`` and ``--seed FILE`` store runs first."""
    parser = _parser()
    ours, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    moto_glue_jobruns.register()
    try:
        import moto.server
    except ModuleNotFoundError as error:  # moto's server mode needs Flask: the server extra
        sys.exit(
            f"moto-glue-jobruns-server needs moto's server mode ({error}): "
            'pip install "moto-glue-jobruns[server]"'
        )
    if "-h" in rest or "--help" in rest:
        print(_help(moto.server.main), end="")  # noqa: T201
        return
    histories = []
    for path in ours.seed:
        try:
            with open(path, encoding="utf-8") as handle:
                histories.append((path, read_job_runs_output(handle.read())))
        except (OSError, ValueError) as error:
            parser.exit(2, f"moto-glue-jobruns-server: --seed {path}: {error}\n")
    with _backends() as glue:
        if ours.demo:
            _store_demo(glue)
            print(f"Demo job {DEMO_JOB!r} ready with seeded runs", flush=True)  # noqa: T201
        for path, by_job in histories:
            try:
                count = _store_history(glue, by_job)
            except (ValueError, ClientError, ParamValidationError) as error:  # a run CreateJob refuses
                parser.exit(2, f"moto-glue-jobruns-server: --seed {path}: {error}\n")
            print(f"Seeded {count} runs of {', '.join(by_job) or 'no job'} from {path}", flush=True)  # noqa: T201
    moto.server.main(rest or ["--host", "127.0.0.1"])


if __name__ == "__main__":  # python -m moto_glue_jobruns.server
    main()
