"""Reading a request body with a size limit checked before the body is read.

In process the body is already bytes in the caller's memory, so only its length is
checked. In server mode Flask has not read it yet: a declared ``Content-Length`` over
the limit is refused without reading anything, and a chunked body (no length) is read
through Flask's per-request ``max_content_length`` (Flask 3.1+), which stops one byte
past the limit.
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge


class BodyTooLarge(Exception):
    """The request body is larger than the limit; nothing of it was parsed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit} bytes")
        self.limit = limit


def read_body(request: Any, limit: int) -> bytes | str | None:
    """The body of ``request`` (a botocore or a Flask request), at most ``limit`` bytes."""
    if hasattr(request, "environ"):  # a Flask request in server mode: not read yet
        if request.content_length is not None and request.content_length > limit:
            raise BodyTooLarge(limit)
        try:  # a chunked body is read to one byte past the limit, never further
            request.max_content_length = limit + 1
        except AttributeError:  # Flask before 3.1: only the declared length is checked
            pass
        try:
            data: bytes = request.get_data()  # Flask caches it for moto's own later read
        except RequestEntityTooLarge:
            raise BodyTooLarge(limit) from None
        if len(data) > limit:
            raise BodyTooLarge(limit)
        return data
    body = request.body  # in process: botocore's bytes, already in the caller's memory
    if body is not None and len(body) > limit:
        raise BodyTooLarge(limit)
    return body  # type: ignore[no-any-return]
