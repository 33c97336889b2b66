"""``workbench`` commands: The edit stack: tools list, apply, and edit remove|disable|enable|undo."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def cmd_tools_list(args: argparse.Namespace) -> int:
    from workbench.tools.registry import all_tools

    for tool in all_tools():
        c = tool.classification
        print(f"{tool.id}  ({tool.name}, v{tool.version}) — {tool.description}")
        print(f"    disclosed as {c.c2pa_action}, {c.digital_source_type}, {c.nature}")
        for param in tool.all_params():
            print(f"    --param {param.describe()}")
    return 0


def _raw_params(items: list[str]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param takes KEY=VALUE; got {item!r}")
        raw[key.strip()] = value.strip()
    return raw


def _region(args: argparse.Namespace) -> tuple[dict[str, Any] | None, Path | None]:
    from workbench.editing import parse_rect

    if args.region and args.mask:
        raise UsageError("give --region or --mask, not both")
    if args.region:
        return parse_rect(args.region), None
    if args.mask:
        return {"kind": "mask"}, Path(args.mask)
    return None, None


def cmd_apply(args: argparse.Namespace) -> int:
    from workbench.editing import ApplyEdit, EditRequest, parse_frames, plan_edit
    from workbench.project import Project

    region, mask = _region(args)
    with Project.open(Path(args.project)) as project:
        clip = project.clip(args.clip)
        request = EditRequest(
            clip_id=clip.id,
            tool=args.tool,
            parameters=_raw_params(args.param),
            model=args.model,
            frames=parse_frames(args.frames),
            region=region,
            mask=mask,
            provider=args.provider,
        )
        planned = plan_edit(project, request)
        command = ApplyEdit(planned)
        command.do(project)
        edit = project.edit(command.ref.require())
        ran = f", {planned.provider}" if planned.provider else ""
        ran += f", {planned.variant} file" if planned.variant else ""
        print(
            f"edit {edit.id}: {edit.tool} on clip {clip.id} frames {edit.frames[0]}-"
            f"{edit.frames[1]} with {edit.model_id}{ran} (log entry {edit.log_entry})"
        )
    return 0


def add_provider_argument(parser: Any) -> None:
    """``--provider NAME``: one execution provider for every model of the command."""
    parser.add_argument(
        "--provider",
        metavar="NAME",
        help="run the models on this provider only: cpu, openvino, cuda, directml, coreml "
        "(those installed here; default: the fastest measured here, see the README)",
    )


def _edit_label(edit: Any) -> str:
    return f"edit {edit.id} ({edit.tool}, clip {edit.clip_id}, frames {edit.frames[0]}-{edit.frames[1]})"


def cmd_edit_list(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        clip_id = project.clip(args.clip).id if args.clip else None
        for edit in project.edits(clip_id):
            state = "on " if edit.enabled else "off"
            print(f"{edit.id}\t[{state}] {_edit_label(edit)}\t{edit.model_id or '-'}")
    return 0


def cmd_edit_remove(args: argparse.Namespace) -> int:
    from workbench.editing import EditRef, RemoveEdit
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        edit = project.edit(args.edit)
        RemoveEdit.of(project, EditRef(edit.id)).do(project)
        print(f"removed {_edit_label(edit)}")
    return 0


def cmd_edit_toggle(args: argparse.Namespace) -> int:
    from workbench.editing import EditRef, ToggleEdit
    from workbench.project import Project

    enabled = args.edit_command == "enable"
    with Project.open(Path(args.project)) as project:
        edit = project.edit(args.edit)
        ToggleEdit(EditRef(edit.id), enabled, edit.tool).do(project)
        print(f"{'enabled' if enabled else 'disabled'} {_edit_label(edit)}")
    return 0


def cmd_edit_undo(args: argparse.Namespace) -> int:
    from workbench.editing import undo_last_change
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        clip_id = project.clip(args.clip).id if args.clip else None
        print(undo_last_change(project, clip_id))
    return 0


def _register_edit(sub: Any) -> None:
    edit = sub.add_parser(
        "edit", help="change the edit stack: list, remove, disable, enable, undo"
    ).add_subparsers(dest="edit_command", metavar="ACTION", required=True)
    p = edit.add_parser("list", help="every edit in the stack (prints: id TAB state and what)")
    p.add_argument("project")
    p.add_argument("--clip", help="only this clip's edits")
    p.set_defaults(func=cmd_edit_list)
    p = edit.add_parser("remove", help="take an edit out of the stack (logged as a revert)")
    p.add_argument("project")
    p.add_argument("edit")
    p.set_defaults(func=cmd_edit_remove)
    for action, what in (("disable", "switch an edit off"), ("enable", "switch it on again")):
        p = edit.add_parser(action, help=f"{what} (it stays in the stack; logged)")
        p.add_argument("project")
        p.add_argument("edit")
        p.set_defaults(func=cmd_edit_toggle)
    p = edit.add_parser(
        "undo",
        help="reverse the newest change to the edit stack (an add, a removal or a toggle); "
        "run again, it reverses that undo",
    )
    p.add_argument("project")
    p.add_argument("--clip", help="only changes to this clip's edits")
    p.set_defaults(func=cmd_edit_undo)


def register(sub: Any) -> None:
    tools = sub.add_parser("tools", help="the augmentative tools").add_subparsers(
        dest="tools_command", metavar="ACTION", required=True
    )
    p = tools.add_parser("list", help="every tool with its parameters")
    p.set_defaults(func=cmd_tools_list)

    p = sub.add_parser("apply", help="add an edit (and its log entry) to a clip")
    p.add_argument("project")
    p.add_argument("clip")
    p.add_argument("--tool", required=True)
    p.add_argument("--model", help="model id or SHA-256 (default: the tool's shipped model)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--frames", metavar="A-B", help="frame range (default: the whole clip)")
    p.add_argument(
        "--region", metavar="X,Y,W,H", help="a rectangle; pixels outside stay as they are"
    )
    p.add_argument("--mask", metavar="FILE", help="a mask image; white = edit, black = keep")
    add_provider_argument(p)
    p.set_defaults(func=cmd_apply)
    _register_edit(sub)
