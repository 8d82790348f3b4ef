"""Quickstart: API keys and virtual keys, sync and async.

Run it against the local control plane (no Portkey account needed):

    cargo run --release -p portkey-mock -- --port 8787 &
    PORTKEY_API_KEY=pk-local PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/quickstart.py
"""

from __future__ import annotations

import asyncio

from portkey_ai import AsyncPortkey, NotFoundError, Portkey


def main() -> None:
    portkey = Portkey()  # reads PORTKEY_API_KEY and PORTKEY_BASE_URL

    created = portkey.api_keys.create(
        name="ci-deployer",
        type="organisation",
        sub_type="service",
        workspace_id="ws-ci",
        scopes=["completions.write"],
    )
    print("created", created.id, "- keep the secret, it is shown once")

    key_id = created.id or ""
    portkey.api_keys.update(
        id=key_id,
        name="ci-deployer-2",
        rate_limits=[{"type": "requests", "unit": "rpm", "value": 100}],
        scopes=["completions.write", "logs.view"],
    )

    key = portkey.api_keys.retrieve(id=key_id)
    print(key.name, key.status, key["scopes"])
    if key.rate_limits:
        print("limit:", key.rate_limits[0].value, key.rate_limits[0].unit)
    print("request id:", key.get_headers().get("x-request-id"))

    page = portkey.api_keys.list(page_size=10)
    print(page.total, "keys:", [k.name for k in page.data])

    virtual = portkey.virtual_keys.create(name="Team OpenAI", provider="openai", key="sk-test")
    slug = virtual.data.slug if virtual.data else None
    print(portkey.virtual_keys.retrieve(slug=slug))  # indented JSON

    portkey.api_keys.delete(id=key_id)
    try:
        portkey.api_keys.retrieve(id=key_id)
    except NotFoundError as e:
        print("gone:", e.status_code, e.request_id)

    asyncio.run(list_async())


async def list_async() -> None:
    portkey = AsyncPortkey()
    pages = await asyncio.gather(portkey.api_keys.list(), portkey.virtual_keys.list())
    print("async totals:", [p.total for p in pages])


if __name__ == "__main__":
    main()
