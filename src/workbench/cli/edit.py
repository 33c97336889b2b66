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
        synthesis = f", {c.synthesis}" if c.synthesis else ""
        print(f"    disclosed as {c.c2pa_action}, {c.digital_source_type}, {c.nature}{synthesis}")
        if not tool.uses_model:
            print("    runs no model")
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


def _keyframes(args: argparse.Namespace) -> list[Any] | None:
    from workbench.editing import parse_region_keys, read_region_keys

    given = [o for o in ("region", "mask", "region_keys", "region_keys_file") if getattr(args, o)]
    if len(given) > 1:
        names = " and ".join("--" + o.replace("_", "-") for o in given)
        raise UsageError(f"give one region, not {names}")
    if args.track and not (args.region_keys or args.region_keys_file):
        raise UsageError(
            "--track follows keyframed regions: give --region-keys or --region-keys-file",
            hint="e.g. --region-keys '0:40,30,64,48;47:180,96,64,48' --track",
        )
    if args.region_keys:
        return parse_region_keys(args.region_keys)
    if args.region_keys_file:
        return read_region_keys(Path(args.region_keys_file))
    return None


def cmd_apply(args: argparse.Namespace) -> int:
    from workbench.editing import (
        ApplyEdit,
        EditRequest,
        TrackRequest,
        parse_frames,
        plan_edit,
        track_region,
    )
    from workbench.progress import TerminalProgress
    from workbench.project import Project

    keys = _keyframes(args)
    region, mask = _region(args)
    with Project.open(Path(args.project)) as project:
        clip = project.clip(args.clip)
        frames = parse_frames(args.frames)
        track = None
        if keys is not None:
            asked = TrackRequest(clip.id, keys, frames, follow=bool(args.track))
            track = track_region(project, asked, TerminalProgress())
            frames = track.frames
        request = EditRequest(
            clip_id=clip.id,
            tool=args.tool,
            parameters=_raw_params(args.param),
            model=args.model,
            frames=frames,
            region=region,
            mask=mask,
            track=track,
            provider=args.provider,
        )
        planned = plan_edit(project, request)
        command = ApplyEdit(planned)
        command.do(project)
        edit = project.edit(command.ref.require())
        synthesis = command.planned.tool.classification.synthesis
        made = f"with {edit.model_id}" if edit.model_id else "with no model"
        made += f" ({synthesis})" if synthesis else ""
        made += f", {planned.provider}" if planned.provider and edit.model_id else ""
        made += f", {planned.variant} file" if planned.variant else ""
        print(
            f"edit {edit.id}: {edit.tool} on clip {clip.id} frames {edit.frames[0]}-"
            f"{edit.frames[1]} {made} (log entry {edit.log_entry})"
        )
        if track is not None:
            how = "tracked" if args.track else "interpolated"
            print(f"region {how} from keyframes {list(track.keyframe_frames)}: track {track.sha256}")
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


def cmd_edit_move(args: argparse.Namespace) -> int:
    from workbench.editing import EditRef, MoveEdit
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        edit = project.edit(args.edit)
        stack = [e.id for e in project.edits(edit.clip_id)]
        place = stack.index(edit.id) + 1 if edit.id in stack else 0
        to_place = args.to if args.to is not None else place + (1 if args.up else -1)
        command = MoveEdit.of(project, EditRef(edit.id), to_place)
        command.do(project)
        order = ", ".join(str(e.id) for e in project.edits(edit.clip_id))
        print(f"moved {_edit_label(edit)} from #{place} to #{to_place}; stack now: {order}")
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
        "edit", help="change the edit stack: list, remove, disable, enable, move, undo"
    ).add_subparsers(dest="edit_command", metavar="ACTION", required=True)
    p = edit.add_parser(
        "list", help="every edit in the stack, in the order they run (prints: id TAB state and what)"
    )
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
        "move",
        help="move an edit in its clip's stack (#1 runs first); logged, and undone by edit undo",
    )
    p.add_argument("project")
    p.add_argument("edit")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=int, metavar="N", help="its new place, #1 to #N")
    where.add_argument("--up", action="store_true", help="one place up (runs later)")
    where.add_argument("--down", action="store_true", help="one place down (runs earlier)")
    p.set_defaults(func=cmd_edit_move)
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
    p.add_argument(
        "--region-keys",
        metavar="F:X,Y,W,H;…",
        help="a rectangle keyframed at frames F (quote the list): with --track it follows the "
        "picture between them, else it moves in straight lines",
    )
    p.add_argument(
        "--region-keys-file",
        metavar="FILE",
        help='keyframes as JSON: {"keyframes": [{"frame": 0, "x": …, "y": …, "w": …, "h": …} '
        'or {"frame": 0, "mask": "mask.png"}, …]}',
    )
    p.add_argument(
        "--track",
        action="store_true",
        help="follow the keyframed region by optical flow (the track is stored in the project "
        "and its SHA-256 logged)",
    )
    add_provider_argument(p)
    p.set_defaults(func=cmd_apply)
    _register_edit(sub)
