"""Runs that do their work: a job's Python script executed for each run, opted in per job.

Every test drives the run through boto3, in process (``mock_aws``) or against the server,
and leaves no process behind (checked after each test).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from conftest import JobFactory
from freezegun import freeze_time
from moto import mock_aws
from targets import Server

from moto_glue_jobruns import execute_job_scripts
from moto_glue_jobruns._process import live_processes

# scripts reach the mock through a loopback moto server: the server extra (Flask) is needed
pytestmark = pytest.mark.server

FINISHED = {"SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED", "EXPIRED"}

WRITE_TO_S3 = """
import sys
import boto3
import requests

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
body = "|".join([args["--JOB_NAME"], args["--JOB_RUN_ID"], args["--day"], args["--fixed"]])
boto3.client("s3").put_object(Bucket="out", Key=args["--JOB_RUN_ID"], Body=body.encode())
print("wrote", args["--JOB_RUN_ID"])
"""
FAIL = """
def load():
    raise RuntimeError("the input table is empty")

load()
"""
SLEEP = "import time\nprint('started', flush=True)\ntime.sleep(600)\n"


@pytest.fixture(autouse=True)
def no_process_left() -> Iterator[None]:
    yield
    deadline = time.monotonic() + 10
    while live_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes() == [], "a script outlived its test"


@pytest.fixture
def s3() -> Any:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="scripts")
    client.create_bucket(Bucket="out")
    return client


def script_job(
    glue: Any, s3: Any, make_job: JobFactory, source: str, name: str = "job", **members: Any
) -> str:
    s3.put_object(Bucket="scripts", Key=f"{name}.py", Body=source.encode())
    make_job(name, Command={"Name": "pythonshell", "ScriptLocation": f"s3://scripts/{name}.py"}, **members)
    execute_job_scripts(name)
    return name


def server_s3(server: Server) -> Any:
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=server.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def wait_for_end(glue: Any, job: str, run_id: str, timeout: float = 60) -> dict[str, Any]:
    """A poller: GetJobRun until the run ends (what the code under test would do)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: dict[str, Any] = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in FINISHED:
            return run
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} did not end within {timeout} s")


def wait_for_state(glue: Any, job: str, run_id: str, state: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] != state:
        assert time.monotonic() < deadline, f"run {run_id} never reached {state}"
        time.sleep(0.02)


# ------------------------------------------------------------------------ in process


def test_execute__script_writes_to_s3_with_glues_arguments(glue: Any, s3: Any, make_job: JobFactory) -> None:
    job = script_job(
        glue,
        s3,
        make_job,
        WRITE_TO_S3,
        DefaultArguments={"--day": "mon", "--fixed": "default"},
        NonOverridableArguments={"--fixed": "locked"},
    )
    run_id = glue.start_job_run(JobName=job, Arguments={"--day": "tue", "--fixed": "mine"})["JobRunId"]
    run = wait_for_end(glue, job, run_id)
    assert run["JobRunState"] == "SUCCEEDED"
    written = s3.get_object(Bucket="out", Key=run_id)["Body"].read().decode()
    assert written == f"{job}|{run_id}|tue|locked"
    assert run["CompletedOn"] >= run["StartedOn"] and isinstance(run["ExecutionTime"], int)


def test_execute__failing_script_fails_the_run_with_its_exception(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, FAIL)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = wait_for_end(glue, job, run_id)
    assert (run["JobRunState"], run["ErrorMessage"]) == ("FAILED", "RuntimeError: the input table is empty")


def test_execute__a_run_is_running_while_its_script_runs(glue: Any, s3: Any, make_job: JobFactory) -> None:
    job = script_job(glue, s3, make_job, SLEEP)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    time.sleep(0.3)
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
    glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])


def test_execute__stop_kills_the_script_stopping_then_stopped(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, SLEEP)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    wait_for_state(glue, job, run_id, "RUNNING")
    (process,) = live_processes()
    answer = glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    assert answer["SuccessfulSubmissions"] == [{"JobName": job, "JobRunId": run_id}]
    assert process.returncode is not None and process.killed
    assert wait_for_end(glue, job, run_id)["JobRunState"] == "STOPPED"


def test_execute__script_past_its_timeout_is_killed_and_times_out(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, SLEEP, Timeout=1)
    with freeze_time() as frozen:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
        wait_for_state(glue, job, run_id, "RUNNING")
        frozen.tick(timedelta(minutes=2))
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "TIMEOUT"
    assert run["CompletedOn"] - run["StartedOn"] == timedelta(minutes=1)
    assert live_processes() == []


def test_execute__retries_run_the_script_again(glue: Any, s3: Any, make_job: JobFactory) -> None:
    flaky = (
        "import sys\nargs = dict(zip(sys.argv[1::2], sys.argv[2::2]))\n"
        "if '_attempt_' not in args['--JOB_RUN_ID']:\n    raise SystemExit('first attempt fails')\n"
        "print('retry ran')\n"
    )
    job = script_job(glue, s3, make_job, flaky, MaxRetries=1)
    first = glue.start_job_run(JobName=job)["JobRunId"]
    assert wait_for_end(glue, job, first)["ErrorMessage"] == "first attempt fails"
    retry = wait_for_end(glue, job, f"{first}_attempt_1")
    assert (retry["JobRunState"], retry["Attempt"], retry["PreviousRunId"]) == ("SUCCEEDED", 1, first)


def test_execute__max_concurrent_runs_hold_with_real_processes(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, "import time\ntime.sleep(1)\n")
    first = glue.start_job_run(JobName=job)["JobRunId"]
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName=job)
    queued = glue.start_job_run(JobName=job, JobRunQueuingEnabled=True)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=queued)["JobRun"]["JobRunState"] == "WAITING"
    assert wait_for_end(glue, job, first)["JobRunState"] == "SUCCEEDED"
    assert wait_for_end(glue, job, queued)["JobRunState"] == "SUCCEEDED"


def test_execute__leaving_the_mock_kills_a_script_that_never_ends() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="scripts")
        s3.put_object(Bucket="scripts", Key="forever.py", Body=b"while True:\n    pass\n")
        glue = boto3.client("glue", region_name="us-east-1")
        glue.create_job(
            Name="forever",
            Role="r",
            Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/forever.py"},
        )
        execute_job_scripts("forever")
        glue.start_job_run(JobName="forever")
        assert len(live_processes()) == 1
    assert live_processes() == []


def test_execute__a_flood_of_output_cannot_hang_the_run(glue: Any, s3: Any, make_job: JobFactory) -> None:
    job = script_job(glue, s3, make_job, "for i in range(300000):\n    print('x' * 100)\n")
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert wait_for_end(glue, job, run_id, timeout=120)["JobRunState"] == "SUCCEEDED"


def test_execute__missing_spark_runtime_says_so(glue: Any, s3: Any, make_job: JobFactory) -> None:
    job = script_job(glue, s3, make_job, "from awsglue.utils import getResolvedOptions\n")
    run = wait_for_end(glue, job, glue.start_job_run(JobName=job)["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("ModuleNotFoundError: No module named 'awsglue'")
    assert "Glue's Spark runtime (awsglue, pyspark)" in run["ErrorMessage"]


def test_execute__runs_when_the_environment_provides_awsglue(
    glue: Any, s3: Any, make_job: JobFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "awsglue"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "utils.py").write_text(
        "import argparse\n"
        "def getResolvedOptions(argv, names):\n"
        "    parser = argparse.ArgumentParser()\n"
        "    for name in names:\n"
        "        parser.add_argument('--' + name, required=True)\n"
        "    return vars(parser.parse_known_args(argv[1:])[0])\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    source = (
        "import sys, boto3\nfrom awsglue.utils import getResolvedOptions\n"
        "args = getResolvedOptions(sys.argv, ['JOB_NAME', 'day'])\n"
        "boto3.client('s3').put_object(Bucket='out', Key='day', Body=args['day'].encode())\n"
    )
    job = script_job(glue, s3, make_job, source, DefaultArguments={"--day": "wed"})
    assert wait_for_end(glue, job, glue.start_job_run(JobName=job)["JobRunId"])["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="out", Key="day")["Body"].read() == b"wed"


def test_execute__a_local_script_path_and_another_interpreter(
    glue: Any, s3: Any, make_job: JobFactory, tmp_path: Path
) -> None:
    script = tmp_path / "local.py"
    script.write_text(WRITE_TO_S3)
    make_job("local", DefaultArguments={"--day": "thu", "--fixed": "f"})
    execute_job_scripts("local", script=script, python=Path(sys.executable).name)
    run_id = glue.start_job_run(JobName="local")["JobRunId"]
    assert wait_for_end(glue, "local", run_id)["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="out", Key=run_id)["Body"].read().decode().endswith("|thu|f")


def test_execute__without_opting_in_nothing_runs(glue: Any, s3: Any, make_job: JobFactory) -> None:
    s3.put_object(Bucket="scripts", Key="job.py", Body=WRITE_TO_S3.encode())
    make_job("plain", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/job.py"})
    run_id = glue.start_job_run(JobName="plain")["JobRunId"]
    assert glue.get_job_run(JobName="plain", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    assert live_processes() == []
    assert s3.list_objects_v2(Bucket="out").get("KeyCount") == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"python": "no-such-python-here"}, "python: 'no-such-python-here' is not an executable"),
        ({"script": 5}, "script: expected a path, got int"),
        ({"script": "/no/such/script.py"}, "cannot read the script '/no/such/script.py'"),
    ],
)
def test_execute__bad_options_say_what_is_wrong(
    glue: Any, make_job: JobFactory, kwargs: dict[str, Any], message: str
) -> None:
    make_job("j", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/j.py"})
    with pytest.raises(ValueError, match=re.escape(message)):
        execute_job_scripts("j", **kwargs)


def test_execute__a_script_missing_from_s3_is_refused_up_front(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    make_job("j", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/missing.py"})
    with pytest.raises(
        ValueError, match=re.escape("no object s3://scripts/missing.py in moto's S3 of account 123456789012")
    ):
        execute_job_scripts("j")


def test_execute__a_script_deleted_after_opting_in_fails_the_run(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, WRITE_TO_S3)
    s3.delete_object(Bucket="scripts", Key=f"{job}.py")
    run = wait_for_end(glue, job, glue.start_job_run(JobName=job)["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("The script could not be run: no object s3://scripts/job.py")


# ----------------------------------------------------------------------- server mode


def test_execute_route__script_writes_to_s3_through_the_server(server: Server) -> None:
    s3 = server_s3(server)
    s3.create_bucket(Bucket="scripts")
    s3.create_bucket(Bucket="out")
    s3.put_object(Bucket="scripts", Key="job.py", Body=WRITE_TO_S3.encode())
    glue = server.client()
    glue.create_job(
        Name="job",
        Role="r",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/job.py"},
        DefaultArguments={"--day": "fri", "--fixed": "x"},
    )
    status, body = server.post("/moto-api/glue-jobruns/execute", json.dumps({"JobName": "job"}).encode())
    assert (status, json.loads(body)) == (200, {})
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    assert wait_for_end(glue, "job", run_id)["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="out", Key=run_id)["Body"].read().decode() == f"job|{run_id}|fri|x"


def test_execute_route__a_failing_script_and_a_stop(server: Server) -> None:
    s3 = server_s3(server)
    s3.create_bucket(Bucket="scripts")
    s3.put_object(Bucket="scripts", Key="fail.py", Body=FAIL.encode())
    s3.put_object(Bucket="scripts", Key="sleep.py", Body=SLEEP.encode())
    glue = server.client()
    for name in ("fail", "sleep"):
        glue.create_job(
            Name=name, Role="r", Command={"Name": "pythonshell", "ScriptLocation": f"s3://scripts/{name}.py"}
        )
        assert server.post("/moto-api/glue-jobruns/execute", json.dumps({"JobName": name}).encode())[0] == 200
    failed = wait_for_end(glue, "fail", glue.start_job_run(JobName="fail")["JobRunId"])
    assert failed["ErrorMessage"] == "RuntimeError: the input table is empty"
    sleeping = glue.start_job_run(JobName="sleep")["JobRunId"]
    wait_for_state(glue, "sleep", sleeping, "RUNNING")
    glue.batch_stop_job_run(JobName="sleep", JobRunIds=[sleeping])
    assert wait_for_end(glue, "sleep", sleeping)["JobRunState"] == "STOPPED"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "must be a JSON object"),
        (b"{", "not valid JSON"),
        (b'{"JobName": "job", "Pyton": "x"}', "unknown member 'Pyton'"),
        (b'{"JobName": "job", "Python": 3}', "Python: expected a string path"),
        (b'{"JobName": "nope"}', "JobName"),
    ],
)
def test_execute_route__bad_bodies_are_400(server: Server, body: bytes, message: str) -> None:
    server.client().create_job(
        Name="job", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "/x.py"}
    )
    status, answer = server.post("/moto-api/glue-jobruns/execute", body)
    doc = json.loads(answer)
    assert status == 400 and doc["__type"] == "InvalidInputException" and message in doc["message"]


def test_execute_route__the_script_works_in_the_runs_account(server: Server) -> None:
    account = "111111111111"

    def in_account(client: Any) -> Any:
        client.meta.events.register(
            "before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
        )
        return client

    s3 = in_account(server_s3(server))
    s3.create_bucket(Bucket="scripts")
    s3.create_bucket(Bucket="out")
    s3.put_object(Bucket="scripts", Key="job.py", Body=WRITE_TO_S3.encode())
    glue = in_account(server.client())
    glue.create_job(
        Name="job",
        Role="r",
        Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/job.py"},
        DefaultArguments={"--day": "sat", "--fixed": "y"},
    )
    body = json.dumps({"JobName": "job", "AccountId": account}).encode()
    assert server.post("/moto-api/glue-jobruns/execute", body)[0] == 200
    run_id = glue.start_job_run(JobName="job")["JobRunId"]
    assert wait_for_end(glue, "job", run_id)["JobRunState"] == "SUCCEEDED"
    assert s3.get_object(Bucket="out", Key=run_id)["Body"].read().decode() == f"job|{run_id}|sat|y"


def test_execute_route__only_post(server: Server) -> None:
    response = requests.get(f"{server.endpoint}/moto-api/glue-jobruns/execute", timeout=30)
    assert (response.status_code, response.headers["Allow"]) == (405, "POST")
    assert response.json()["__type"] == "MethodNotAllowedException"


# ------------------------------------------------------------------------------- logs

PRINT_RESULTS = """
import sys, time
print("rows=41", flush=True)
print("warming up", file=sys.stderr, flush=True)
while not __import__("os").path.exists(sys.argv[sys.argv.index("--gate") + 1]):
    time.sleep(0.02)
print("rows=42", flush=True)
raise RuntimeError("late failure")
"""


def stream_messages(logs: Any, group: str, run_id: str) -> list[str]:
    events = logs.get_log_events(logGroupName=group, logStreamName=run_id, startFromHead=True)["events"]
    return [event["message"] for event in events]


def test_execute__output_is_read_live_from_the_output_stream(
    glue: Any, s3: Any, make_job: JobFactory, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    job = script_job(glue, s3, make_job, PRINT_RESULTS, DefaultArguments={"--gate": str(gate)})
    logs = boto3.client("logs", region_name="us-east-1")
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    wait_for_state(glue, job, run_id, "RUNNING")
    deadline = time.monotonic() + 30
    while "rows=41" not in _safe_messages(logs, "/aws-glue/jobs/output", run_id):
        assert time.monotonic() < deadline, "the first line never reached the output stream"
        time.sleep(0.02)
    assert "rows=42" not in stream_messages(logs, "/aws-glue/jobs/output", run_id)  # not yet printed
    assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
    gate.touch()
    run = wait_for_end(glue, job, run_id)
    output = stream_messages(logs, "/aws-glue/jobs/output", run_id)
    assert output.index("rows=41") < output.index("rows=42")
    error = stream_messages(logs, "/aws-glue/jobs/error", run_id)
    assert "warming up" in error and error[-1] == run["ErrorMessage"] == "RuntimeError: late failure"
    timestamps = [
        e["timestamp"]
        for e in logs.get_log_events(
            logGroupName="/aws-glue/jobs/output", logStreamName=run_id, startFromHead=True
        )["events"]
    ]
    assert timestamps == sorted(timestamps)


def _safe_messages(logs: Any, group: str, run_id: str) -> list[str]:
    try:
        return stream_messages(logs, group, run_id)
    except logs.exceptions.ResourceNotFoundException:
        return []


def test_execute_route__output_through_the_server(server: Server) -> None:
    s3 = server_s3(server)
    s3.create_bucket(Bucket="scripts")
    s3.put_object(Bucket="scripts", Key="hello.py", Body=b"print('hello from the script')\n")
    glue = server.client()
    glue.create_job(
        Name="hello", Role="r", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/hello.py"}
    )
    assert server.post("/moto-api/glue-jobruns/execute", json.dumps({"JobName": "hello"}).encode())[0] == 200
    run_id = glue.start_job_run(JobName="hello")["JobRunId"]
    assert wait_for_end(glue, "hello", run_id)["JobRunState"] == "SUCCEEDED"
    logs = boto3.client(
        "logs",
        region_name="us-east-1",
        endpoint_url=server.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert "hello from the script" in stream_messages(logs, "/aws-glue/jobs/output", run_id)


def test_execute__an_interpreter_gone_since_opting_in_fails_the_run(
    glue: Any, s3: Any, make_job: JobFactory, tmp_path: Path
) -> None:
    python = tmp_path / "python"
    python.symlink_to(sys.executable)
    s3.put_object(Bucket="scripts", Key="j.py", Body=b"pass\n")
    make_job("j", Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/j.py"})
    execute_job_scripts("j", python=str(python))
    python.unlink()
    run = wait_for_end(glue, "j", glue.start_job_run(JobName="j")["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == f"The script could not be run: {python}: No such file or directory"


def test_execute__interpreter_exit_kills_a_script_still_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = tmp_path / "forever.py"
    script.write_text(
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n"
    )
    code = (
        "import boto3, os, time\n"
        "from moto import mock_aws\n"
        "from moto_glue_jobruns import execute_job_scripts, mock_glue_job_runs\n"
        "mock_aws().start(); mock_glue_job_runs().start()\n"
        "glue = boto3.client('glue', region_name='us-east-1')\n"
        f"glue.create_job(Name='f', Role='r', Command={{'Name': 'pythonshell', 'ScriptLocation': {str(script)!r}}})\n"
        "execute_job_scripts('f')\n"
        "glue.start_job_run(JobName='f')\n"
        f"while not os.path.exists({str(pid_file)!r}):\n    time.sleep(0.02)\n"
    )  # exits without leaving the mock: only the interpreter's exit can stop the script
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_execute__execution_time_is_the_real_seconds_even_under_frozen_time(
    glue: Any, s3: Any, make_job: JobFactory
) -> None:
    job = script_job(glue, s3, make_job, "import time\ntime.sleep(1.2)\n")
    with freeze_time():
        run = wait_for_end(glue, job, glue.start_job_run(JobName=job)["JobRunId"])
    assert (run["JobRunState"], run["ExecutionTime"]) == ("SUCCEEDED", 1)
