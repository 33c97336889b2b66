"""``workbench``: the headless entry point. The same core calls as the GUI, for batches.

Errors a user can act on (:class:`~workbench.errors.WorkbenchError`) print ``error: …`` and exit
with the error's code; anything else is a bug and prints a short notice (the traceback with
``--debug``). Exit codes: 0 ok, 1 verification failed, 2 usage, 3 project, 4 locked, 5 policy,
6 model, 7 disclosure, 8 storage, 130 cancelled.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence

from workbench import __version__
from workbench.errors import WorkbenchError

Handler = Callable[[argparse.Namespace], int]
GROUPS = (
    "project", "clip", "edit", "render", "preview", "farm", "conform", "recipe", "cast", "policy",
    "log", "models",
    "identity", "app",
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Augmentative AI tools for footage, with a tamper-evident disclosure log.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        importlib.import_module(f"workbench.cli.{group}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if argv is None and len(sys.argv) <= 1:
            from workbench.cli.app import cmd_gui

            args.func = cmd_gui  # plain `workbench`: the desktop app
        else:
            parser.print_help()
            return 0
    handler: Handler = args.func
    from workbench.cli.terminal import safe_streams

    with safe_streams():
        return _run(handler, args)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    """The command's exit code; errors a user can act on print ``error: …`` and their code."""
    from workbench.cli.operator_note import note_operator

    note_operator(handler)  # a writing command says whom the log records, if nobody chose
    try:
        return handler(args)
    except WorkbenchError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # Damage that only shows when a page is read (quick_check passed on open).
        if args.debug:
            traceback.print_exc()
        print(f"error: the project file is damaged: {exc}", file=sys.stderr)
        print(
            "  hint: open the most recent backup (*.backup.wbproj) or an exported log",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141  # a pipe closed under a write that SafeStream did not see: as SIGPIPE would
    except Exception:
        if args.debug:
            traceback.print_exc()
        else:
            print(
                "error: an internal error occurred (this is a bug in Workbench); "
                "run again with --debug for details",
                file=sys.stderr,
            )
        return 70

