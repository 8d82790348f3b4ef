"""Portkey control-plane SDK: `Portkey().api_keys`, `Portkey().admin`, `Portkey().configs`, ...
and the awaitable `AsyncPortkey`, on the shared Rust core."""

from ._client import AsyncPortkey, Portkey
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    JobFailedError,
    NotFoundError,
    PermissionDeniedError,
    PortkeyError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._native import VERSION as __version__
from ._pagination import AsyncPage, AsyncPager, SyncPage
from ._response import GenericResponse, PortkeyObject
from ._streaming import AsyncStream, Stream
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "Portkey",
    "AsyncPortkey",
    "PortkeyObject",
    "GenericResponse",
    "SyncPage",
    "AsyncPage",
    "AsyncPager",
    "Stream",
    "AsyncStream",
    "NOT_GIVEN",
    "NotGiven",
    "PortkeyError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "InvalidParameterError",
    "JobFailedError",
    "__version__",
]
