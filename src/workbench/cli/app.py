"""``workbench`` commands: The desktop app and the demo."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.edit import add_provider_argument
from workbench.errors import UsageError


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import run_demo

    run_demo(Path(args.output), provider=args.provider)
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
    size = parse_size(args.size) if args.size else None
    return int(_qt_app().run(project, screenshot=screenshot, mode=args.viewer_mode, size=size))


def parse_size(text: str) -> tuple[int, int]:
    """``1280x720`` as (1280, 720)."""
    width, sep, height = text.lower().replace("×", "x").partition("x")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise UsageError(f"--size takes WIDTHxHEIGHT in pixels, e.g. 1280x720; got {text!r}")
    size = (int(width), int(height))
    if not (200 <= size[0] <= 16384 and 200 <= size[1] <= 16384):
        raise UsageError(f"--size {text}: each side must be between 200 and 16384 pixels")
    return size


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="build and check the sample project")
    p.add_argument("-o", "--output", default="demo-output", help="folder for the demo's files")
    add_provider_argument(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("open", help="open a project in the desktop app")
    p.add_argument("project")
    p.add_argument(
        "--screenshot", metavar="FILE", help="save a screenshot of the window once drawn, then exit"
    )
    p.add_argument(
        "--size",
        metavar="WxH",
        help="the window's size in pixels, e.g. 1280x720 (a screenshot's default: 1600x1000)",
    )
    p.add_argument(
        "--viewer-mode",
        choices=["original", "result", "split", "side", "difference"],
        help="the viewer mode to show",
    )
    p.set_defaults(func=cmd_open)
