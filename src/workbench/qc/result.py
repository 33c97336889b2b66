"""One QC run: the output's report, its source's, the differences, and the verdict.

:func:`check` is what a delivery step calls: read the output (and its source), compare, and hand
back a :class:`QcResult` that passes only when every difference was expected. The result is
plain data (``to_dict``) so it can be archived next to the delivery, and prints as one line per
fact for a person (``summary_lines``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from workbench.qc.comparison import compare
from workbench.qc.difference import Difference
from workbench.qc.expectations import Expectations
from workbench.qc.inspection import inspect
from workbench.qc.report import QcReport
from workbench.qc.serial import JsonValue

SCHEMA = "workbench.qc.result/1"


@dataclass(frozen=True)
class QcResult:
    """The verdict on one output: ``passed`` when no difference is unexpected."""

    output: QcReport
    source: QcReport | None
    differences: tuple[Difference, ...]
    expectations: Expectations = field(default_factory=Expectations)
    expectations_from: str = "none given"
    """Where the expectations came from: the caller, or the file's own Content Credentials."""

    @property
    def unexpected(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.expected)

    @property
    def passed(self) -> bool:
        return not self.unexpected

    def to_dict(self) -> dict[str, JsonValue]:
        return {
            "schema": SCHEMA,
            "passed": self.passed,
            "output": self.output.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "expectations": self.expectations.to_dict(),
            "expectations_from": self.expectations_from,
            "differences": [d.to_dict() for d in self.differences],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QcResult:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record (schema {data.get('schema')!r})")
        return cls(
            output=QcReport.from_dict(data["output"]),
            source=QcReport.from_dict(data["source"]) if data.get("source") else None,
            differences=tuple(Difference.from_dict(d) for d in data.get("differences", [])),
            expectations=Expectations.from_dict(data.get("expectations") or {}),
            expectations_from=str(data.get("expectations_from") or "none given"),
        )

    def summary_lines(self) -> list[str]:
        """The output's facts, one a line, then each difference marked expected / UNEXPECTED."""
        from workbench.qc.summary import report_lines

        lines = report_lines(self.output)
        if self.source is not None:
            lines.append(f"{'against':<12}{self.source.path}")
            lines.append(f"{'expecting':<12}{self.expectations_from}")
        if self.differences:
            lines.append("differences")
            lines.extend(f"  {d.line()}" for d in self.differences)
        else:
            lines.append(
                "differences none" if self.source is not None else "checks      all consistent"
            )
        count = len(self.unexpected)
        verdict = "PASSED" if self.passed else f"FAILED ({count} unexpected)"
        lines.append(f"{'result':<12}{verdict}")
        return lines


def check(
    output_path: str | os.PathLike[str],
    against: str | os.PathLike[str] | None = None,
    expect: Expectations | None = None,
    *,
    rate: Fraction | int | None = None,
    decode: bool = True,
    timeout: float = 3600.0,
) -> QcResult:
    """Read ``output_path`` (and ``against``, its source) and judge the output.

    ``expect`` lists what the render changed on purpose; None takes it from the output's own
    Content Credentials where a Workbench render signed it there, else nothing. ``rate`` is the
    rate of an image sequence given as a pattern; ``decode`` and ``timeout`` as for
    :func:`inspect`.
    """
    origin = "given by the caller"
    if expect is None:
        from workbench.qc.credentials import expectations_from_credentials

        found = expectations_from_credentials(output_path) if against is not None else None
        if found is not None:
            expect, signer = found
            origin = f"from the file's Content Credentials (signed by {signer})"
        else:
            origin = "none (nothing was meant to change)"
    expectations = expect or Expectations()
    output = inspect(output_path, rate=rate, decode=decode, timeout=timeout)
    source = (
        inspect(against, rate=rate, decode=decode, timeout=timeout) if against is not None else None
    )
    if source is not None and expectations.source_frames is not None:
        from workbench.qc.sub_range import with_sample_digests

        output, source = with_sample_digests(output, source, expectations, timeout=timeout)
    differences = tuple(compare(output, source, expectations))
    return QcResult(output, source, differences, expectations, origin)
