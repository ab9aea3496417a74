"""Lone surrogates ("\\ud800") in every string member: never a 5xx, in process or on the server.

JSON can carry a UTF-16 surrogate on its own (``"\\ud800"``), and so can a body whose bytes
are a surrogate encoded as if it were a character; Python strings hold it, but encoding it
to UTF-8 raises. Every string member of every served operation, and of the seeding and
outcome routes, gets one, with the rest of the body valid, so the string travels as far
into the plugin as it can.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ApiPlace
from fuzzing import input_shape, job_run_shape
from moto import mock_aws
from targets import ROLE, InProcess, Server, Target, check_answer

from moto_glue_jobruns.responses import SERVED

LONE = ("\ud800", "a\udfffb", "\udc00\ud800")
Path = tuple[str | int, ...]
KEY = "<key>"
VALUE = "<value>"

# A valid body per served operation; each string path is then set to a lone surrogate.
BASELINES: dict[str, dict[str, Any]] = {
    "GetJobRuns": {"JobName": "job", "MaxResults": 5},
    "GetJobRun": {"JobName": "job", "RunId": "jr_seeded", "PredecessorsIncluded": True},
    "StartJobRun": {"JobName": "job", "Arguments": {"--day": "1"}, "Timeout": 10},
    "BatchStopJobRun": {"JobName": "job", "JobRunIds": ["jr_seeded"]},
    "CreateJob": {"Name": "new-job", "Role": ROLE, "Command": {"Name": "glueetl"}},
    "UpdateJob": {"JobName": "job", "JobUpdate": {"Role": ROLE, "Command": {"Name": "glueetl"}}},
    "DeleteJob": {"JobName": "gone"},
}


def string_paths(shape: Any, prefix: Path = (), seen: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Every path to a string in ``shape`` (a recursive shape is followed once)."""
    kind = shape.type_name
    if kind == "string":
        yield prefix
    elif shape.name not in seen:
        inner = seen | {shape.name}
        if kind == "structure":
            for name, member in shape.members.items():
                yield from string_paths(member, (*prefix, name), inner)
        elif kind == "list":
            yield from string_paths(shape.member, (*prefix, 0), inner)
        elif kind == "map":
            yield (*prefix, KEY)
            yield from string_paths(shape.value, (*prefix, VALUE), inner)


def with_value(doc: Any, path: Path, value: str) -> Any:
    """A copy of ``doc`` with ``value`` at ``path`` (structures, lists and maps made on the way)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step == KEY:
        return {value: "v"} if not rest else {value: with_value(None, rest, "v")}
    if step == VALUE:
        return {"k": with_value(None, rest, value)}
    if isinstance(step, int):
        item = doc[0] if isinstance(doc, list) and doc else None
        return [with_value(item, rest, value)]
    base = dict(doc) if isinstance(doc, dict) else {}
    base[step] = with_value(base.get(step), rest, value)
    return base


def bodies(doc: dict[str, Any], shape: Any) -> Iterator[tuple[str, bytes]]:
    """(what, body) for each string path of ``shape``, each lone surrogate, both encodings."""
    paths = list(string_paths(shape))
    for index, path in enumerate(paths):
        lone = LONE[index % len(LONE)]
        mutated = with_value(doc, path, lone)
        yield f"{path} escaped", json.dumps(mutated).encode()
        yield f"{path} raw", json.dumps(mutated, ensure_ascii=False).encode("utf-8", "surrogatepass")
    yield "unknown member", json.dumps({**doc, "\ud800": "x"}).encode()


def prepare(target: Target) -> None:
    glue = target.client()
    glue.create_job(
        Name="job", Role=ROLE, Command={"Name": "glueetl"}, ExecutionProperty={"MaxConcurrentRuns": 5000}
    )
    glue.create_job(Name="gone", Role=ROLE, Command={"Name": "glueetl"})
    runs = [{"Id": "jr_seeded", "JobRunState": "RUNNING"}]
    if isinstance(target, Server):
        status, _ = target.post(
            "/moto-api/glue-jobruns/seed", json.dumps({"JobName": "job", "JobRuns": runs}).encode()
        )
        assert status == 200
    else:
        from moto_glue_jobruns import seed_job_runs

        seed_job_runs("job", runs)


@pytest.fixture(params=["in_process", "server"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "in_process":
        with mock_aws():
            in_process = InProcess()
            prepare(in_process)
            yield in_process
    else:
        server: Server = request.getfixturevalue("server")
        prepare(server)
        yield server


@pytest.mark.parametrize("operation", sorted(SERVED))
def test_served_operations__lone_surrogate_in_any_string_member_is_never_a_5xx(
    target: Target, operation: str
) -> None:
    for what, raw in bodies(BASELINES[operation], input_shape(operation)):
        status, payload = target.send(operation, raw)
        answer = check_answer(status, payload)  # a 2xx, or an AWS-shaped 4xx
        assert status == 200 or answer["__type"].endswith("Exception"), (operation, what, answer)


def test_get_job_runs__lone_surrogate_token_through_boto3(api_place: ApiPlace) -> None:
    api_place.create_job("job")
    with pytest.raises(api_place.client.exceptions.InvalidInputException):
        api_place.client.get_job_runs(JobName="job", NextToken="\ud800")


def route_bodies(items_key: str, item_shape: Any, item: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    envelope = {"JobName": "job", items_key: [item], "AccountId": "123456789012", "Region": "us-east-1"}
    for member in ("JobName", "AccountId", "Region"):
        for lone in LONE:
            yield member, json.dumps({**envelope, member: lone}).encode()
    for what, raw in bodies(item, item_shape):
        yield f"{items_key}[0] {what}", b'{"JobName": "job", "%s": [%s]}' % (items_key.encode(), raw)
    yield "unknown member", json.dumps({**envelope, "\ud800": 1}).encode()


@pytest.mark.parametrize(
    ("route", "items_key", "item"),
    [
        ("/moto-api/glue-jobruns/seed", "JobRuns", {"JobRunState": "FAILED"}),
        ("/moto-api/glue-jobruns/outcomes", "Outcomes", {"JobRunState": "FAILED"}),
    ],
)
def test_routes__lone_surrogate_in_any_string_member_is_never_a_5xx(
    api_place: ApiPlace, route: str, items_key: str, item: dict[str, Any]
) -> None:
    api_place.create_job("job")
    for what, raw in route_bodies(items_key, job_run_shape(), item):
        response = api_place.route(route, raw)
        answer = check_answer(response.status_code, response.content)
        assert response.status_code in (200, 400), (what, answer)
