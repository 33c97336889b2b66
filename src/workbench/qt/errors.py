"""The one route for errors: anything that fails, on any thread, ends up here and is shown.

A :class:`~workbench.errors.WorkbenchError` is shown with its message and hint; anything else is
a bug in Workbench and is shown as one, with the traceback in the details.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.errors import Cancelled, WorkbenchError


@dataclass(frozen=True)
class ErrorReport:
    title: str
    message: str
    hint: str
    details: str
    is_bug: bool


def describe(exc: BaseException, context: str = "") -> ErrorReport:
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, WorkbenchError):
        title = context or "Workbench"
        return ErrorReport(title, exc.message, exc.hint or "", details, False)
    return ErrorReport(
        context or "Internal error",
        f"An internal error occurred (this is a bug in Workbench): {type(exc).__name__}: {exc}",
        "Nothing already saved was lost. Please report this with the details below.",
        details,
        True,
    )


class ErrorReporter(QObject):
    """Collects every error and shows it in one non-blocking dialog."""

    reported = Signal(object)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.history: list[ErrorReport] = []
        self.dialog: QMessageBox | None = None
        self.show_dialogs = True

    def report(self, exc: BaseException, context: str = "") -> None:
        if isinstance(exc, Cancelled):
            return
        report = describe(exc, context)
        self.history.append(report)
        self.reported.emit(report)
        if self.show_dialogs:
            self._show(report)

    def _show(self, report: ErrorReport) -> None:
        if self.dialog is not None:
            self.dialog.close()
        box = QMessageBox(self.parent_widget)
        box.setObjectName("errorDialog")
        box.setAccessibleName("Error")
        box.setIcon(QMessageBox.Icon.Critical if report.is_bug else QMessageBox.Icon.Warning)
        box.setWindowTitle(report.title)
        box.setText(report.message)
        if report.hint:
            box.setInformativeText(report.hint)
        box.setDetailedText(report.details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.dialog = box
        box.open()
