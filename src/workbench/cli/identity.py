"""``workbench`` commands: The signing identity, Content Credentials, and the log-signing keys
this machine signs with and trusts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.editing.operations import load_log
from workbench.errors import UsageError, VerificationFailed


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


def cmd_identity_rotate(args: argparse.Namespace) -> int:
    from workbench.disclosure.keys import fingerprint, rotate_signing_key
    from workbench.project import Project

    old, new = rotate_signing_key()
    print(f"this machine now signs with key {fingerprint(new.key_id)}")
    print(f"  the previous key {fingerprint(old.key_id)} is kept to hand projects over")
    for path in args.projects:
        with Project.open(Path(path), key=new) as project:
            with project.transaction():
                pass  # the transaction writes the hand-over entry when the project needs one
            handed = any(k.key_id == new.key_id for k in project.log.key_rows())
        state = "handed over (key-rotation entry signed by the previous key)"
        print(f"  {printable_name(path)}: {state if handed else 'not signed by the previous key'}")
    return 0


def printable_name(value: object) -> str:
    from workbench.disclosure.report_model import printable

    return printable(value)


def _keys_to_trust(source: str) -> tuple[list[str], str | None]:
    """The public keys named by ``source`` (a key, a key file, or an export), and a name."""
    from workbench.disclosure.export import is_export_file, read_export_file
    from workbench.disclosure.keys import public_key_from_bytes, public_key_from_text
    from workbench.disclosure.verify import verify_rows

    path = Path(source)
    if path.is_file():
        if is_export_file(path):
            data = read_export_file(path)
            report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
            if not report.ok:
                raise UsageError(f"{path.name} does not verify: {report.first}")
            signers = report.signers
            names = sorted({o for s in signers for o in s.operators})
            return [s.public_key for s in signers], ", ".join(names) or None
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        key = public_key_from_bytes(content) or public_key_from_text(
            content.decode("ascii", "replace")
        )
        if key is None:
            raise UsageError(f"{path.name} holds no Ed25519 public key (PEM, raw, hex or base64)")
        return [key], None
    key = public_key_from_text(source)
    if key is None:
        raise UsageError(
            f"{source!r} is neither a file nor an Ed25519 public key (64 hex digits or base64)"
        )
    return [key], None


def cmd_identity_trust(args: argparse.Namespace) -> int:
    from workbench.disclosure.keys import fingerprint
    from workbench.disclosure.trust import TrustStore

    keys, name = _keys_to_trust(args.key)
    store = TrustStore.load()
    scope = f"project {args.project_id}" if args.project_id else "every project"
    for key in keys:
        key_id = store.trust(key, name=args.name or name, project_id=args.project_id)
        label = f" ({printable_name(args.name or name)})" if (args.name or name) else ""
        print(f"trusted key {fingerprint(key_id)}{label} for {scope}")
    store.save()
    return 0


def cmd_identity_trusted(args: argparse.Namespace) -> int:
    from workbench.cli.common import print_table
    from workbench.disclosure.keys import fingerprint
    from workbench.disclosure.trust import TrustStore

    store = TrustStore.load()
    if args.json:
        print(json.dumps(store.data, indent=2, ensure_ascii=False))
        return 0
    rows: list[tuple[str, ...]] = []
    for item in store.trusted(None).values():
        rows.append(
            (
                fingerprint(str(item.get("key_id"))),
                printable_name(item.get("name") or "-"),
                "every project",
                "trusted by hand",
                str(item.get("added", ""))[:10],
            )
        )
    for item in store.data["trusted"]:
        if isinstance(item, dict) and item.get("project") is not None:
            rows.append(
                (
                    fingerprint(str(item.get("key_id"))),
                    printable_name(item.get("name") or "-"),
                    f"project {item['project']}",
                    "trusted by hand",
                    str(item.get("added", ""))[:10],
                )
            )
    for project_id, record in sorted(store.data["projects"].items()):
        for key_id, seen in store.seen(project_id).items():
            who = ", ".join(seen.get("operators") or []) or "-"
            rows.append(
                (
                    fingerprint(key_id),
                    printable_name(who),
                    f"project {printable_name(record.get('name', project_id))} ({project_id})",
                    str(seen.get("how", "first use")),
                    str(seen.get("seen", ""))[:10],
                )
            )
    if not rows:
        print("no keys trusted or seen yet on this machine")
        return 0
    print_table(rows, ("key", "name", "for", "how", "since"))
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    from workbench.disclosure.credentials import match_log, read_credentials
    from workbench.disclosure.credentials.manifest import shot_words
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
        shot = shot_words((disclosure.get("delivery") or {}).get("shot"))
        if shot:
            print(f"  delivers     {printable(shot)}")
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
    ident = sub.add_parser(
        "identity", help="signing: Content Credentials identity, log-signing keys and trust"
    )
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
    _register_log_keys(ident_sub)

    p = sub.add_parser("credentials", help="check a file's Content Credentials (C2PA)")
    p.add_argument("file", help="a signed render (MOV, MP4, PNG, JPEG, TIFF; EXR/DPX sidecar)")
    p.add_argument("--trust", metavar="CA.pem", help="trust anchor, e.g. your studio CA")
    p.add_argument("--project", metavar="PROJECT", help="check the edits against this log")
    p.set_defaults(func=cmd_credentials)


ROTATE_HELP = """\
Make a new key for signing disclosure logs on this machine and hand projects over to it.

Each machine that has verified a project remembers the key that signed it and refuses the
project if it is suddenly signed by another key. Rotating says so in the log: each PROJECT
named here gets a key-rotation entry signed by the previous key and introducing the new one,
so those machines accept the change. The previous key is kept (keys/retired/ in the config
folder): a project not named here is handed over the same way the next time you change it on
this machine. Projects signed by someone else's key are left as they are.
"""

TRUST_HELP = """\
Trust a studio's known public key, so projects it signs verify as "signed by NAME (trusted)".

KEY is an Ed25519 public key (64 hex digits or base64), or a FILE: a PEM or raw 32-byte key,
or a log export (*.json) whose signing keys are taken (it must verify). With --project-id
the key is trusted for that project only; this is also how to accept a project whose signer
changed without a key-rotation entry, once you have confirmed the new key with its studio.
"""


def _register_log_keys(ident_sub: Any) -> None:
    p = ident_sub.add_parser(
        "rotate",
        help="new log-signing key for this machine; hand projects over to it",
        description=ROTATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("projects", nargs="*", metavar="PROJECT", help="projects to hand over now")
    p.set_defaults(func=cmd_identity_rotate)
    p = ident_sub.add_parser(
        "trust",
        help="trust a studio's log-signing key (KEY or FILE)",
        description=TRUST_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("key", metavar="KEY|FILE")
    p.add_argument("--project-id", metavar="ID", help="trust it for this project only")
    p.add_argument("--name", help="who the key belongs to (shown when it signs)")
    p.set_defaults(func=cmd_identity_trust)
    p = ident_sub.add_parser(
        "trusted", help="the log-signing keys this machine trusts, and those it has seen"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_identity_trusted)
