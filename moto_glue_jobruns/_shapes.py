"""botocore's Glue service model: the one source of shapes, limits, enums and defaults.

Loading the model costs about 0.2 s, so nothing here touches it at import time; the first
request (or seeding call) loads it once per process.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape, StructureShape

from .exceptions import InvalidInput, MaxResultsOutOfRange, Serialization


@functools.cache
def glue_model() -> ServiceModel:
    """The Glue service model shipped with the installed botocore."""
    return botocore.session.get_session().get_service_model("glue")


def input_shape(operation: str) -> StructureShape:
    shape = glue_model().operation_model(operation).input_shape
    assert shape is not None
    return shape


@functools.cache
def job_run_shape() -> StructureShape:
    """The JobRun output shape; cached, since botocore rebuilds a shape on every look-up."""
    shape = glue_model().shape_for("JobRun")
    assert isinstance(shape, StructureShape)
    return shape


@functools.cache
def enum_values(shape_name: str) -> tuple[str, ...]:
    """The allowed values of an enum shape, e.g. ``JobRunState``."""
    return tuple(glue_model().shape_for(shape_name).enum)


@functools.cache
def max_results_range(operation: str) -> tuple[int, int]:
    metadata = input_shape(operation).members["MaxResults"].metadata
    return int(metadata["min"]), int(metadata["max"])


@functools.cache
def default_glue_version() -> str:
    """The Glue version AWS gives a job created without one, as the model documents it."""
    doc = input_shape("CreateJob").members["GlueVersion"].documentation
    found = re.search(r"default to Glue (\d+(?:\.\d+)*)", doc)
    return found.group(1) if found else "0.9"


# ---------------------------------------------------------------------------- validation

# botocore writes patterns in Java syntax, where a surrogate pair stands for one
# supplementary character; Python's ``re`` wants the code point itself.
_SURROGATE_RANGE = re.compile(
    r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})-\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})",
    re.IGNORECASE,
)


def _pair(high: str, low: str) -> int:
    return 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    python_pattern = _SURROGATE_RANGE.sub(
        lambda m: f"\\U{_pair(m[1], m[2]):08X}-\\U{_pair(m[3], m[4]):08X}", pattern
    )
    return re.compile(python_pattern, re.DOTALL)


_JSON_KIND = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE"}


def _wrong_type(value: Any, target: str) -> Serialization:
    if isinstance(value, list):
        return Serialization("Start of list found where not expected")
    if isinstance(value, dict):
        return Serialization("Start of structure or map found where not expected.")
    kind = _JSON_KIND.get(type(value), type(value).__name__)  # Python callers pass anything
    return Serialization(f"{kind} can not be converted to {target}")


# What a model ``integer``/``long``/``double`` holds on AWS's side (Java int, long, double);
# a JSON number outside it cannot be read into the member, so AWS answers a
# SerializationException for it, and a run could not carry it back out either.
_INTEGER_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 100 else text[:100] + "..."


class Checker:
    """Walks a JSON value against a shape, collecting constraint violations."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.max_results: tuple[int, int] | None = None

    def violation(self, value: Any, path: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{_shown(value)}'"
        self.violations.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")

    def check(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        getattr(self, f"_{kind}", self._other)(shape, value, path)

    def _structure(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            raise _wrong_type(value, "a structure")
        for name in shape.required_members:
            if value.get(name) is None:
                self.violation(None, _child(path, name), "Member must not be null")
        for name, member in shape.members.items():
            child = value.get(name)
            if child is not None:  # AWS ignores unknown members and treats null as absent
                self.check(member, child, _child(path, name))

    def _list(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _wrong_type(value, "a list")
        self._length(shape, value, path)
        for index, item in enumerate(value):
            if item is None:
                self.violation(None, f"{path}.{index + 1}.member", "Member must not be null")
            else:
                self.check(shape.member, item, f"{path}.{index + 1}.member")

    def _map(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _wrong_type(value, "a map")
        self._length(shape, value, path)
        for key, item in value.items():
            self.check(shape.key, key, f"{path}.key")
            if item is not None:
                self.check(shape.value, item, f"{path}.value")

    def _string(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise _wrong_type(value, "a String")
        self._length(shape, value, path)
        enum = shape.enum
        if enum and value not in enum:
            self.violation(value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern and not _compiled(pattern).fullmatch(value):
            self.violation(value, path, f"Member must satisfy regular expression pattern: {pattern}")

    def _integer(self, shape: Shape, value: Any, path: str) -> None:
        target = "an Integer" if shape.type_name == "integer" else "a Long"
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong_type(value, target)
        reported = len(self.violations)
        self._range(shape, value, path)
        low, high = _INTEGER_BOUNDS[shape.type_name]
        if not low <= value <= high and len(self.violations) == reported:  # no model limit caught it
            raise Serialization(f"NUMBER_VALUE can not be converted to {target}: out of range")

    _long = _integer

    def _double(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _wrong_type(value, "a Double")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for any double
            finite = False
        if not finite:
            raise Serialization("NUMBER_VALUE can not be converted to a Double: not a finite number")
        self._range(shape, value, path)

    _float = _double

    def _boolean(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise _wrong_type(value, "a Boolean")

    def _timestamp(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, (int, float, str)) or isinstance(value, bool):
            raise _wrong_type(value, "a Timestamp")

    def _other(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, str):  # blobs travel as base64 text
            raise _wrong_type(value, "a Blob")

    def _length(self, shape: Shape, value: Any, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and len(value) < low:
            self.violation(value, path, f"Member must have length greater than or equal to {low}")
        if high is not None and len(value) > high:
            self.violation(value, path, f"Member must have length less than or equal to {high}")

    def _range(self, shape: Shape, value: float, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if path == "maxResults" and (
            (low is not None and value < low) or (high is not None and value > high)
        ):
            self.max_results = (int(low or 0), int(high or 0))
        if low is not None and value < low:
            self.violation(value, path, f"Member must have value greater than or equal to {low}")
        if high is not None and value > high:
            self.violation(value, path, f"Member must have value less than or equal to {high}")


def _child(path: str, name: str) -> str:
    camel = name[:1].lower() + name[1:]
    return f"{path}.{camel}" if path else camel


def parse_body(body: bytes | str | None) -> dict[str, Any]:
    """The request body as a JSON object, or ``SerializationException``."""
    if body is None or body == b"" or body == "":
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise Serialization("The request body is not valid JSON") from None
    if parsed is None:  # a JSON null body is no input at all, like a null member
        return {}
    if not isinstance(parsed, dict):
        raise _wrong_type(parsed, "a structure")
    return parsed


def validate(operation: str, params: Mapping[str, Any]) -> None:
    """Check ``params`` against the operation's input shape as AWS does, server side.

    Wrong types raise ``SerializationException``; constraint violations (required,
    length, range, enum, pattern) raise ``InvalidInputException`` listing each one.
    """
    checker = Checker()
    try:
        checker.check(input_shape(operation), params, "")
    except RecursionError:
        raise Serialization("The request body is nested too deeply") from None
    if checker.max_results is not None:
        raise MaxResultsOutOfRange(*checker.max_results)
    if checker.violations:
        count = len(checker.violations)
        noun = "error" if count == 1 else "errors"
        raise InvalidInput(f"{count} validation {noun} detected: " + "; ".join(checker.violations))
