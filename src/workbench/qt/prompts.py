"""The questions the window asks (file choosers, a note): each returns the answer or None.

Kept apart from the actions so that the actions can be driven without a dialog (tests, scripts)
and the dialogs can be replaced without touching what they feed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from workbench.errors import ProjectInUseError
from workbench.project import Edit

MEDIA_SUFFIXES = {
    ".mov", ".mp4", ".mkv", ".mxf", ".avi", ".m4v", ".webm",
    ".png", ".tif", ".tiff", ".jpg", ".jpeg", ".exr", ".dpx",
}  # fmt: skip
PROJECTS = "Workbench projects (*.wbproj)"


def media_files(parent: QWidget) -> list[Path]:
    patterns = " ".join(f"*{s}" for s in sorted(MEDIA_SUFFIXES))
    files, _ = QFileDialog.getOpenFileNames(
        parent, "Import media", "", f"Media ({patterns});;All files (*)"
    )
    return [Path(f) for f in files]


def moved_clip(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Where is the clip now?")
    return Path(path) if path else None


def sign_off_note(parent: QWidget, edit: Edit) -> str | None:
    note, ok = QInputDialog.getText(
        parent,
        "Sign off the edit",
        f"Approve the {edit.tool} edit on frames {edit.frames[0]}–{edit.frames[1]}.\n"
        "Your name and this note go into the disclosure log. Note (optional):",
    )
    return note if ok else None


def export_target(parent: QWidget, project: Path, fmt: str) -> Path | None:
    from workbench.disclosure.exporters import REGISTRY

    default = project.with_name(f"{project.stem}-log{REGISTRY[fmt][1]}")
    path, _ = QFileDialog.getSaveFileName(parent, f"Export the log ({fmt})", str(default))
    return Path(path) if path else None


def new_project(parent: QWidget) -> tuple[Path, str | None] | None:
    path, _ = QFileDialog.getSaveFileName(parent, "New project", "", PROJECTS)
    if not path:
        return None
    name, ok = QInputDialog.getText(parent, "New project", "Project name", text=Path(path).stem)
    return Path(path), (name if ok and name else None)


def project_file(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", "", PROJECTS)
    return Path(path) if path else None


def open_read_only(parent: QWidget, refusal: ProjectInUseError) -> bool:
    """The project is open in another window: open it read-only here?"""
    box = QMessageBox(parent)
    box.setObjectName("openReadOnlyDialog")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("The project is open in another window")
    box.setText(refusal.message)
    box.setInformativeText(
        "Only one window changes a project at a time. Read-only, this window shows the clips, "
        "the edits and the disclosure log as the other window changes them, and exports the "
        "log; it applies, renders and changes nothing."
    )
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is read_only


def no_project(parent: QWidget) -> str | None:
    """Import was asked for with no project open: "new", "open", or None (cancelled)."""
    box = QMessageBox(parent)
    box.setObjectName("noProjectDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Import media")
    box.setText("Footage is imported into a project, which keeps its edits and disclosure log.")
    box.setInformativeText("Create a new project for it, or open one?")
    new = box.addButton("New Project…", QMessageBox.ButtonRole.AcceptRole)
    existing = box.addButton("Open Project…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "new" if clicked is new else "open" if clicked is existing else None
