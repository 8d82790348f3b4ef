"""Streamed answers (server-sent events), hand-written.

An operation that can stream (`stream: {param: ...}` in its overlay entry; the first is
`prompts.completions.create`) returns a `Stream` when called with `stream=True`::

    with portkey.prompts.completions.create(prompt_id=..., variables={...}, stream=True) as stream:
        for chunk in stream:
            print(chunk.choices[0].delta.content or "", end="")

and `AsyncPortkey` an `AsyncStream` (`async with` / `async for`). Each item is the event's JSON
as a response object of the operation's item model (attribute and item access, `.to_dict()`).

The connection is closed when the stream ends, when an event fails (the error is raised out of
the loop: `APITimeoutError` for a stall between events, `APIConnectionError` for a cut
connection, `APIResponseValidationError` for an event that is not JSON, the `APIError` class of
an `error` event), on `close()` / leaving the `with` block, and when an unfinished stream is
garbage-collected. Events are read from the connection only as the loop asks for them; one
read hands over every event already received (their JSON parsed natively), and the loop takes
them one at a time.
"""

from __future__ import annotations

import os as _os

from ._exceptions import APIResponseValidationError, from_outcome, headers_dict

TYPE_CHECKING = False  # mypy reads this name as True; nothing is imported at run time
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, Dict, Generic, Iterator, List, Optional, TypeVar, Union

    from ._exceptions import Outcome
    from ._native import NativeStream
    from ._response import PortkeyObject

    _T = TypeVar("_T", bound=PortkeyObject)
    _S = TypeVar("_S", bound="Stream[Any]")
    _A = TypeVar("_A", bound="AsyncStream[Any]")

    class _Generic(Generic[_T]):
        """`Generic`, for type checkers only (`typing` costs import time)."""

else:
    _T = None

    class _Generic:
        __slots__ = ()

        def __class_getitem__(cls, item):
            return cls


__all__ = ["Stream", "AsyncStream"]

# How many forks this process is into (bumped in each child). Events a stream had received
# before a fork are not handed out in the child, whose reads answer APIConnectionError (the
# stream belongs to the parent, see bindings/python/src/stream.rs).
_forks = [0]


def _forked() -> None:
    _forks[0] += 1


if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_forked)


class _Base(_Generic[_T]):
    __slots__ = ("_native", "_cls", "_ready", "_fork", "__weakref__")

    _native: NativeStream
    _cls: type[_T]
    # Events received and not handed out yet, the next one last, and the fork they belong to.
    _ready: List[Any]
    _fork: int

    def __init__(self, native: NativeStream, cls: type[_T]) -> None:
        self._native = native
        self._cls = cls
        self._ready = []
        self._fork = _forks[0]

    def _pending(self) -> bool:
        """Whether events received earlier wait to be handed out (never in a forked child)."""
        if self._ready and self._fork != _forks[0]:
            self._ready = []
        return bool(self._ready)

    def _first(self, read: Union[List[Any], Outcome]) -> _T:
        """The first item of a native read (its other events are kept for the next ones), or
        the exception to raise for a failure (the stream is closed)."""
        if type(read) is not list:
            self._native.close()
            raise from_outcome(read)  # type: ignore[arg-type]
        read.reverse()
        self._ready = read
        self._fork = _forks[0]
        return self._item(read.pop())

    def _item(self, value: Any) -> _T:
        """The item of an event: its data as parsed natively when it is a JSON object, else the
        raw data (bytes), which ends the stream with APIResponseValidationError."""
        if type(value) is not dict:
            self._drop()
            raise APIResponseValidationError(
                "Invalid stream event: its data is not a JSON object",
                status_code=self._native.status,
                body=value.decode("utf-8", "replace"),
            )
        return self._cls(value)

    def _drop(self) -> None:
        self._ready = []
        self._native.close()

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self._native.status

    @property
    def closed(self) -> bool:
        """Whether the stream was closed or has ended (every event received handed out)."""
        return not self._pending() and self._native.closed

    def get_headers(self) -> Dict[str, str]:
        """The HTTP response headers (lower-case names)."""
        return headers_dict(self._native.headers)

    def __del__(self) -> None:
        # Garbage collection of an unfinished stream closes its connection (dropping the
        # native object would too, once nothing else holds it).
        try:
            self._native.close()
        except Exception:  # noqa: BLE001  # never raise from a finalizer
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"{type(self).__name__}[{self._cls.__name__}]({state})"


class Stream(_Base[_T]):
    """A streamed answer of `Portkey`: an iterator of items and a context manager. Leaving the
    `with` block, `close()`, the end of the stream, an error or garbage collection closes the
    connection; `break` alone leaves it open until one of these."""

    __slots__ = ()

    def __iter__(self) -> Iterator[_T]:
        return self

    def __next__(self) -> _T:
        if self._pending():
            return self._item(self._ready.pop())
        read = self._native.next()
        if read is None:
            raise StopIteration
        return self._first(read)

    def close(self) -> None:
        """Closes the connection; idempotent. Iterating afterwards ends at once."""
        self._drop()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncStream(_Base[_T]):
    """A streamed answer of `AsyncPortkey`: an async iterator of items and an async context
    manager. Leaving the `async with` block, `close()`/`aclose()`, the end of the stream, an
    error or garbage collection closes the connection."""

    __slots__ = ()

    def __aiter__(self) -> AsyncStream[_T]:
        return self

    async def __anext__(self) -> _T:
        if self._pending():
            return self._item(self._ready.pop())
        read = await self._native.anext()
        if read is None:
            raise StopAsyncIteration
        return self._first(read)

    async def close(self) -> None:
        """Closes the connection; idempotent. Iterating afterwards ends at once."""
        self._drop()

    async def aclose(self) -> None:
        """The same as `close()` (the name `contextlib.aclosing` calls)."""
        self._drop()

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._drop()
