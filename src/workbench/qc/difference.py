"""One difference QC found, and the collector the comparison rules write into.

A difference keeps both values JSON-ready (exact rationals as ``"n/d"`` strings) and says in
words why QC judged it expected or not, so a failed delivery explains itself to whoever reads
the report, without Workbench at hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from workbench.qc.serial import JsonValue, to_jsonable


@dataclass(frozen=True)
class Difference:
    """One field that differs: the source's value (or what the output's own fields imply), the
    output's value, whether the render meant it, and why QC thinks so."""

    field: str
    source: JsonValue
    output: JsonValue
    expected: bool
    reason: str

    def to_dict(self) -> dict[str, JsonValue]:
        return {
            "field": self.field,
            "source": self.source,
            "output": self.output,
            "expected": self.expected,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Difference:
        return cls(
            field=str(data["field"]),
            source=data.get("source"),
            output=data.get("output"),
            expected=bool(data["expected"]),
            reason=str(data.get("reason", "")),
        )

    def line(self) -> str:
        mark = "expected  " if self.expected else "UNEXPECTED"
        return f"{mark}  {self.field}: {_show(self.source)} -> {_show(self.output)} ({self.reason})"


def _show(value: JsonValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Collector:
    """Collects differences; values are stored JSON-ready so a result serializes as is."""

    def __init__(self) -> None:
        self.items: list[Difference] = []

    def add(self, name: str, src: object, out: object, expected: bool, reason: str) -> None:
        self.items.append(Difference(name, to_jsonable(src), to_jsonable(out), expected, reason))

    def same(
        self, name: str, src: object, out: object, *, expected: bool = False, reason: str
    ) -> None:
        if src == out:
            return
        if "rotation" in name and _zero(src) and _zero(out):
            return  # no display matrix and a matrix of 0° say the same
        neutral = not any(k in name for k in ("rotation", "title", "creation_time", "reel")) and (
            ("field_order" not in name and "scan_type" not in name)
            or str(out).lower() == "progressive"
        )
        if not expected and neutral and _unsaid(src) and not _unsaid(out):
            # The output states what the source left unsaid (a container that always writes
            # a field order, a colour tag filled in from the container's colr atom).
            self.add(name, src, out, True, f"the source did not say; {reason}")
            return
        self.add(name, src, out, expected, reason)

    def close(
        self,
        name: str,
        src: Fraction | None,
        out: Fraction | None,
        tol: Fraction,
        *,
        expected: bool = False,
        reason: str,
    ) -> None:
        if src is None and out is None:
            return
        if src is None or out is None or abs(src - out) > tol:
            self.add(name, src, out, expected, reason)


def _unsaid(value: object) -> bool:
    return value is None or (
        isinstance(value, str) and value.strip().lower() in ("", "unknown", "unspecified", "none")
    )


def _zero(value: object) -> bool:
    if value is None:
        return True
    try:
        return float(str(value)) == 0.0
    except ValueError:
        return False
