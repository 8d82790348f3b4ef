"""Method docstrings come from the operation descriptors of the Rust core, so the Python,
Node and Rust docs say the same thing. Assigned once, at import."""

from __future__ import annotations

from . import _native

_OPS = {name: (summary, params) for name, summary, params in _native.operations()}


def document(prefix: str, *classes: type) -> None:
    """Sets the docstring of each public method `m` of `classes` from operation `prefix.m`."""
    for cls in classes:
        for attr, fn in vars(cls).items():
            op = _OPS.get(f"{prefix}.{attr}")
            if op is None or attr.startswith("_"):
                continue
            summary, params = op
            lines = [summary, "", "Parameters:"]
            for name, doc, required in params:
                lines.append(f"    {name}{' (required)' if required else ''}: {doc}")
            lines += [
                "",
                "Every call also takes timeout (seconds), max_retries and extra_headers.",
            ]
            fn.__doc__ = "\n".join(lines)
