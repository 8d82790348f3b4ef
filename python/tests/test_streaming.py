"""Streamed prompt completions (`stream=True`) through `Portkey` and `AsyncPortkey`: items,
closing (the mock's request log says whether the client went away), garbage collection,
errors, and the non-streamed answer of the same method."""

from __future__ import annotations

import asyncio
import gc
import os
import time
import warnings
from typing import Any, Dict

import pytest

import portkey_ai
from conftest import Mock

COMPLETIONS = "/v1/prompts/"


def make_prompt(client: portkey_ai.Portkey) -> str:
    collection = client.collections.create(name="streams")
    prompt = client.prompts.create(
        name="greeter",
        collection_id=collection.id,
        string="Hello {{name}}, this is a streamed completion with several chunks in it.",
        parameters={"model": "gpt-4o", "max_tokens": 64},
        model="gpt-4o",
    )
    assert prompt.id
    return prompt.id


def pace(mock: Mock, ms: int = 100) -> None:
    """Slows the next streamed answer down, so that it is still being written when the
    client closes (else a short answer is all in the socket before that)."""
    mock.fault({"method": "POST", "path_prefix": COMPLETIONS, "stream": {"pace_ms": ms}})


def last_stream(mock: Mock, **want: Any) -> Dict[str, Any]:
    """The last request's `stream` info once it shows `want`, polled for up to 3 s."""
    deadline = time.monotonic() + 3.0
    while True:
        info = mock.requests()[-1].get("stream") or {}
        if all(info.get(k) == v for k, v in want.items()) or time.monotonic() >= deadline:
            assert all(info.get(k) == v for k, v in want.items()), info
            return info
        time.sleep(0.05)


def content(chunks: list) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_stream_to_the_end(mock: Mock) -> None:
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    with client.prompts.completions.create(
        prompt_id=prompt_id, variables={"name": "Ada"}, stream=True
    ) as stream:
        assert isinstance(stream, portkey_ai.Stream)
        assert stream.status_code == 200
        assert stream.get_headers()["content-type"].startswith("text/event-stream")
        chunks = list(stream)
    assert len(chunks) > 1
    assert all(isinstance(c, portkey_ai.types.PromptCompletionChunk) for c in chunks)
    assert chunks[0]["object"] == "chat.completion.chunk"
    assert isinstance(chunks[0].to_dict(), dict)
    assert "Ada" in content(chunks)
    assert stream.closed
    assert list(stream) == []  # ended: iterating again yields nothing
    info = last_stream(mock, finished=True)
    assert info["events_sent"] == len(chunks)
    assert info["client_closed"] is False


def test_without_stream_the_answer_is_one_completion(mock: Mock) -> None:
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    answer = client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"})
    assert isinstance(answer, portkey_ai.PortkeyObject)
    assert not isinstance(answer, portkey_ai.Stream)
    false = client.prompts.completions.create(
        prompt_id=prompt_id, variables={"name": "Ada"}, stream=False
    )
    assert isinstance(false, portkey_ai.PortkeyObject)
    assert "stream" not in mock.requests()[-1]


def test_leaving_the_with_block_closes_the_connection(mock: Mock) -> None:
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    pace(mock)
    with client.prompts.completions.create(
        prompt_id=prompt_id, variables={"name": "Ada"}, stream=True
    ) as stream:
        for _chunk in stream:
            break
    assert stream.closed
    info = last_stream(mock, client_closed=True)
    assert info["finished"] is False
    assert list(stream) == []


def test_close_is_idempotent_and_ends_iteration(mock: Mock) -> None:
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    pace(mock)
    stream = client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True)
    assert next(stream) is not None
    stream.close()
    stream.close()
    with pytest.raises(StopIteration):
        next(stream)
    last_stream(mock, client_closed=True)


def test_events_received_together_are_handed_out_one_at_a_time(mock: Mock) -> None:
    """Unpaced, the events arrive together and cross in one read: the stream is not closed
    while any is left to hand out, and close() drops them."""
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    whole = list(client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True))
    assert len(whole) > 2
    stream = client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True)
    assert next(stream)["choices"] == whole[0]["choices"]
    assert not stream.closed
    stream.close()
    assert stream.closed
    with pytest.raises(StopIteration):
        next(stream)


def test_garbage_collection_closes_an_abandoned_stream(mock: Mock) -> None:
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    pace(mock)
    stream = client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True)
    next(stream)
    del stream
    gc.collect()
    last_stream(mock, client_closed=True, finished=False)


def test_an_unknown_prompt_fails_when_opening(mock: Mock) -> None:
    client = portkey_ai.Portkey(max_retries=0)
    with pytest.raises(portkey_ai.NotFoundError):
        client.prompts.completions.create(prompt_id="no-such-prompt", variables={"name": "Ada"}, stream=True)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"cut_after": 1}, portkey_ai.APIConnectionError),
        ({"malformed_after": 1}, portkey_ai.APIResponseValidationError),
        ({"stall_after": 1, "stall_ms": 3000}, portkey_ai.APITimeoutError),
        ({"error_after": 1, "message": "the model went away"}, portkey_ai.APIError),
    ],
    ids=["cut", "malformed", "stall", "error_event"],
)
def test_a_failing_stream_raises_out_of_the_loop(mock: Mock, fault: dict, error: type) -> None:
    client = portkey_ai.Portkey(max_retries=0, timeout=0.5)
    prompt_id = make_prompt(client)
    mock.fault({"method": "POST", "path_prefix": COMPLETIONS, "stream": fault})
    chunks = []
    with pytest.raises(error) as info:
        with client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True) as stream:
            for chunk in stream:
                chunks.append(chunk)
    assert len(chunks) == 1
    assert stream.closed
    if "message" in fault:
        assert fault["message"] in str(info.value)


def test_async_stream(mock: Mock) -> None:
    prompt_id = make_prompt(portkey_ai.Portkey())

    async def main() -> None:
        client = portkey_ai.AsyncPortkey()
        answer = await client.prompts.completions.create(
            prompt_id=prompt_id, variables={"name": "Ada"}
        )
        assert isinstance(answer, portkey_ai.PortkeyObject)
        stream = await client.prompts.completions.create(
            prompt_id=prompt_id, variables={"name": "Grace"}, stream=True
        )
        assert isinstance(stream, portkey_ai.AsyncStream)
        async with stream:
            chunks = [chunk async for chunk in stream]
        assert "Grace" in content(chunks)

    asyncio.run(main())
    last_stream(mock, finished=True)


def test_async_break_and_leaving_the_block_closes(mock: Mock) -> None:
    prompt_id = make_prompt(portkey_ai.Portkey())
    pace(mock)

    async def main() -> None:
        client = portkey_ai.AsyncPortkey()
        async with await client.prompts.completions.create(
            prompt_id=prompt_id, variables={"name": "Ada"}, stream=True
        ) as stream:
            async for _chunk in stream:
                break
        assert stream.closed

    asyncio.run(main())
    last_stream(mock, client_closed=True, finished=False)


def test_async_close_wakes_a_pending_read(mock: Mock) -> None:
    prompt_id = make_prompt(portkey_ai.Portkey())
    mock.fault({"method": "POST", "path_prefix": COMPLETIONS, "stream": {"pace_ms": 2000}})

    async def main() -> None:
        client = portkey_ai.AsyncPortkey(timeout=10)
        stream = await client.prompts.completions.create(prompt_id=prompt_id, variables={"name": "Ada"}, stream=True)
        pending = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await stream.aclose()
        with pytest.raises(StopAsyncIteration):
            await pending
        assert time.monotonic() - started < 1.0

    asyncio.run(main())
    last_stream(mock, client_closed=True)


def test_a_forked_child_cannot_read_the_parents_stream(mock: Mock) -> None:
    """The stream's connection belongs to the parent: the child gets APIConnectionError (and
    leaves the socket alone), while the parent reads on and can stream in the child anew."""
    client = portkey_ai.Portkey()
    prompt_id = make_prompt(client)
    with client.prompts.completions.create(
        prompt_id=prompt_id, variables={"name": "Ada"}, stream=True
    ) as stream:
        first = next(stream)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
            pid = os.fork()
        if pid == 0:
            code = 1
            try:
                try:
                    next(stream)
                    code = 2
                except portkey_ai.APIConnectionError:
                    stream.close()  # a no-op in the child
                    fresh = client.prompts.completions.create(
                        prompt_id=prompt_id, variables={"name": "Child"}, stream=True
                    )
                    code = 0 if "Child" in content(list(fresh)) else 3
            finally:
                os._exit(code)
        deadline = time.monotonic() + 30
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise AssertionError("the forked child hung")
            time.sleep(0.05)
        assert os.waitstatus_to_exitcode(status) == 0
        rest = list(stream)
    assert "Ada" in content([first, *rest])
