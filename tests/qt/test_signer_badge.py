"""The log panel's badge names who signed the log, and goes red when the signer changed."""

from __future__ import annotations

from qt.qt_helpers import find


def test_badge_names_the_signer(project_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = project_window.panels.log
    qtbot.waitUntil(lambda: panel.verified is True, timeout=15000)
    text = find(project_window, "logVerifyBadge").toolTip()
    assert "log verifies" in text
    assert "signed by Test Operator (key " in text


def test_badge_is_red_when_the_signer_changed(  # type: ignore[no-untyped-def]
    project_window, qtbot, tmp_path
) -> None:
    from disclosure.test_signer import resign
    from workbench.disclosure.keys import SigningKey

    panel = project_window.panels.log
    qtbot.waitUntil(lambda: panel.verified is True, timeout=15000)  # first seen: remembered
    path = project_window.controller.session.path
    project_window.controller.close_project()
    resign(path, SigningKey.from_seed(b"mallory"))  # the key swap, re-signed throughout
    assert project_window.controller.open_project(path)
    qtbot.waitUntil(lambda: panel.verified is False, timeout=15000)
    assert "signer" in find(project_window, "logVerifyBadge").toolTip().lower()


