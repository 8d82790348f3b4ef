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
from ._types import NOT_GIVEN, NotGiven

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._pagination import AsyncPage, AsyncPager, SyncPage
    from ._response import GenericResponse, PortkeyObject
    from ._streaming import AsyncStream, Stream

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

if not TYPE_CHECKING:
    # Imported on first use (PEP 562), as the resource and type modules are, so that
    # `import portkey_ai` stays cheap. `types` and `resources` are the subpackages, which
    # `portkey_ai.types.APIKey` reaches without importing them first.
    _HOMES = {
        "SyncPage": "_pagination",
        "AsyncPage": "_pagination",
        "AsyncPager": "_pagination",
        "GenericResponse": "_response",
        "PortkeyObject": "_response",
        "Stream": "_streaming",
        "AsyncStream": "_streaming",
        "types": "",
        "resources": "",
    }

    def __getattr__(name: str) -> object:
        module = _HOMES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        if not module:  # a subpackage: with no names to take from it, that is what returns
            return __import__(name, globals(), None, (), 1)
        value = getattr(__import__(module, globals(), None, (name,), 1), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__) | {"types", "resources"})
