"""The streaming half of `make bench`: a streamed prompt completion of 1,000 events.

Against the nginx stand-in's `POST /v1/prompts/{id}/completions` (1,000 server-sent events of
chat-completion chunks, then `[DONE]`, 182 KB). For each contender, one JSON line from its own
process (see python/bench/bench_stream.py): median time to the first event, median time for the
whole stream, and the process's CPU per event. The floor is wrk fetching the same answer on one
keep-alive connection (no parsing at all); the raw stdlib clients of each language are the
"no SDK" baselines. Per-event overhead = (stream time - wrk's) / events.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = 'wrk.method = "POST"\nwrk.body = \'{"variables":{},"stream":true}\'\nwrk.headers["Content-Type"] = "application/json"\n'


def floor(base: str, scratch: Path) -> dict:
    script = scratch / "stream_post.lua"
    script.write_text(WRK_SCRIPT)
    r = subprocess.run(
        ["wrk", "-t1", "-c1", "-d3s", "-s", str(script), f"{base}/prompts/bench/completions"],
        text=True, capture_output=True,
    )
    rps = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
    if r.returncode != 0 or not rps:
        raise RuntimeError(f"wrk failed: {r.stderr.strip() or r.stdout.strip()}")
    return {"stream_us": 1e6 / float(rps[1])}


def contenders() -> list[tuple[str, list[str], str | None]]:
    """(name, command, why it cannot run or None)."""
    py = ROOT / "python" / ".venv" / "bin" / "python"
    py_script = ROOT / "python" / "bench" / "bench_stream.py"
    node_script = ROOT / "node" / "bench" / "bench_stream.mjs"
    rust = ROOT / "target" / "release" / "examples" / "bench_stream"
    no_py = None if py.exists() else f"missing {py.relative_to(ROOT)}"
    no_node = None if shutil.which("node") else "node not found"
    out = [
        ("raw-python", [str(py), str(py_script), "--raw"], no_py),
        ("ours-python", [str(py), str(py_script)], no_py),
        ("raw-node", ["node", str(node_script), "--raw"], no_node),
        ("ours-node", ["node", str(node_script)], no_node),
    ]
    why = None
    if not shutil.which("cargo"):
        why = "cargo not found"
    else:
        r = subprocess.run(["cargo", "build", "--release", "-p", "portkey", "--example", "bench_stream"],
                           cwd=ROOT, text=True, capture_output=True)
        if r.returncode != 0:
            why = f"cargo build failed: {r.stderr.strip().splitlines()[-1:]}"
    out.append(("ours-rust", [str(rust)], why))
    return out


def run_one(cmd: list[str], base: str, streams: int, env: dict, cwd: Path) -> dict:
    r = subprocess.run(cmd + ["--base-url", base, "--streams", str(streams)],
                       text=True, capture_output=True, env=env, cwd=cwd, timeout=600)
    for line in reversed(r.stdout.strip().splitlines()):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if r.returncode == 0 and isinstance(doc, dict) and "ttfe_us" in doc:
            return doc
    raise RuntimeError(f"exit {r.returncode}: {r.stderr.strip()[-400:] or r.stdout.strip()[-400:]}")


def bench(base: str, streams: int, repeat: int, env: dict, scratch: Path) -> dict:
    res: dict = {"floor": floor(base, scratch), "contenders": {}}
    for name, cmd, why in contenders():
        if why:
            res["contenders"][name] = {"error": why}
            continue
        try:
            runs = [run_one(cmd, base, streams, env, scratch) for _ in range(repeat)]
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            res["contenders"][name] = {"error": str(e)}
            continue
        # Best of `repeat` processes per measure, like the retrieve table.
        res["contenders"][name] = {
            key: min(r[key] for r in runs) for key in ("ttfe_us", "stream_us", "cpu_us_per_event")
        } | {"events": runs[0]["events"]}
    return res


def report(res: dict, streams: int, repeat: int) -> bool:
    """Prints the table; returns whether every contender ran and read every event (the file's
    1,000 content chunks plus the first, role-only one)."""
    fl = res["floor"]["stream_us"]
    print()
    print(f"prompts.completions.create(stream=True): 1,000 events a stream, {streams} streams a run, "
          f"best of {repeat} runs")
    head = (f"{'contender':<14}{'first event us':>16}{'stream us':>12}{'x floor':>9}"
            f"{'us/event over floor':>21}{'CPU us/event':>14}")
    print(head)
    print("-" * len(head))
    print(f"{'floor (wrk)':<14}{'-':>16}{fl:>12.0f}{'1.0':>9}{'0.00':>21}{'-':>14}")
    ok = True
    for name, r in res["contenders"].items():
        if "error" in r:
            print(f"{name:<14}  not run: {r['error'].splitlines()[0] if r['error'] else ''}")
            ok = False
            continue
        events = r["events"] or 1
        ok &= r["events"] >= 1000
        print(f"{name:<14}{r['ttfe_us']:>16.0f}{r['stream_us']:>12.0f}{r['stream_us'] / fl:>9.1f}"
              f"{(r['stream_us'] - fl) / events:>21.2f}{r['cpu_us_per_event']:>14.2f}")
    return ok
