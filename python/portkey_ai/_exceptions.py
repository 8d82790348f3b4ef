"""The exception classes, and the one place a native failure becomes one of them.

The native module returns failures as data, `(kind, status, headers, body, message, detail)`;
`from_outcome` picks the class. Messages come from the Rust core and never contain the API key.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple

    Outcome = Tuple[
        Optional[str],
        Optional[int],
        Optional[str],
        Any,
        Optional[str],
        Optional[str],
    ]

__all__ = [
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
]


class PortkeyError(Exception):
    """Base class of every error this package raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIError(PortkeyError):
    """A call to the API failed (the server answered badly, or did not answer)."""

    body: Any

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class APIStatusError(APIError):
    """The server answered with a non-2xx status."""

    status_code: int
    request_id: Optional[str]
    headers: Dict[str, str]

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        request_id: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__(message, body=body)
        self.status_code = status_code
        self.request_id = request_id
        self.headers = headers if headers is not None else {}


class BadRequestError(APIStatusError):
    """400: the server refused the request."""


class AuthenticationError(APIStatusError):
    """401: missing or invalid API key."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such object (or route)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests (after the retries)."""


class InternalServerError(APIStatusError):
    """5xx: the server failed (after the retries)."""


class APIConnectionError(APIError):
    """No answer: the connection failed or broke."""

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """No complete answer within the timeout."""

    def __init__(self, message: str = "Request timed out.") -> None:
        super().__init__(message)


class APIResponseValidationError(APIError):
    """The server answered 2xx with a body that is not JSON."""

    status_code: int

    def __init__(self, message: str, *, status_code: int, body: Any = None) -> None:
        super().__init__(message, body=body)
        self.status_code = status_code


class InvalidParameterError(PortkeyError, ValueError, TypeError):
    """Bad input, refused before anything was sent; `param` names the parameter.

    Also a `ValueError` and a `TypeError`, so `except ValueError` (a value out of range) and
    `except TypeError` (a value of the wrong type) keep working as they would in plain Python.
    """

    param: str

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


class JobFailedError(PortkeyError):
    """A job a helper waited on (`logs.exports.wait`) ended in a failed state (an export
    `failed` or `stopped`); `body` is its final object, as the last poll answered it."""

    body: Any

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


_CLASSES: Dict[str, type[PortkeyError]] = {
    cls.__name__: cls
    for cls in (
        PortkeyError,
        APIError,
        APIStatusError,
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
        APIConnectionError,
        APITimeoutError,
        APIResponseValidationError,
        InvalidParameterError,
        JobFailedError,
    )
}


def headers_dict(lines: Optional[str]) -> Dict[str, str]:
    """Headers as the native module gives them (a "name: value" line each) as a dict; repeated
    names are joined with ", " as HTTP allows."""
    out: Dict[str, str] = {}
    for line in (lines or "").split("\n"):
        name, _, value = line.partition(": ")
        if name and _:
            out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _body(raw: Optional[bytes]) -> Any:
    """An error body as JSON when it is JSON, else as text: the status error keeps its class
    whatever the server sent (invalid UTF-8, JSON nested too deep for Python, not JSON)."""
    if raw is None:
        return None
    import json  # deferred: importing json costs more than the rest of the package

    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return raw.decode("utf-8", "replace")


def not_an_object(status: Optional[int], value: Any) -> APIResponseValidationError:
    """A 2xx answer that is not a JSON object. The core refuses those; this guards the
    Python side should one ever get through."""
    return APIResponseValidationError(
        "Invalid response body: the answer is not a JSON object",
        status_code=status or 0,
        body=value,
    )


def from_construction(error: ValueError) -> PortkeyError:
    """The exception for a failed `NativeClient(...)` / `with_options(...)`: the native
    module raises `ValueError(message, class_name, param)`."""
    args = error.args
    if len(args) == 3 and isinstance(args[0], str) and isinstance(args[1], str):
        message, kind, param = args
        return from_outcome((kind, None, None, None, message, param))
    return PortkeyError(str(error))


def from_outcome(outcome: Outcome) -> PortkeyError:
    """The exception for a failed native call; `kind` is the class name the core chose."""
    kind, status, headers, body, message, detail = outcome
    message = message or "unknown error"
    cls = _CLASSES.get(kind or "", PortkeyError)
    if issubclass(cls, APIStatusError):
        return cls(
            message,
            status_code=status or 0,
            body=_body(body),
            request_id=detail,
            headers=headers_dict(headers),
        )
    if cls is InvalidParameterError:
        # Per-call headers are `extra_headers` in Python (`headers` in the core and in Node).
        param = "extra_headers" if detail == "headers" else detail or ""
        return InvalidParameterError(message, param=param)
    if cls is JobFailedError:
        return JobFailedError(message, body=_body(body))
    if cls is APIResponseValidationError:
        raw = body.decode("utf-8", "replace") if body is not None else None
        return APIResponseValidationError(message, status_code=status or 0, body=raw)
    return cls(message)
