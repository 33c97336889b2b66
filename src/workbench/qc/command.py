"""``workbench qc OUTPUT [--against SOURCE] [--json]``: the QC verdict on the command line.

Kept here rather than in ``cli.py`` so the command's options and its output live with the code
they describe; ``cli.py`` only registers it. Exit status follows ``workbench log verify``: 0 when
every difference was expected, 1 (``error: …``) when one was not, 9 when a file cannot be read
or a reader is missing.
"""

from __future__ import annotations

import argparse
import json
from fractions import Fraction

from workbench.errors import UsageError
from workbench.qc.expectations import Expectations


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``qc`` on the CLI's subcommands."""
    p = sub.add_parser(
        "qc",
        help="what ffprobe and MediaInfo say about a delivered file, against its source",
        description=(
            "Read OUTPUT with ffprobe, ffmpeg and MediaInfo (independent of Workbench's own "
            "reader) and, with --against, compare it with its source. Exit 0 when every "
            "difference is expected, 1 when one is not."
        ),
    )
    p.add_argument("output", metavar="OUTPUT", help="a file, or an image sequence pattern")
    p.add_argument("--against", metavar="SOURCE", help="the source the output was made from")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--rate",
        metavar="FPS",
        help="frame rate of an image sequence (default 24), e.g. 24000/1001",
    )
    p.add_argument(
        "--expect",
        metavar="JSON",
        help='deliberate changes, e.g. \'{"codec": "prores", "scale": 2}\' (see Expectations)',
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run QC, print the report (or JSON), and raise :class:`QcFailed` (exit 1) on any
    unexpected difference."""
    from workbench.qc.errors import QcFailed
    from workbench.qc.result import check

    rate = _rate(args.rate) if getattr(args, "rate", None) else None
    expect = _expectations(args.expect) if getattr(args, "expect", None) else None
    result = check(args.output, against=args.against, expect=expect, rate=rate)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in result.summary_lines():
            print(line)
    if not result.passed:
        count = len(result.unexpected)
        against = f" against {args.against}" if args.against else ""
        raise QcFailed(
            f"{args.output}: {count} unexpected difference{'s' if count != 1 else ''}{against}",
            hint="each UNEXPECTED line above names the field; a deliberate change belongs in "
            "--expect",
        )
    return 0


def _rate(text: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        value = Fraction(0)
    if value <= 0:
        raise UsageError(f"--rate {text!r} is not a frame rate", hint="e.g. 24, 25 or 24000/1001")
    return value


def _expectations(text: str) -> Expectations:
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return Expectations.from_dict(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(
            f"--expect is not a valid expectations object: {exc}",
            hint='e.g. --expect \'{"codec": "prores", "pixel_format": "yuv422p10le"}\'',
        ) from exc
