# Stub of the private native module (bindings/python/src/lib.rs).
import asyncio
from typing import Any, Dict, List, Optional, Tuple, Union

VERSION: str

# (kind, status, headers, body, message, detail): kind is None on success, then status,
# headers (a "name: value" line each) and body (the answer's JSON value, parsed) are set; otherwise body is the raw bytes
# (or None), see portkey_ai._exceptions.from_outcome.
Outcome = Tuple[
    Optional[str],
    Optional[int],
    Optional[str],
    Any,
    Optional[str],
    Optional[str],
]

# An open server-sent-events answer (bindings/python/src/stream.rs); portkey_ai._streaming
# wraps it. `next()` blocks with the GIL released; `anext()` is its asyncio twin. A read is a list
# of every event already received (at least one): each one's JSON object, or its data as bytes
# when that is not an object; None is the end (or a closed stream); a failure is an Outcome with
# `kind` set, after which the stream is closed.
class NativeStream:
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def next(self) -> Union[List[Any], Outcome, None]: ...
    def anext(self) -> asyncio.Future[Union[List[Any], Outcome, None]]: ...
    def close(self) -> None: ...

# Settings are checked natively: a wrong type or value raises ValueError(message, class_name,
# param), which portkey_ai._exceptions.from_construction turns into the package's exception.
class NativeClient:
    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_seconds: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    def with_options(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_seconds: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> NativeClient: ...
    def call(
        self,
        op: str,
        params: Dict[str, object],
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Dict[str, str]] = None,
    ) -> Outcome: ...
    def acall(
        self,
        op: str,
        params: Dict[str, object],
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Dict[str, str]] = None,
    ) -> asyncio.Future[Outcome]: ...
    # A NativeStream once the answer's head arrived, or a failure Outcome.
    def stream(
        self,
        op: str,
        params: Dict[str, object],
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Dict[str, str]] = None,
    ) -> Union[NativeStream, Outcome]: ...
    def astream(
        self,
        op: str,
        params: Dict[str, object],
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Dict[str, str]] = None,
    ) -> asyncio.Future[Union[NativeStream, Outcome]]: ...

def operations() -> List[Tuple[str, str, List[Tuple[str, str, bool]]]]: ...
class Inbox:
    """Finished asyncio calls of one event loop; the loop drains it when `fileno()` is readable."""

    def __init__(self) -> None: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...
