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
    from workbench.disclosure.report_model import printable
    from workbench.disclosure.trust import check_signers
    from workbench.disclosure.verify import verify_rows
    from workbench.project import Project

    target = Path(args.target)
    if _is_shot_proof(target):
        return _verify_shot_proof(target, args)
    if is_export_file(target):
        if args.against:
            raise UsageError("--against compares a project with an export; give the project")
        data, label = load_log(target)
        report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    else:
        with Project.open(target, readonly=True) as project:
            label = f"project {project.name}"
            report = _verify_project(project, Path(args.against) if args.against else None)
            data = project.log_data()
    signers = check_signers(data, report)  # this machine's trust: first use, or known keys
    if report.ok:
        print(f"{label}: {report.summary()}")
        print(f"  {printable(signers.line())}")
        if args.against:
            print(f"everything {Path(args.against).name} vouched for is still in the log")
        return 0
    print(f"  {printable(signers.line())}", file=sys.stderr)
    for problem in report.problems[: args.max_problems]:
        print(f"  {problem}", file=sys.stderr)
    raise VerificationFailed(f"{label}: {report.summary()}")


def _is_shot_proof(path: Path) -> bool:
    from workbench.disclosure.tlog.proof import HEADER, SUFFIX

    if path.suffix == SUFFIX:
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(len(HEADER)) == HEADER.encode()
    except OSError:
        return False


def _verify_project(project: Any, against: Path | None) -> Any:
    """``project.verify``; ``--against`` a checkpoint note or shot proof checks Merkle
    consistency from its signed tree to today's (an export is handled by ``verify``)."""
    from workbench.disclosure.tlog.shots import is_note_file, note_problems

    if against is None or not is_note_file(against):
        return project.verify(against)
    report = project.verify(None)
    log = project.log
    report.problems.extend(note_problems(log.rows(), log.key_rows(), project.id, against))
    return report


def _verify_shot_proof(target: Path, args: argparse.Namespace) -> int:
    """``log verify shot.tlog-proof``: offline, against the producer's verifier key."""
    from workbench.disclosure.tlog.cli_support import (
        describe,
        load_verifiers,
        read_proof_text,
        verifiers_from_log,
    )
    from workbench.disclosure.tlog.proof import verify_proofs
    from workbench.errors import DisclosureError

    if args.against:
        raise UsageError("--against checks a project; give the project, not a proof")
    if args.key and Path(args.key).suffix in (".wbproj", ".json") and Path(args.key).is_file():
        data, where = load_log(Path(args.key))  # the producer's project or log export
        keys = verifiers_from_log(data)
    else:
        keys, where = load_verifiers(target, args.key)
    try:
        report = verify_proofs(read_proof_text(target), keys)
    except DisclosureError as exc:
        raise VerificationFailed(f"{target.name} does NOT verify: {exc.message}") from None
    from workbench.disclosure.report_model import printable

    for line in describe(report, target.name, where):
        print(printable(line))  # the entries' text came from a file: no terminal controls
    return 0


def cmd_log_prove(args: argparse.Namespace) -> int:
    from workbench.disclosure.tlog.cli_support import prove_to_file

    data, _label = load_log(Path(args.target))
    for line in prove_to_file(data, list(args.entry), Path(args.output)):
        print(line)
    return 0


def cmd_log_show(args: argparse.Namespace) -> int:
    from workbench.disclosure.describe import describe_entries

    data, label = load_log(Path(args.target))
    entries = data.entries()
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    rows = []
    for entry, what in zip(entries, describe_entries(entries), strict=True):
        model = entry.get("model") or {}
        rows.append(
            (
                entry.get("seq"),
                str(entry.get("time", ""))[:19].replace("T", " "),
                entry.get("operator"),
                str(entry.get("schema", "")).removeprefix("workbench."),
                what,
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
        "--against",
        metavar="EXPORT|CHECKPOINT",
        help="also check nothing it vouched for is gone (a log export, or a .tlog-proof or "
        "checkpoint note: Merkle consistency from its signed tree)",
    )
    p.add_argument("--max-problems", type=int, default=20)
    p.add_argument(
        "--key",
        metavar="VKEY|FILE",
        help="for a .tlog-proof: the producer's verifier key, a file holding it, or their "
        "project or log export (default: the .vkey beside the proof)",
    )
    p.set_defaults(func=cmd_log_verify)
    p = log.add_parser("prove", help="prove chosen entries (C2SP tlog-proof)")
    p.add_argument("target", help="PROJECT.wbproj")
    p.add_argument(
        "--entry", nargs="+", required=True, metavar="ID", help="entry ids, id prefixes or seqs"
    )
    p.add_argument("-o", "--output", required=True, help="SHOT.tlog-proof")
    p.set_defaults(func=cmd_log_prove)
    p = log.add_parser("show", help="the log as a table")
    p.add_argument("target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log_show)
    p = log.add_parser("export", help="export the log")
    p.add_argument("target")
    p.add_argument("--format", default="json", help="json, csv, html, pdf, ledger, credits")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_log_export)
