"""The public surface: docs snippets, settings, errors, secrets, per-call options."""

from __future__ import annotations

import datetime
import inspect
import os
import platform
import subprocess
import sys
import time
import warnings

import pytest

import portkey_ai
from portkey_ai import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncPortkey,
    InvalidParameterError,
    NotFoundError,
    Portkey,
    PortkeyError,
)
from portkey_ai import _native
from conftest import REPO, TEST_KEY, Mock


def new_key(portkey: Portkey, name: str = "k") -> str:
    created = portkey.api_keys.create(
        name=name, type="organisation", sub_type="service", scopes=["completions.write"]
    )
    assert created.id
    return created.id


# --- the docs snippets, as written ------------------------------------------------------


def test_docs_snippets_run_unchanged(mock: Mock) -> None:
    portkey = Portkey()  # PORTKEY_API_KEY and PORTKEY_BASE_URL are set
    api_key = portkey.api_keys.create(
        name="API_KEY_NAME_0909",
        type="organisation",
        sub_type="service",
        workspace_id="WORKSPACE_ID",
        scopes=["logs.export", "logs.list", "logs.view"],
    )
    key_id = api_key.id
    api_key = portkey.api_keys.retrieve(id=key_id)
    assert api_key.name == "API_KEY_NAME_0909"
    portkey.api_keys.update(
        id=key_id,
        name="API_KEY_NAME_0909_UPDATED",
        rate_limits=[{"type": "requests", "unit": "rpm", "value": 100}],
        scopes=["logs.export", "logs.list"],
    )
    updated = portkey.api_keys.retrieve(id=key_id)
    assert updated.rate_limits is not None and updated.rate_limits[0].value == 100

    portkey = Portkey(api_key="PORTKEY_API_KEY")
    virtual_key = portkey.virtual_keys.create(name="openai-vk", provider="openai", key="sk-1")
    slug = virtual_key.data.slug
    virtual_key = portkey.virtual_keys.retrieve(slug=slug)
    assert virtual_key.name == "openai-vk"


def test_quickstart_example_runs(mock: Mock) -> None:
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, str(REPO / "python/examples/quickstart.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "gone: 404" in out.stdout


def test_admin_example_runs(mock: Mock) -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "python/examples/admin.py")],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "user: owner@example.com owner" in out.stdout, out.stdout
    assert "workspace gone: 404" in out.stdout, out.stdout
    assert "async users:" in out.stdout, out.stdout


# --- settings -----------------------------------------------------------------------------


def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    for cls in (Portkey, AsyncPortkey):
        with pytest.raises(PortkeyError, match="PORTKEY_API_KEY"):
            cls()


def test_bad_settings_are_portkey_errors(mock: Mock) -> None:
    with pytest.raises(PortkeyError, match="base_url"):
        Portkey(base_url="ftp://example.com")
    with pytest.raises(PortkeyError, match="timeout"):
        Portkey(timeout=-1)
    with pytest.raises(PortkeyError, match="max_retries"):
        Portkey(max_retries=-1)


def test_settings_and_with_options(mock: Mock) -> None:
    portkey = Portkey(timeout=5, max_retries=1)
    assert (portkey.base_url, portkey.timeout, portkey.max_retries) == (mock.base_url, 5.0, 1)
    other = portkey.with_options(timeout=2.5)
    assert isinstance(other, Portkey)
    assert (other.timeout, other.max_retries, portkey.timeout) == (2.5, 1, 5.0)
    new_key(other)  # the API key was kept
    assert mock.requests()[-1]["api_key_present"] is True
    aother = AsyncPortkey().with_options(max_retries=0)
    assert isinstance(aother, AsyncPortkey) and aother.max_retries == 0


def test_api_key_never_shown(mock: Mock) -> None:
    portkey = Portkey(api_key=TEST_KEY)
    for text in (repr(portkey), str(portkey), repr(vars(portkey)), repr(portkey._native)):
        # Any recognisable fragment of the key, not just all of it (the word "secret" itself
        # is fair game: `portkey.secret_references` is a resource).
        assert TEST_KEY not in text and "0123456789" not in text, text
    errors: list[PortkeyError] = []
    for call in (
        lambda: portkey.api_keys.retrieve(id="nope"),
        lambda: portkey.api_keys.retrieve(id=""),
        lambda: Portkey(api_key=TEST_KEY, base_url="http://127.0.0.1:9/v1", max_retries=0)
        .api_keys.retrieve(id="x"),
    ):
        with pytest.raises(PortkeyError) as info:
            call()
        errors.append(info.value)
    for e in errors:
        assert TEST_KEY not in f"{e} {e!r} {vars(e)}"


def test_user_agent_names_python_and_its_version(mock: Mock) -> None:
    Portkey().api_keys.list()
    ua = mock.requests()[-1]["user_agent"]
    assert f"python/{platform.python_version()}" in ua, ua
    assert f"portkey-ai/{portkey_ai.__version__}" in ua, ua


def test_extra_headers_are_sent_but_cannot_replace_the_api_key(mock: Mock) -> None:
    portkey = Portkey()
    portkey.api_keys.list(extra_headers={"x-trace": "t"})
    try:
        portkey.api_keys.list(extra_headers={"x-portkey-api-key": "another"})
    except InvalidParameterError:
        pass  # refused before sending
    else:
        assert mock.requests()[-1]["api_key_present"] is True
    with pytest.raises(InvalidParameterError):
        portkey.api_keys.list(extra_headers={"x-trace": 1})  # type: ignore[dict-item]
    with pytest.raises(InvalidParameterError):
        portkey.api_keys.list(extra_headers={"x-trace": "a\r\nx-injected: 1"})


# --- arguments ----------------------------------------------------------------------------


def test_only_given_arguments_are_sent_and_none_is_null(mock: Mock) -> None:
    portkey = Portkey()
    created = portkey.virtual_keys.create(
        name="vk", provider="openai", key="sk-1", note="keep me"
    )
    slug = created.data.slug
    portkey.virtual_keys.update(slug=slug, name="vk2")  # note NOT_GIVEN: untouched
    assert portkey.virtual_keys.retrieve(slug=slug).note == "keep me"
    portkey.virtual_keys.update(slug=slug, note=None)  # explicit None: cleared
    assert portkey.virtual_keys.retrieve(slug=slug).note is None


def test_datetimes_become_rfc3339(mock: Mock) -> None:
    portkey = Portkey()
    key_id = new_key(portkey)
    when = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    portkey.api_keys.update(id=key_id, expires_at=when)
    assert portkey.api_keys.retrieve(id=key_id).expires_at == "2030-01-02T03:04:05Z"
    offset = datetime.timezone(datetime.timedelta(hours=2))
    portkey.api_keys.update(id=key_id, expires_at=datetime.datetime(2031, 1, 1, 12, tzinfo=offset))
    assert portkey.api_keys.retrieve(id=key_id).expires_at == "2031-01-01T12:00:00+02:00"
    # A naive datetime names no instant: refused before sending, naming the parameter.
    naive = datetime.datetime(2031, 1, 1, 12, 0, 0)
    with pytest.raises(InvalidParameterError) as info:
        portkey.api_keys.update(id=key_id, expires_at=naive)
    assert info.value.param == "expires_at"
    assert "naive datetime" in str(info.value)
    with pytest.raises(InvalidParameterError) as nested:
        portkey.api_keys.update(id=key_id, rate_limits=[{"type": "requests", "at": naive}])
    assert nested.value.param == "rate_limits[0].at"


def test_response_objects_can_be_passed_back(mock: Mock) -> None:
    portkey = Portkey()
    key_id = new_key(portkey)
    portkey.api_keys.update(id=key_id, rate_limits=[{"type": "requests", "unit": "rpm", "value": 7}])
    key = portkey.api_keys.retrieve(id=key_id)
    other = new_key(portkey, "other")
    portkey.api_keys.update(id=other, rate_limits=key.rate_limits)
    assert portkey.api_keys.retrieve(id=other).rate_limits == [
        {"type": "requests", "unit": "rpm", "value": 7}
    ]


def test_invalid_parameter_error_is_a_value_error(mock: Mock) -> None:
    portkey = Portkey()
    with pytest.raises(ValueError) as info:
        portkey.api_keys.list(page_size=0)
    assert isinstance(info.value, InvalidParameterError)
    assert info.value.param == "page_size"
    with pytest.raises(InvalidParameterError) as info2:
        portkey.api_keys.update(id="k", name=object())
    assert info2.value.param == "name"
    with pytest.raises(InvalidParameterError) as info3:
        portkey.api_keys.list(timeout=-5)
    assert info3.value.param == "timeout"
    with pytest.raises(InvalidParameterError) as info4:
        portkey.api_keys.update(id="k", usage_limits={"credit_limit": float("nan")})
    assert info4.value.param == "usage_limits.credit_limit"
    assert mock.count() == 0  # nothing was sent


# --- errors -------------------------------------------------------------------------------


def test_status_error_attributes(mock: Mock) -> None:
    with pytest.raises(NotFoundError) as info:
        Portkey().api_keys.retrieve(id="no-such-key")
    e = info.value
    assert isinstance(e, APIStatusError) and isinstance(e, portkey_ai.APIError)
    assert e.status_code == 404
    assert e.request_id and e.headers["x-request-id"] == e.request_id
    assert e.headers["content-type"].startswith("application/json")
    assert e.body["success"] is False and "not found" in e.body["data"]["message"]
    assert "not found" in e.message and "404" in str(e)


def test_status_classes_by_code(mock: Mock) -> None:
    portkey = Portkey(max_retries=0)
    for status, cls in [
        (400, portkey_ai.BadRequestError),
        (401, portkey_ai.AuthenticationError),
        (403, portkey_ai.PermissionDeniedError),
        (409, portkey_ai.ConflictError),
        (422, portkey_ai.UnprocessableEntityError),
        (429, portkey_ai.RateLimitError),
        (500, portkey_ai.InternalServerError),
        (502, portkey_ai.InternalServerError),
        (418, APIStatusError),
    ]:
        mock.fault({"method": "GET", "status": status, "times": 1})
        with pytest.raises(APIStatusError) as info:
            portkey.api_keys.list()
        assert type(info.value) is cls and info.value.status_code == status


def test_malformed_body_is_a_validation_error(mock: Mock) -> None:
    mock.fault({"method": "GET", "malformed": True, "times": 1})
    with pytest.raises(portkey_ai.APIResponseValidationError) as info:
        Portkey().api_keys.list()
    assert info.value.status_code == 200 and isinstance(info.value.body, str)


def test_connection_error(mock: Mock) -> None:
    portkey = Portkey(base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        portkey.api_keys.list()
    assert not isinstance(info.value, APITimeoutError)


def test_per_call_timeout(mock: Mock) -> None:
    portkey = Portkey()  # 60 s by default
    mock.fault({"method": "GET", "delay_ms": 2000, "times": 1})
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        portkey.api_keys.list(timeout=0.2, max_retries=0)
    assert time.monotonic() - start < 1.5
    assert mock.count() == 1


def test_a_panic_in_rust_is_a_portkey_error(mock: Mock) -> None:
    portkey = Portkey()
    with pytest.raises(PortkeyError, match="deliberate panic"):
        portkey._call("__test__.panic", {}, portkey_ai.GenericResponse, 1.0, 0, None)
    import asyncio

    async def main() -> None:
        client = AsyncPortkey()
        with pytest.raises(PortkeyError, match="deliberate panic"):
            await client._call("__test__.panic", {}, portkey_ai.GenericResponse, 1.0, 0, None)
        await client.api_keys.list()  # still works

    asyncio.run(main())
    portkey.api_keys.list()  # still works


# --- the surface matches the core -------------------------------------------------------


@pytest.mark.parametrize("cls", [Portkey, AsyncPortkey])
def test_every_core_operation_has_a_documented_method(cls: type, mock: Mock) -> None:
    client = cls()
    for name, summary, params in _native.operations():
        target = client
        for part in name.split("."):
            target = getattr(target, part)
        # The docstring wraps a long summary over lines.
        assert " ".join(target.__doc__.split()).startswith(" ".join(summary.split())), name
        # A paginated list of AsyncPortkey returns an AsyncPager (awaitable, async-iterable).
        pager = inspect.signature(target).return_annotation.startswith("AsyncPager[")
        assert inspect.iscoroutinefunction(target) == (cls is AsyncPortkey and not pager), name
        accepted = inspect.signature(target).parameters
        for param, _doc, _required in params:
            assert param in accepted, f"{name} lacks {param}"
        for option in ("timeout", "max_retries", "extra_headers"):
            assert accepted[option].kind is inspect.Parameter.KEYWORD_ONLY


def test_sync_and_async_signatures_match() -> None:
    import portkey_ai.resources as resources

    pairs = [
        (getattr(resources, name), getattr(resources, "Async" + name))
        for name in resources.__all__
        if not name.startswith("Async")
    ]
    assert len(pairs) >= 2
    for sync_cls, async_cls in pairs:
        public = {n for n in vars(sync_cls) if not n.startswith("_")}
        assert public == {n for n in vars(async_cls) if not n.startswith("_")}, sync_cls
        for name, fn in vars(sync_cls).items():
            if name.startswith("_") or not callable(fn):
                continue
            ours, theirs = inspect.signature(fn), inspect.signature(getattr(async_cls, name))
            assert ours.parameters == theirs.parameters, (sync_cls, name)
            sync_ret, async_ret = ours.return_annotation, theirs.return_annotation
            if sync_ret.startswith("SyncPage["):
                assert async_ret == "AsyncPager[" + sync_ret[len("SyncPage[") :], name
            else:
                # A streamed operation answers a Stream, or an AsyncStream on AsyncPortkey.
                assert sync_ret == async_ret.replace("AsyncStream[", "Stream["), (sync_cls, name)


# --- fork ---------------------------------------------------------------------------------


def test_client_works_in_a_forked_child(mock: Mock) -> None:
    portkey = Portkey()
    portkey.api_keys.list()  # the runtime and a pooled connection exist before the fork
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            import asyncio

            async def from_child() -> str:
                return (await AsyncPortkey().api_keys.list()).object

            ok = portkey.api_keys.list().object == "list" and asyncio.run(from_child()) == "list"
            code = 0 if ok else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30  # a child stuck on the parent's runtime would hang
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
    portkey.api_keys.list()  # the parent is unaffected


def test_import_is_cheap() -> None:
    code = (
        "import sys, portkey_ai; "
        "bad = [m for m in ('asyncio', 'typing', 'datetime', 'enum') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout


# --- Python input types -------------------------------------------------------------------


def test_invalid_parameter_error_is_also_a_type_error() -> None:
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)
    assert issubclass(InvalidParameterError, PortkeyError)
    e = InvalidParameterError("bad", param="timeout")
    assert (e.param, e.message, str(e)) == ("timeout", "bad", "bad")


@pytest.mark.parametrize(
    "param, value",
    [
        ("max_retries", 2**70),
        ("max_retries", -(2**70)),
        ("max_retries", 1.5),
        ("max_retries", 2.0),
        ("max_retries", "2"),
        ("max_retries", True),
        ("max_retries", -1),
        ("max_retries", 1001),
        ("timeout", "5"),
        ("timeout", True),
        ("timeout", 10**400),
        ("timeout", -(10**400)),
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", 0),
        ("timeout", 86_401),
        ("timeout", [5]),
        ("api_key", 123),
        ("api_key", b"pk-bytes"),
        ("api_key", "pk-\udc80-lone-surrogate"),
        ("base_url", 123),
        ("base_url", "http://127.0.0.1:1/\udc80"),
    ],
)
def test_bad_settings_name_the_parameter(param: str, value: object, mock: Mock) -> None:
    for make in (
        lambda: Portkey(**{param: value}),  # type: ignore[arg-type]
        lambda: AsyncPortkey(**{param: value}),  # type: ignore[arg-type]
        lambda: Portkey().with_options(**{param: value}),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidParameterError) as info:
            make()
        assert info.value.param == param, info.value
        assert "\udc80" not in str(info.value) and "pk-bytes" not in str(info.value)
    if param in ("timeout", "max_retries"):
        with pytest.raises(InvalidParameterError) as info:
            Portkey().api_keys.list(**{param: value})  # type: ignore[arg-type]
        assert info.value.param == param, info.value
    assert mock.count() == 0


def test_pythonic_except_clauses_catch_bad_settings(mock: Mock) -> None:
    with pytest.raises(TypeError):
        Portkey(timeout="5")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Portkey(timeout=-1)
    with pytest.raises(TypeError):
        Portkey().api_keys.list(max_retries=1.5)  # type: ignore[arg-type]


def test_good_settings_of_other_numeric_types(mock: Mock) -> None:
    import decimal
    import fractions

    portkey = Portkey(timeout=fractions.Fraction(3, 2), max_retries=0)
    assert (portkey.timeout, portkey.max_retries) == (1.5, 0)
    assert Portkey(timeout=decimal.Decimal("2.5")).timeout == 2.5
    assert Portkey(timeout=86_400, max_retries=1000).timeout == 86_400.0
    portkey.api_keys.list(timeout=3, max_retries=2)


def test_header_errors_name_the_header_not_the_value(mock: Mock) -> None:
    portkey = Portkey()
    with pytest.raises(InvalidParameterError) as info:
        portkey.api_keys.list(extra_headers={"x-trace": "secret-\udc80"})
    assert info.value.param == "extra_headers"
    assert "x-trace" in str(info.value) and "secret" not in str(info.value)
    assert "str -> str" not in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        portkey.api_keys.list(extra_headers={"x-\udc80": "v"})
    assert info.value.param == "extra_headers"
    with pytest.raises(InvalidParameterError) as info:
        portkey.api_keys.list(extra_headers={1: "v"})  # type: ignore[dict-item]
    assert info.value.param == "extra_headers"
    with pytest.raises(InvalidParameterError) as info:
        portkey.api_keys.list(extra_headers="x-trace: 1")  # type: ignore[arg-type]
    assert info.value.param == "extra_headers"
    assert mock.count() == 0


def test_a_missing_api_key_stays_a_portkey_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTKEY_API_KEY", raising=False)
    with pytest.raises(PortkeyError) as info:
        Portkey()
    assert type(info.value) is PortkeyError


# --- answers Python cannot decode ---------------------------------------------------------


def test_status_error_keeps_its_class_when_the_body_cannot_be_decoded() -> None:
    from portkey_ai._exceptions import from_outcome

    deep = b"[" * 100_000 + b"]" * 100_000
    for body, text in (
        (deep, deep.decode()),
        (b'{"id":"k","name":"\xff\xfe"}', '{"id":"k","name":"\ufffd\ufffd"}'),
        (b"<html>oops</html>", "<html>oops</html>"),
    ):
        error = from_outcome(("NotFoundError", 404, [], body, "Error code: 404", "req-1"))
        assert type(error) is NotFoundError
        assert (error.status_code, error.request_id, error.body) == (404, "req-1", text)


def test_undecodable_answers_are_exceptions_of_the_package(mock: Mock) -> None:
    portkey = Portkey(max_retries=0)
    invalid_utf8 = "eyJpZCI6ImsiLCJuYW1lIjoi//4ifQ=="  # {"id":"k","name":"\xff\xfe"}
    for fault, cls in (
        ({"status": 200, "nested_depth": 100_000}, portkey_ai.APIResponseValidationError),
        ({"status": 200, "raw_body_base64": invalid_utf8}, portkey_ai.APIResponseValidationError),
        ({"status": 200, "raw_body": "[1,2]"}, portkey_ai.APIResponseValidationError),
        ({"status": 200, "raw_body": "null"}, portkey_ai.APIResponseValidationError),
        ({"status": 404, "nested_depth": 100_000}, NotFoundError),
        ({"status": 404, "raw_body_base64": invalid_utf8}, NotFoundError),
    ):
        mock.fault({"method": "GET", "times": 1, **fault})
        with pytest.raises(PortkeyError) as info:
            portkey.api_keys.list()
        assert type(info.value) is cls, (fault, info.value)
        assert info.value.status_code == fault["status"]  # type: ignore[attr-defined]


def test_the_python_side_refuses_an_answer_that_is_not_an_object() -> None:
    from portkey_ai._client import _answer

    # The native module hands the answer over parsed; the core refuses all of these first.
    for value in ([1, 2], None, "s", 42):
        with pytest.raises(portkey_ai.APIResponseValidationError) as info:
            _answer((None, 200, [], value, None, None), portkey_ai.GenericResponse)
        assert info.value.status_code == 200
        assert info.value.body == value
    ok = _answer((None, 200, [], {"a": 1}, None, None), portkey_ai.GenericResponse)
    assert ok.a == 1


def test_job_failed_error_carries_the_final_object() -> None:
    from portkey_ai._exceptions import from_outcome

    err = from_outcome(
        ("JobFailedError", None, None, b'{"id": "e1", "status": "failed"}', "logs.exports.wait: failed", None)
    )
    assert isinstance(err, portkey_ai.JobFailedError)
    assert isinstance(err, portkey_ai.PortkeyError)
    assert not isinstance(err, portkey_ai.APIError)
    assert err.body == {"id": "e1", "status": "failed"}
    assert str(err) == "logs.exports.wait: failed"
