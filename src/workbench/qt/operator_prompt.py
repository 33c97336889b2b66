"""Who is working: asked once, on the window's first run, instead of taking the login name.

The disclosure log records an operator with every edit, sign-off and render. A login name
(``root``, ``editor2``) says little to a producer, so while no name was chosen
(``WORKBENCH_OPERATOR`` or the settings' ``operator``), the window asks at start and keeps the
answer in the settings, where Edit ▸ Preferences changes it. Declining keeps the login name for
this session, and the window asks again next time.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget


def operator_text() -> str:
    """The status bar's words: the operator, and how to set one while none was chosen."""
    from workbench.config import configured_operator, login_name

    chosen = configured_operator()
    if chosen is not None:
        return f"Operator: {chosen}"
    return f"Operator: {login_name()} (your login — set your name in Edit ▸ Preferences)"


def ask_operator_if_unset(parent: QWidget | None) -> str | None:
    """Ask for the operator's name when none was chosen; the name saved, or None."""
    from workbench.config import configured_operator, load_settings, login_name, save_settings

    if configured_operator() is not None:
        return None
    name, ok = QInputDialog.getText(
        parent,
        "Who is working?",
        "Your name, as the disclosure log records it with every edit, sign-off and render\n"
        "(Edit ▸ Preferences changes it later):",
        text=login_name(),
    )
    name = name.strip()
    if not ok or not name:
        return None
    settings = load_settings()
    settings["operator"] = name
    save_settings(settings)
    return name
