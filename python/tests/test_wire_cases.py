"""Every generated wire case (tests/generated/wire_cases.json, see tests/README.md) through the
public surface: the call with all its parameters must put exactly the expected request on the
wire, and each bad call must raise InvalidParameterError naming the parameter and send nothing.
All cases run with `Portkey`; a sample (every resource's first case and every paginated list)
runs with `AsyncPortkey` too."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from typing import Any, Dict, List, Optional

import pytest

import portkey_ai
from conftest import REPO, Mock

CASES_FILE = REPO / "tests" / "generated" / "wire_cases.json"
CASES: List[Dict[str, Any]] = json.loads(CASES_FILE.read_text())["cases"]


def _async_sample() -> List[Dict[str, Any]]:
    seen = set()
    out = []
    for case in CASES:
        resource = case["op"].rsplit(".", 1)[0]
        if resource not in seen or case["op"].endswith(".list"):
            seen.add(resource)
            out.append(case)
    return out


ASYNC_CASES = _async_sample()

# The kinds of bad call tests/README.md describes; an unknown one fails the case.
PROBLEMS = {"missing", "wrong_type", "required_when", "reversed", "whole_and_fields", "required_without"}


def method_of(client: Any, op: str) -> Any:
    target = client
    for part in op.split("."):
        target = getattr(target, part)
    return target


def query_map(raw: Optional[str]) -> Dict[str, str]:
    """The raw query as a map: split on `&`, then at the first `=`, both sides percent-decoded
    (`+` stays a plus)."""
    out: Dict[str, str] = {}
    if not raw:
        return out
    for pair in raw.split("&"):
        name, _, value = pair.partition("=")
        name, value = urllib.parse.unquote(name), urllib.parse.unquote(value)
        assert name not in out, f"query parameter {name} sent twice in {raw!r}"
        out[name] = value
    return out


def recorded(mock: Mock) -> Dict[str, Any]:
    requests = mock.requests()
    assert requests, "the mock received nothing"
    last = requests[-1]
    path = last["path"]
    raw_query = last.get("query")
    if isinstance(raw_query, dict):  # a mock that records the query already split
        query = {k: str(v) for k, v in raw_query.items()}
    else:
        if raw_query is None and "?" in path:
            path, _, raw_query = path.partition("?")
        query = query_map(raw_query)
    return {"method": last["method"], "path": path, "query": query, "body": last.get("body")}


async def call(client: Any, op: str, params: Dict[str, Any], asynchronous: bool) -> None:
    """Calls `op`; the answer's status does not matter (sample ids may not exist), but an error
    raised before sending does."""
    try:
        result = method_of(client, op)(**params)
        if asynchronous:
            await result
    except portkey_ai.APIStatusError:
        pass


async def run_case(case: Dict[str, Any], mock: Mock, asynchronous: bool) -> None:
    cls = portkey_ai.AsyncPortkey if asynchronous else portkey_ai.Portkey
    client = cls(max_retries=0)
    mock.reset()
    await call(client, case["op"], case["params"], asynchronous)
    assert recorded(mock) == case["expect"], case["op"]

    for bad in case["bad"]:
        assert bad["problem"] in PROBLEMS, (case["op"], bad["problem"])
        mock.reset()
        with pytest.raises(portkey_ai.InvalidParameterError) as info:
            await call(client, case["op"], bad["params"], asynchronous)
        assert info.value.param == bad["param"], (case["op"], bad["problem"], info.value)
        if bad["problem"] == "reversed":
            assert "is after" in str(info.value), (case["op"], info.value)
        if bad["problem"] == "whole_and_fields":
            assert "is the whole body" in str(info.value), (case["op"], info.value)
        assert mock.count() == 0, (case["op"], bad)


def test_cases_cover_every_operation() -> None:
    ops = {name for name, _summary, _params in portkey_ai._native.operations()}
    assert {case["op"] for case in CASES} == ops


@pytest.mark.parametrize("case", CASES, ids=[c["op"] for c in CASES])
def test_wire_case(case: Dict[str, Any], mock: Mock) -> None:
    asyncio.run(run_case(case, mock, asynchronous=False))


@pytest.mark.parametrize("case", ASYNC_CASES, ids=[c["op"] for c in ASYNC_CASES])
def test_wire_case_async(case: Dict[str, Any], mock: Mock) -> None:
    asyncio.run(run_case(case, mock, asynchronous=True))
