"""Threads and asyncio: one client shared, the GIL released while a call waits."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from portkey_ai import AsyncPortkey, Portkey
from conftest import Mock


def test_16_threads_share_one_client(mock: Mock) -> None:
    portkey = Portkey()
    ids = [
        portkey.api_keys.create(name=f"k{i}", type="organisation", sub_type="service", scopes=[]).id
        for i in range(16)
    ]
    with ThreadPoolExecutor(16) as pool:
        keys = list(pool.map(lambda i: portkey.api_keys.retrieve(id=i), ids * 4))
    assert [k.id for k in keys] == ids * 4


def test_the_gil_is_released_while_a_call_waits(mock: Mock) -> None:
    portkey = Portkey()
    mock.fault({"method": "GET", "delay_ms": 1000, "times": 1})
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(portkey.api_keys.list()))
    start = time.monotonic()
    worker.start()
    time.sleep(0.1)  # the call is now waiting on the delayed answer
    spins = 0
    while time.monotonic() - start < 0.6:
        spins += 1  # pure Python: runs only if the waiting thread does not hold the GIL
    assert worker.is_alive(), "the call should still be waiting"
    assert spins > 10_000, spins
    worker.join(5)
    assert result and time.monotonic() - start >= 0.9


def test_async_gather_16(mock: Mock) -> None:
    async def main() -> None:
        portkey = AsyncPortkey()
        created = await asyncio.gather(
            *(
                portkey.api_keys.create(name=f"a{i}", type="organisation", sub_type="service", scopes=[])
                for i in range(16)
            )
        )
        keys = await asyncio.gather(*(portkey.api_keys.retrieve(id=c.id) for c in created))
        assert sorted(k.name for k in keys) == sorted(f"a{i}" for i in range(16))
        page = await portkey.api_keys.list()
        assert page.total == 16

    asyncio.run(main())


def test_async_calls_do_not_block_the_event_loop(mock: Mock) -> None:
    async def main() -> None:
        portkey = AsyncPortkey()
        mock.fault({"method": "GET", "delay_ms": 500, "times": 1})
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        await portkey.api_keys.list()
        task.cancel()
        assert ticks >= 20, ticks

    asyncio.run(main())


def test_async_cancellation(mock: Mock) -> None:
    async def main() -> None:
        portkey = AsyncPortkey()
        mock.fault({"method": "GET", "delay_ms": 2000, "times": 1})
        start = time.monotonic()
        try:
            await asyncio.wait_for(portkey.api_keys.list(), 0.2)
        except asyncio.TimeoutError:
            pass
        else:
            raise AssertionError("expected a timeout")
        assert time.monotonic() - start < 1.0
        assert (await portkey.api_keys.list()).object == "list"

    asyncio.run(main())


# Ends right after asyncio calls: the worker that handed a result over may still hold the
# GIL when the interpreter starts to finalize. Without the atexit wait, 1-3 runs in 100
# aborted ("PyGILState_Release: thread state ... must be current"), so 100 runs one after
# another show a regression with about 95% probability.
_ASYNC_SCRIPT = """
import asyncio
from portkey_ai import AsyncPortkey, Portkey

Portkey().api_keys.list()

async def main():
    client = AsyncPortkey()
    pages = await asyncio.gather(client.api_keys.list(), client.virtual_keys.list())
    print(sum(p.total for p in pages))

asyncio.run(main())
"""


def test_a_script_ending_right_after_asyncio_calls_exits_cleanly(mock: Mock) -> None:
    import os
    import subprocess
    import sys

    for _ in range(100):
        run = subprocess.run(
            [sys.executable, "-c", _ASYNC_SCRIPT],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "0"


# --- Ctrl-C and abandoned event loops -----------------------------------------------------

_SIGINT_SCRIPT = """
import os, sys, time, urllib.parse
from portkey_ai import Portkey

def connections_to_the_mock():
    # This process's established TCP connections to the mock's port (/proc/net/tcp).
    port = urllib.parse.urlsplit(os.environ["PORTKEY_BASE_URL"]).port
    mine = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            mine.add(link[8:-1])
    count = 0
    with open("/proc/net/tcp") as table:
        for line in list(table)[1:]:
            fields = line.split()
            remote_port = int(fields[2].split(":")[1], 16)
            if fields[3] == "01" and remote_port == port and fields[9] in mine:
                count += 1
    return count

client = Portkey(max_retries=0)
print("calling", flush=True)
try:
    client.api_keys.list()
except KeyboardInterrupt:
    caught = time.monotonic()
    # The interrupted call was dropped, its connection closed...
    deadline = time.monotonic() + 2
    while connections_to_the_mock() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert connections_to_the_mock() == 0, "the interrupted call's connection is still open"
    # ... and the runtime serves the next call.
    assert client.api_keys.list(timeout=5).object == "list"
    print(caught, flush=True)
    sys.exit(0)
print("the call ended without KeyboardInterrupt", flush=True)
sys.exit(3)
"""


def test_ctrl_c_interrupts_a_blocking_call(mock: Mock) -> None:
    import os
    import signal
    import subprocess
    import sys

    mock.fault({"method": "GET", "delay_ms": 10000, "times": 1})
    child = subprocess.Popen(
        [sys.executable, "-c", _SIGINT_SCRIPT],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "calling"
        time.sleep(1.0)  # the call is now waiting on the stalled server
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, f"{out}\n{err}"
    assert err == ""
    # CLOCK_MONOTONIC is system-wide on Linux: the two processes' readings compare.
    latency = float(out.strip()) - sent
    assert 0 <= latency < 0.5, latency
    assert mock.count() == 2


# The loop is closed while a call is in flight (no cancellation reaches the call), and the
# answer arrives afterwards: nothing may be printed (it was "RuntimeError: Event loop is
# closed" with a traceback), and the process exits normally.
_CLOSED_LOOP_SCRIPT = """
import asyncio, time
from portkey_ai import AsyncPortkey

async def start():
    client = AsyncPortkey(max_retries=0)
    task = asyncio.ensure_future(client.api_keys.list())
    await asyncio.sleep(0.2)  # the call is now in flight
    return task

loop = asyncio.new_event_loop()
task = loop.run_until_complete(start())
task._log_destroy_pending = False  # asyncio's own warning for the abandoned task: not ours
loop.close()
time.sleep(1.5)  # the delayed answer arrives now, after the loop closed
print("done", flush=True)
"""

# As above, but the script ends while the call is still in flight.
_ENDS_IN_FLIGHT_SCRIPT = """
import asyncio
from portkey_ai import AsyncPortkey

async def start():
    client = AsyncPortkey(max_retries=0)
    task = asyncio.ensure_future(client.api_keys.list())
    await asyncio.sleep(0.2)
    return task

loop = asyncio.new_event_loop()
task = loop.run_until_complete(start())
task._log_destroy_pending = False
loop.close()
print("done", flush=True)
"""


def test_closing_the_event_loop_with_a_call_in_flight_is_quiet(mock: Mock) -> None:
    import os
    import subprocess
    import sys

    for script, delay_ms in ((_CLOSED_LOOP_SCRIPT, 1000), (_ENDS_IN_FLIGHT_SCRIPT, 10000)):
        mock.fault({"method": "GET", "delay_ms": delay_ms, "times": 1})
        start = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-c", script],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        assert run.stdout.strip() == "done"
        # Exit does not wait for a call whose result no one can take.
        assert time.monotonic() - start < 5, time.monotonic() - start


# An atexit handler registered before the package's own (so run after it) still gets the
# answers of the calls it makes.
_ATEXIT_SCRIPT = """
import asyncio, atexit
from portkey_ai import AsyncPortkey

async def one_call():
    return (await AsyncPortkey().api_keys.list()).object

atexit.register(lambda: print("at exit:", asyncio.run(one_call()), flush=True))
print("main:", asyncio.run(one_call()), flush=True)
"""


def test_an_atexit_handler_can_still_make_asyncio_calls(mock: Mock) -> None:
    import os
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _ATEXIT_SCRIPT],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.split("\n") == ["main: list", "at exit: list", ""]
