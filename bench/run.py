#!/usr/bin/env python3
"""`make bench`: per-call time of `api_keys.retrieve` for every contender, in one run.

Against the nginx stand-in of ../shared/bench (see bench/README.md): the raw HTTP floor (wrk),
the Rust core, our Python and Node packages, and the official SDKs (PyPI portkey-ai==2.3.4,
npm portkey-ai@3.1.0, installed once into bench/.scratch). Contenders run one after another,
never in parallel, and each prints one JSON line:
    {"sequential_us": float, "concurrent16_us": float}
Stdlib only. Exits non-zero when a contender could not run or a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRATCH = BENCH / ".scratch"
SHARED = Path(os.environ.get("PORTKEY_BENCH_SHARED", ROOT.parent / "shared" / "bench"))
SERVER = SHARED / "server.sh"

OFFICIAL_PY = "portkey-ai==2.3.4"
OFFICIAL_NODE = "portkey-ai@3.1.0"
PY_VENV = SCRATCH / "official-py"
NODE_DIR = SCRATCH / "official-node"

SPEEDUP_TARGET = 5.0
IMPORT_TARGET_MS = 50.0
API_KEY = "pk-bench-not-a-secret"  # the stand-in accepts any key


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def tail(text: str, n: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


# ---------------------------------------------------------------- setup

def ensure_tools() -> None:
    if shutil.which("nginx") and shutil.which("wrk"):
        return
    log("installing nginx-light and wrk with apt-get")
    install = ["apt-get", "install", "-y", "nginx-light", "wrk"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if run(install, env=env).returncode != 0:
        run(["apt-get", "update"], env=env)
        r = run(install, env=env)
        if r.returncode != 0:
            raise SystemExit(f"apt-get install failed:\n{tail(r.stderr)}")


def ensure_official_python() -> str | None:
    """Returns None when ready, else why not."""
    py = PY_VENV / "bin" / "python"
    check = [str(py), "-c", "import importlib.metadata as m; print(m.version('portkey-ai'))"]
    if py.exists() and run(check).stdout.strip() == OFFICIAL_PY.split("==")[1]:
        return None
    log(f"installing {OFFICIAL_PY} into {PY_VENV.relative_to(ROOT)}")
    r = run([sys.executable, "-m", "venv", "--clear", str(PY_VENV)])
    if r.returncode == 0:
        r = run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", OFFICIAL_PY])
    return None if r.returncode == 0 else f"pip install {OFFICIAL_PY} failed:\n{tail(r.stderr)}"


def ensure_official_node() -> str | None:
    want = OFFICIAL_NODE.split("@")[1]
    pkg = NODE_DIR / "node_modules" / "portkey-ai" / "package.json"
    if pkg.exists() and json.loads(pkg.read_text()).get("version") == want:
        return None
    if not shutil.which("npm"):
        return "npm not found"
    log(f"installing {OFFICIAL_NODE} into {NODE_DIR.relative_to(ROOT)}")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    (NODE_DIR / "package.json").write_text('{"name": "official-node-bench", "private": true}\n')
    r = run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", OFFICIAL_NODE], cwd=NODE_DIR)
    return None if r.returncode == 0 else f"npm install {OFFICIAL_NODE} failed:\n{tail(r.stderr)}"


# ---------------------------------------------------------------- server and floor

def server_up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api-keys/x", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def wrk(url: str, connections: int) -> dict:
    """wrk's own numbers plus per_request_us = 1e6 / (requests/sec).

    per_request_us is elapsed / requests, the same measure as the contenders' (at -c16 it is
    the wall time per request with 16 in flight). wrk's "Latency Avg" is not: wrk corrects
    it for coordinated omission (it adds synthetic samples for every slow response), so on a
    busy machine it can exceed elapsed / requests several times over.
    """
    r = run(["wrk", "-t1", f"-c{connections}", "-d3s", "--latency", url])
    if r.returncode != 0:
        raise RuntimeError(f"wrk failed: {tail(r.stderr)}")
    units = {"us": 1.0, "ms": 1e3, "s": 1e6}
    lat = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", r.stdout)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", r.stdout)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
    if not (lat and rps):
        raise RuntimeError(f"cannot parse wrk output:\n{r.stdout}")
    return {
        "connections": connections,
        "latency_avg_us": float(lat[1]) * units[lat[2]],
        "latency_p50_us": float(p50[1]) * units[p50[2]] if p50 else None,
        "requests_per_sec": float(rps[1]),
        "per_request_us": 1e6 / float(rps[1]),
    }


# ---------------------------------------------------------------- contenders

def contenders(a) -> list[dict]:
    """name, command, and why it cannot run (None when it can)."""
    out = []

    rust_bin = ROOT / "target" / "release" / "examples" / "bench_retrieve"
    why = None
    if not shutil.which("cargo"):
        why = "cargo not found"
    else:
        # Built before timing, so a build is neither timed nor mistaken for a failed run.
        log("building the Rust contender (cargo build --release --example bench_retrieve)")
        r = run(["cargo", "build", "--release", "--example", "bench_retrieve", "-p", "portkey"], cwd=ROOT)
        if r.returncode != 0:
            why = f"cargo build failed:\n{tail(r.stderr)}"
    out.append({"name": "rust", "cmd": [str(rust_bin)], "why": why})

    py = ROOT / "python" / ".venv" / "bin" / "python"
    script = ROOT / "python" / "bench" / "bench_retrieve.py"
    lacking = [str(f.relative_to(ROOT)) for f in (py, script) if not f.exists()]
    why = f"missing {', '.join(lacking)}" if lacking else None
    out.append({"name": "ours-python", "cmd": [str(py), str(script)], "why": why})

    script = ROOT / "node" / "bench" / "bench_retrieve.mjs"
    why = None if shutil.which("node") and script.exists() else f"missing {script.relative_to(ROOT)} (or node)"
    out.append({"name": "ours-node", "cmd": ["node", str(script)], "why": why})

    out.append({
        "name": "official-python",
        "cmd": [str(PY_VENV / "bin" / "python"), str(BENCH / "official_python.py")],
        "why": a.official_py_why,
    })
    out.append({
        "name": "official-node",
        "cmd": ["node", str(BENCH / "official_node.mjs"), "--sdk-dir", str(NODE_DIR)],
        "why": a.official_node_why,
    })
    return out


def run_contender(c: dict, a, base: str) -> dict:
    cmd = c["cmd"] + [
        "--base-url", base,
        "--calls", str(a.calls),
        "--concurrency", str(a.concurrency),
        "--per-caller", str(a.per_caller),
    ]
    env = dict(os.environ, PORTKEY_API_KEY=API_KEY, PORTKEY_BASE_URL=base)
    # cwd is the scratch dir so no `portkey_ai` / `portkey-ai` is picked up from the cwd.
    r = run(cmd, cwd=SCRATCH, env=env, timeout=a.timeout)
    conc_key = f"concurrent{a.concurrency}_us"
    for line in reversed(r.stdout.strip().splitlines()):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and "sequential_us" in doc and conc_key in doc:
            if r.returncode != 0:
                break
            return {"sequential_us": float(doc["sequential_us"]), "concurrent_us": float(doc[conc_key])}
    raise RuntimeError(
        f"exit {r.returncode}; wanted exit 0 and a JSON line with sequential_us and {conc_key}\n"
        f"stdout: {tail(r.stdout, 4)}\nstderr: {tail(r.stderr)}"
    )


def import_ms(python: Path, runs: int = 5) -> float:
    """Best of `runs` fresh interpreters: wall time of `import portkey_ai` alone, in ms."""
    code = "import time; t = time.perf_counter(); import portkey_ai; print((time.perf_counter() - t) * 1e3)"
    best = float("inf")
    for _ in range(runs):
        r = run([str(python), "-c", code], cwd=SCRATCH)
        if r.returncode != 0:
            raise RuntimeError(f"import portkey_ai failed: {tail(r.stderr, 1)}")
        best = min(best, float(r.stdout.strip().splitlines()[-1]))
    return best


# ---------------------------------------------------------------- report

def fmt(x) -> str:
    return "-" if x is None else f"{x:.1f}"


def report(res: dict, a) -> bool:
    """Prints the table; returns whether every target passed."""
    floor, floor_c = res["floor"], res["floor_concurrent"]
    rows = res["contenders"]
    ok = True
    n = a.concurrency
    head = (f"{'contender':<16}{'seq us/call':>12}{f'{n}-conc us/call':>16}"
            f"{'seq x floor':>13}{f'{n}-conc x floor':>16}{'seq speedup':>13}{f'{n}-conc speedup':>17}")
    print()
    print(f"api_keys.retrieve against {res['base_url']}: {a.calls} sequential calls; "
          f"{n} callers x {a.per_caller} calls on one client; best of {a.repeat} runs")
    print(head)
    print("-" * len(head))
    print(f"{'floor (wrk)':<16}{fmt(floor['per_request_us']):>12}{fmt(floor_c['per_request_us']):>16}"
          f"{'1.0':>13}{'1.0':>16}")
    for name, r in rows.items():
        if "error" in r:
            print(f"{name:<16}  not run: {r['error'].splitlines()[0]}")
            continue
        s, c = r["sequential_us"], r["concurrent_us"]
        sp = r.get("speedup") or {}
        marks = []
        for key in ("sequential", "concurrent"):
            v = sp.get(key)
            if v is None:
                marks.append("-")
            else:
                marks.append(f"{v:.1f}x {'PASS' if v >= SPEEDUP_TARGET else 'FAIL'}")
        print(f"{name:<16}{s:>12.1f}{c:>16.1f}{s / floor['per_request_us']:>13.1f}"
              f"{c / floor_c['per_request_us']:>16.1f}{marks[0]:>13}{marks[1]:>17}")
    print()
    print(f"speedup = official SDK us/call / ours us/call, same language; target >= {SPEEDUP_TARGET:.0f}x")
    print(f"wrk Latency Avg (coordinated-omission corrected, not used): "
          f"{floor['latency_avg_us']:.1f} us at -c1, {floor_c['latency_avg_us']:.1f} us at -c{n}")
    print()
    print(f"import portkey_ai (best of 5 fresh interpreters); target < {IMPORT_TARGET_MS:.0f} ms")
    for name, v in res["import_ms"].items():
        if isinstance(v, str):
            print(f"  {name:<16}not run: {v.splitlines()[0]}")
        else:
            mark = f"  {'PASS' if v < IMPORT_TARGET_MS else 'FAIL'}" if name.startswith("ours") else ""
            print(f"  {name:<16}{v:>9.1f} ms{mark}")

    # Only what was measured is judged; a contender that did not run fails the run elsewhere.
    for r in rows.values():
        ok &= all(v >= SPEEDUP_TARGET for v in (r.get("speedup") or {}).values())
    v = res["import_ms"].get("ours-python")
    ok &= not isinstance(v, float) or v < IMPORT_TARGET_MS
    return ok


# ---------------------------------------------------------------- main

def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=3000, help="sequential calls per contender")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent callers on one client")
    p.add_argument("--per-caller", type=int, default=300, help="calls per concurrent caller")
    p.add_argument("--repeat", type=int, default=3, help="runs per contender; the best is kept")
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--only", help="comma-separated contenders to run (default: all)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per contender")
    a = p.parse_args()

    if not SERVER.exists():
        log(f"{SERVER} not found (set PORTKEY_BENCH_SHARED to the shared bench directory)")
        return 2
    ensure_tools()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    a.official_py_why = ensure_official_python()
    a.official_node_why = ensure_official_node()

    base = f"http://127.0.0.1:{a.port}/v1"
    # Leave a stand-in that someone else started running; stop only ours.
    started = not server_up(base)
    # SIGTERM (e.g. make interrupted) runs the finally block too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if started:
            r = run([str(SERVER), "start", str(a.port)])
            if r.returncode != 0:
                log(f"server.sh start failed: {tail(r.stderr)}")
                return 2
        return bench(a, base)
    finally:
        if started:
            run([str(SERVER), "stop", str(a.port)])


def bench(a, base: str) -> int:
    res = {
        "base_url": base,
        "settings": {"calls": a.calls, "concurrency": a.concurrency, "per_caller": a.per_caller,
                     "repeat": a.repeat},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
        "contenders": {},
        "import_ms": {},
    }
    url = f"{base}/api-keys/x"
    log("wrk floor, 1 connection")
    res["floor"] = wrk(url, 1)
    log(f"wrk floor, {a.concurrency} connections")
    res["floor_concurrent"] = wrk(url, a.concurrency)

    only = set(a.only.split(",")) if a.only else None
    missing = False
    for c in contenders(a):
        if only and c["name"] not in only:
            continue
        if c["why"]:
            log(f"{c['name']}: not run: {c['why']}")
            res["contenders"][c["name"]] = {"error": c["why"]}
            missing = True
            continue
        log(f"{c['name']}: running")
        t = time.perf_counter()
        try:
            # Best of --repeat fresh processes, per metric: the least disturbed run on a shared
            # machine, taken the same way for every contender.
            runs = [run_contender(c, a, base) for _ in range(a.repeat)]
            res["contenders"][c["name"]] = {
                "sequential_us": min(r["sequential_us"] for r in runs),
                "concurrent_us": min(r["concurrent_us"] for r in runs),
                "runs": runs,
            }
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            log(f"{c['name']}: failed: {e}")
            res["contenders"][c["name"]] = {"error": f"failed: {e}"}
            missing = True
        log(f"{c['name']}: done in {time.perf_counter() - t:.1f} s")

    rows = res["contenders"]
    for lang in ("python", "node"):
        ours, official = rows.get(f"ours-{lang}", {}), rows.get(f"official-{lang}", {})
        if "sequential_us" in ours and "sequential_us" in official:
            ours["speedup"] = {
                "sequential": official["sequential_us"] / ours["sequential_us"],
                "concurrent": official["concurrent_us"] / ours["concurrent_us"],
            }

    for name, py, why in (
        ("ours-python", ROOT / "python" / ".venv" / "bin" / "python", None),
        ("official-python", PY_VENV / "bin" / "python", a.official_py_why),
    ):
        if only and name not in only:
            continue
        if why or not py.exists():
            res["import_ms"][name] = why or f"missing {py}"
            missing = True
            continue
        try:
            res["import_ms"][name] = import_ms(py)
        except RuntimeError as e:
            res["import_ms"][name] = str(e)
            missing = True

    res["machine"]["loadavg_end"] = os.getloadavg()
    passed = report(res, a)
    res["targets_passed"] = passed
    out = SCRATCH / "results.json"
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"\nresults: {out.relative_to(ROOT)}"
          f"  (load average {res['machine']['loadavg_start'][0]:.2f} -> {res['machine']['loadavg_end'][0]:.2f};"
          f" other work on this machine inflates every number)")
    if missing:
        log("some contenders did not run: exit 1")
    elif not passed:
        log("a target was missed: exit 1")
    return 1 if missing or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
