"""Cost per day over the last week, from the analytics API.

Against the local control plane's demo traffic (a week of plausible requests, no Portkey
account needed):

    cargo run --release -p portkey-mock -- --demo-data --port 8787 &
    PORTKEY_API_KEY=pk-local PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/analytics.py

Without PORTKEY_BASE_URL it starts ../target/release/portkey-mock --demo-data itself. With
matplotlib installed (optional, never a dependency) it saves the chart as a PNG; otherwise, or
with --text, it draws the chart in the terminal.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

from portkey_ai import Portkey

MOCK = Path(__file__).resolve().parents[2] / "target" / "release" / "portkey-mock"


def cost_per_day(portkey: Portkey, days: int = 7) -> List[Tuple[datetime, int]]:
    """(day, cost in cents) for each UTC day from `days` days ago to today."""
    now = datetime.now(timezone.utc)
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    graph = portkey.analytics.graphs.cost(
        time_of_generation_min=start,  # an aware datetime, or an ISO 8601 string
        time_of_generation_max=now,
    )
    points = []
    for point in graph.data_points or []:
        day = datetime.fromisoformat((point.timestamp or "").replace("Z", "+00:00"))
        points.append((day, point.total or 0))
    return points


def dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def text_chart(points: List[Tuple[datetime, int]], width: int = 40) -> str:
    """A horizontal bar chart: one line per day, bars scaled to the busiest day."""
    top = max((cents for _, cents in points), default=0) or 1
    lines = ["Cost per day (UTC)", ""]
    for day, cents in points:
        eighths = round(cents / top * width * 8)
        bar = "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
        lines.append(f"{day:%a %d %b}  {bar:<{width + 1}} {dollars(cents):>10}")
    total = sum(cents for _, cents in points)
    lines += ["", f"{'total':<10}  {'':<{width + 1}} {dollars(total):>10}"]
    return "\n".join(lines)


def png_chart(points: List[Tuple[datetime, int]], path: Path) -> bool:
    """Saves the chart with matplotlib when it is installed; False when it is not."""
    try:
        matplotlib: Any = importlib.import_module("matplotlib")
        matplotlib.use("Agg")
        pyplot: Any = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        return False
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar([f"{day:%a %d}" for day, _ in points], [cents / 100 for _, cents in points])
    axes.set_title("Cost per day (UTC)")
    axes.set_ylabel("USD")
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return True


@contextmanager
def local_mock() -> Iterator[Optional[str]]:
    """The base URL of a mock with demo data started here, unless PORTKEY_BASE_URL is set."""
    if os.environ.get("PORTKEY_BASE_URL"):
        yield None
        return
    if not MOCK.exists():
        sys.exit(f"set PORTKEY_BASE_URL, or build the mock: cargo build --release -p portkey-mock ({MOCK})")
    process = subprocess.Popen(
        [str(MOCK), "--demo-data", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            sys.exit(f"portkey-mock did not start: {line!r}")
        yield line.removeprefix("listening on ").strip() + "/v1"
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    text_only = "--text" in sys.argv[1:]
    with local_mock() as base_url:
        if base_url is None:
            portkey = Portkey()  # reads PORTKEY_API_KEY and PORTKEY_BASE_URL
        else:
            portkey = Portkey(api_key="pk-local-demo", base_url=base_url)
        points = cost_per_day(portkey)
    path = Path("cost_per_day.png")
    if not text_only and png_chart(points, path):
        print(f"saved {path.resolve()} ({len(points)} days, {dollars(sum(c for _, c in points))})")
    else:
        print(text_chart(points))


if __name__ == "__main__":
    main()
