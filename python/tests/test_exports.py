"""Log exports end to end (what the shared scenario cannot express): the URL that
`logs.exports.download` answers is fetched and its JSON Lines hold exactly the logs the
filters select, with the requested columns, sync and async; waiting on a cancelled export
raises JobFailedError."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any, Dict, List

import pytest

from portkey_ai import AsyncPortkey, JobFailedError, Portkey
from conftest import Mock


def log(i: int) -> Dict[str, Any]:
    """Log `i`: gpt-4o when even (else claude), failed when divisible by 3, cost `i` cents,
    on day 1 + i % 3 of March."""
    provider, model = ("openai", "gpt-4o") if i % 2 == 0 else ("anthropic", "claude-3-5-haiku-20241022")
    return {
        "id": f"log-{i:02}",
        "created_at": f"2026-03-0{1 + i % 3}T10:00:00Z",
        "cost": i,
        "request": {
            "url": "https://api.example.com/v1/chat/completions",
            "headers": {"x-portkey-provider": provider},
            "body": {"model": model},
        },
        "response": {"status": 500 if i % 3 == 0 else 200, "body": {}, "response_time": 100 + i},
        "metadata": {"trace_id": f"tr-{i}", "_user": "ana" if i < 10 else "bo"},
    }


FILTERS = {
    "ai_org_model": "openai__gpt-4o",
    "status_code": "200",
    "cost_min": 4,
    "time_of_generation_min": "2026-03-02T00:00:00Z",
}
# Even, not divisible by 3, at least 4 (day 2 or 3 follows from i % 3 != 0).
EXPECTED = [f"log-{i:02}" for i in (4, 8, 10, 14, 16, 20, 22, 26, 28)]
COLUMNS: List[Any] = ["id", "cost", "ai_model", "response_status_code"]


def fetch(url: str) -> List[Dict[str, Any]]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.headers["content-type"] == "application/x-ndjson"
        return [json.loads(line) for line in resp.read().decode().splitlines()]


def check_rows(rows: List[Dict[str, Any]]) -> None:
    assert sorted(r["id"] for r in rows) == EXPECTED
    for row in rows:
        assert sorted(row) == sorted(COLUMNS)
        assert row["ai_model"] == "gpt-4o" and row["response_status_code"] == 200
        assert row["cost"] >= 4


def test_an_export_is_waited_for_and_its_file_holds_the_filtered_logs(mock: Mock) -> None:
    portkey = Portkey()
    inserted = portkey.logs.create(logs=[log(i) for i in range(30)])
    assert len(inserted["log_ids"]) == 30
    export = portkey.logs.exports.create(filters=FILTERS, requested_data=COLUMNS, description="march")
    assert export.total == len(EXPECTED)
    export_id = export.id or ""
    portkey.logs.exports.start(export_id=export_id)
    assert portkey.logs.exports.retrieve(export_id=export_id).status == "in_progress"
    done = portkey.logs.exports.wait(export_id=export_id, poll_interval=0.05, max_wait=10)
    assert done.status == "success" and done.id == export_id
    url = portkey.logs.exports.download(export_id=export_id).signed_url or ""
    assert url.startswith(mock.root + "/__mock/exports/")
    check_rows(fetch(url))


def test_async_the_same(mock: Mock) -> None:
    async def run() -> None:
        portkey = AsyncPortkey()
        await portkey.logs.create(logs=[log(i) for i in range(30)])
        export = await portkey.logs.exports.create(filters=FILTERS, requested_data=COLUMNS)
        export_id = export.id or ""
        await portkey.logs.exports.start(export_id=export_id)
        done = await portkey.logs.exports.wait(export_id=export_id, poll_interval=0.05, max_wait=10)
        assert done.status == "success"
        url = (await portkey.logs.exports.download(export_id=export_id)).signed_url or ""
        check_rows(fetch(url))

    asyncio.run(run())


def test_waiting_on_a_cancelled_export_raises(mock: Mock) -> None:
    portkey = Portkey()
    export_id = portkey.logs.exports.create(filters={}, requested_data=["id"]).id or ""
    portkey.logs.exports.start(export_id=export_id)
    portkey.logs.exports.cancel(export_id=export_id)
    with pytest.raises(JobFailedError):
        portkey.logs.exports.wait(export_id=export_id, poll_interval=0.05, max_wait=10)
