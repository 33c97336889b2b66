"""The command line never asks who is working (it runs in scripts and on farms): the operator is
``WORKBENCH_OPERATOR`` or the settings' ``operator``, else the login name — and a command that
writes the log says so, with how to set a name, while nobody chose one."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

#: The commands that append to a project's log under the operator's name.
WRITING = frozenset(
    {
        "cmd_new",
        "cmd_import",
        "cmd_apply",
        "cmd_render",
        "cmd_relink",
        "cmd_signoff",
        "cmd_edit_remove",
        "cmd_edit_toggle",
        "cmd_edit_undo",
        "cmd_policy_set",
        "cmd_consent_add",
        "cmd_cast_add",
        "cmd_shot_tag",
    }
)


def note_operator(handler: Callable[..., Any]) -> None:
    from workbench.config import configured_operator, login_name, settings_path

    if getattr(handler, "__name__", "") not in WRITING or configured_operator() is not None:
        return
    print(
        f"note: the log records the operator as {login_name()!r} (your login name); to record "
        f'your name, set WORKBENCH_OPERATOR="Your Name" or "operator" in {settings_path()}',
        file=sys.stderr,
    )
