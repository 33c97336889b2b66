"""Reading one field of a stored JSON object, or refusing the object with a clear message.

Every typed entry is read through these, so a malformed body always fails the same way: a
:class:`~workbench.errors.DisclosureError` that names the record and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from workbench.errors import DisclosureError

JsonObject = dict[str, Any]


def malformed(what: str, key: str, problem: str) -> DisclosureError:
    return DisclosureError(f"{what} is malformed: {key!r} {problem}")


def _is_object(value: Any) -> TypeGuard[Mapping[str, Any]]:
    # A plain dict first: the ABC check costs more than the rest of reading a field.
    return type(value) is dict or isinstance(value, Mapping)


def obj(data: Any, what: str) -> Mapping[str, Any]:
    """``data`` itself, when it is a JSON object."""
    if not _is_object(data):
        raise DisclosureError(f"{what} is malformed: not a JSON object")
    return data


def field(data: Mapping[str, Any], key: str, what: str) -> Any:
    if key not in data:
        raise malformed(what, key, "is missing")
    return data[key]


def req_obj(data: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    value = field(data, key, what)
    if not _is_object(value):
        raise malformed(what, key, "is not an object")
    return value


def req_int(data: Mapping[str, Any], key: str, what: str) -> int:
    value = field(data, key, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise malformed(what, key, "is not an integer")
    return value


def req_str(data: Mapping[str, Any], key: str, what: str) -> str:
    value = field(data, key, what)
    if not isinstance(value, str):
        raise malformed(what, key, "is not text")
    return value


def req_bool(data: Mapping[str, Any], key: str, what: str) -> bool:
    value = field(data, key, what)
    if not isinstance(value, bool):
        raise malformed(what, key, "is not true or false")
    return value


def opt_str(data: Mapping[str, Any], key: str, what: str) -> str | None:
    """Text or null; a field that is absent reads as null."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise malformed(what, key, "is not text or null")
    return value


def opt_int(data: Mapping[str, Any], key: str, what: str) -> int | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise malformed(what, key, "is not an integer or null")
    return value


def str_tuple(data: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = field(data, key, what)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise malformed(what, key, "is not a list of text")
    return tuple(value)


def int_pair(data: Mapping[str, Any], key: str, what: str) -> tuple[int, int]:
    value = field(data, key, what)
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
    ):
        raise malformed(what, key, "is not a pair of integers")
    return (value[0], value[1])


def json_obj(data: Mapping[str, Any], key: str, what: str) -> JsonObject:
    """A free-form object (tool parameters, a policy), copied so the entry owns it."""
    return dict(req_obj(data, key, what))
