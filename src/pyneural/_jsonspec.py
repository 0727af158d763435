"""Checks for JSON-shaped specs: each raises a :class:`~pyneural.errors.SpecError`
naming the JSON path of the offending value and quoting it as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from .errors import SpecError

__all__ = ["_got", "_bool", "_str", "_object", "_int", "_choice", "_json_object", "_read_spec_file"]


def _got(value) -> str:
    """``value`` as it would appear in JSON (so messages quote what the user wrote)."""
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return f"{value!r} ({type(value).__name__})"


def _bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        raise SpecError(path, f"expected true/false, got {_got(value)}")
    return value


def _str(value, path: str, what: str = "a string") -> str:
    if not isinstance(value, str) or not value:
        raise SpecError(path, f"expected {what}, got {_got(value)}")
    return value


def _object(value, path: str, keys: Iterable[str] | None) -> dict:
    """Check that ``value`` is an object with only ``keys`` (any keys if None) and no duplicates."""
    if not isinstance(value, Mapping):
        raise SpecError(path, f"expected an object, got {_got(value)}")
    for key in getattr(value, "duplicates", ()):
        raise SpecError(f"{path}.{key}", "duplicate key")
    if keys is None:
        return dict(value)
    for key in value:
        if key not in keys:
            raise SpecError(f"{path}.{key}", f"unknown key (expected one of {', '.join(keys)})")
    return dict(value)


def _int(value, path: str, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(path, f"expected an integer, got {_got(value)}")
    if value < minimum:
        raise SpecError(path, f"expected an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SpecError(path, f"expected an integer <= {maximum}, got {value}")
    return value


def _choice(value, path: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise SpecError(path, f"expected one of {', '.join(sorted(choices))}, got {_got(value)}")
    return value


class _JSONObject(dict):
    """A parsed JSON object that remembers keys given more than once (``json`` keeps the last)."""

    duplicates: tuple = ()


def _json_object(pairs):
    d = _JSONObject()
    seen = []
    for key, value in pairs:
        if key in d:
            seen.append(key)
        d[key] = value
    d.duplicates = tuple(seen)
    return d


def _read_spec_file(path) -> tuple:
    """``(path, text)`` of a UTF-8 spec file; a missing or unreadable file is a SpecError."""
    from ._validation import check_path

    path = check_path(path, "path")
    try:
        return path, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("", f"{path}: no such spec file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError("", f"{path}: cannot read the spec file ({exc})") from None
