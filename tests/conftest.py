from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

JobFactory = Callable[..., str]


@pytest.fixture
def glue() -> Iterator[Any]:
    """A Glue client in us-east-1 inside mock_aws (what most users write themselves)."""
    with mock_aws():
        yield boto3.client("glue", region_name="us-east-1")


@pytest.fixture
def make_job(glue: Any) -> JobFactory:
    def make(name: str = "nightly", **members: Any) -> str:
        members.setdefault("Role", "arn:aws:iam::123456789012:role/glue")
        members.setdefault("Command", {"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
        glue.create_job(Name=name, **members)
        return name

    return make


def error_of(exc_info: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = exc_info.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )
