"""``workbench recipe``: named stacks of tools — save, list, show, apply to many shots."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def _steps(args: argparse.Namespace, project: Any) -> tuple[list[Any], str]:
    from workbench.conform.recipes import parse_step, steps_from_clip, steps_from_json

    given = [x for x in (args.from_clip, args.spec, args.step or None) if x]
    if len(given) != 1:
        raise UsageError("save a recipe from one of --from-clip ID, --spec FILE.json or --step …")
    if args.from_clip:
        clip = project.clip(args.from_clip)
        return steps_from_clip(project, clip.id), f"clip {clip.id}"
    if args.spec:
        return steps_from_json(Path(args.spec)), f"spec {Path(args.spec).name}"
    return [parse_step(s) for s in args.step], "spec (command line)"


def cmd_save(args: argparse.Namespace) -> int:
    from workbench.conform.recipes import save_recipe
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        steps, source = _steps(args, project)
        recipe = save_recipe(project, args.name, steps, source)
    tools = ", ".join(s.tool for s in recipe.steps)
    print(f"recipe {recipe.name!r} v{recipe.version}: {tools} (from {recipe.source})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.cli.common import print_table
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        recipes = project.recipes()
    rows = [
        (r.name, r.version, ", ".join(s.tool for s in r.steps), r.source, r.created)
        for r in recipes
    ]
    print_table(rows, ("name", "version", "tools", "from", "saved"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        recipe = project.recipe(args.name, args.version)
    if args.json:
        print(
            json.dumps(
                {
                    "name": recipe.name,
                    "version": recipe.version,
                    "steps": [s.to_dict() for s in recipe.steps],
                },
                indent=1,
            )
        )
        return 0
    print(f"recipe {recipe.name!r} v{recipe.version} (from {recipe.source}, {recipe.created})")
    for n, step in enumerate(recipe.steps, 1):
        params = " ".join(f"{k}={json.dumps(v)}" for k, v in sorted(step.parameters.items()))
        model = f" model={step.model}" if step.model else ""
        region = "" if step.region.kind == "full" else f" region={step.region.to_dict()}"
        print(f"  {n}. {step.tool} {params}{model}{region}".rstrip())
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from workbench.conform.recipes import apply_recipe, select_shots
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        recipe = project.recipe(args.name, args.version)
        shots = select_shots(project, args.shots, int(args.sequence) if args.sequence else None)
        results = apply_recipe(project, recipe, shots)
    for done in results:
        edits = ",".join(str(e) for e in done.edits) or "-"
        notes = "; ".join(done.notes)
        print(f"{done.shot.id}\tedits {edits}" + (f"\t{notes}" if notes else ""))
    return 0


def register(sub: Any) -> None:
    recipe = sub.add_parser("recipe", help="named stacks of tools, applied to many shots")
    commands = recipe.add_subparsers(dest="recipe_command", metavar="COMMAND", required=True)

    p = commands.add_parser("save", help="save a recipe (a name saved again: a new version)")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--from-clip", metavar="ID", help="the enabled edits of this clip, in order")
    p.add_argument(
        "--spec", metavar="FILE", help="a JSON list of {tool, parameters, model, region}"
    )
    p.add_argument(
        "--step",
        action="append",
        default=[],
        metavar="'TOOL key=value …'",
        help="one tool and its parameters (repeat, in order); model=ID, region=X,Y,W,H",
    )
    p.set_defaults(func=cmd_save)

    p = commands.add_parser("list", help="the saved recipes (latest version of each)")
    p.add_argument("project")
    p.set_defaults(func=cmd_list)

    p = commands.add_parser("show", help="a recipe's steps")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--version", type=int)
    p.add_argument("--json", action="store_true", help="as a spec --spec reads back")
    p.set_defaults(func=cmd_show)

    p = commands.add_parser("apply", help="apply a recipe to shots: ordinary, undoable edits")
    p.add_argument("project")
    p.add_argument("name")
    p.add_argument("--shots", required=True, help="all, 1,4-9 or reel:A001 (comma-joined)")
    p.add_argument("--sequence", help="which sequence (default: the last imported)")
    p.add_argument("--version", type=int, help="an older version of the recipe")
    p.set_defaults(func=cmd_apply)
