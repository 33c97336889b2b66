"""The log panel's actions: verify and export, both on workers.

Verification re-reads the whole log with its own read-only connection and formats the panel's
rows there too, so a long log never costs the GUI thread more than a table reset. The export
is the command line's (:func:`workbench.editing.export_log`): same context, same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench import editing
from workbench.progress import Progress
from workbench.qt.commands import ErrorSink
from workbench.qt.log_panel import LogPanel, entry_rows
from workbench.qt.session import ProjectSession
from workbench.qt.timing import timed
from workbench.qt.workers import Workers


@dataclass(frozen=True)
class LogCheck:
    ok: bool
    summary: str
    rows: list[list[str]]


def check_log(path: Path) -> LogCheck:
    """Read and verify the log, and format its rows for the panel (runs on a worker)."""
    from workbench.disclosure.trust import check_signers
    from workbench.project import Project

    with Project.open(path, readonly=True) as project:
        entries = project.log.entries()
        report = project.verify()
        # who signed, as this machine sees it (trust on first use), as `workbench log verify` says
        signers = check_signers(project.log_data(), report)
    summary = signers.report.summary()
    if signers.signers:
        summary = f"{summary} — {signers.line()}"
    return LogCheck(signers.report.ok, summary, entry_rows(entries))


class LogActions(QObject):
    verified = Signal(bool)
    exported = Signal(str, str)  # format, path

    def __init__(
        self,
        session: ProjectSession,
        workers: Workers,
        panel: LogPanel,
        report: ErrorSink,
        status: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.workers, self.panel = session, workers, panel
        self.report, self.status = report, status
        self._verifying = False
        self._verify_pending = False

    def verify(self) -> None:
        """Re-read and re-check the log off the GUI thread (on open and after each change)."""
        path = self.session.path
        if path is None:
            return
        if self._verifying:
            self._verify_pending = True
            return
        self._verifying = True
        self.panel.set_badge(None, "verifying…")

        @timed("LogActions.verified")
        def done(result: LogCheck) -> None:
            self._verifying = False
            if self.session.path == path:  # not if another project was opened meanwhile
                self.panel.set_rows(result.rows)
                self.panel.set_badge(result.ok, result.summary)
                self.verified.emit(result.ok)
            if self._verify_pending:
                self._verify_pending = False
                self.verify()

        def failed(exc: BaseException) -> None:
            self._verifying = False
            self.panel.set_badge(False, f"cannot verify: {exc}")
            self.report(exc, "Verify the log")

        self.workers.start(
            lambda progress: check_log(path), name="verify", on_done=done, on_error=failed
        )

    def export_log(self, fmt: str, target: Path, *, exported: str | None = None) -> None:
        """Export as the command line does; ``exported`` fixes the export's timestamp."""
        path = self.session.path
        if path is None:
            return

        def work(progress: Progress) -> str:
            progress.update(0.1, "writing")
            return str(editing.export_log(path, fmt, Path(target), exported=exported).path)

        def done(out: str) -> None:
            self.status(f"Exported the log to {out}")
            self.exported.emit(fmt, out)

        self.workers.start(
            work, name="export", on_done=done, on_error=lambda e: self.report(e, f"Export ({fmt})")
        )
