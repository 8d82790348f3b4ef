"""Auto-pagination (portkey_ai/_pagination.py) against the mock: a paginated `list` returns the
first page, which is a response like any other and also iterates every item of every page,
fetching lazily; `AsyncPortkey` returns an awaitable, async-iterable pager."""

from __future__ import annotations

import asyncio
import pickle
from typing import List

import pytest

import portkey_ai
from portkey_ai import AsyncPage, AsyncPager, AsyncPortkey, Portkey, SyncPage
from portkey_ai.types import APIKey, APIKeyList, AuditLog, AuditLogList
from conftest import Mock


def make_keys(n: int, workspace: str = "ws-p") -> List[str]:
    portkey = Portkey()
    return [
        portkey.api_keys.create(
            type="organisation",
            sub_type="service",
            name=f"key-{i}",
            workspace_id=workspace,
            scopes=["completions.write"],
        ).id
        or ""
        for i in range(n)
    ]


def test_the_first_page_is_a_response(mock: Mock) -> None:
    make_keys(7)
    page = Portkey().api_keys.list(page_size=3, workspace_id="ws-p")
    assert isinstance(page, SyncPage) and isinstance(page, APIKeyList)
    assert isinstance(page, portkey_ai.PortkeyObject)
    assert page.object == "list" and page.total == 7 == page["total"]
    assert [k.name for k in page.data] == ["key-0", "key-1", "key-2"]
    assert isinstance(page.data[0], APIKey)
    assert page.to_dict()["total"] == 7 and len(page.to_dict()["data"]) == 3
    assert set(page.keys()) >= {"object", "total", "data"} and "data" in page
    assert page.get_headers()["x-request-id"]
    assert repr(page).startswith("APIKeyList({")
    assert mock.count() == 8  # 7 creates, 1 list


def test_iterating_yields_every_item_fetching_lazily(mock: Mock) -> None:
    make_keys(7)
    page = Portkey().api_keys.list(page_size=3, workspace_id="ws-p")
    before = mock.count()
    items = iter(page)
    first = [next(items) for _ in range(3)]
    assert mock.count() == before  # the first page's items need no request
    assert next(items).name == "key-3"
    assert mock.count() == before + 1
    rest = list(items)
    assert [k.name for k in first + rest] == ["key-0", "key-1", "key-2"] + [
        f"key-{i}" for i in range(4, 7)
    ]
    assert all(isinstance(k, APIKey) for k in rest)
    assert mock.count() == before + 2  # stopped at total: no empty page fetched
    # Iterating again starts over from this page.
    assert len(list(page)) == 7


def test_the_same_arguments_and_options_go_with_every_page(mock: Mock) -> None:
    make_keys(5)
    page = Portkey().api_keys.list(
        page_size=2, workspace_id="ws-p", extra_headers={"x-trace": "t1"}, max_retries=0
    )
    names = [k.name for k in page]
    assert names == [f"key-{i}" for i in range(5)]
    lists = [r for r in mock.requests() if r["method"] == "GET"]
    assert len(lists) == 3
    for number, request in enumerate(lists):
        query = dict(part.split("=") for part in request["query"].split("&"))
        assert query["workspace_id"] == "ws-p" and query["page_size"] == "2"
        assert query.get("current_page", "0") == str(number)


def test_a_later_start_page_and_pages(mock: Mock) -> None:
    make_keys(7)
    page = Portkey().api_keys.list(page_size=3, current_page=1, workspace_id="ws-p")
    assert [k.name for k in page] == ["key-3", "key-4", "key-5", "key-6"]
    pages = list(Portkey().api_keys.list(page_size=3, workspace_id="ws-p").iter_pages())
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert all(isinstance(p, APIKeyList) for p in pages)


def test_empty_list_sends_one_request(mock: Mock) -> None:
    page = Portkey().api_keys.list(workspace_id="nobody")
    assert list(page) == [] and page.total == 0 and mock.count() == 1


def test_without_total_a_short_or_empty_page_ends_it(mock: Mock) -> None:
    item = {"id": "k", "name": "n"}
    mock.fault({"method": "GET", "status": 200, "body": {"object": "list", "data": [item] * 2}})
    mock.fault({"method": "GET", "status": 200, "body": {"object": "list", "data": [item]}})
    assert len(list(Portkey().api_keys.list(page_size=2))) == 3
    assert mock.count() == 2  # the short page was the last
    mock.reset()
    # Without page_size, the first page's length is what a full page holds.
    mock.fault({"method": "GET", "status": 200, "times": 2, "body": {"data": [item] * 2}})
    mock.fault({"method": "GET", "status": 200, "body": {"data": []}})
    assert len(list(Portkey().api_keys.list())) == 4
    assert mock.count() == 3


def test_a_failure_on_a_later_page_raises(mock: Mock) -> None:
    make_keys(5)
    page = Portkey(max_retries=0).api_keys.list(page_size=2, workspace_id="ws-p")
    mock.fault({"method": "GET", "status": 500})
    seen = []
    with pytest.raises(portkey_ai.InternalServerError):
        for key in page:
            seen.append(key.name)
    assert seen == ["key-0", "key-1"]
    mock.fault({"method": "GET", "status": 200, "body": {"object": "list", "total": 9}})
    with pytest.raises(portkey_ai.APIResponseValidationError, match="data"):
        list(page)


def test_a_page_pickles_as_its_model(mock: Mock) -> None:
    make_keys(2)
    page = Portkey().api_keys.list()
    again = pickle.loads(pickle.dumps(page))
    assert type(again) is APIKeyList and again == page and again.total == 2


def test_async_pager(mock: Mock) -> None:
    make_keys(5)

    async def main() -> None:
        portkey = AsyncPortkey()
        pager = portkey.api_keys.list(page_size=2, workspace_id="ws-p")
        assert isinstance(pager, AsyncPager)
        assert mock.count() == 5  # nothing sent before it is awaited or iterated
        page = await pager
        assert isinstance(page, AsyncPage) and isinstance(page, APIKeyList)
        assert page.total == 5 and [k.name for k in page.data] == ["key-0", "key-1"]
        assert mock.count() == 6
        names = [k.name async for k in page]
        assert names == [f"key-{i}" for i in range(5)] and mock.count() == 8
        # Directly over the pager, like openai's AsyncPaginator.
        direct = [k async for k in portkey.api_keys.list(page_size=2, workspace_id="ws-p")]
        assert [k.name for k in direct] == names and isinstance(direct[0], APIKey)
        assert [len(p.data) async for p in page.iter_pages()] == [2, 2, 1]
        with pytest.raises(TypeError, match="async for"):
            iter(page)
        # Two lists at once.
        a, b = await asyncio.gather(portkey.api_keys.list(), portkey.api_keys.list(page_size=1))
        assert (a.total, len(b.data)) == (5, 1)
        # A failure on a later page raises.
        page = await portkey.with_options(max_retries=0).api_keys.list(page_size=3)
        mock.fault({"method": "GET", "status": 500})
        with pytest.raises(portkey_ai.InternalServerError):
            async for _ in page:
                pass

    asyncio.run(main())


def test_async_pager_refuses_bad_input_when_awaited(mock: Mock) -> None:
    async def main() -> None:
        pager = AsyncPortkey().api_keys.list(page_size=0)
        with pytest.raises(portkey_ai.InvalidParameterError) as info:
            await pager
        assert info.value.param == "page_size"
        with pytest.raises(portkey_ai.InvalidParameterError):
            async for _ in AsyncPortkey().api_keys.list(page_size=0):
                pass

    asyncio.run(main())
    assert mock.count() == 0


# The mock's organisation (crates/portkey-mock/src/audit.rs); audit_logs.list requires it.
ORG = "9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10"
AUDIT = {"start_time": "2000-01-01T00:00:00Z", "end_time": "2100-01-01T00:00:00Z"}


def test_audit_logs_page_through_records(mock: Mock) -> None:
    # audit_logs.list keeps its items in `records` (its page model's `items`), not `data`.
    make_keys(7)
    page = Portkey().audit_logs.list(**AUDIT, organisation_id=ORG, page_size=3)
    assert isinstance(page, SyncPage) and isinstance(page, AuditLogList)
    # The first page as the API sends it; total counts every matching record.
    assert page.total == 7 and page.object == "analytics-graph"
    assert set(page.keys()) == {"object", "total", "records"} and "data" not in page
    assert len(page.records or []) == 3 and isinstance((page.records or [])[0], AuditLog)
    # `.data` is this page's items whatever the field's name.
    assert [r.request_id for r in page.data] == [r.request_id for r in page.records or []]
    before = mock.count()
    records = list(page)
    assert len(records) == 7 and all(isinstance(r, AuditLog) for r in records)
    assert all(r.method == "POST" and (r.uri or "").startswith("/v1/api-keys/") for r in records)
    assert len({r.request_id for r in records}) == 7
    assert mock.count() == before + 2  # pages 1 and 2: 3 + 3 + 1 in 3 requests in all
    pages = list(Portkey().audit_logs.list(**AUDIT, organisation_id=ORG, page_size=3).iter_pages())
    assert [len(p.records or []) for p in pages] == [3, 3, 1]
    lists = [r for r in mock.requests() if r["method"] == "GET"][-3:]
    for number, request in enumerate(lists):
        query = dict(part.split("=") for part in request["query"].split("&"))
        assert query["page_size"] == "3" and query.get("current_page", "0") == str(number)
    # A page whose `records` is not a list is an error, never a silent end.
    mock.fault({"method": "GET", "status": 200, "body": {"object": "x", "total": 9, "data": []}})
    with pytest.raises(portkey_ai.APIResponseValidationError, match="records"):
        list(Portkey().audit_logs.list(**AUDIT, organisation_id=ORG))


def test_audit_logs_async_pager(mock: Mock) -> None:
    make_keys(7)

    async def main() -> None:
        portkey = AsyncPortkey()
        pager = portkey.audit_logs.list(**AUDIT, organisation_id=ORG, page_size=3)
        assert isinstance(pager, AsyncPager)
        page = await pager
        assert isinstance(page, AsyncPage) and isinstance(page, AuditLogList)
        assert page.total == 7 and len(page.records or []) == 3
        before = mock.count()
        records = [r async for r in page]
        assert len(records) == 7 and isinstance(records[0], AuditLog)
        assert mock.count() == before + 2
        direct = [r async for r in portkey.audit_logs.list(**AUDIT, organisation_id=ORG, page_size=3)]
        assert [r.request_id for r in direct] == [r.request_id for r in records]
        assert [len(p.records or []) async for p in page.iter_pages()] == [3, 3, 1]

    asyncio.run(main())
