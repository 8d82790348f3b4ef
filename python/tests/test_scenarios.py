"""Runs every shared scenario (tests/scenarios/*.json, see tests/README.md) through the public
surface, once with `Portkey` and once with `AsyncPortkey`."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

import portkey_ai
from conftest import REPO, Mock

SCENARIOS = sorted((REPO / "tests" / "scenarios").glob("*.json"))
MISSING = object()
STEP_KEYS = {
    "call", "params", "client", "options", "fault", "expect", "error", "save", "sent", "last_path",
    "iterate", "repeat", "stream", "take", "last_request",
}
# Parameter names in `error.param` are the core's; Python spells these differently.
PYTHON_PARAM = {"headers": "extra_headers"}


def test_scenarios_exist() -> None:
    assert len(SCENARIOS) >= 5, SCENARIOS


def _variable(name: str, saved: dict):
    if name not in saved:
        raise AssertionError(f"variable {name} was never saved")
    return saved[name]


def substitute(value, saved: dict):
    """`${name}` (alone: the saved value itself; inside a string: its text) and
    `{"$repeat": [s, n]}` (s repeated n times), see tests/README.md."""
    if isinstance(value, str):
        m = re.fullmatch(r"\$\{(\w+)\}", value)
        if m:
            return _variable(m.group(1), saved)
        return re.sub(r"\$\{(\w+)\}", lambda m: str(_variable(m.group(1), saved)), value)
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$repeat"}:
            text, count = value["$repeat"]
            return substitute(text, saved) * count
        return {k: substitute(v, saved) for k, v in value.items()}
    return value


def test_substitute() -> None:
    saved = {"mock_base_url": "http://h/v1", "n": 3}
    assert substitute("${n}", saved) == 3
    assert substitute("${mock_base_url}?x=${n}", saved) == "http://h/v1?x=3"
    assert substitute({"id": {"$repeat": ["ab", 3]}}, saved) == {"id": "ababab"}
    with pytest.raises(AssertionError):
        substitute("x${missing}", saved)


def client_settings(settings: dict) -> dict:
    """A step's `client` as constructor keyword arguments (milliseconds -> seconds)."""
    kwargs = {}
    if "base_url" in settings:
        kwargs["base_url"] = settings["base_url"]
    if "timeout_ms" in settings:
        kwargs["timeout"] = settings["timeout_ms"] / 1000
    if "max_retries" in settings:
        kwargs["max_retries"] = settings["max_retries"]
    unknown = set(settings) - {"base_url", "timeout_ms", "max_retries"}
    assert not unknown, f"unknown client settings {unknown}"
    return kwargs


def call_options(options: dict) -> dict:
    """A step's `options` as per-call keyword arguments."""
    kwargs = {}
    if "headers" in options:
        kwargs["extra_headers"] = options["headers"]
    if "timeout_ms" in options:
        kwargs["timeout"] = options["timeout_ms"] / 1000
    if "max_retries" in options:
        kwargs["max_retries"] = options["max_retries"]
    unknown = set(options) - {"headers", "timeout_ms", "max_retries"}
    assert not unknown, f"unknown call options {unknown}"
    return kwargs


def lookup(answer, path: str):
    """Follows a dotted path through the response object (item access, list indexes)."""
    node = answer
    for part in path.split("."):
        if isinstance(node, list):
            index = int(part)
            if index >= len(node):
                return MISSING
            node = node[index]
        elif isinstance(node, portkey_ai.PortkeyObject):
            if part not in node:
                return MISSING
            node = node[part]
        else:
            return MISSING
    return node


def plain(value):
    if isinstance(value, portkey_ai.PortkeyObject):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def check(answer, path: str, matcher: dict, saved: dict, where: str) -> None:
    value = lookup(answer, path)
    for kind, expected in matcher.items():
        expected = substitute(expected, saved)
        if kind == "present":
            assert (value is not MISSING) == expected, f"{where}: {path} present != {expected}"
            continue
        assert value is not MISSING, f"{where}: {path} is missing in {answer}"
        if kind == "equals":
            assert plain(value) == expected, f"{where}: {path} = {value!r}, want {expected!r}"
            assert value == expected  # the wrapped value compares equal too
        elif kind == "not_equals":
            assert plain(value) != expected, f"{where}: {path} = {value!r}, want != it"
        elif kind == "matches":
            assert isinstance(value, str) and re.search(expected, value), (
                f"{where}: {path} = {value!r} does not match {expected!r}"
            )
        elif kind == "length":
            assert len(value) == expected, f"{where}: len({path}) = {len(value)}, want {expected}"
        else:
            raise AssertionError(f"{where}: unknown matcher {kind!r}")


async def iterate_all(answer, asynchronous: bool) -> portkey_ai.PortkeyObject:
    """`iterate: true`: every item of every page, as `{"count": N, "items": [...]}`."""
    if asynchronous:
        assert isinstance(answer, portkey_ai.AsyncPage), type(answer)
        items = [item async for item in answer]
    else:
        assert isinstance(answer, portkey_ai.SyncPage), type(answer)
        items = list(answer)
    return portkey_ai.GenericResponse({"count": len(items), "items": [plain(i) for i in items]})


def content_of(events: list) -> str:
    """The concatenation of `events[i].choices[0].delta.content` (missing: "")."""
    text = ""
    for event in events:
        try:
            piece = event["choices"][0]["delta"].get("content")
        except (KeyError, IndexError, TypeError, AttributeError):
            piece = None
        text += piece if isinstance(piece, str) else ""
    return text


async def consume(stream, take, asynchronous: bool, events: list) -> None:
    """`stream: true`: reads the events as a user would (`with` + `for`, `async with` +
    `async for`), stopping after `take` of them by breaking out of the loop (leaving the block
    closes the connection)."""
    if take is not None and take <= 0:
        if asynchronous:
            await stream.close()
        else:
            stream.close()
        return
    if asynchronous:
        assert isinstance(stream, portkey_ai.AsyncStream), type(stream)
        async with stream:
            async for item in stream:
                assert isinstance(item, portkey_ai.PortkeyObject), type(item)
                events.append(item.to_dict())
                if take is not None and len(events) >= take:
                    break
    else:
        assert isinstance(stream, portkey_ai.Stream), type(stream)
        with stream:
            for item in stream:
                assert isinstance(item, portkey_ai.PortkeyObject), type(item)
                events.append(item.to_dict())
                if take is not None and len(events) >= take:
                    break


def summary(events: list) -> portkey_ai.PortkeyObject:
    """What a streamed step's `expect` and `save` see."""
    return portkey_ai.GenericResponse(
        {"count": len(events), "events": events, "content": content_of(events)}
    )


def check_last_request(mock: Mock, matchers: dict, saved: dict, where: str) -> None:
    """`last_request`: the matchers hold for the last entry of the mock's request log, polled
    for up to 3 s (the mock learns of a closed connection asynchronously)."""
    deadline = time.monotonic() + 3.0
    while True:
        entry = portkey_ai.GenericResponse(mock.requests()[-1])
        try:
            for path, matcher in matchers.items():
                check(entry, path, matcher, saved, f"{where}: last_request")
            return
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


async def run(scenario: dict, mock: Mock, asynchronous: bool) -> None:
    mock.reset()
    cls = portkey_ai.AsyncPortkey if asynchronous else portkey_ai.Portkey
    default_client = cls()
    saved: dict = {"mock_base_url": mock.base_url}
    for i, step in enumerate(scenario["steps"]):
        where = f"{scenario['name']} / step {i} ({step['call']})"
        unknown = set(step) - STEP_KEYS
        assert not unknown, f"{where}: unknown step keys {unknown}"
        before = mock.count()
        runs = step.get("repeat", 1)
        for run_index in range(runs):
            if "repeat" in step:
                saved["i"] = run_index
            await run_step(step, cls, default_client, mock, saved, asynchronous, where)
        after = mock.count()
        if "sent" in step:
            assert after - before == step["sent"], (
                f"{where}: mock received {after - before} requests, want {step['sent']}"
            )
        if "last_path" in step:
            assert mock.requests()[-1]["path"] == substitute(step["last_path"], saved), where
        if "last_request" in step:
            check_last_request(mock, step["last_request"], saved, where)


async def run_step(step, cls, default_client, mock: Mock, saved: dict, asynchronous: bool, where):
    if "fault" in step:
        mock.fault(substitute(step["fault"], saved))
    params = substitute(step.get("params", {}), saved)
    options = call_options(substitute(step.get("options", {}), saved))
    streamed = bool(step.get("stream"))
    if streamed:
        params = {**params, "stream": True}
    events: list = []
    answer = error = None
    try:
        client = default_client
        if "client" in step:
            # A construction failure is the step's outcome.
            client = cls(**client_settings(substitute(step["client"], saved)))
        target = client
        for part in step["call"].split("."):
            target = getattr(target, part)
        answer = target(**params, **options)
        if asynchronous:
            answer = await answer
        if step.get("iterate"):
            answer = await iterate_all(answer, asynchronous)
        if streamed:
            await consume(answer, step.get("take"), asynchronous, events)
    except portkey_ai.PortkeyError as e:
        error = e
    if streamed:
        # The events received, before an error too.
        answer = summary(events)

    if "error" in step:
        spec = step["error"]
        assert error is not None, f"{where}: expected {spec['class']}, got {answer}"
        assert type(error).__name__ == spec["class"], (
            f"{where}: expected {spec['class']}, got {type(error).__name__}: {error}"
        )
        if "status" in spec:
            assert error.status_code == spec["status"], where
        if "param" in spec:
            param = PYTHON_PARAM.get(spec["param"], spec["param"])
            assert error.param == param, f"{where}: {error.param} ({error})"
        if "message_contains" in spec:
            assert spec["message_contains"] in str(error), f"{where}: {error}"
        if streamed:
            for path, matcher in step.get("expect", {}).items():
                check(answer, path, matcher, saved, where)
    else:
        assert error is None, f"{where}: unexpected {type(error).__name__}: {error}"
        assert isinstance(answer, portkey_ai.PortkeyObject), where
        for path, matcher in step.get("expect", {}).items():
            check(answer, path, matcher, saved, where)
        for name, path in step.get("save", {}).items():
            value = lookup(answer, path)
            assert value is not MISSING, f"{where}: cannot save {path}"
            saved[name] = plain(value)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, mode: str, mock: Mock) -> None:
    scenario = json.loads(path.read_text())
    asyncio.run(run(scenario, mock, asynchronous=mode == "async"))
