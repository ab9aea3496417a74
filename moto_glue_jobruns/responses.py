"""The responses class for the Glue operations this plugin serves.

``JobRunResponse.dispatch`` answers what the Glue URL table sends while the plugin is
registered (through ``_registration.glue_dispatch``): the operations in ``SERVED`` are answered here, every other Glue operation
goes to stock moto's ``GlueResponse`` unchanged.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores
from moto.glue.responses import GlueResponse
from moto.utilities.aws_headers import gen_amzn_requestid_long
from werkzeug.exceptions import HTTPException

from ._body import BodyTooLarge, read_body
from ._job import check_job_members
from ._shapes import parse_body, validate
from .exceptions import AlreadyExists, RequestTooLarge
from .models import JobRunBackend, jobrun_backends

SERVED = frozenset(
    {"GetJobRuns", "GetJobRun", "StartJobRun", "BatchStopJobRun", "CreateJob", "UpdateJob", "DeleteJob"}
)
_encode = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode  # answers hold no cycles
_METHODS = {operation: camelcase_to_underscores(operation) for operation in SERVED}
_TARGET_PREFIX = "AWSGlue."
# Far above any real Glue request; bounds what parsing one body can allocate (a few
# dozen times its size at worst), and is checked before the body is read.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
_START_OVERRIDES = (
    "AllocatedCapacity",
    "MaxCapacity",
    "Timeout",
    "WorkerType",
    "NumberOfWorkers",
    "SecurityConfiguration",
    "NotificationProperty",
    "ExecutionClass",
    "ExecutionRoleSessionPolicy",
    "JobRunQueuingEnabled",
)


def _served_operation(headers: Any) -> str | None:
    target = headers.get("X-Amz-Target") or headers.get("x-amz-target") or ""
    operation = target[len(_TARGET_PREFIX) :] if target.startswith(_TARGET_PREFIX) else ""
    return operation if operation in SERVED else None


class JobRunResponse(BaseResponse):
    """Glue's job-run operations, answered the way AWS answers them."""

    def __init__(self) -> None:
        super().__init__(service_name="glue")
        self._request: tuple[Any, str, Any] = (None, "", None)

    @classmethod
    def dispatch(cls, request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
        """Route one Glue request: served operations here, the rest to stock moto."""
        operation = _served_operation(request.headers)
        if operation is None:
            return GlueResponse.dispatch(request, full_url, headers)  # type: ignore[no-any-return]
        try:
            read_body(request, MAX_REQUEST_BYTES)
        except BodyTooLarge:
            error = RequestTooLarge(MAX_REQUEST_BYTES, operation)
            return cls._finish(error.code, {"Content-Type": "application/json"}, error.description)
        response = cls()
        response._request = (request, full_url, headers)
        response.setup_class(request, full_url, headers, use_raw_body=True)
        return response.call_action()

    def call_action(self) -> TYPE_RESPONSE:
        """``BaseResponse.call_action`` for the served operations, without two costs it pays
        on every request: listing the class's methods, and a regex over the whole body that
        looks for an XML ``<RequestId>`` (a JSON answer has none)."""
        headers: dict[str, Any] = self.response_headers
        try:
            self._authenticate_and_authorize_normal_action()
        except HTTPException as error:
            headers["status"] = _status(error)
            return self._finish(_status(error), headers, error.description)
        try:
            answer = getattr(self, _METHODS[self._get_action()])()
        except HTTPException as error:
            error_headers = {**dict(error.get_headers() or []), "status": _status(error)}
            return self._finish(_status(error), error_headers, error.description)
        if isinstance(answer, str):
            return self._finish(200, headers, answer)
        status, new_headers, body = answer
        headers.update(new_headers)
        return self._finish(int(new_headers.get("status", status)), headers, body)

    @staticmethod
    def _finish(status: int, headers: dict[str, Any], body: Any) -> TYPE_RESPONSE:
        if "status" in headers:
            headers["status"] = str(headers["status"])
        gen_amzn_requestid_long(headers)
        return status, headers, body

    @property
    def backend(self) -> JobRunBackend:
        return jobrun_backends[self.current_account][self.region]

    @functools.cached_property
    def request_params(self) -> dict[str, Any]:
        """The JSON body, parsed once and validated against the operation's input shape."""
        operation = self._get_action()
        params = parse_body(self.body)
        validate(operation, params)
        return params

    def _answer(self, result: dict[str, Any]) -> str:
        return _encode({key: value for key, value in result.items() if value is not None})

    # --------------------------------------------------------------------- operations

    def get_job_runs(self) -> str:
        params = self.request_params
        runs, token = self.backend.get_job_runs(
            job_name=params["JobName"],
            max_results=params.get("MaxResults"),
            next_token=params.get("NextToken"),
        )
        return self._answer({"JobRuns": runs, "NextToken": token})

    def get_job_run(self) -> str:
        params = self.request_params
        run = self.backend.get_job_run(
            job_name=params["JobName"],
            run_id=params["RunId"],
            predecessors=bool(params.get("PredecessorsIncluded")),
        )
        return self._answer({"JobRun": run})

    def start_job_run(self) -> str:
        params = self.request_params
        run_id = self.backend.start_job_run(
            job_name=params["JobName"],
            overrides={key: params[key] for key in _START_OVERRIDES if params.get(key) is not None},
            arguments=params.get("Arguments"),
            previous_run_id=params.get("JobRunId"),
        )
        return self._answer({"JobRunId": run_id})

    def batch_stop_job_run(self) -> str:
        params = self.request_params
        stopped, errors = self.backend.batch_stop_job_run(
            job_name=params["JobName"], run_ids=params["JobRunIds"]
        )
        return self._answer({"SuccessfulSubmissions": stopped, "Errors": errors})

    def create_job(self) -> TYPE_RESPONSE:
        params = self.request_params
        check_job_members(params)
        with self.backend.lock:
            if self.backend.job_exists(params["Name"]):
                raise AlreadyExists(params["Name"])
            answer = self._stock_answer()
            if answer[0] == 200:
                self.backend.register_job(params)
        return answer

    def update_job(self) -> str:
        params = self.request_params
        self.backend.update_job(job_name=params["JobName"], update=params["JobUpdate"])
        return self._answer({"JobName": params["JobName"]})

    def delete_job(self) -> TYPE_RESPONSE:
        params = self.request_params
        with self.backend.lock:
            answer = self._stock_answer()
            if answer[0] == 200:
                self.backend.forget_job(params["JobName"])
        return answer

    def _stock_answer(self) -> TYPE_RESPONSE:
        """Let stock moto handle the request too: it owns the job definitions."""
        status, headers, body = GlueResponse.dispatch(*self._request)
        return int(status), {**headers, "status": str(status)}, body


def _status(error: HTTPException) -> int:
    return error.code if error.code is not None else 500


__all__ = ["MAX_REQUEST_BYTES", "SERVED", "JobRunResponse"]
