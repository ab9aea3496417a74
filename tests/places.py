"""Where a test's AWS calls go: moto in this process, or moto's server over HTTP.

Both places offer boto3 clients of any service, seeding, outcomes and moto's state
manager, so one test body checks the same behaviour in process and in server mode.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import requests
from moto.moto_api import state_manager

from moto_glue_jobruns import seed_job_runs, set_run_outcomes

REGION = "us-east-1"
MODEL = "glue::job_run"


class InProcess:
    """moto's decorator mode: calls go through moto's botocore hook."""

    name = "in process"

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region)

    def seed(self, job: str, runs: list[dict[str, Any]]) -> list[str]:
        return seed_job_runs(job, runs)

    def set_outcomes(self, job: str, outcomes: list[dict[str, Any]]) -> None:
        set_run_outcomes(job, outcomes)

    def set_transition(self, **transition: Any) -> None:
        state_manager.set_transition(model_name=MODEL, transition=transition)

    def unset_transition(self) -> None:
        state_manager.unset_transition(MODEL)


class OnServer:
    """moto's server mode: ThreadedMotoServer on 127.0.0.1, the plugin's HTTP routes."""

    name = "server"

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def _post(self, path: str, body: Any) -> requests.Response:
        return requests.post(f"{self.endpoint}{path}", data=json.dumps(body, default=str), timeout=30)

    def seed(self, job: str, runs: list[dict[str, Any]]) -> list[str]:
        response = self._post("/moto-api/glue-jobruns/seed", {"JobName": job, "JobRuns": runs})
        assert response.status_code == 200, response.text
        ids: list[str] = response.json()["JobRunIds"]
        return ids

    def set_outcomes(self, job: str, outcomes: list[dict[str, Any]]) -> None:
        response = self._post("/moto-api/glue-jobruns/outcomes", {"JobName": job, "Outcomes": outcomes})
        assert response.status_code == 200, response.text

    def set_transition(self, **transition: Any) -> None:
        body = {"model_name": MODEL, "transition": transition}
        assert self._post("/moto-api/state-manager/set-transition", body).status_code == 201

    def unset_transition(self) -> None:
        self._post("/moto-api/state-manager/unset-transition", {"model_name": MODEL})

    def reset(self) -> None:
        requests.post(f"{self.endpoint}/moto-api/reset", timeout=30)


Place = InProcess | OnServer
