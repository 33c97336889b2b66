"""Plain-data round trip for the QC records: dataclasses to JSON-ready values and back.

A QC report is evidence that may be archived with a delivery and read back years later, so the
serialized form is plain JSON with exact rationals written as strings (``"30000/1001"``, never a
float that has lost the exact rate), and reading it back rebuilds the very same frozen objects.
One generic walker keeps the format identical across every record instead of a dozen
hand-written copies that drift apart.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"


def to_jsonable(value: object) -> JsonValue:
    """``value`` as JSON-ready data: dataclasses become dicts, Fractions strings, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Fraction):
        return str(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    raise TypeError(f"cannot serialize {type(value).__name__}")


def from_jsonable(tp: Any, data: object) -> Any:
    """Rebuild a value of type ``tp`` (as annotated on a dataclass field) from JSON data."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        if data is None and type(None) in args:
            return None
        last: Exception | None = None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_jsonable(arg, data)
            except (TypeError, ValueError) as exc:
                last = exc
        raise ValueError(f"{data!r} fits none of {tp}") from last
    if origin is tuple:
        if not isinstance(data, list | tuple):
            raise TypeError(f"expected a list, got {data!r}")
        return tuple(from_jsonable(args[0], v) for v in data)
    if origin is dict:
        if not isinstance(data, Mapping):
            raise TypeError(f"expected an object, got {data!r}")
        return {str(k): from_jsonable(args[1], v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, Mapping):
            raise TypeError(f"expected an object for {tp.__name__}, got {data!r}")
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: from_jsonable(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.name in data
        }
        return tp(**kwargs)
    if tp is Fraction:
        if isinstance(data, bool) or not isinstance(data, str | int):
            raise TypeError(f"expected a rational, got {data!r}")
        return Fraction(str(data))
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"expected a number, got {data!r}")
        return float(data)
    if tp is bool:
        if not isinstance(data, bool):
            raise TypeError(f"expected true/false, got {data!r}")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TypeError(f"expected an integer, got {data!r}")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise TypeError(f"expected a string, got {data!r}")
        return data
    raise TypeError(f"cannot rebuild {tp!r}")
