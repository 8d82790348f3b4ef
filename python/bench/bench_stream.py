"""Streamed completions with this package (or with the standard library alone), for `make bench`.

bench/stream.py runs it against the nginx stand-in, whose `POST /v1/prompts/{id}/completions`
answers 1,000 server-sent events then `[DONE]`:

    python python/bench/bench_stream.py --base-url http://127.0.0.1:18080/v1 --streams 50 [--raw]
    -> {"ttfe_us": ..., "stream_us": ..., "events": 1000, "cpu_us_per_event": ...}

`ttfe_us`: median time from the call to the first event; `stream_us`: median time for the whole
stream; `cpu_us_per_event`: this process's user + sys time over the timed streams, per event.
`--raw` is the baseline without any SDK: `http.client` on one keep-alive connection, lines split
by hand and each event's data parsed with `json.loads`, as a careful hand-written client would.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import statistics
import time
from typing import Callable, Tuple
from urllib.parse import urlsplit


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def ours(base_url: str, api_key: str) -> Callable[[], Tuple[float, int]]:
    from portkey_ai import Portkey

    portkey = Portkey(api_key=api_key, base_url=base_url)
    create = portkey.prompts.completions.create

    def one() -> Tuple[float, int]:
        start = time.perf_counter()
        first = 0.0
        events = 0
        with create(prompt_id="bench", variables={}, stream=True) as stream:
            for chunk in stream:
                if not events:
                    first = time.perf_counter() - start
                events += 1
                chunk.choices  # read a field, as a consumer would
        return first, events

    return one


def raw(base_url: str, api_key: str) -> Callable[[], Tuple[float, int]]:
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80)
    body = json.dumps({"variables": {}, "stream": True})
    headers = {"x-portkey-api-key": api_key, "content-type": "application/json"}

    def one() -> Tuple[float, int]:
        start = time.perf_counter()
        conn.request("POST", f"{url.path}/prompts/bench/completions", body=body, headers=headers)
        response = conn.getresponse()
        first = 0.0
        events = 0
        for line in response:
            if not line.startswith(b"data: "):
                continue
            data = line[6:].strip()
            if data == b"[DONE]":
                continue
            if not events:
                first = time.perf_counter() - start
            events += 1
            json.loads(data)["choices"]
        response.read()  # marks the answer finished, so the connection is reused
        return first, events

    return one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("PORTKEY_BASE_URL", "http://127.0.0.1:18080/v1"))
    parser.add_argument("--api-key", default=os.environ.get("PORTKEY_API_KEY", "pk-bench"))
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--raw", action="store_true", help="the standard-library baseline")
    args = parser.parse_args()

    one = (raw if args.raw else ours)(args.base_url, args.api_key)
    for _ in range(args.warmup):
        one()
    firsts, totals, events = [], [], 0
    cpu_start = cpu()
    for _ in range(args.streams):
        start = time.perf_counter()
        first, n = one()
        totals.append(time.perf_counter() - start)
        firsts.append(first)
        events += n
    cpu_used = cpu() - cpu_start
    print(json.dumps({
        "ttfe_us": statistics.median(firsts) * 1e6,
        "stream_us": statistics.median(totals) * 1e6,
        "events": events // args.streams,
        "cpu_us_per_event": cpu_used * 1e6 / max(events, 1),
    }))


if __name__ == "__main__":
    main()
