"""Hypothesis strategies for request bodies, generated from botocore's Glue shapes.

``valid(shape)`` follows the model's types, lengths, ranges, enums and patterns (with a
bias towards their boundaries); ``body(...)`` mixes valid documents with mutated ones
(nulls, wrong types, unknown members, huge strings, deep nesting, non-finite and huge
numbers) and with bytes that are not a JSON object at all.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import botocore.session
from botocore.model import Shape, StructureShape
from hypothesis import strategies as st

GLUE = botocore.session.get_session().get_service_model("glue")
OPERATIONS = ("GetJobRuns", "GetJobRun", "StartJobRun", "BatchStopJobRun")

# The model's NameString pattern: tab, then U+0020 to U+FFFD and the supplementary planes,
# without surrogates (botocore writes the supplementary range as Java surrogate pairs).
NAME_CHARS = st.characters(min_codepoint=0x20, exclude_categories=("Cs",), exclude_characters="\ufffe\uffff")
NAME_TEXT_CHARS = NAME_CHARS | st.just("\t")
# Placeholders replaced in the serialised JSON text, for what json.dumps cannot write.
RAW_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400, "-0", "1.0", "1e2")
DEEP_DEPTHS = (64, 1_000, 100_000)
HUGE_SIZES = (256, 2_049, 100_000, 1_000_000)
_PLACEHOLDER = re.compile(r'"@@(RAW|DEEP):([^@]*)@@"')


@functools.cache
def input_shape(operation: str) -> StructureShape:
    shape = GLUE.operation_model(operation).input_shape
    assert shape is not None
    return shape


@functools.cache
def job_run_shape() -> StructureShape:
    shape = GLUE.shape_for("JobRun")
    assert isinstance(shape, StructureShape)
    return shape


# ------------------------------------------------------------------------------ valid


@functools.cache
def _string(shape: Shape) -> st.SearchStrategy[str]:
    if shape.enum:
        return st.sampled_from(list(shape.enum))
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", 64))
    pattern = shape.metadata.get("pattern")
    if pattern and "\\uD800" not in pattern:
        return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    short = st.text(NAME_TEXT_CHARS, min_size=low, max_size=min(high, 24))
    # the longest allowed value, built from a short random piece (cheap to draw)
    longest = st.text(NAME_TEXT_CHARS, min_size=1, max_size=3).map(lambda t: (t * high)[:high])
    return short | longest


@functools.cache
def _timestamp() -> st.SearchStrategy[Any]:
    moments = st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
    )
    recent = st.integers(-364 * 86_400, 86_400).map(
        lambda s: datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=s)
    )
    return st.one_of(
        recent,
        moments,
        recent.map(lambda d: d.timestamp()),
        recent.map(lambda d: d.isoformat()),
        moments.map(lambda d: d.isoformat().replace("+00:00", "Z")),
    )


@functools.cache
def valid(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values the model allows for ``shape``, leaning towards the boundaries."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        required = set(shape.required_members)
        return st.fixed_dictionaries(
            {name: valid(m, depth + 1) for name, m in shape.members.items() if name in required},
            optional={name: valid(m, depth + 1) for name, m in shape.members.items() if name not in required},
        )
    if kind == "list":
        low = int(meta.get("min", 0))
        return st.lists(valid(shape.member, depth + 1), min_size=low, max_size=int(meta.get("max", 4)))  # type: ignore[attr-defined]
    if kind == "map":
        return st.dictionaries(valid(shape.key, depth + 1), valid(shape.value, depth + 1), max_size=3)  # type: ignore[attr-defined]
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):  # a Java int or long on AWS's side
        bits = 31 if kind == "integer" else 63
        return st.integers(min_value=meta.get("min", -(2**bits)), max_value=meta.get("max", 2**bits - 1))
    if kind in ("double", "float"):
        return st.floats(
            min_value=meta.get("min"), max_value=meta.get("max"), allow_nan=False, allow_infinity=False
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _timestamp()
    return st.text(max_size=8)


# --------------------------------------------------------------------------- invalid

JSON_JUNK: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
# What a Python caller can hand to seed_job_runs beyond JSON values.
PYTHON_JUNK: st.SearchStrategy[Any] = (
    JSON_JUNK
    | st.floats()
    | st.integers(min_value=10**30, max_value=10**400)
    | st.binary(max_size=8)
    | st.datetimes(timezones=st.none() | st.timezones())
    | st.dates()
    | st.decimals(allow_nan=True)
    | st.sets(st.integers(), max_size=2)
    | st.tuples(st.integers())
    | st.just(object())
    | st.just(Decimal("1e999999"))
)


@functools.cache
def _huge() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(HUGE_SIZES), st.sampled_from(["x", "é", "\U0001f600", "\x00"])).map(
        lambda p: p[1] * p[0]
    )


def _mutate(draw: st.DrawFn, doc: dict[str, Any], members: list[str], junk: st.SearchStrategy[Any]) -> None:
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(members))
        how = draw(st.sampled_from(["null", "drop", "wrong", "unknown", "huge", "deep", "raw"]))
        if how == "null":
            doc[name] = None
        elif how == "drop":
            doc.pop(name, None)
        elif how == "wrong":
            doc[name] = draw(junk)
        elif how == "unknown":
            doc[draw(st.text(min_size=1, max_size=12))] = draw(junk)
        elif how == "huge":
            doc[name] = draw(_huge())
        elif how == "deep":
            doc[name] = f"@@DEEP:{draw(st.sampled_from(DEEP_DEPTHS))}@@"
        else:
            doc[name] = f"@@RAW:{draw(st.sampled_from(RAW_NUMBERS))}@@"


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth if depth % 2 == 0 else '{"a":' * depth + "1" + "}" * depth


def to_json(doc: Any) -> bytes:
    """``json.dumps`` with the placeholders written as raw JSON text."""

    def raw(match: re.Match[str]) -> str:
        return _deep(int(match[2])) if match[1] == "DEEP" else match[2]

    text = json.dumps(doc, default=lambda value: value.isoformat())  # datetimes as ISO 8601
    return _PLACEHOLDER.sub(raw, text).encode("utf-8", "surrogatepass")


RAW_BODIES: st.SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=32).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"", b"null", b"[]", b'"x"', b"1", b"true", b"\xff\xfe\x00", b"{", b'{"a":}', b"{}" * 3, b"\x00{}"]
    ),
    st.sampled_from(DEEP_DEPTHS).map(lambda d: _deep(d).encode()),
    JSON_JUNK.map(lambda v: json.dumps(v).encode()),
)


@st.composite
def body(
    draw: st.DrawFn, shape: StructureShape, fixed: dict[str, st.SearchStrategy[Any]] | None = None
) -> tuple[bytes, bool]:
    """A request body for ``shape`` and whether it is valid per the model.

    ``fixed`` gives the strategy of some members in valid documents (e.g. known job names).
    """
    kind = draw(st.sampled_from(["valid", "valid", "mutated", "mutated", "raw"]))
    if kind == "raw":
        return draw(RAW_BODIES), False
    doc: dict[str, Any] = draw(valid(shape))
    for name, strategy in (fixed or {}).items():
        if name in shape.required_members or name in doc:
            doc[name] = draw(strategy)
    if kind == "valid":
        return to_json(doc), True
    _mutate(draw, doc, list(shape.members), JSON_JUNK)
    return to_json(doc), False


@st.composite
def job_run_doc(draw: st.DrawFn, python: bool = False) -> dict[str, Any]:
    """A JobRun-shaped dict for seeding: valid, or mutated like a request body."""
    doc: dict[str, Any] = draw(valid(job_run_shape()))
    doc.pop("JobName", None)
    doc.pop("Id", None)  # Ids must be unique; the API draws them
    if draw(st.booleans()):
        members = list(job_run_shape().members)
        _mutate(draw, doc, members, PYTHON_JUNK if python else JSON_JUNK)
        if python:  # placeholders only mean something in JSON text
            for key, value in list(doc.items()):
                if isinstance(value, str) and value.startswith("@@"):
                    doc[key] = draw(PYTHON_JUNK)
    return doc


OUTCOME_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED")


@st.composite
def outcome_doc(draw: st.DrawFn, python: bool = False) -> dict[str, Any]:
    """A partial JobRun for set_run_outcomes: valid, or mutated."""
    members = job_run_shape().members
    doc: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "JobRunState": st.sampled_from(OUTCOME_STATES),
                "ErrorMessage": valid(members["ErrorMessage"]),
                "ExecutionTime": valid(members["ExecutionTime"]),
                "DPUSeconds": valid(members["DPUSeconds"]),
            },
        )
    )
    if draw(st.booleans()):
        junk = PYTHON_JUNK if python else JSON_JUNK
        _mutate(draw, doc, ["JobRunState", "ErrorMessage", "ExecutionTime", "DPUSeconds", "StartedOn"], junk)
        if python:
            for key, value in list(doc.items()):
                if isinstance(value, str) and value.startswith("@@"):
                    doc[key] = draw(PYTHON_JUNK)
    return doc


@st.composite
def envelope(
    draw: st.DrawFn, runs_key: str, item: st.SearchStrategy[Any], names: st.SearchStrategy[Any]
) -> tuple[bytes, int | None]:
    """A body for the seeding or outcomes route, and how many items it carries (if valid JSON)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(RAW_BODIES), None
    doc: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {"JobName": names, runs_key: st.lists(item, max_size=4)},
            optional={
                "AccountId": st.sampled_from(["123456789012", "111111111111"]) | JSON_JUNK,
                "Region": st.sampled_from(["us-east-1", "eu-west-1"]) | JSON_JUNK,
            },
        )
    )
    if draw(st.booleans()):
        _mutate(draw, doc, ["JobName", runs_key, "AccountId", "Region"], JSON_JUNK)
    items = doc.get(runs_key)
    return to_json(doc), len(items) if isinstance(items, list) else None
