#!/usr/bin/env python3
"""`make bench`: what each client costs per call, side by side, in one run.

Against the nginx stand-in of ../shared/bench (see bench/README.md). Contenders, one after
another, never in parallel: the raw HTTP floor (wrk), the "no SDK at all" stdlib clients of each
language (bench/raw_python.py, bench/raw_node.mjs), the Rust core, our Python and Node packages,
and the official SDKs (PyPI portkey-ai==2.3.4, npm portkey-ai@3.1.0, installed once into
bench/.scratch). Then a streamed completion of 1,000 events (bench/stream.py).

Per contender, the median of --repeat fresh processes of:
- CPU per call: the process's user + sys time (wait4's rusage) over --cpu-calls sequential
  `retrieve` calls, minus the same program's run with 50 calls, divided by the difference;
- wall time per call, sequential and with 16 callers on one client (threads in Python, promises
  in Node, tasks in Rust; Python asyncio with 16 tasks too);
- a list of 1,000 keys (820 KB), each item's name read, next to `json.loads` / `JSON.parse`
  alone of the same bytes.
Then import time and resident memory after the import and one call, and a PASS/FAIL line per
target of the per-call issue, computed from the ratios of this run. Each contender prints one
JSON line: {"sequential_us", "concurrent16_us", "list1000_ms", ...}. Stdlib only. Exits
non-zero when a contender could not run or a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import stream  # bench/stream.py: the streamed-completion table

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRATCH = BENCH / ".scratch"
SHARED = Path(os.environ.get("PORTKEY_BENCH_SHARED", ROOT.parent / "shared" / "bench"))
SERVER = SHARED / "server.sh"

OFFICIAL_PY = "portkey-ai==2.3.4"
OFFICIAL_NODE = "portkey-ai@3.1.0"
PY_VENV = SCRATCH / "official-py"
NODE_DIR = SCRATCH / "official-node"

# The targets of the per-call issue, as ratios within one run (see `verdicts`).
CPU_VS_RAW = 0.5          # Python and Node CPU/call <= 0.5x the raw stdlib client's
WALL_VS_WRK = 1.25        # Python and Node wall/call <= 1.25x wrk's single connection
RUST_CPU_VS_WRK = 1.5     # Rust CPU/call <= 1.5x wrk's
NODE_THROUGHPUT = 0.5     # 16 promises >= 0.5x wrk's 16-connection throughput
PYTHON_THROUGHPUT = 0.3   # 16 threads >= 0.3x
PY_LIST_VS_PARSE = 1.0    # list of 1,000 <= json.loads of the same bytes
NODE_LIST_VS_PARSE = 1.2  # <= 1.2x JSON.parse
IMPORT_TARGET_MS = 20.0
RSS_TARGET_MB = 10.0
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


def run_cpu(cmd: list[str], timeout: float, **kw) -> tuple[subprocess.CompletedProcess, float]:
    """Runs `cmd` to the end; returns it and its CPU seconds (user + sys).

    From the rusage of reaped children, before and after: contenders run one at a time and
    this script starts nothing else meanwhile, so the difference is this child's alone.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run(cmd, timeout=timeout, **kw)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wrk(url: str, connections: int) -> dict:
    """wrk's own numbers: per_request_us = 1e6 / (requests/sec), and wrk's CPU per request.

    per_request_us is elapsed / requests, the same measure as the contenders' (at -c16 it is
    the wall time per request with 16 in flight). wrk's "Latency Avg" is not: wrk corrects
    it for coordinated omission, so on a busy machine it can exceed elapsed / requests.
    """
    r, cpu = run_cpu(["wrk", "-t1", f"-c{connections}", "-d3s", "--latency", url], timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"wrk failed: {tail(r.stderr)}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
    total = re.search(r"(\d+) requests in", r.stdout)
    if not (rps and total):
        raise RuntimeError(f"cannot parse wrk output:\n{r.stdout}")
    return {
        "connections": connections,
        "requests_per_sec": float(rps[1]),
        "per_request_us": 1e6 / float(rps[1]),
        "cpu_us_per_request": cpu * 1e6 / int(total[1]),
    }


# ---------------------------------------------------------------- contenders

def contenders(a) -> list[dict]:
    """name, command, language, and why it cannot run (None when it can)."""
    out = []
    py = ROOT / "python" / ".venv" / "bin" / "python"
    no_node = None if shutil.which("node") else "node not found"

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
    out.append({"name": "ours-rust", "lang": "rust", "cmd": [str(rust_bin)], "why": why})

    out.append({"name": "raw-python", "lang": "python", "cmd": [sys.executable, str(BENCH / "raw_python.py")],
                "why": None})
    script = ROOT / "python" / "bench" / "bench_retrieve.py"
    lacking = [str(f.relative_to(ROOT)) for f in (py, script) if not f.exists()]
    out.append({"name": "ours-python", "lang": "python", "cmd": [str(py), str(script), "--async"],
                "why": f"missing {', '.join(lacking)}" if lacking else None})
    out.append({"name": "official-python", "lang": "python",
                "cmd": [str(PY_VENV / "bin" / "python"), str(BENCH / "official_python.py")],
                "why": a.official_py_why})

    out.append({"name": "raw-node", "lang": "node", "cmd": ["node", str(BENCH / "raw_node.mjs")], "why": no_node})
    out.append({"name": "ours-node", "lang": "node",
                "cmd": ["node", str(ROOT / "node" / "bench" / "bench_retrieve.mjs")], "why": no_node})
    out.append({"name": "official-node", "lang": "node",
                "cmd": ["node", str(BENCH / "official_node.mjs"), "--sdk-dir", str(NODE_DIR)],
                "why": a.official_node_why or no_node})
    return out


def last_json(r: subprocess.CompletedProcess, want: str) -> dict:
    for line in reversed(r.stdout.strip().splitlines()):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if r.returncode == 0 and isinstance(doc, dict) and want in doc:
            return doc
    raise RuntimeError(f"exit {r.returncode}; wanted exit 0 and a JSON line with {want}\n"
                       f"stdout: {tail(r.stdout, 4)}\nstderr: {tail(r.stderr)}")


def run_contender(c: dict, a, env: dict) -> dict:
    """One full run (wall times and the list) and one CPU measurement, in fresh processes."""
    conc = f"concurrent{a.concurrency}_us"
    common = ["--base-url", env["PORTKEY_BASE_URL"]]
    # cwd is the scratch dir so no `portkey_ai` / `portkey-ai` is picked up from the cwd.
    kw = {"cwd": SCRATCH, "env": env}
    r, _ = run_cpu(c["cmd"] + common + ["--calls", str(a.calls), "--concurrency", str(a.concurrency),
                                        "--per-caller", str(a.per_caller), "--list", str(a.list)],
                   a.timeout, **kw)
    doc = last_json(r, conc)
    cpu = {}
    for calls in (a.cpu_calls, 50):
        r, used = run_cpu(c["cmd"] + common + ["--calls", str(calls), "--sequential-only"], a.timeout, **kw)
        last_json(r, "sequential_us")
        cpu[calls] = used
    out = {
        "sequential_us": float(doc["sequential_us"]),
        "concurrent_us": float(doc[conc]),
        "cpu_us": (cpu[a.cpu_calls] - cpu[50]) * 1e6 / (a.cpu_calls - 50),
    }
    for key in ("list1000_ms", "parse_only_ms"):
        if key in doc:
            out[key] = float(doc[key])
    if f"async_{conc}" in doc:
        out["async_concurrent_us"] = float(doc[f"async_{conc}"])
    return out


def median(xs: list[float]) -> float:
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


# ---------------------------------------------------------------- import and memory

PY_FOOTPRINT = """
import json, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss(); t = time.perf_counter()
from portkey_ai import Portkey
ms = (time.perf_counter() - t) * 1e3
Portkey(api_key="pk-bench", base_url="{base}").api_keys.retrieve(id="x")
print(json.dumps({{"import_ms": ms, "rss_mb": rss() - before}}))
"""

NODE_FOOTPRINT = """
const before = process.memoryUsage().rss; const t = performance.now();
const mod = {load};
const ms = performance.now() - t;
const Portkey = mod.Portkey ?? mod.default;
await new Portkey({{ apiKey: 'pk-bench', baseURL: '{base}' }}).apiKeys.retrieve({{ id: 'x' }});
console.log(JSON.stringify({{ import_ms: ms, rss_mb: (process.memoryUsage().rss - before) / 1048576 }}));
"""


def footprint(a, base: str) -> dict:
    """Import time (best of 5 fresh processes) and resident memory added by the import and one
    call (median of 5), per package."""
    py = ROOT / "python" / ".venv" / "bin" / "python"
    ours_esm = (ROOT / "node" / "index.mjs").as_uri()
    # Both Node packages are loaded the same way, with require(), for the verdict; ours is also
    # timed through its ES module entry, which adds Node's own ESM-to-CommonJS loading
    # (about 8 ms on the bench machine, paid by any CommonJS package imported from ESM).
    via_require = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
    ours_node = f"require('{ROOT / 'node'}')"
    official_node = f"require('{NODE_DIR / 'node_modules' / 'portkey-ai'}')"
    cases = [
        ("ours-python", [str(py), "-c", PY_FOOTPRINT.format(base=base)], None if py.exists() else "no venv"),
        ("official-python", [str(PY_VENV / "bin" / "python"), "-c", PY_FOOTPRINT.format(base=base)],
         a.official_py_why),
        ("ours-node", ["node", "--input-type=module", "-e",
                       via_require + NODE_FOOTPRINT.format(load=ours_node, base=base)], None),
        ("ours-node-esm", ["node", "--input-type=module", "-e",
                           NODE_FOOTPRINT.format(load=f"await import('{ours_esm}')", base=base)], None),
        ("official-node", ["node", "--input-type=module", "-e",
                           via_require + NODE_FOOTPRINT.format(load=official_node, base=base)],
         a.official_node_why),
    ]
    # An installed package imports from compiled bytecode (pip writes it at install), so the
    # first run writes a cache and the best of the 5 reads it: with PYTHONDONTWRITEBYTECODE
    # set, as in some shells and CI images, every import would also time compiling the sources.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(SCRATCH / "pycache")
    out: dict = {}
    for name, cmd, why in cases:
        if why:
            out[name] = {"error": why}
            continue
        try:
            runs = [last_json(run(cmd, cwd=SCRATCH, timeout=60, env=env), "import_ms")
                    for _ in range(5)]
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            out[name] = {"error": str(e)}
            continue
        out[name] = {"import_ms": min(r["import_ms"] for r in runs),
                     "rss_mb": median([r["rss_mb"] for r in runs])}
    return out


# ---------------------------------------------------------------- report

def fmt(x, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def table(res: dict, a) -> None:
    floor, floor_c = res["floor"], res["floor_concurrent"]
    n = a.concurrency
    print()
    print(f"api_keys.retrieve against {res['base_url']}: CPU over {a.cpu_calls} sequential calls (minus a "
          f"50-call run); wall over {a.calls} sequential calls and {n} callers x {a.per_caller}; "
          f"list of 1,000 keys; median of {a.repeat} runs")
    head = (f"{'contender':<16}{'CPU us/call':>12}{'wall us/call':>13}{'x wrk':>7}"
            f"{f'{n}-way us/call':>15}{f'{n}-way calls/s':>16}{f'x wrk{n}':>8}{'list 1000 ms':>14}")
    print(head)
    print("-" * len(head))
    print(f"{'wrk (floor)':<16}{fmt(floor['cpu_us_per_request']):>12}{fmt(floor['per_request_us']):>13}{'1.0':>7}"
          f"{fmt(floor_c['per_request_us']):>15}{floor_c['requests_per_sec']:>16.0f}{'1.0':>8}{'-':>14}")
    for name, r in res["contenders"].items():
        if "error" in r:
            print(f"{name:<16}  not run: {r['error'].splitlines()[0]}")
            continue
        rows = [(name, r["concurrent_us"])]
        if "async_concurrent_us" in r:
            rows.append((f"{name} asyncio", r["async_concurrent_us"]))
        for i, (label, conc) in enumerate(rows):
            if i == 0:
                print(f"{label:<16}{r['cpu_us']:>12.1f}{r['sequential_us']:>13.1f}"
                      f"{r['sequential_us'] / floor['per_request_us']:>7.2f}"
                      f"{conc:>15.1f}{1e6 / conc:>16.0f}{floor_c['per_request_us'] / conc:>8.2f}"
                      f"{fmt(r.get('list1000_ms'), 2):>14}")
            else:
                print(f"{label:<16}{'':>12}{'':>13}{'':>7}{conc:>15.1f}{1e6 / conc:>16.0f}"
                      f"{floor_c['per_request_us'] / conc:>8.2f}{'':>14}")
    for lang, parser in (("python", "json.loads"), ("node", "JSON.parse")):
        raw = res["contenders"].get(f"raw-{lang}", {})
        if "parse_only_ms" in raw:
            print(f"{parser + ' alone':<16}{'':>12}{'':>13}{'':>7}{'':>15}{'':>16}{'':>8}{raw['parse_only_ms']:>14.2f}")
    print()
    print("import and memory (import: best of 5 fresh processes; RSS added by the import and one call: median of 5)")
    for name, r in res["footprint"].items():
        if "error" in r:
            print(f"  {name:<16}not run: {r['error'].splitlines()[0]}")
        else:
            print(f"  {name:<16}import {r['import_ms']:>7.1f} ms    RSS +{r['rss_mb']:.1f} MB")


def verdicts(res: dict) -> list[tuple[str, bool | None, str]]:
    """(target, passed or None when not measured, the figures behind it)."""
    rows = res["contenders"]
    floor, floor_c = res["floor"], res["floor_concurrent"]
    got = lambda name, key: rows.get(name, {}).get(key)  # noqa: E731
    out: list[tuple[str, bool | None, str]] = []

    def ratio(label: str, num, den, limit: float, at_most: bool = True) -> None:
        if num is None or den is None:
            out.append((label, None, "not measured"))
            return
        x = num / den
        ok = x <= limit if at_most else x >= limit
        out.append((label, ok, f"{num:.1f} / {den:.1f} = {x:.2f}x ({'<=' if at_most else '>='} {limit}x)"))

    for lang in ("python", "node"):
        ratio(f"{lang}: CPU/call <= {CPU_VS_RAW}x the raw stdlib client's",
              got(f"ours-{lang}", "cpu_us"), got(f"raw-{lang}", "cpu_us"), CPU_VS_RAW)
        ratio(f"{lang}: wall/call <= {WALL_VS_WRK}x wrk's single connection",
              got(f"ours-{lang}", "sequential_us"), floor["per_request_us"], WALL_VS_WRK)
    ratio(f"rust: CPU/call <= {RUST_CPU_VS_WRK}x wrk's", got("ours-rust", "cpu_us"),
          floor["cpu_us_per_request"], RUST_CPU_VS_WRK)
    conc = got("ours-node", "concurrent_us")
    ratio(f"node: 16 promises >= {NODE_THROUGHPUT}x wrk's 16-connection throughput",
          floor_c["per_request_us"], conc, NODE_THROUGHPUT, at_most=False)
    conc = got("ours-python", "concurrent_us")
    ratio(f"python: 16 threads >= {PYTHON_THROUGHPUT}x wrk's 16-connection throughput",
          floor_c["per_request_us"], conc, PYTHON_THROUGHPUT, at_most=False)
    ratio(f"python: list of 1,000 <= {PY_LIST_VS_PARSE}x json.loads of the same bytes",
          got("ours-python", "list1000_ms"), got("raw-python", "parse_only_ms"), PY_LIST_VS_PARSE)
    ratio(f"node: list of 1,000 <= {NODE_LIST_VS_PARSE}x JSON.parse of the same bytes",
          got("ours-node", "list1000_ms"), got("raw-node", "parse_only_ms"), NODE_LIST_VS_PARSE)
    for lang in ("python", "node"):
        f = res["footprint"].get(f"ours-{lang}", {})
        for key, limit, unit in (("import_ms", IMPORT_TARGET_MS, "ms"), ("rss_mb", RSS_TARGET_MB, "MB")):
            v = f.get(key)
            label = f"{lang}: {'import' if key == 'import_ms' else 'RSS after import + one call'} <= {limit:.0f} {unit}"
            out.append((label, None if v is None else v <= limit, "not measured" if v is None else f"{v:.1f} {unit}"))
    return out


def report(res: dict, a) -> bool:
    """Prints the table and the verdicts; returns whether every target passed."""
    table(res, a)
    print()
    print("targets (ratios of this run):")
    ok = True
    for label, passed, figures in verdicts(res):
        mark = "n/a " if passed is None else ("PASS" if passed else "FAIL")
        print(f"  {mark}  {label:<62}{figures}")
        ok &= passed is not False
    return ok


# ---------------------------------------------------------------- main

def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=3000, help="sequential calls timed for wall time")
    p.add_argument("--cpu-calls", type=int, default=4000, help="sequential calls for CPU per call")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent callers on one client")
    p.add_argument("--per-caller", type=int, default=300, help="calls per concurrent caller")
    p.add_argument("--list", type=int, default=20, help="timed lists of 1,000 keys per run")
    p.add_argument("--repeat", type=int, default=3, help="runs per contender; the median is kept")
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--only", help="comma-separated contenders to run (default: all)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per contender process")
    p.add_argument("--streams", type=int, default=50, help="streamed completions per streaming run (0: skip)")
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
    res: dict = {
        "base_url": base,
        "settings": {k: getattr(a, k) for k in ("calls", "cpu_calls", "concurrency", "per_caller", "list",
                                                "repeat", "streams")},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
        "contenders": {},
    }
    url = f"{base}/api-keys/x"
    log("wrk floor, 1 connection")
    res["floor"] = wrk(url, 1)
    log(f"wrk floor, {a.concurrency} connections")
    res["floor_concurrent"] = wrk(url, a.concurrency)

    env = dict(os.environ, PORTKEY_API_KEY=API_KEY, PORTKEY_BASE_URL=base)
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
            runs = [run_contender(c, a, env) for _ in range(a.repeat)]
            # The median of --repeat fresh processes, per measure, the same way for every contender.
            res["contenders"][c["name"]] = {
                key: median([r[key] for r in runs]) for key in runs[0]
            } | {"runs": runs}
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            log(f"{c['name']}: failed: {e}")
            res["contenders"][c["name"]] = {"error": f"failed: {e}"}
            missing = True
        log(f"{c['name']}: done in {time.perf_counter() - t:.1f} s")

    log("import time and memory")
    res["footprint"] = footprint(a, base)

    if a.streams > 0 and not only:
        log("streamed completions: wrk floor, then each contender")
        res["streams"] = stream.bench(base, a.streams, a.repeat, env, SCRATCH)

    res["machine"]["loadavg_end"] = os.getloadavg()
    passed = report(res, a)
    if "streams" in res:
        missing |= not stream.report(res["streams"], a.streams, a.repeat)
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
