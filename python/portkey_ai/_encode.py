"""Values that JSON does not know, made plain before they are sent.

The native module converts str, int, float, bool, None, dict, list and tuple itself and calls
`default` for anything else (like `json.dumps(default=...)`), so this costs nothing unless such
a value is passed.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def default(value: Any) -> Any:
    import datetime
    import enum

    if isinstance(value, datetime.datetime):
        # RFC 3339 needs an offset, and guessing one (local time? UTC?) would move the instant
        # silently: a naive datetime is refused (InvalidParameterError naming the parameter).
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "is a naive datetime (no time zone): pass an aware one, "
                "e.g. datetime.now(timezone.utc), or an RFC 3339 string"
            )
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # a response object passed back in
        return to_dict()
    # Subclasses of the plain types (the native side checks exact types).
    plain_types: tuple[Any, ...] = (str, bool, int, float, dict, list, tuple)
    for plain in plain_types:
        if isinstance(value, plain):
            return plain(value)
    from collections.abc import Mapping, Set

    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Set):
        return list(value)
    raise TypeError(f"a value of type {type(value).__name__} is not JSON")
