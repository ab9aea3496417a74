"""On a plain install (no ``server`` extra), opting in to script execution says what to install."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from conftest import JobFactory

from moto_glue_jobruns import execute_job_scripts


@pytest.mark.skipif(importlib.util.find_spec("flask") is not None, reason="the server extra is installed")
def test_execute__without_the_server_extra_says_what_to_install(glue: Any, make_job: JobFactory) -> None:
    make_job("j", Command={"Name": "pythonshell", "ScriptLocation": "/tmp/j.py"})
    with pytest.raises(ValueError, match=r'pip install "moto-glue-jobruns\[server\]"'):
        execute_job_scripts("j")
    run_id = glue.start_job_run(JobName="j")["JobRunId"]
    assert glue.get_job_run(JobName="j", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
