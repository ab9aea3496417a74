"""AWS-shaped errors the plugin answers with.

Each AWS error code is one small class holding its code, HTTP status and message, so the
text a test sees lives here and nowhere else. Where AWS's exact wording is not public the
closest public evidence is used and named in the docstring.
"""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class GlueJobRunError(JsonRESTError):
    """Base class: every error the plugin raises is a 400 JSON error like Glue's."""

    code = 400


class InvalidInput(GlueJobRunError):
    """``InvalidInputException``: the only input error GetJobRuns models."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidInputException", message)


class MaxResultsOutOfRange(InvalidInput):
    """Sibling Glue operations answer this text for an out-of-range page size."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__(f"MaxResults size must be between {low} and {high}")


class CapacityConflict(InvalidInput):
    """StartJobRun given both AllocatedCapacity and MaxCapacity (the text stock moto uses)."""

    def __init__(self) -> None:
        super().__init__("Please set only Allocated Capacity or Max Capacity")


class CapacityWithWorkers(InvalidInput):
    """A capacity (``Max Capacity`` or ``Allocated Capacity``) together with WorkerType or
    NumberOfWorkers. The texts are AWS's: StartJobRun's from public CLI transcripts, and
    CreateJob's ``Allocated Capacity`` variant from a public report of its answer."""

    def __init__(self, capacity: str) -> None:
        super().__init__(f"Please do not set {capacity} if using Worker Type and Number of Workers.")


class TimeoutTooLong(InvalidInput):
    """Glue rejects timeouts of more than 7 days (the model's Timeout documentation)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Timeout must be at most {limit} minutes (7 days)")


class InvalidNextToken(InvalidInput):
    """A NextToken this plugin did not issue for this job, account and region."""

    def __init__(self) -> None:
        super().__init__("Invalid NextToken: not a token issued for this job")


class Serialization(GlueJobRunError):
    """``SerializationException``: the body is not JSON, or a member has the wrong type.

    AWS JSON services answer wrong member types with this code; the text follows their
    "STRING_VALUE can not be converted to an Integer" form.
    """

    def __init__(self, message: str) -> None:
        super().__init__("SerializationException", message)


class EntityNotFound(GlueJobRunError):
    """``EntityNotFoundException``; GetJob's public text for a job is ``Job not found.``"""

    def __init__(self, message: str) -> None:
        super().__init__("EntityNotFoundException", message)


class JobNotFound(EntityNotFound):
    def __init__(self) -> None:
        super().__init__("Job not found.")


class JobRunNotFound(EntityNotFound):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"Job run {run_id} not found.")


class StartMetadataMissing(EntityNotFound):
    """StartJobRun of a job that does not exist (AWS's text, from public CLI transcripts)."""

    def __init__(self) -> None:
        super().__init__("Failed to start job run due to missing metadata.")


class AlreadyExists(GlueJobRunError):
    """``AlreadyExistsException`` for CreateJob of a name already taken."""

    def __init__(self, name: str) -> None:
        super().__init__("AlreadyExistsException", f"{name} already exists.")


class ConcurrentRunsExceeded(GlueJobRunError):
    """``ConcurrentRunsExceededException``, AWS's message."""

    def __init__(self, job_name: str) -> None:
        super().__init__("ConcurrentRunsExceededException", f"Concurrent runs exceeded for {job_name}")


class RequestTooLarge(GlueJobRunError):
    """HTTP 413 for a body over the plugin's size limit, refused before it is parsed.

    The code and text follow Lambda's public answer to an oversized request."""

    code = 413

    def __init__(self, limit: int, operation: str) -> None:
        super().__init__(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {limit} bytes for the {operation} operation",
        )
