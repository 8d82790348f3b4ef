"""`Portkey` and `AsyncPortkey`: settings, the resources, and the one call path to the core."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from ._native import Inbox, NativeClient
from ._exceptions import InvalidParameterError, from_construction, from_outcome, not_an_object
from ._types import NotGiven
from .resources._all import AsyncResources, SyncResources

TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    from typing import Any, Dict, Mapping, Optional, TypeVar

    from ._exceptions import Outcome
    from ._native import NativeStream
    from ._response import PortkeyObject
    from ._streaming import AsyncStream, Stream
    from ._types import NotGivenOr

    _R = TypeVar("_R", bound=PortkeyObject)
    _I = TypeVar("_I", bound=PortkeyObject)
    _C = TypeVar("_C", bound="_BaseClient")

__all__ = ["Portkey", "AsyncPortkey"]

# One inbox per event loop, dropped with the loop (which closes its socket pair).
_inboxes: WeakKeyDictionary[asyncio.AbstractEventLoop, Inbox] = WeakKeyDictionary()


def _native_client(
    api_key: Optional[str],
    base_url: Optional[str],
    timeout: Optional[float],
    max_retries: Optional[int],
) -> NativeClient:
    try:
        return NativeClient(api_key, base_url, timeout, max_retries)
    except ValueError as e:  # the core's verdict: no key, bad URL, bad setting
        raise from_construction(e) from None


def _headers(extra_headers: Optional[Mapping[str, str]]) -> Optional[Dict[str, str]]:
    if extra_headers is None or type(extra_headers) is dict:
        return extra_headers
    try:
        return dict(extra_headers)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            "'extra_headers' must be a mapping of header names to values, "
            f"got {type(extra_headers).__name__}",
            param="extra_headers",
        ) from None


def _answer(outcome: Outcome, cls: type[_R]) -> _R:
    """The response object of a call, or the exception to raise. The native module hands
    over the answer already parsed (bindings/python/src/loads.rs)."""
    data = outcome[3]
    if outcome[0] is not None:
        raise from_outcome(outcome)
    if type(data) is not dict:
        raise not_an_object(outcome[1], data)
    return cls(data, outcome[2])


def _opened(result: NativeStream | Outcome) -> NativeStream:
    """The native stream of an opening, or the exception to raise."""
    if isinstance(result, tuple):
        raise from_outcome(result)
    return result


class _BaseClient:
    _native: NativeClient

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        # The API key lives only in the native client (never in a Python attribute), so no
        # repr, pickle or vars() of this object can show it.
        self._setup(_native_client(api_key, base_url, timeout, max_retries))

    @property
    def base_url(self) -> str:
        return self._native.base_url

    @property
    def timeout(self) -> float:
        """Per-attempt timeout in seconds."""
        return self._native.timeout

    @property
    def max_retries(self) -> int:
        return self._native.max_retries

    def with_options(
        self: _C,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> _C:
        """A new client with some settings replaced; the others are kept."""
        try:
            native = self._native.with_options(api_key, base_url, timeout, max_retries)
        except ValueError as e:
            raise from_construction(e) from None
        clone = type(self).__new__(type(self))
        clone._setup(native)
        return clone

    def _setup(self, native: NativeClient) -> None:
        """Attaches the native client (the inherited resources are made on first access)."""
        self._native = native

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, timeout={self.timeout}, "
            f"max_retries={self.max_retries})"
        )


class Portkey(_BaseClient, SyncResources):
    """A Portkey control-plane client.

    `api_key` and `base_url` default to `PORTKEY_API_KEY` and `PORTKEY_BASE_URL`
    (then `https://api.portkey.ai/v1`); `timeout` is per attempt, in seconds.
    Safe to share between threads: calls release the GIL while they wait.
    The resources (`api_keys`, `admin`, ...) come from the generated `resources/_all.py`.
    """

    def _call(
        self,
        op: str,
        params: Dict[str, Any],
        cls: type[_R],
        timeout: NotGivenOr[Optional[float]],
        max_retries: NotGivenOr[int],
        extra_headers: Optional[Mapping[str, str]],
    ) -> _R:
        outcome = self._native.call(
            op,
            params,
            None if isinstance(timeout, NotGiven) else timeout,
            None if isinstance(max_retries, NotGiven) else max_retries,
            _headers(extra_headers),
        )
        return _answer(outcome, cls)

    def _stream(
        self,
        op: str,
        params: Dict[str, Any],
        cls: type[_I],
        timeout: NotGivenOr[Optional[float]],
        max_retries: NotGivenOr[int],
        extra_headers: Optional[Mapping[str, str]],
    ) -> Stream[_I]:
        """Opens a streamed answer (`params` carry `stream: True`); blocks until it starts."""
        from ._streaming import Stream  # only streamed calls need it: not paid at import

        opened = self._native.stream(
            op,
            params,
            None if isinstance(timeout, NotGiven) else timeout,
            None if isinstance(max_retries, NotGiven) else max_retries,
            _headers(extra_headers),
        )
        return Stream(_opened(opened), cls)


def _inbox_for(loop: asyncio.AbstractEventLoop) -> Inbox:
    """The inbox where the native runtime leaves `loop`'s finished calls, made and registered
    with the loop on its first asyncio call (called from `_native`). The loop wakes when a call
    finishes and drains the inbox on its own thread: no other thread ever runs Python."""
    inbox = _inboxes.get(loop)
    if inbox is None:
        inbox = Inbox()
        loop.add_reader(inbox.fileno(), inbox.drain)
        _inboxes[loop] = inbox
    return inbox


class AsyncPortkey(_BaseClient, AsyncResources):
    """The asyncio twin of `Portkey`: the same settings and methods, awaitable (a paginated
    `list` returns an `AsyncPager`: await it for the first page, or `async for` over it)."""

    async def _call(
        self,
        op: str,
        params: Dict[str, Any],
        cls: type[_R],
        timeout: NotGivenOr[Optional[float]],
        max_retries: NotGivenOr[int],
        extra_headers: Optional[Mapping[str, str]],
    ) -> _R:
        # An asyncio future resolved by the native runtime: the event loop never blocks.
        outcome = await self._native.acall(
            op,
            params,
            None if isinstance(timeout, NotGiven) else timeout,
            None if isinstance(max_retries, NotGiven) else max_retries,
            _headers(extra_headers),
        )
        return _answer(outcome, cls)

    async def _stream(
        self,
        op: str,
        params: Dict[str, Any],
        cls: type[_I],
        timeout: NotGivenOr[Optional[float]],
        max_retries: NotGivenOr[int],
        extra_headers: Optional[Mapping[str, str]],
    ) -> AsyncStream[_I]:
        """Opens a streamed answer (`params` carry `stream: True`) without blocking the loop."""
        from ._streaming import AsyncStream  # only streamed calls need it: not paid at import

        opened = await self._native.astream(
            op,
            params,
            None if isinstance(timeout, NotGiven) else timeout,
            None if isinstance(max_retries, NotGiven) else max_retries,
            _headers(extra_headers),
        )
        return AsyncStream(_opened(opened), cls)
