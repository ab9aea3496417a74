"""Replaying history: what ``aws glue get-job-runs`` prints becomes seeded runs, unchanged.

In process (``seed_job_runs(job, output["JobRuns"])``), over the seeding route, and with
``moto-glue-jobruns-server --seed FILE`` (which also creates the job from its runs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_output import JOB, as_served, get_job_runs_output
from conftest import JobFactory
from console import console_server, free_port, run_console
from targets import Server

from moto_glue_jobruns import seed_job_runs


def test_seed_job_runs__takes_what_the_cli_prints(glue: Any, make_job: JobFactory) -> None:
    output = get_job_runs_output()
    make_job(JOB)
    ids = seed_job_runs(JOB, output["JobRuns"])
    assert ids == [run["Id"] for run in output["JobRuns"]]
    assert glue.get_job_runs(JobName=JOB)["JobRuns"] == [as_served(run) for run in output["JobRuns"]]


def test_seed_job_runs__running_run_with_execution_time_so_far(glue: Any, make_job: JobFactory) -> None:
    """The CLI prints ExecutionTime for a run still going; once stopped it reports its own."""
    make_job(JOB)
    (run_id,) = seed_job_runs(JOB, [{"JobRunState": "RUNNING", "ExecutionTime": 0}])
    assert "ExecutionTime" not in glue.get_job_run(JobName=JOB, RunId=run_id)["JobRun"]
    glue.batch_stop_job_run(JobName=JOB, JobRunIds=[run_id])
    stopped = glue.get_job_run(JobName=JOB, RunId=run_id)["JobRun"]
    assert (stopped["JobRunState"], stopped["ExecutionTime"] >= 0) == ("STOPPED", True)


def test_seed_route__takes_what_the_cli_prints(server: Server) -> None:
    output = get_job_runs_output()
    glue = server.client()
    glue.create_job(Name=JOB, Role="role", Command={"Name": "glueetl"})
    status, payload = server.post(
        "/moto-api/glue-jobruns/seed", json.dumps({"JobName": JOB, **output}).encode()
    )
    assert status == 200, payload
    assert glue.get_job_runs(JobName=JOB)["JobRuns"] == [as_served(run) for run in output["JobRuns"]]


def _write(tmp_path: Path, output: Any, name: str = "runs.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(output, indent=4), encoding="utf-8")
    return str(path)


@pytest.mark.server
def test_server_cli__seed_file_is_served_when_the_port_opens(tmp_path: Path) -> None:
    output = get_job_runs_output()
    with console_server("--seed", _write(tmp_path, output)) as endpoint:
        glue = Server(endpoint).client()
        runs = glue.get_job_runs(JobName=JOB)["JobRuns"]
        job = glue.get_job(JobName=JOB)["Job"]
        with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
            glue.start_job_run(JobName=JOB)  # its RUNNING run holds the one slot, as on AWS
    assert runs == [as_served(run) for run in output["JobRuns"]]
    newest = output["JobRuns"][0]
    assert {key: job[key] for key in ("GlueVersion", "WorkerType", "NumberOfWorkers", "Timeout")} == {
        key: newest[key] for key in ("GlueVersion", "WorkerType", "NumberOfWorkers", "Timeout")
    }
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}


@pytest.mark.server
def test_server_cli__seed_files_of_several_jobs_and_an_existing_one(tmp_path: Path) -> None:
    output = get_job_runs_output()
    finished = [run for run in output["JobRuns"] if "CompletedOn" in run]
    other = [{**run, "JobName": "hourly", "Id": run["Id"] + "0"} for run in finished[:2]]
    demo = [{**finished[3], "JobName": "demo", "Id": "jr_" + "d" * 64}]
    first = _write(tmp_path, {"JobRuns": finished[2:] + other, "NextToken": "from --no-paginate"}, "a.json")
    second = _write(tmp_path, {"JobRuns": demo}, "b.json")
    with console_server("--demo", "--seed", first, "--seed", second) as endpoint:
        glue = Server(endpoint).client()
        ids = {
            name: [run["Id"] for run in glue.get_job_runs(JobName=name)["JobRuns"]]
            for name in (JOB, "hourly")
        }
        demo_runs = glue.get_job_runs(JobName="demo")["JobRuns"]
        demo_job = glue.get_job(JobName="demo")["Job"]
    assert ids == {JOB: [run["Id"] for run in finished[2:]], "hourly": [run["Id"] for run in other]}
    assert "jr_" + "d" * 64 in [run["Id"] for run in demo_runs] and len(demo_runs) == 9
    assert demo_job["ExecutionProperty"]["MaxConcurrentRuns"] > 1  # the demo job was kept


@pytest.mark.server
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"JobRun": {}}', '{"JobRuns": [...]}'),
        ('{"JobRuns": [], "Marker": 1}', "unknown member 'Marker'"),
        ('{"JobRuns": [{"Id": "jr_1"}]}', "JobRuns[0]: expected a run with its JobName"),
        ('{"JobRuns": [{"JobName": "n", "JobRunState": "DONE"}]}', "JobRunState: 'DONE' is not one of"),
        ('{"JobRuns": [{"JobName": "n", "Timeout": "long"}]}', "Timeout"),  # CreateJob refuses it
    ],
)
def test_server_cli__bad_seed_file_is_refused_before_serving(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "runs.json"
    path.write_text(content, encoding="utf-8")
    completed = run_console("--seed", str(path), "--port", str(free_port()))
    assert completed.returncode == 2
    assert f"--seed {path}: " in completed.stderr and message in completed.stderr


@pytest.mark.server
def test_server_cli__missing_seed_file_is_refused() -> None:
    completed = run_console("--seed", "/nonexistent/runs.json", "--port", str(free_port()))
    assert completed.returncode == 2
    assert "--seed /nonexistent/runs.json: " in completed.stderr
