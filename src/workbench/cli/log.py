"""``workbench`` commands: The disclosure log: verify, show, export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.common import print_table
from workbench.editing.operations import load_log
from workbench.errors import UsageError, VerificationFailed


def cmd_log_verify(args: argparse.Namespace) -> int:
    from workbench.disclosure.export import is_export_file
    from workbench.disclosure.verify import verify_rows
    from workbench.project import Project

    target = Path(args.target)
    if is_export_file(target):
        if args.against:
            raise UsageError("--against compares a project with an export; give the project")
        data, label = load_log(target)
        report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    else:
        with Project.open(target, readonly=True) as project:
            label = f"project {project.name}"
            report = project.verify(Path(args.against) if args.against else None)
    if report.ok:
        print(f"{label}: {report.summary()}")
        if args.against:
            print(f"everything {Path(args.against).name} vouched for is still in the log")
        return 0
    for problem in report.problems[: args.max_problems]:
        print(f"  {problem}", file=sys.stderr)
    raise VerificationFailed(f"{label}: {report.summary()}")


def cmd_log_show(args: argparse.Namespace) -> int:
    from workbench.disclosure import records

    data, label = load_log(Path(args.target))
    entries = data.entries()
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    rows = []
    for entry in entries:
        model = entry.get("model") or {}
        rows.append(
            (
                entry.get("seq"),
                str(entry.get("time", ""))[:19].replace("T", " "),
                entry.get("operator"),
                str(entry.get("schema", "")).removeprefix("workbench."),
                records.summary(entry),
                model.get("id", "") if isinstance(model, dict) else "",
                str(entry.get("hash", ""))[:12],
            )
        )
    print(f"{label}: {len(entries)} entries")
    print_table(rows, ("seq", "time (UTC)", "operator", "kind", "what", "model", "hash"))
    return 0


def cmd_log_export(args: argparse.Namespace) -> int:
    from workbench.editing import export_log

    result = export_log(Path(args.target), args.format, Path(args.output))
    print(f"wrote {result.path} ({result.format}, {result.entries} entries)")
    return 0


def register(sub: Any) -> None:
    log = sub.add_parser("log", help="the disclosure log").add_subparsers(
        dest="log_command", metavar="ACTION", required=True
    )
    p = log.add_parser("verify", help="check the log (a project or an exported JSON)")
    p.add_argument("target", help="PROJECT.wbproj or EXPORT.json")
    p.add_argument(
        "--against", metavar="EXPORT.json", help="also check nothing it vouched for is gone"
    )
    p.add_argument("--max-problems", type=int, default=20)
    p.set_defaults(func=cmd_log_verify)
    p = log.add_parser("show", help="the log as a table")
    p.add_argument("target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log_show)
    p = log.add_parser("export", help="export the log")
    p.add_argument("target")
    p.add_argument("--format", default="json", help="json, csv, html, pdf, ledger, credits")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_log_export)
