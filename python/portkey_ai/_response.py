"""Response objects: parsed JSON with attribute and item access.

Values are wrapped lazily, on access: a response costs one parse (done by the native module)
and one small object, however large it is. Fields the server adds later are reachable at once (`obj.new_field`,
`obj["new_field"]`); typed subclasses only declare the known ones for type checkers.
"""

from __future__ import annotations

from ._exceptions import headers_dict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, Iterator, List, Mapping, Optional, Tuple


class PortkeyObject:
    """A JSON object from the API.

    `obj.name`, `obj["name"]` and `obj.get("name")` read a field; nested objects come back
    wrapped too. `to_dict()` and `to_json()` give the plain data, `print(obj)` shows it as
    indented JSON and `get_headers()` the response's HTTP headers.
    """

    __slots__ = ("_data", "_headers")

    # Declared fields (from annotations) read as None when the server leaves them out.
    _fields: ClassVar[frozenset[str]] = frozenset()
    # Fields whose objects (or list items) have a typed class.
    _nested: ClassVar[Mapping[str, type[PortkeyObject]]] = {}

    _data: Dict[str, Any]
    # The HTTP headers as the native module gives them, a "name: value" line each.
    _headers: Optional[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = set(cls._fields)
        # Annotations are strings here (postponed evaluation), so reading them is cheap.
        own = cls.__dict__.get("__annotations__")
        if own is None:  # Python 3.14+ stores them lazily
            own = getattr(cls, "__annotations__", {})
        names.update(n for n in own if not n.startswith("_"))
        cls._fields = frozenset(names)

    def __init__(self, data: Dict[str, Any], headers: Optional[str] = None) -> None:
        self._data = data
        self._headers = headers

    def _wrap(self, name: str, value: Any) -> Any:
        if isinstance(value, dict):
            return self._nested.get(name, GenericResponse)(value)
        if isinstance(value, list):
            cls = self._nested.get(name, GenericResponse)
            # The items of a list are nearly always objects: made here, without a call each.
            return [cls(v) if type(v) is dict else _wrap_item(cls, v) for v in value]
        return value

    # Hidden from type checkers: on typed classes they should flag `key.nmae`. Fields the
    # stubs do not declare yet are still reachable at run time, and as `obj["field"]`.
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only called when normal lookup fails, i.e. for data fields.
            if name.startswith("__"):
                raise AttributeError(name)
            cls = type(self)
            if name in cls._fields and name not in cls.__dict__:
                # A declared field: from now on a property of the class reads it, which
                # spares each later read the failed lookup that leads here.
                setattr(cls, name, _field(name))
            try:
                value = self._data[name]
            except KeyError:
                if name in self._fields:
                    return None
                raise AttributeError(
                    f"{type(self).__name__!r} object has no field {name!r}"
                ) from None
            return self._wrap(name, value)

    def __getitem__(self, name: str) -> Any:
        return self._wrap(name, self._data[name])

    def get(self, name: str, default: Any = None) -> Any:
        """The field `name`, or `default` when absent."""
        if name in self._data:
            return self._wrap(name, self._data[name])
        return default

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def keys(self) -> List[str]:
        return list(self._data)

    def items(self) -> List[Tuple[str, Any]]:
        return [(k, self._wrap(k, v)) for k, v in self._data.items()]

    def values(self) -> List[Any]:
        return [self._wrap(k, v) for k, v in self._data.items()]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PortkeyObject):
            return self._data == other._data
        if isinstance(other, dict):
            return self._data == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable data, like dict

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._data) | self._fields)

    def to_dict(self) -> Dict[str, Any]:
        """The data as plain dicts and lists (a deep copy)."""
        copied: Dict[str, Any] = _copy(self._data)
        return copied

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The data as JSON, indented by default."""
        import json  # deferred: importing it costs ~8 ms

        return json.dumps(self._data, indent=indent, ensure_ascii=False)

    def get_headers(self) -> Dict[str, str]:
        """The HTTP response headers (lower-case names); empty for nested objects."""
        return headers_dict(self._headers)

    def __str__(self) -> str:
        return self.to_json()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_json(indent=None)})"

    def __getstate__(self) -> Tuple[Dict[str, Any], Optional[str]]:
        return (self._data, self._headers)

    def __setstate__(self, state: Tuple[Dict[str, Any], Optional[str]]) -> None:
        self._data, self._headers = state


class GenericResponse(PortkeyObject):
    """An answer with no declared fields (e.g. of `update` and `delete`), and nested objects
    of unknown shape: any attribute reads a field."""

    __slots__ = ()

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...


def _field(name: str) -> property:
    """What `__getattr__` gives for a declared field, as a property: None when absent."""

    def read(self: PortkeyObject) -> Any:
        value = self._data.get(name)
        if isinstance(value, (dict, list)):
            return self._wrap(name, value)
        return value

    return property(read)


def _wrap_item(cls: type[PortkeyObject], value: Any) -> Any:
    if isinstance(value, dict):
        return cls(value)
    if isinstance(value, list):
        return [_wrap_item(cls, v) for v in value]
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
