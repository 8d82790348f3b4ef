"""Per-call time of `api_keys.retrieve` with the official SDK (PyPI portkey-ai==2.3.4).

Run by bench/run.py with the scratch venv's interpreter, so `portkey_ai` here is the official
package, never ours. Same CLI and output line as every contender:

    python official_python.py --base-url http://127.0.0.1:18080/v1 --calls 3000 \
        --concurrency 16 --per-caller 300
    -> {"sequential_us": ..., "concurrent16_us": ...}   (--list N adds list1000_ms)
"""

import argparse
import json
import os
import statistics
import threading
import time

from portkey_ai import Portkey


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", default=os.environ.get("PORTKEY_BASE_URL", "http://127.0.0.1:18080/v1"))
    p.add_argument("--api-key", default=os.environ.get("PORTKEY_API_KEY", "pk-bench"))
    p.add_argument("--calls", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--per-caller", type=int, default=300)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--list", type=int, default=0, help="timed lists of 1,000 keys (0: none)")
    p.add_argument("--sequential-only", action="store_true")
    a = p.parse_args()

    # 2.3.4 uses base_url verbatim (utils.set_base_url) and appends "/api-keys/{id}".
    client = Portkey(api_key=a.api_key, base_url=a.base_url)
    retrieve = client.api_keys.retrieve

    for _ in range(a.warmup):
        retrieve(id="x")

    start = time.perf_counter()
    for _ in range(a.calls):
        retrieve(id="x")
    sequential_us = (time.perf_counter() - start) * 1e6 / a.calls
    if a.sequential_only:
        print(json.dumps({"sequential_us": sequential_us}))
        return

    # Threads sharing one client (one httpx pool); the barrier makes them start together.
    barrier = threading.Barrier(a.concurrency + 1)
    errors = []

    def caller() -> None:
        barrier.wait()
        try:
            for _ in range(a.per_caller):
                retrieve(id="x")
        except Exception as e:  # reported below: a failed call must not pass as a fast one
            errors.append(e)

    threads = [threading.Thread(target=caller) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    concurrent_us = (time.perf_counter() - start) * 1e6 / (a.concurrency * a.per_caller)
    if errors:
        raise errors[0]

    result = {"sequential_us": sequential_us, f"concurrent{a.concurrency}_us": concurrent_us}
    if a.list:
        times = []
        for _ in range(a.list):
            start = time.perf_counter()
            for key in client.api_keys.list().data or []:
                key["name"] if isinstance(key, dict) else key.name
            times.append(time.perf_counter() - start)
        result["list1000_ms"] = statistics.median(times) * 1e3
    print(json.dumps(result))


if __name__ == "__main__":
    main()
