"""`import portkey_ai` imports no resource or types module: each is imported on first use, and
what users reach (client attributes, `portkey_ai.types.X`, `from portkey_ai.resources import
X`, `dir()`) is the same as if everything had been imported up front."""

from __future__ import annotations

import subprocess
import sys

import pytest

import portkey_ai
from portkey_ai import AsyncPortkey, Portkey, _native
from conftest import Mock

# The top-level resources, as the core lists its operations.
RESOURCES = sorted({name.split(".")[0] for name, _summary, _params in _native.operations()})


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_import_loads_no_resource_or_types_module() -> None:
    code = (
        "import sys, portkey_ai; "
        "print(sorted(m for m in sys.modules if m.startswith(('portkey_ai.resources.', "
        "'portkey_ai.types'))))"
    )
    assert run(code) == "['portkey_ai.resources._all']"


def test_a_resource_imports_only_its_own_modules_and_is_kept(mock: Mock) -> None:
    code = (
        "import sys, portkey_ai; p = portkey_ai.Portkey(); "
        "assert p.api_keys is p.api_keys; "
        "print(sorted(m for m in sys.modules if m.startswith('portkey_ai.resources.')))"
    )
    assert run(code) == (
        "['portkey_ai.resources._all', 'portkey_ai.resources._base', 'portkey_ai.resources.api_keys']"
    )


@pytest.mark.parametrize("cls", [Portkey, AsyncPortkey])
def test_every_resource_is_an_instance_bound_to_its_own_client(cls: type, mock: Mock) -> None:
    client = cls()
    clone = client.with_options(timeout=5)
    prefix = "Async" if cls is AsyncPortkey else ""
    for name in RESOURCES:
        resource = getattr(client, name)
        assert type(resource).__name__.startswith(prefix), name
        assert resource._client is client and getattr(client, name) is resource
        assert getattr(clone, name)._client is clone and getattr(clone, name) is not resource
    assert set(RESOURCES) <= set(dir(client))


@pytest.mark.parametrize("package", ["portkey_ai", "portkey_ai.resources", "portkey_ai.types"])
def test_every_exported_name_resolves_and_is_listed(package: str) -> None:
    module = sys.modules[package] if package in sys.modules else __import__(package, fromlist=["_"])
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError):
        getattr(module, "NoSuchName")


def test_from_imports_and_subpackage_attributes_work_in_a_fresh_interpreter() -> None:
    code = (
        "import portkey_ai; "
        "from portkey_ai.types import APIKey, UsageLimits; "
        "from portkey_ai.resources import AsyncAdminUsers; "
        "from portkey_ai import SyncPage, AsyncStream; "
        "assert portkey_ai.types.APIKey is APIKey; "
        "assert portkey_ai.resources.AsyncAdminUsers is AsyncAdminUsers; "
        "print(APIKey.__module__, UsageLimits.__module__, SyncPage.__module__)"
    )
    assert run(code) == "portkey_ai.types.api_keys portkey_ai.types.admin portkey_ai._pagination"
    with pytest.raises(ImportError):
        exec("from portkey_ai.types import NoSuchName", {})


def test_submodules_stay_importable_by_name() -> None:
    from portkey_ai.types import api_keys

    assert api_keys.APIKey is portkey_ai.types.APIKey
    assert run("from portkey_ai.resources import admin; print(admin.__name__)") == (
        "portkey_ai.resources.admin"
    )
