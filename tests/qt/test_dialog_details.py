"""Dialog details from issue 14, item 7: unticked check boxes can be seen in the dark palette,
and the preferences offer only execution providers that run on this machine."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from workbench.inference.providers import REMOTE, choose_providers, local_providers


def _brightest(image, x0: int, x1: int, y0: int, y1: int) -> int:  # type: ignore[no-untyped-def]
    return max(QColor(image.pixel(x, y)).lightness() for x in range(x0, x1) for y in range(y0, y1))


def test_unticked_boxes_in_the_policy_dialog_can_be_seen(project_window, qtbot) -> None:
    from workbench.project import Policy
    from workbench.qt.dialogs import PolicyDialog

    dialog = PolicyDialog(Policy(allowed_tools=["denoise"]), [], project_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tools = dialog.tools
    image = tools.viewport().grab().toImage()
    for row in range(tools.count()):
        item = tools.item(row)
        rect = tools.visualItemRect(item)
        ticked = item.checkState() == Qt.CheckState.Checked
        # the indicator sits left of the text: its outline is light, ticked or not
        brightest = _brightest(image, rect.left() + 1, rect.left() + 18, rect.top(), rect.bottom())
        assert brightest > 120, f"row {row} ({'ticked' if ticked else 'unticked'}) is invisible"
    box = dialog.any_tool.grab().toImage()
    assert not dialog.any_tool.isChecked()
    assert _brightest(box, 0, 18, 0, box.height()) > 120
    dialog.close()


def test_only_local_execution_providers_are_offered(project_window, monkeypatch) -> None:
    available = ["AzureExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]
    assert local_providers(available) == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    assert "AzureExecutionProvider" in REMOTE
    assert choose_providers(["azure", "cuda"], available) == (
        "CUDAExecutionProvider",
        "CPUExecutionProvider",
    )
    assert choose_providers(["AzureExecutionProvider"], available) == ("CPUExecutionProvider",)
    # the preferences dialog the window opens lists only local ones
    from workbench.qt import dialogs

    shown: list[list[str]] = []

    class Recorder(dialogs.PreferencesDialog):
        def __init__(self, settings, providers, parent=None):  # type: ignore[no-untyped-def]
            shown.append(list(providers))
            super().__init__(settings, providers, parent)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(dialogs, "PreferencesDialog", Recorder)
    monkeypatch.setattr(
        "workbench.inference.providers.available_providers", lambda: list(available)
    )
    project_window.show_preferences()
    from workbench.inference import OPENVINO, openvino_available

    extra = [OPENVINO] if openvino_available() else []  # OpenVINO's own runtime, when installed
    assert shown == [["CUDAExecutionProvider", "CPUExecutionProvider", *extra]]
