"""One `portkey-mock` for the session; each test gets a reset mock and helpers for its admin
routes (urllib only: the package has no dependencies and neither do its tests)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
TEST_KEY = "pk-test-0123456789-secret"


class Mock:
    def __init__(self, root: str) -> None:
        self.root = root  # http://127.0.0.1:PORT
        self.base_url = root + "/v1"

    def _admin(self, method: str, path: str, body: object = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.root + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"{}")

    def reset(self) -> None:
        self._admin("POST", "/__mock/reset")
        self._admin("DELETE", "/__mock/requests")
        self._admin("DELETE", "/__mock/faults")

    def fault(self, spec: dict) -> None:
        self._admin("POST", "/__mock/faults", spec)

    def requests(self) -> list:
        return self._admin("GET", "/__mock/requests")["requests"]

    def count(self) -> int:
        return self._admin("GET", "/__mock/requests")["count"]


@pytest.fixture(scope="session")
def mock_server():
    binary = os.environ.get("PORTKEY_MOCK_BIN") or str(REPO / "target/release/portkey-mock")
    if not os.path.exists(binary):
        raise RuntimeError(
            f"portkey-mock not found at {binary}: run `cargo build --release -p portkey-mock` "
            "or set PORTKEY_MOCK_BIN"
        )
    proc = subprocess.Popen(
        [binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            raise RuntimeError(f"portkey-mock did not start: first line {line!r}")
        yield Mock(line[len(prefix) :])
    finally:
        proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def mock(mock_server: Mock, monkeypatch: pytest.MonkeyPatch) -> Mock:
    mock_server.reset()
    # The environment the docs snippets rely on: Portkey() with no arguments.
    monkeypatch.setenv("PORTKEY_API_KEY", TEST_KEY)
    monkeypatch.setenv("PORTKEY_BASE_URL", mock_server.base_url)
    return mock_server
