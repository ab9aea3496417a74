"""Where fuzzed and concurrent requests go: in process, or over HTTP to server mode.

Both targets answer ``(status, body bytes)`` for a raw Glue request body, so one property
can be checked the same way in both places.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

import boto3
import requests
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from moto.core.models import botocore_stubber

URL = "https://glue.us-east-1.amazonaws.com/"
ROLE = "arn:aws:iam::123456789012:role/glue"


def glue_headers(operation: str, region: str = "us-east-1") -> dict[str, str]:
    """What moto needs to route a raw request to Glue: target, content type, scope."""
    return {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSGlue.{operation}",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20261129/{region}/glue/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }


def strict_json(payload: bytes) -> Any:
    """JSON as every AWS SDK reads it: no NaN or Infinity."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant} in an answer")

    return json.loads(payload, parse_constant=refuse)


def check_answer(status: int, payload: bytes) -> Any:
    """A 2xx with a JSON body, or an AWS-shaped 4xx JSON error; never a 5xx or a traceback."""
    assert status == 200 or 400 <= status < 500, (status, payload[:300])
    assert b"Traceback" not in payload
    doc = strict_json(payload)
    if status != 200:
        assert isinstance(doc, dict), doc
        assert isinstance(doc.get("__type"), str) and doc["__type"], doc
        assert isinstance(doc.get("message"), str) and doc["message"], doc
    return doc


class Target(Protocol):
    def send(self, operation: str, body: bytes) -> tuple[int, bytes]: ...

    def client(self, session: Any = None, **config: Any) -> Any: ...


class InProcess:
    """Raw bodies through moto's own botocore stubber, which routes them to the plugin."""

    def send(self, operation: str, body: bytes) -> tuple[int, bytes]:
        request = AWSRequest(method="POST", url=URL, headers=glue_headers(operation), data=body).prepare()
        answer = botocore_stubber.process_request(request)
        assert answer is not None, "moto did not route the request to Glue"
        status, _, payload = answer
        return int(status), payload.encode() if isinstance(payload, str) else bytes(payload)

    def client(self, session: Any = None, **config: Any) -> Any:
        return (session or boto3.session.Session()).client(
            "glue", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}, **config)
        )


class Server:
    """Raw bodies over HTTP to a running moto server."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.session = requests.Session()

    def send(self, operation: str, body: bytes) -> tuple[int, bytes]:
        response = self.session.post(self.endpoint, data=body, headers=glue_headers(operation), timeout=60)
        return response.status_code, response.content

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        response = self.session.post(f"{self.endpoint}{path}", data=body, timeout=60)
        return response.status_code, response.content

    def client(self, session: Any = None, **config: Any) -> Any:
        return (session or boto3.session.Session()).client(
            "glue",
            region_name="us-east-1",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}, **config),
        )


def walk(target: Target, job_name: str) -> Iterator[dict[str, Any]]:
    """Every run GetJobRuns lists for ``job_name``, read as raw strict JSON, page by page."""
    token: str | None = None
    while True:
        request: dict[str, Any] = {"JobName": job_name, "MaxResults": 200}
        if token is not None:
            request["NextToken"] = token
        status, payload = target.send("GetJobRuns", json.dumps(request).encode())
        page = check_answer(status, payload)
        assert status == 200, page
        yield from page["JobRuns"]
        token = page.get("NextToken")
        if token is None:
            return


def snapshot(target: Target, job_names: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """What GetJobRuns shows of each job (the jobs must exist)."""
    return {name: list(walk(target, name)) for name in job_names}
