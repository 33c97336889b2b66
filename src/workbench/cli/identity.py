"""``workbench`` commands: The signing identity and Content Credentials."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.editing.operations import load_log
from workbench.errors import VerificationFailed


def cmd_identity_init(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import init_identity

    identity = init_identity(args.name, force=args.force, timestamp_url=args.timestamp_url)
    info = identity.describe()
    print(f"created a studio CA and signing certificate for {info['subject']}")
    print(f"  trust anchor (give this to whoever checks your files): {info['trust_anchor']}")
    return 0


def cmd_identity_import(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import import_identity

    identity = import_identity(
        Path(args.cert), Path(args.key), force=args.force, timestamp_url=args.timestamp_url
    )
    print(f"imported {identity.subject} ({identity.algorithm}), issued by {identity.issuer}")
    return 0


def cmd_identity_show(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import load_identity

    info = load_identity().describe()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for key, value in info.items():
        print(f"{key:<14}{'-' if value is None else value}")
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    from workbench.disclosure.credentials import match_log, read_credentials
    from workbench.disclosure.report_model import printable

    report = read_credentials(Path(args.file), Path(args.trust) if args.trust else None)
    print(f"{printable(report.path.name)}: {printable(report.label)}")
    where = "embedded" if report.embedded else f"sidecar {report.manifest_path}"
    signer = report.signer
    print(
        f"  credentials  {where}; signed by {printable(signer.get('common_name', '?'))}"
        f" (issuer {printable(signer.get('issuer', '?'))})"
    )
    disclosure = report.disclosure or {}
    if disclosure:
        cp = disclosure.get("checkpoint") or {}
        state = {True: "signature ok", False: "BAD signature", None: "not checkable"}
        print(f"  project      {printable((disclosure.get('project') or {}).get('id'))}")
        print(
            f"  checkpoint   {cp.get('tree_size')} entries, head {str(cp.get('head'))[:16]}…, "
            f"{state[report.checkpoint_valid]}"
        )
    print(f"  AI edits     {len(report.ai_actions)}")
    for action in report.ai_actions:
        source = str(action.digital_source_type or "").rsplit("/", 1)[-1]
        print(f"    {action.action:<15} {source:<24} {printable(action.description or '')}")
    if report.changed_frames:
        print(f"  changed frames: {', '.join(report.changed_frames)}")
    problems: list[str] = []
    if args.project:
        data, label = load_log(Path(args.project))
        problems = match_log(report, data)
        if problems:
            for problem in problems:
                print(f"  mismatch: {printable(problem)}", file=sys.stderr)
        else:
            print(f"  matches the log of {printable(label)}")
    if not report.ok:
        raise VerificationFailed(f"{report.path.name}: {report.label}")
    if problems:
        raise VerificationFailed(f"{report.path.name} does not match {args.project}")
    return 0


def register(sub: Any) -> None:
    ident = sub.add_parser("identity", help="the signing identity for Content Credentials")
    ident_sub = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    p = ident_sub.add_parser("init", help="make a local studio CA and signing certificate")
    p.add_argument("--name", default="Workbench Studio", help="organisation name")
    p.add_argument("--force", action="store_true", help="replace an existing identity")
    p.add_argument("--timestamp-url", help="an RFC 3161 timestamp authority (optional)")
    p.set_defaults(func=cmd_identity_init)
    p = ident_sub.add_parser("import", help="use your organisation's certificate and key")
    p.add_argument("cert", help="PEM: the signing certificate first, then its issuers")
    p.add_argument("key", help="PEM: its private key (unencrypted)")
    p.add_argument("--force", action="store_true", help="replace an existing identity")
    p.add_argument("--timestamp-url", help="an RFC 3161 timestamp authority (optional)")
    p.set_defaults(func=cmd_identity_import)
    p = ident_sub.add_parser("show", help="the current signing identity")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_identity_show)

    p = sub.add_parser("credentials", help="check a file's Content Credentials (C2PA)")
    p.add_argument("file", help="a signed render (MOV, MP4, PNG, JPEG, TIFF; EXR/DPX sidecar)")
    p.add_argument("--trust", metavar="CA.pem", help="trust anchor, e.g. your studio CA")
    p.add_argument("--project", metavar="PROJECT", help="check the edits against this log")
    p.set_defaults(func=cmd_credentials)
