"""Response objects: attribute and item access, nesting, printing, headers."""

from __future__ import annotations

import json
import pickle

import pytest

from portkey_ai import GenericResponse, Portkey, PortkeyObject
from portkey_ai import SyncPage
from portkey_ai.types import APIKey, APIKeyList, APIKeyRateLimit, CreatedAPIKey, UsageLimits
from conftest import Mock


@pytest.fixture
def key(mock: Mock) -> APIKey:
    portkey = Portkey()
    created = portkey.api_keys.create(
        name="resp",
        type="workspace",
        sub_type="service",
        workspace_id="ws-1",
        scopes=["a", "b"],
        rate_limits=[{"type": "requests", "unit": "rpm", "value": 100}],
        usage_limits={"credit_limit": 50, "periodic_reset": "monthly"},
        defaults={"metadata": {"team": "ci"}},
    )
    assert isinstance(created, CreatedAPIKey)
    return portkey.api_keys.retrieve(id=created.id)


def test_access(key: APIKey) -> None:
    assert isinstance(key, APIKey) and isinstance(key, PortkeyObject)
    assert key.name == key["name"] == key.get("name") == "resp"
    assert key.get("no_such_field") is None and key.get("no_such_field", 1) == 1
    assert "name" in key and "no_such_field" not in key
    assert key.scopes == ["a", "b"]
    assert key.description is None  # declared, not sent by the server
    with pytest.raises(AttributeError):
        key.no_such_field
    with pytest.raises(KeyError):
        key["no_such_field"]
    assert "name" in dir(key) and "rate_limits" in dir(key)
    assert set(key.keys()) == set(key) and len(key) == len(key.to_dict())


def test_nested_objects_are_wrapped_and_typed(key: APIKey) -> None:
    limit = key.rate_limits[0]
    assert isinstance(limit, APIKeyRateLimit)
    assert (limit.type, limit.unit, limit.value) == ("requests", "rpm", 100)
    assert limit == {"type": "requests", "unit": "rpm", "value": 100}
    assert isinstance(key.usage_limits, UsageLimits) and key.usage_limits.credit_limit == 50
    assert isinstance(key.defaults.metadata, GenericResponse)
    assert key.defaults.metadata.team == "ci" and key["defaults"]["metadata"]["team"] == "ci"


def test_list_items_are_typed(mock: Mock, key: APIKey) -> None:
    page = Portkey().api_keys.list()
    assert isinstance(page, APIKeyList) and isinstance(page, SyncPage) and page.total == 1
    assert isinstance(page.data[0], APIKey) and page.data[0].id == key.id


def test_to_dict_to_json_and_print(key: APIKey, capsys: pytest.CaptureFixture[str]) -> None:
    data = key.to_dict()
    assert type(data) is dict and data["name"] == "resp"
    data["name"] = "changed"  # a copy
    data["rate_limits"][0]["value"] = 1
    assert key.name == "resp" and key.rate_limits[0].value == 100
    text = key.to_json()
    assert json.loads(text) == key.to_dict() and "\n  " in text
    print(key)
    assert json.loads(capsys.readouterr().out) == key.to_dict()
    assert str(key) == text
    assert repr(key).startswith("APIKey({") and "\n" not in repr(key)
    assert json.loads(key.to_json(indent=None)) == key.to_dict()


def test_headers(key: APIKey) -> None:
    headers = key.get_headers()
    assert headers["content-type"].startswith("application/json")
    assert headers["x-request-id"]
    assert key.rate_limits[0].get_headers() == {}


def test_pickle_and_equality(key: APIKey) -> None:
    again = pickle.loads(pickle.dumps(key))
    assert again == key and type(again) is APIKey and again.get_headers() == key.get_headers()
    assert key != {"name": "other"}


def test_update_and_delete_answers(mock: Mock, key: APIKey) -> None:
    portkey = Portkey()
    updated = portkey.api_keys.update(id=key.id, name="x")
    assert isinstance(updated, GenericResponse) and updated.to_dict() == {}
    deleted = portkey.api_keys.delete(id=key.id)
    assert isinstance(deleted, GenericResponse)
