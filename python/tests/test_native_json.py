"""The answer is parsed in the native module (bindings/python/src/loads.rs), not by `json`:
whatever the server sends, the values are the ones `json.loads` gives."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest

import portkey_ai
from conftest import Mock
from portkey_ai import Portkey

BODIES = [
    # Escapes, a surrogate pair, lone surrogates (kept, as json.loads keeps them), NUL.
    r'{"s": "\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud83d x \udc00 \ud83d\u0041 \u0000"}',
    # Non-ASCII as UTF-8 bytes, and keys that need escapes.
    '{"caf\u00e9": "\u2603 \U0001F600", "k\\u0065y": 1, "": ""}',
    # Numbers: any size, exponents, -0, overflow to infinity.
    '{"i": [0, -0, 7, -9007199254740993, 123456789012345678901234567890, -98765432109876543210],'
    ' "f": [1.5, -0.0, 1e2, 1E+2, 2.5e-3, 1e400, -1e400, 0.1]}',
    # Whitespace everywhere, duplicate keys (the last wins, in the first one's place), nesting.
    ' \r\n{ "dup" : 1 ,\t"x": [ [ ], { } , [ {"a": [null, true, false]} ] ], "dup": 2 }\n',
    # More distinct keys than the native module keeps across answers (512), and keys too long
    # to be kept: every one still read right, in this answer and the next.
    json.dumps({**{f"field_{i}": i for i in range(1500)}, "k" * 100: 1, "k" * 65: 2}),
    json.dumps({"k" * 100: [{"field_7": 7, "field_1400": "x"}], "field_3": None}),
    # Many objects of one shape (shared keys and values), and a long string.
    json.dumps({"data": [{"id": f"k{i}", "status": "active", "n": i} for i in range(300)],
                "long": "x" * 5000}),
]


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types, floats to the sign bit, dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


@pytest.mark.parametrize("body", BODIES)
def test_values_are_those_of_json_loads(mock: Mock, body: str) -> None:
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": body})
    got = Portkey(max_retries=0).api_keys.retrieve(id="k").to_dict()
    assert same(got, json.loads(body))


def test_keys_are_interned(mock: Mock) -> None:
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": '{"name": "n"}'})
    data = Portkey(max_retries=0).api_keys.retrieve(id="k").to_dict()
    assert next(iter(data)) is "name"  # noqa: F632  # identity is the point


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no digit limit")
def test_an_integer_beyond_pythons_digit_limit_is_a_validation_error(mock: Mock) -> None:
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": '{"n": ' + "9" * 5000 + "}"})
    with pytest.raises(portkey_ai.APIResponseValidationError) as info:
        Portkey(max_retries=0).api_keys.retrieve(id="k")
    assert info.value.status_code == 200


def test_the_garbage_collector_is_left_as_it_was(mock: Mock) -> None:
    import gc

    portkey = Portkey(max_retries=0)
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": BODIES[-1]})
            portkey.api_keys.retrieve(id="k")
            assert gc.isenabled() is enabled
    finally:
        gc.enable()


# Not JSON (json.loads itself takes NaN and Infinity; the core, like JSON, does not). The
# native parser checks the syntax as it reads; the core names what is wrong, with a position.
MALFORMED = [
    '{"a": 01}', '{"a": 1.}', '{"a": .5}', '{"a": +1}', '{"a": 1e}', '{"a": -}', '{"a": 1-2}',
    '{"a": "tab\there"}', '{"a": "x\\q"}', '{"a": "\\u12"}', '{"a": "open', '{"a": [1,]}',
    '{"a": 1,}', '{"a" 1}', '{1: 2}', '{"a": tru}', '{"a": nul', '{} {}', '{"a": 1]',
    '{"a": NaN}', '{"a": Infinity}', '{"a": "ends in a backslash\\',
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_body_is_refused_with_the_cores_verdict(mock: Mock, body: str) -> None:
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": body})
    with pytest.raises(portkey_ai.APIResponseValidationError) as info:
        Portkey(max_retries=0).api_keys.retrieve(id="k")
    assert info.value.status_code == 200
    assert "line 1 column" in str(info.value), str(info.value)


def test_nesting_is_bounded_at_127_levels(mock: Mock) -> None:
    portkey = Portkey(max_retries=0)
    deepest = '{"a": ' + "[" * 126 + "]" * 126 + "}"
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": deepest})
    assert portkey.api_keys.retrieve(id="k").to_dict() == json.loads(deepest)
    too_deep = '{"a": ' + "[" * 127 + "]" * 127 + "}"
    mock.fault({"method": "GET", "times": 1, "status": 200, "raw_body": too_deep})
    with pytest.raises(portkey_ai.APIResponseValidationError, match="127 levels"):
        portkey.api_keys.retrieve(id="k")
