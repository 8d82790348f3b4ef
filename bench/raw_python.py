"""The "no SDK at all" Python baseline of `make bench`: `http.client` + `json.loads`.

What a careful hand-written client costs in the standard library: one keep-alive
`HTTPConnection` per caller (http.client is not thread-safe), the API key header, the JSON body
parsed with `json.loads`. Same CLI and output line as every contender (bench/run.py), plus
`parse_only_ms`: `json.loads` alone of the list body already in memory.

    python bench/raw_python.py --base-url http://127.0.0.1:18080/v1 --calls 3000 \\
        --concurrency 16 --per-caller 300 --list 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import threading
import time
from typing import Any, Callable
from urllib.parse import urlsplit


def connect(base_url: str, api_key: str) -> Callable[[str], Any]:
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80)
    headers = {"x-portkey-api-key": api_key, "accept": "application/json"}

    def get(path: str) -> Any:
        conn.request("GET", url.path + path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return json.loads(body)

    return get


def raw_list_bytes(base_url: str, api_key: str) -> bytes:
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80)
    conn.request("GET", url.path + "/api-keys", headers={"x-portkey-api-key": api_key})
    return conn.getresponse().read()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base-url", default=os.environ.get("PORTKEY_BASE_URL", "http://127.0.0.1:18080/v1"))
    p.add_argument("--api-key", default=os.environ.get("PORTKEY_API_KEY", "pk-bench"))
    p.add_argument("--calls", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--per-caller", type=int, default=300)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--list", type=int, default=0, help="timed lists of 1,000 keys (0: none)")
    p.add_argument("--sequential-only", action="store_true")
    a = p.parse_args()

    get = connect(a.base_url, a.api_key)
    for _ in range(a.warmup):
        get("/api-keys/x")["name"]
    start = time.perf_counter()
    for _ in range(a.calls):
        get("/api-keys/x")["name"]
    result: dict[str, float] = {"sequential_us": (time.perf_counter() - start) * 1e6 / a.calls}
    if a.sequential_only:
        print(json.dumps(result))
        return

    barrier = threading.Barrier(a.concurrency + 1)
    errors: list[BaseException] = []

    def caller() -> None:
        mine = connect(a.base_url, a.api_key)
        barrier.wait()
        try:
            for _ in range(a.per_caller):
                mine("/api-keys/x")["name"]
        except BaseException as e:  # a failed call must not pass as a fast one
            errors.append(e)

    threads = [threading.Thread(target=caller) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    result[f"concurrent{a.concurrency}_us"] = (time.perf_counter() - start) * 1e6 / (a.concurrency * a.per_caller)

    if a.list:
        lists, parses = [], []
        body = raw_list_bytes(a.base_url, a.api_key)
        for _ in range(a.list):
            start = time.perf_counter()
            for item in get("/api-keys")["data"]:
                item["name"]
            lists.append(time.perf_counter() - start)
            start = time.perf_counter()
            for item in json.loads(body)["data"]:
                item["name"]
            parses.append(time.perf_counter() - start)
        result["list1000_ms"] = statistics.median(lists) * 1e3
        result["parse_only_ms"] = statistics.median(parses) * 1e3
    print(json.dumps(result))


if __name__ == "__main__":
    main()
