"""Runs tests/typing_usage.py (written for `mypy --strict`) against the mock: the typed call
forms must work as well as type-check."""

from __future__ import annotations

import asyncio

from portkey_ai import AsyncPortkey, Portkey
from conftest import Mock
import typing_usage


def test_typed_sync_usage_runs(mock: Mock) -> None:
    seen = typing_usage.sync_usage(Portkey())
    assert seen[-1] == "404" and "ResentInvite" in seen and "GenericResponse" in seen


def test_typed_async_usage_runs(mock: Mock) -> None:
    seen = asyncio.run(typing_usage.async_usage(AsyncPortkey()))
    assert seen and "owner@example.com" in seen
