"""Pages of a paginated list (`paginate: true` in the overlay), hand-written.

`portkey.admin.users.list(...)` returns a `SyncPage`: the first page as the API sends it
(`.data`, `.total`, `.object`, attribute and item access, `.to_dict()`, like any response) that
is also iterable over every item of every page::

    page = portkey.admin.users.list(page_size=50)
    print(page.total, len(page.data))  # the first page
    for user in page:  # every user; further pages are fetched as the loop needs them
        ...

`AsyncPortkey().admin.users.list(...)` returns an `AsyncPager`: await it for the first page (an
`AsyncPage`), or iterate it directly with `async for` (like openai's `AsyncPaginator`)::

    page = await portkey.admin.users.list()
    async for user in page: ...
    async for user in portkey.admin.users.list(page_size=50): ...

A page keeps its items where the API puts them: in `data`, or in the field the page model
names (`portkey.audit_logs.list(...)` answers `{object, total, records}`); the generated page
model says which (`_page_items`), and on such a page `.data` reads that field too, so
`SyncPage[T].data` is this page's items whatever the field is called.

Further pages are requested with the same arguments and per-call options and `current_page`
one higher (pages are numbered from 0, the first one being `current_page`, 0 when not given).
Iteration stops once `total` items have been seen (counted from page 0), at an empty page, or,
when the answer carries no `total`, at a page shorter than `page_size` (or than the first page,
when `page_size` was not given). A failure on a later page raises it; iteration never ends
silently. Iterating a page again starts over from that page (its items are kept, later pages
are fetched again). `iter_pages()` yields the pages themselves. Only iteration differs from
other responses: `len(page)`, `"total" in page` and `page.keys()` are about the page's fields,
as for any response (`len(page.data)` counts this page's items).

An `AsyncPager` is awaitable but not a coroutine: `asyncio.gather(...)` and
`asyncio.ensure_future(...)` take it, `asyncio.create_task(...)` does not. Each `await` or
`async for` sends its own requests.
"""

from __future__ import annotations

from ._exceptions import APIResponseValidationError
from ._response import PortkeyObject

TYPE_CHECKING = False  # mypy reads this name as True; nothing is imported at run time
if TYPE_CHECKING:
    from typing import (
        Any,
        AsyncIterator,
        ClassVar,
        Dict,
        Generator,
        Generic,
        Iterator,
        List,
        Mapping,
        NoReturn,
        Optional,
        Tuple,
        TypeVar,
    )

    from ._client import AsyncPortkey, Portkey
    from ._types import NotGivenOr

    _T = TypeVar("_T")
    _P = TypeVar("_P", bound="_Pages")

    class _Generic(Generic[_T]):
        """`Generic`, for type checkers only (`typing` costs import time)."""

    _Options = Tuple[NotGivenOr[Optional[float]], NotGivenOr[int], Optional[Mapping[str, str]]]
else:
    _T = None

    class _Generic:
        __slots__ = ()

        def __class_getitem__(cls, item):
            return cls


__all__ = ["SyncPage", "AsyncPage", "AsyncPager"]


class _Pages(PortkeyObject):
    """What both page classes share: the request that made the page, and when to stop."""

    __slots__ = ("_client", "_op", "_params", "_options", "_seen", "_size")

    # The generated page model this class combines with (see _page_class), and the field of
    # the answer that holds the items (the model's `_page_items`: `data`, `records`).
    _model: ClassVar[type[PortkeyObject]]
    _page_items: ClassVar[str]
    _client: Any
    _op: str
    _params: Dict[str, Any]
    _options: _Options
    # Items on the pages before this one (counted from page 0), as far as known.
    _seen: int
    # The size a full page has: `page_size` when given, else the first page's length.
    _size: Optional[int]

    object: Optional[str]
    total: Optional[int]

    def _bind(
        self,
        client: Any,
        op: str,
        params: Dict[str, Any],
        options: _Options,
        seen: int,
        size: Optional[int],
    ) -> None:
        self._client = client
        self._op = op
        self._params = params
        self._options = options
        self._seen = seen
        self._size = size

    def _raw_items(self) -> List[Any]:
        field = self._page_items
        data = self._data.get(field)
        if not isinstance(data, list):
            raise APIResponseValidationError(
                f"Invalid page from {self._op}: `{field}` is not a list",
                status_code=200,
                body=self._data,
            )
        return data

    def _items(self) -> List[Any]:
        raw = self._raw_items()
        return self._wrap(self._page_items, raw)  # type: ignore[no-any-return]

    def _next(self) -> Optional[Tuple[Dict[str, Any], int, int]]:
        """(params, seen, size) of the next page, or None after the last one."""
        count = len(self._raw_items())
        if count == 0:
            return None
        size = self._size if self._size is not None else count
        seen = self._seen + count
        total = self._data.get("total")
        if isinstance(total, int) and not isinstance(total, bool):
            if seen >= total:
                return None
        elif count < size:
            return None
        number = self._params.get("current_page")
        number = number if isinstance(number, int) and not isinstance(number, bool) else 0
        return {**self._params, "current_page": number + 1}, seen, size

    def __reduce__(self) -> Tuple[Any, ...]:
        # The page pickles as its plain model (the client cannot travel with it).
        return (type(self)._model, (self._data, self._headers))


def _first_bind(page: _P, client: Any, op: str, params: Dict[str, Any], options: _Options) -> _P:
    size = params.get("page_size")
    number = params.get("current_page")
    given_size = size if isinstance(size, int) and not isinstance(size, bool) else None
    page._bind(client, op, params, options, 0, given_size)
    if isinstance(number, int) and not isinstance(number, bool) and number > 0:
        # Items before the first page fetched: its number times the size of a full page.
        reference = given_size if given_size is not None else len(page._raw_items())
        page._seen = number * reference
    return page


class SyncPage(_Pages, _Generic[_T]):
    """A page of a paginated list; iterating it yields every item of every page."""

    __slots__ = ()

    data: List[_T]

    def iter_pages(self) -> Iterator[SyncPage[_T]]:
        """This page, then each following one, fetched as needed."""
        page = self
        while True:
            yield page
            step = page._next()
            if step is None:
                return
            params, seen, size = step
            client: Portkey = page._client
            following = client._call(page._op, params, type(page), *page._options)
            following._bind(client, page._op, params, page._options, seen, size)
            page = following

    def __iter__(self) -> Iterator[_T]:  # type: ignore[override]  # items, not field names
        for page in self.iter_pages():
            yield from page._items()


class AsyncPage(_Pages, _Generic[_T]):
    """A page of a paginated list of `AsyncPortkey`; `async for` yields every item of every
    page. (`for` is refused: it would have to block; use `.data` for this page's items.)"""

    __slots__ = ()

    data: List[_T]

    async def iter_pages(self) -> AsyncIterator[AsyncPage[_T]]:
        """This page, then each following one, fetched as needed."""
        page = self
        while True:
            yield page
            step = page._next()
            if step is None:
                return
            params, seen, size = step
            client: AsyncPortkey = page._client
            following = await client._call(page._op, params, type(page), *page._options)
            following._bind(client, page._op, params, page._options, seen, size)
            page = following

    async def _all_items(self) -> AsyncIterator[_T]:
        async for page in self.iter_pages():
            for item in page._items():
                yield item

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._all_items()

    def __iter__(self) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__} is iterated with `async for` (or read `.data` for this "
            "page's items)"
        )


class AsyncPager(_Generic[_T]):
    """What a paginated `list` of `AsyncPortkey` returns: `await` it for the first page, or
    `async for` over it for every item of every page. Each use sends its own requests."""

    __slots__ = ("_client", "_op", "_params", "_cls", "_options")

    def __init__(
        self,
        client: AsyncPortkey,
        op: str,
        params: Dict[str, Any],
        cls: type[AsyncPage[_T]],
        options: _Options,
    ) -> None:
        self._client = client
        self._op = op
        self._params = params
        self._cls = cls
        self._options = options

    async def _first(self) -> AsyncPage[_T]:
        page = await self._client._call(self._op, self._params, self._cls, *self._options)
        return _first_bind(page, self._client, self._op, self._params, self._options)

    def __await__(self) -> Generator[Any, None, AsyncPage[_T]]:
        return self._first().__await__()

    async def _all_items(self) -> AsyncIterator[_T]:
        page = await self._first()
        async for item in page:
            yield item

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._all_items()

    def __repr__(self) -> str:
        return f"AsyncPager({self._op!r})"


# A page class per (kind, model): both a `SyncPage`/`AsyncPage` and the generated page model,
# so `isinstance(page, APIKeyList)` holds and the model's `_nested` types the items.
_classes: Dict[Tuple[type, type], type] = {}


def _items_alias(self: _Pages) -> Any:
    """`.data` of a page whose items are in another field: that field's items."""
    return self._wrap(self._page_items, self._data.get(self._page_items))


def _page_class(kind: type, model: type[PortkeyObject]) -> Any:
    cls = _classes.get((kind, model))
    if cls is None:
        items: str = getattr(model, "_page_items", "data")
        namespace: Dict[str, Any] = {
            "__slots__": (),
            "__module__": model.__module__,
            "_model": model,
            "_page_items": items,
        }
        if items != "data":
            namespace["data"] = property(_items_alias)
        cls = type(model.__name__, (kind, model), namespace)
        cls.__qualname__ = f"{kind.__name__}[{model.__name__}]"
        _classes[(kind, model)] = cls
    return cls


def paginate(
    client: Portkey,
    op: str,
    params: Dict[str, Any],
    model: type[PortkeyObject],
    item: type[_T],
    timeout: NotGivenOr[Optional[float]],
    max_retries: NotGivenOr[int],
    extra_headers: Optional[Mapping[str, str]],
) -> SyncPage[_T]:
    """The first page of `op` (generated resources call this)."""
    options: _Options = (timeout, max_retries, extra_headers)
    cls: type[SyncPage[_T]] = _page_class(SyncPage, model)
    page = client._call(op, params, cls, *options)
    return _first_bind(page, client, op, params, options)


def apaginate(
    client: AsyncPortkey,
    op: str,
    params: Dict[str, Any],
    model: type[PortkeyObject],
    item: type[_T],
    timeout: NotGivenOr[Optional[float]],
    max_retries: NotGivenOr[int],
    extra_headers: Optional[Mapping[str, str]],
) -> AsyncPager[_T]:
    """The pager of `op` for `AsyncPortkey` (generated resources call this); nothing is sent
    until it is awaited or iterated."""
    cls: type[AsyncPage[_T]] = _page_class(AsyncPage, model)
    return AsyncPager(client, op, params, cls, (timeout, max_retries, extra_headers))
