"""``workbench clip``: a clip's own settings — the colour space its footage is in."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def cmd_clip_colourspace(args: argparse.Namespace) -> int:
    from workbench.colour import CONFIG_NAME, offered, shown

    if args.list:
        print(f"colour spaces of {CONFIG_NAME} (scene-referred; any alias works too):")
        for name, space in offered():
            print(f"  {name}" + (f"\t({space})" if name != space else ""))
        print("  source\t(no conversion: the clip's code values go to the models as they are)")
        print("  tags\t(read it from the clip's tags again)")
        return 0
    if not args.project or not args.clip:
        raise _usage("give PROJECT and CLIP (or --list)")
    from workbench.project import Project

    if args.name is None:
        with Project.open(Path(args.project), readonly=True) as project:
            clip = project.clip(args.clip)
            colour = clip.colour
            if args.json:
                print(json.dumps(_colour_json(clip), indent=2))
            else:
                print(f"{clip.id}\t{shown(colour.space)}\t({colour.reason})")
        return 0
    from workbench.editing import set_clip_colour_space

    with Project.open(Path(args.project)) as project:
        clip = set_clip_colour_space(project, project.clip(args.clip).id, args.name)
        print(f"{clip.id}\t{shown(clip.colour.space)}\t({clip.colour.reason})")
    return 0


def _colour_json(clip: Any) -> dict[str, Any]:
    from workbench.colour import CONFIG_NAME, shown

    return {
        "clip": clip.id,
        "colour_space": clip.colour.space,
        "shown": shown(clip.colour.space),
        "origin": clip.colour_origin,
        "reason": clip.colour.reason,
        "config": CONFIG_NAME,
    }


def _usage(message: str) -> Exception:
    from workbench.errors import UsageError

    return UsageError(message, hint="workbench clip colourspace PROJECT CLIP [NAME]")


def register(sub: Any) -> None:
    clip = sub.add_parser("clip", help="a clip's settings (its colour space)").add_subparsers(
        dest="clip_command", metavar="ACTION", required=True
    )
    p = clip.add_parser(
        "colourspace",
        aliases=["colorspace"],
        help="show or set the colour space a clip's footage is in (logged)",
        description="With NAME, set it (ARRI LogC4, S-Log3 S-Gamut3.Cine, ACEScg, Rec.709, "
        "source, … ; 'tags' reads it from the clip's tags again); without, show it. Every edit "
        "of the clip converts from it into its model's working space and back.",
    )
    p.add_argument("project", nargs="?")
    p.add_argument("clip", nargs="?")
    p.add_argument("name", nargs="?", help="a colour space, 'source' or 'tags'")
    p.add_argument("--list", action="store_true", help="the colour spaces a clip can be set to")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clip_colourspace)
