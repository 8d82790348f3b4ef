"""Per-call time of `portkey.api_keys.retrieve` with this package, for `make bench`.

bench/run.py runs it beside the official SDK with the same arguments and procedure:

    python python/bench/bench_retrieve.py --base-url http://127.0.0.1:18080/v1 --calls 3000 \\
        --concurrency 16 --per-caller 300
    -> {"sequential_us": ..., "concurrent16_us": ...}

`--list N` adds `list1000_ms`: the median of N `api_keys.list()` calls answering 1,000 keys, each
item's `.name` read. `--sequential-only` runs the sequential phase alone (bench/run.py measures
this process's CPU per call from two such runs).

The concurrent phase is N threads sharing one client: it shows the GIL is released while a
call waits. `--async` adds the AsyncPortkey figures (same procedure on asyncio tasks).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time

from portkey_ai import AsyncPortkey, Portkey


def sequential(portkey: Portkey, calls: int) -> float:
    retrieve = portkey.api_keys.retrieve
    start = time.perf_counter()
    for _ in range(calls):
        retrieve(id="x")
    return (time.perf_counter() - start) * 1e6 / calls


def threaded(portkey: Portkey, callers: int, per_caller: int) -> float:
    barrier = threading.Barrier(callers + 1)

    def work() -> None:
        retrieve = portkey.api_keys.retrieve
        barrier.wait()
        for _ in range(per_caller):
            retrieve(id="x")

    workers = [threading.Thread(target=work) for _ in range(callers)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    return (time.perf_counter() - start) * 1e6 / (callers * per_caller)


def list_ms(portkey: Portkey, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for key in portkey.api_keys.list().data or []:
            key.name
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def asynchronous(portkey: AsyncPortkey, callers: int, per_caller: int) -> float:
    import asyncio

    async def run() -> float:
        async def work() -> None:
            for _ in range(per_caller):
                await portkey.api_keys.retrieve(id="x")

        start = time.perf_counter()
        await asyncio.gather(*(work() for _ in range(callers)))
        return (time.perf_counter() - start) * 1e6 / (callers * per_caller)

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("PORTKEY_BASE_URL", "http://127.0.0.1:18080/v1"))
    parser.add_argument("--api-key", default=os.environ.get("PORTKEY_API_KEY", "pk-bench"))
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--per-caller", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--async", dest="use_async", action="store_true")
    parser.add_argument("--list", type=int, default=0, help="timed lists of 1,000 keys (0: none)")
    parser.add_argument("--sequential-only", action="store_true")
    args = parser.parse_args()

    portkey = Portkey(api_key=args.api_key, base_url=args.base_url)
    sequential(portkey, args.warmup)
    result = {"sequential_us": sequential(portkey, args.calls)}
    if args.sequential_only:
        print(json.dumps(result))
        return
    result[f"concurrent{args.concurrency}_us"] = threaded(portkey, args.concurrency, args.per_caller)
    if args.list:
        result["list1000_ms"] = list_ms(portkey, args.list)
    if args.use_async:
        aportkey = AsyncPortkey(api_key=args.api_key, base_url=args.base_url)
        asynchronous(aportkey, 1, args.warmup)
        result["async_sequential_us"] = asynchronous(aportkey, 1, args.calls // 10)
        result[f"async_concurrent{args.concurrency}_us"] = asynchronous(
            aportkey, args.concurrency, args.per_caller
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
