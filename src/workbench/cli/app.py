"""``workbench`` commands: The desktop app and the demo."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import run_demo

    run_demo(Path(args.output))
    return 0


def _qt_app() -> Any:
    """The desktop app's module, loaded only here: the CLI itself never imports Qt (and
    ``workbench.qt`` sits above the CLI in the layers, so it is looked up by name)."""
    import importlib

    return importlib.import_module("workbench.qt.app")


def cmd_gui(args: argparse.Namespace) -> int:
    return int(_qt_app().run())


def cmd_open(args: argparse.Namespace) -> int:
    project = Path(args.project)
    if not project.exists():
        raise UsageError(f"no project at {project}")
    screenshot = Path(args.screenshot) if args.screenshot else None
    return int(_qt_app().run(project, screenshot=screenshot, mode=args.viewer_mode))


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="build and check the sample project")
    p.add_argument("-o", "--output", default="demo-output", help="folder for the demo's files")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("open", help="open a project in the desktop app")
    p.add_argument("project")
    p.add_argument(
        "--screenshot", metavar="FILE", help="save a screenshot of the window once drawn, then exit"
    )
    p.add_argument(
        "--viewer-mode",
        choices=["original", "result", "split", "side", "difference"],
        help="the viewer mode to show",
    )
    p.set_defaults(func=cmd_open)
