"""``workbench`` commands: Projects and footage: new, info, import, relink, signoff, consent."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def cmd_new(args: argparse.Namespace) -> int:
    from workbench.project import Project

    if args.from_footage:
        from workbench.editing.footage import new_from_footage

        if args.project:
            raise UsageError("give PROJECT or --from-footage, not both (it names the project)")
        path, clips = new_from_footage([Path(f) for f in args.from_footage])
        print(f"created {path}")
        for clip in clips:
            print(f"{clip.id}\t{clip.path}")
        return 0
    if not args.project:
        raise UsageError("new needs PROJECT (or --from-footage FILE…)")
    with Project.create(Path(args.project), args.name) as project:
        print(f"created {project.path} (project {project.id})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from workbench.colour import shown
    from workbench.disclosure.report_model import printable
    from workbench.disclosure.trust import check_signers
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        signers = check_signers(project.log_data(), project.verify())  # and this machine's trust
        info = project.info(signers.report)
        info["signers"] = [s.to_dict() for s in signers.signers]
        info["clip_colour"] = {
            str(c.id): {"space": c.colour.space, "origin": c.colour_origin, "why": c.colour.reason}
            for c in project.clips()
        }
        if args.json:
            print(json.dumps(info, indent=2))
            return 0
        print(f"project   {info['name']}  ({info['path']})")
        print(f"id        {info['id']}")
        print(f"created   {info['created']}   schema {info['schema_version']}")
        print(f"clips     {info['clips']}")
        for clip in project.clips():
            media = clip.media
            size = f"{media.get('width', '?')}x{media.get('height', '?')}"
            colour = f"colour {shown(clip.colour.space)} ({clip.colour_origin})"
            print(
                f"  {clip.id}\t{clip.name}\t{size}\t{media.get('frame_count', '?')} frames"
                f"\t{colour}"
            )
        print(f"edits     {info['edits']}")
        pending = project.edits_pending_signoff()
        for edit in project.edits():
            state = "on " if edit.enabled else "off"
            waiting = "  (awaiting sign-off: workbench signoff)" if edit.id in pending else ""
            print(
                f"  {edit.id}\t[{state}] clip {edit.clip_id} {edit.tool} "
                f"frames {edit.frames[0]}-{edit.frames[1]} model {edit.model_id or '-'}{waiting}"
            )
        print(f"log       {info['log_entries']} entries, {info['checkpoints']} checkpoints")
        print(f"verify    {info['verification']}")
        for signer in signers.signers:
            print(f"signed    {printable(signer.describe())}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.editing import import_clip
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        for media in args.media:
            clip = import_clip(project, Path(media))
            print(f"{clip.id}\t{clip.path}")
    return 0


def cmd_relink(args: argparse.Namespace) -> int:
    from workbench.editing import relink_clip
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        clip = relink_clip(project, project.clip(args.clip).id, Path(args.path))
        print(f"{clip.id}\t{clip.path}")
    return 0


def cmd_signoff(args: argparse.Namespace) -> int:
    from workbench.editing import sign_off
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        edit = sign_off(project, project.edit(args.edit).id, args.note or "")
        print(f"edit {edit.id} ({edit.tool}) signed off by {project.operator}")
    return 0


def _likeness_add(args: argparse.Namespace) -> int:
    from workbench.editing import LikenessRequest, add_likeness_consent
    from workbench.project import Project

    if not args.document:
        raise UsageError(
            "a performer's likeness consent needs --document FILE (the signed release; its "
            "SHA-256 is logged)"
        )
    request = LikenessRequest(
        person=args.person,
        kinds=args.scope,
        document=Path(args.document),
        document_ref=args.document_ref or "",
        production=args.production,
        signed=args.signed,
        expires=args.expires,
    )
    with Project.open(Path(args.project)) as project:
        consent = add_likeness_consent(project, request)
    until = f" until {consent.expires}" if consent.expires else ""
    print(
        f"likeness consent {consent.id}: {consent.person} ({', '.join(consent.kinds)}) for "
        f"{consent.production!r}, signed {consent.signed}{until}"
    )
    return 0


def cmd_consent_add(args: argparse.Namespace) -> int:
    from workbench.editing import ConsentRequest, add_consent
    from workbench.project import Project

    if args.person:
        return _likeness_add(args)
    if not args.subject:
        raise UsageError(
            "consent add needs --subject (who agreed) or --person (a cast member's likeness)"
        )
    request = ConsentRequest(
        subject=args.subject,
        scope=args.scope,
        document_ref=args.document_ref or (Path(args.document).name if args.document else ""),
        document=Path(args.document) if args.document else None,
        expires=args.expires,
    )
    with Project.open(Path(args.project)) as project:
        consent = add_consent(project, request)
        print(f"consent {consent.id}: {consent.subject} ({consent.scope})")
    return 0


def cmd_consent_list(args: argparse.Namespace) -> int:
    from workbench.cli.cast import print_coverage
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        consents = project.consents()
        if args.json:
            # one list, as before performers had consents: each record says its kind
            records = [{**c.__dict__, "kind": "data"} for c in consents]
            records += [
                {**c.record.to_dict(), "kind": "likeness"} for c in project.likeness_consents()
            ]
            print(json.dumps(records, indent=2))
            return 0
        for c in consents:
            until = f" until {c.expires}" if c.expires else ""
            doc = f" [{c.document_ref}]" if c.document_ref else ""
            print(f"{c.id}\t{c.subject}\t{c.scope}{until}{doc}")
        print_coverage(project)
    return 0


def _register_consent(sub: Any) -> None:
    consent = sub.add_parser(
        "consent", help="consent records (releases from the people and owners in the footage)"
    ).add_subparsers(dest="consent_command", metavar="ACTION", required=True)
    p = consent.add_parser("add", help="record a consent (logged; prints its id)")
    p.add_argument("project")
    p.add_argument("--subject", help="who agreed (a person, an owner)")
    p.add_argument(
        "--person",
        metavar="NAME",
        help="a cast member whose likeness the consent is for (then --scope names kinds)",
    )
    p.add_argument(
        "--scope",
        required=True,
        help="what they agreed to; with --person: enhancement,resize,removal,generative or all",
    )
    p.add_argument("--document", metavar="FILE", help="the signed release; its SHA-256 is logged")
    p.add_argument("--document-ref", metavar="REF", help="where the release is filed")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="the last day it holds")
    p.add_argument("--signed", metavar="YYYY-MM-DD", help="with --person: when (default today)")
    p.add_argument("--production", help="with --person: the production (default: the project)")
    p.set_defaults(func=cmd_consent_add)
    p = consent.add_parser("list", help="the project's consent records")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_consent_list)


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create a project")
    p.add_argument("project", nargs="?")
    p.add_argument("--name")
    p.add_argument(
        "--from-footage",
        nargs="+",
        metavar="FILE",
        help="create it beside the footage (named after its folder) and import the files",
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("info", help="clips, edits, log size and verification state")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("import", help="add footage to a project (prints: clip id TAB path)")
    p.add_argument("project")
    p.add_argument("media", nargs="+")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("relink", help="point an offline clip at where its footage is now")
    p.add_argument("project")
    p.add_argument("clip")
    p.add_argument("path")
    p.set_defaults(func=cmd_relink)

    p = sub.add_parser("signoff", help="approve an edit the project policy holds for sign-off")
    p.add_argument("project")
    p.add_argument("edit")
    p.add_argument("--note", help="why it was approved")
    p.set_defaults(func=cmd_signoff)
    _register_consent(sub)
