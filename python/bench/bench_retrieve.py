"""Per-call time of `portkey.api_keys.retrieve` against the bench stand-in server.

    /work/shared/bench/server.sh start          # nginx on 127.0.0.1:18080
    python bench/bench_retrieve.py [--calls N] [--threads 16] [--async]

Prints one line per mode: microseconds per call (median of 5 rounds) and calls per second.
Set PORTKEY_BENCH_URL to use another server (default http://127.0.0.1:18080/v1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time

from portkey_ai import AsyncPortkey, Portkey

KEY_ID = "f47ac10b-58cc-4372-a567-0e02b2c3d479"


def sequential(portkey: Portkey, calls: int) -> float:
    retrieve = portkey.api_keys.retrieve
    start = time.perf_counter()
    for _ in range(calls):
        retrieve(id=KEY_ID)
    return (time.perf_counter() - start) / calls


def threaded(portkey: Portkey, calls: int, threads: int) -> float:
    per_thread = calls // threads
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        retrieve = portkey.api_keys.retrieve
        barrier.wait()
        for _ in range(per_thread):
            retrieve(id=KEY_ID)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    return (time.perf_counter() - start) / (per_thread * threads)


def asynchronous(portkey: AsyncPortkey, calls: int, concurrency: int) -> float:
    async def run() -> float:
        retrieve = portkey.api_keys.retrieve
        per_task = calls // concurrency

        async def work() -> None:
            for _ in range(per_task):
                await retrieve(id=KEY_ID)

        start = time.perf_counter()
        await asyncio.gather(*(work() for _ in range(concurrency)))
        return (time.perf_counter() - start) / (per_task * concurrency)

    return asyncio.run(run())


def report(name: str, rounds: list[float]) -> None:
    per_call = statistics.median(rounds)
    print(f"{name:<28} {per_call * 1e6:8.1f} us/call  {1 / per_call:10.0f} calls/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base_url = os.environ.get("PORTKEY_BENCH_URL", "http://127.0.0.1:18080/v1")
    portkey = Portkey(api_key="pk-bench", base_url=base_url, max_retries=0)
    sequential(portkey, 200)  # warm up: connection, runtime, caches
    report("sequential", [sequential(portkey, args.calls) for _ in range(args.rounds)])
    report(
        f"{args.threads} threads, one client",
        [threaded(portkey, args.calls, args.threads) for _ in range(args.rounds)],
    )
    aportkey = AsyncPortkey(api_key="pk-bench", base_url=base_url, max_retries=0)
    asynchronous(aportkey, 200, 1)
    report("async, one at a time", [asynchronous(aportkey, args.calls, 1) for _ in range(args.rounds)])
    report(
        f"async, {args.threads} concurrent",
        [asynchronous(aportkey, args.calls, args.threads) for _ in range(args.rounds)],
    )


if __name__ == "__main__":
    main()
