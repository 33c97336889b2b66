"""``workbench cast`` and ``workbench shot``: the performers, and who appears in which shot.

``workbench consent add --person NAME`` (in :mod:`workbench.cli.project`) records a performer's
likeness consent; ``consent list`` shows, for each performer, what their consents cover and
what the edits over their shots need (:func:`print_coverage`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def cmd_cast_add(args: argparse.Namespace) -> int:
    from workbench.conform.cast import add_cast_member
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        member = add_cast_member(project, args.name, args.role or "")
    print(f"{member.id}\t{member.name}" + (f"\t{member.role}" if member.role else ""))
    return 0


def cmd_cast_list(args: argparse.Namespace) -> int:
    from workbench.cli.common import print_table
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        members = project.cast()
        tags = project.shot_cast()
        consents = project.likeness_consents()
    rows = []
    out = []
    for m in members:
        shots = [t.shot_id for t in tags if t.cast_id == m.id]
        kinds = sorted({k for c in consents if c.cast_id == m.id for k in c.kinds})
        out.append({"id": m.id, "name": m.name, "role": m.role, "shots": shots, "consent": kinds})
        rows.append(
            (m.id, m.name, m.role, ",".join(map(str, shots)) or "-", ",".join(kinds) or "none")
        )
    if args.json:
        print(json.dumps(out, indent=2))
    elif not members:
        print("no cast yet (workbench cast add PROJECT NAME)")
    else:
        print_table(rows, ("id", "name", "role", "shots", "consent covers"))
    return 0


def cmd_shot_tag(args: argparse.Namespace) -> int:
    from workbench.conform.cast import tag_shots
    from workbench.conform.recipes import select_shots
    from workbench.project import Project

    untag = args.shot_command == "untag"
    with Project.open(Path(args.project)) as project:
        shots = select_shots(project, args.shots, int(args.sequence) if args.sequence else None)
        done = tag_shots(project, shots, args.cast, untag=untag, note=args.note or "")
    for tagged in done:
        verb = "untagged from" if untag else "tagged on"
        ids = ", ".join(str(s) for s in tagged.shots)
        print(f"{tagged.member.name}\t{verb} shot(s) {ids or '(none changed)'}")
    return 0


def print_coverage(project: Any) -> None:
    """Each performer's consents and what the edits over their shots need
    (``conform.cast.coverage_lines``); a count of what is missing on stderr."""
    from workbench.conform.cast import coverage_lines

    lines, missing = coverage_lines(project)
    for line in lines:
        print(line)
    if missing:
        print(
            f"{missing} alteration(s) lack a performer's consent: apply and render refuse them",
            file=sys.stderr,
        )


def register(sub: Any) -> None:
    cast = sub.add_parser("cast", help="the performers in the film").add_subparsers(
        dest="cast_command", metavar="ACTION", required=True
    )
    p = cast.add_parser("add", help="add a performer to the cast (logged)")
    p.add_argument("project")
    p.add_argument("name", help="the performer's name")
    p.add_argument("--role", help="the part they play")
    p.set_defaults(func=cmd_cast_add)
    p = cast.add_parser("list", help="the cast, the shots each is in, what their consent covers")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cast_list)

    shot = sub.add_parser("shot", help="a sequence's shots: who appears in them").add_subparsers(
        dest="shot_command", metavar="ACTION", required=True
    )
    for action, text in (
        ("tag", "tag shots with the performers who appear in them (logged)"),
        ("untag", "take a performer's tag off shots (logged)"),
    ):
        p = shot.add_parser(action, help=text)
        p.add_argument("project")
        p.add_argument("shots", help="all, 1,4-9 or reel:A001")
        p.add_argument(
            "--cast", action="append", required=True, metavar="NAME", help="a cast member (again)"
        )
        p.add_argument("--sequence", help="which sequence (default: the last imported)")
        p.add_argument("--note", help="why, for the log")
        p.set_defaults(func=cmd_shot_tag)


__all__ = ["print_coverage", "register"]
