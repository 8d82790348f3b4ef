"""A pooled keep-alive connection that the server closed while it was idle never fails the next
call, GET or POST, even with retries off, and a POST is never sent twice. The mock closes its
idle connections on demand (`POST /__mock/close-idle`, which answers only once they are
closed), and its request log numbers the connection of each request."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

from portkey_ai import AsyncPortkey, Portkey
from conftest import Mock

# Enough rounds for a race between the close and the next call to show.
ROUNDS = 20


def close_idle(mock: Mock) -> int:
    """How many idle connections the mock closed (urllib's own connection is not kept)."""
    req = urllib.request.Request(mock.root + "/__mock/close-idle", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        closed = json.loads(resp.read())["closed"]
    assert isinstance(closed, int)
    return closed


def create_args(name: str) -> dict[str, Any]:
    return {
        "name": name, "type": "organisation", "sub_type": "service", "scopes": ["completions.write"]
    }


def check_round(mock: Mock, start: int, round_: int) -> None:
    """The call before the round, then the round's GET and POST: each sent once, each after a
    close on a new connection."""
    logged = mock.requests()[start - 1 :]
    assert [r["method"] for r in logged] == ["POST", "GET", "POST"], f"round {round_}: {logged}"
    connections = [r["connection"] for r in logged]
    assert connections == sorted(set(connections)), f"round {round_}: {connections}"


def check_posts(mock: Mock) -> None:
    posts = [r for r in mock.requests() if r["method"] == "POST"]
    assert len(posts) == ROUNDS + 1, "one key per POST: none was sent twice"


def test_sync_client_survives_idle_closes(mock: Mock) -> None:
    portkey = Portkey(max_retries=0)
    # Opens the pooled connection the first close finds.
    key_id = portkey.api_keys.create(**create_args("first")).id
    for round_ in range(ROUNDS):
        start = len(mock.requests())
        assert close_idle(mock) >= 1, f"round {round_}: nothing closed"
        assert portkey.api_keys.retrieve(id=key_id).id == key_id
        assert close_idle(mock) >= 1, f"round {round_}: nothing closed"
        assert portkey.api_keys.create(**create_args(f"key-{round_}")).id
        check_round(mock, start, round_)
    check_posts(mock)


def test_async_client_survives_idle_closes(mock: Mock) -> None:
    async def main() -> None:
        portkey = AsyncPortkey(max_retries=0)
        key_id = (await portkey.api_keys.create(**create_args("first"))).id
        for round_ in range(ROUNDS):
            start = len(mock.requests())
            assert close_idle(mock) >= 1, f"round {round_}: nothing closed"
            assert (await portkey.api_keys.retrieve(id=key_id)).id == key_id
            assert close_idle(mock) >= 1, f"round {round_}: nothing closed"
            assert (await portkey.api_keys.create(**create_args(f"key-{round_}"))).id
            check_round(mock, start, round_)

    asyncio.run(main())
    check_posts(mock)
