# Stub of the private native module (bindings/python/src/lib.rs).
import asyncio
from typing import Dict, List, Optional, Tuple

VERSION: str

# (kind, status, headers, body, message, detail): kind is None on success, then status,
# headers and body (JSON bytes) are set; otherwise see portkey_ai._exceptions.from_outcome.
Outcome = Tuple[
    Optional[str],
    Optional[int],
    Optional[List[Tuple[str, str]]],
    Optional[bytes],
    Optional[str],
    Optional[str],
]

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

def operations() -> List[Tuple[str, str, List[Tuple[str, str, bool]]]]: ...
def at_exit(timeout_seconds: float) -> bool: ...
