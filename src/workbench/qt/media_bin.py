"""The media bin: the project's clips with thumbnail, duration, resolution, rate and codec.

Import by menu, button, or by dropping files on it. A clip whose file is gone is shown offline
and can be relinked to the moved file (the content fingerprint must match). A clip's context
menu sets the colour space its footage is in (a logged change, through the core).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QActionGroup, QColor, QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.colour import NAMED, SOURCE, from_tags
from workbench.colour import shown as space_name
from workbench.project import Clip
from workbench.qt.convert import describe_duration, parse_rate, rate_text

THUMB = QSize(96, 54)


def _placeholder(offline: bool) -> QIcon:
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor(120, 30, 30) if offline else QColor(50, 50, 55))
    return QIcon(pixmap)


class MediaBinPanel(QWidget):
    importRequested = Signal()
    filesDropped = Signal(list)
    clipActivated = Signal(int)
    relinkRequested = Signal(int)
    colourSpaceRequested = Signal(int, str)  # clip id, a colour space name or "tags"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaBinPanel")
        self.setAcceptDrops(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("mediaBinList")
        self.tree.setAccessibleName("Media bin")
        self.tree.setHeaderLabels(["Clip", "Duration", "Resolution", "Rate", "Codec", "Status"])
        self.tree.setIconSize(THUMB)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 330)
        self.tree.setAcceptDrops(False)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.import_button = QPushButton("Import…", self)
        self.import_button.setObjectName("mediaImport")
        self.import_button.setAccessibleName("Import media")
        self.import_button.clicked.connect(self.importRequested)
        self.relink_button = QPushButton("Relink…", self)
        self.relink_button.setObjectName("mediaRelink")
        self.relink_button.setAccessibleName("Relink offline media")
        self.relink_button.setEnabled(False)
        self.relink_button.clicked.connect(self._relink)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.relink_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.offline: set[int] = set()
        self.clips: dict[int, Clip] = {}
        self._shown: tuple[list[Clip], set[int], int | None] | None = None

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def set_clips(self, clips: list[Clip], offline: set[int], current: int | None) -> None:
        shown = (list(clips), set(offline), current)
        if shown == self._shown:
            return  # a refresh that changed nothing keeps the list (and its thumbnails)
        self._shown = shown
        self.offline = offline
        self.clips = {clip.id: clip for clip in clips}
        thumbs = {
            int(item.data(0, Qt.ItemDataRole.UserRole)): item.icon(0) for item in self._items()
        }
        self.tree.clear()
        for clip in clips:
            media = clip.media
            rate = parse_rate(media.get("frame_rate"))
            count = int(media.get("frame_count") or 0)
            is_offline = clip.id in offline
            summary = (
                f"{media.get('width', '?')}×{media.get('height', '?')} · {rate_text(rate)} · "
                f"{media.get('codec', '?')} · {describe_duration(count, rate)} · "
                f"{space_name(clip.colour.space)}"
            )
            item = QTreeWidgetItem(
                [
                    f"{clip.name}\n{'OFFLINE — ' if is_offline else ''}{summary}",
                    f"{describe_duration(count, rate)} ({count} fr)",
                    f"{media.get('width', '?')}×{media.get('height', '?')}",
                    rate_text(rate),
                    str(media.get("codec", "?")),
                    "OFFLINE" if is_offline else "online",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, clip.id)
            item.setToolTip(0, clip.path)
            icon = thumbs.get(clip.id)
            item.setIcon(
                0, icon if icon is not None and not is_offline else _placeholder(is_offline)
            )
            if is_offline:
                for col in range(6):
                    item.setForeground(col, QColor(230, 90, 90))
                item.setToolTip(
                    5, f"{clip.path} is missing — use Relink… to point at the moved file"
                )
            item.setSizeHint(0, QSize(THUMB.width() + 100, THUMB.height() + 6))
            self.tree.addTopLevelItem(item)
            if clip.id == current:
                item.setSelected(True)

    def set_thumbnail(self, clip_id: int, image: QImage) -> None:
        for item in self._items():
            if item.data(0, Qt.ItemDataRole.UserRole) == clip_id:
                scaled = image.scaled(
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                item.setIcon(0, QIcon(QPixmap.fromImage(scaled)))

    def selected_clip(self) -> int | None:
        items = self.tree.selectedItems()
        return int(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def _selection_changed(self) -> None:
        clip = self.selected_clip()
        self.relink_button.setEnabled(clip is not None and clip in self.offline)

    def _activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        self.clipActivated.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def colour_menu(self, clip_id: int) -> QMenu:
        """The clip's colour spaces: read from its tags, or one set by name (checked: now)."""
        clip = self.clips[clip_id]
        menu = QMenu("Colour space", self)
        menu.setObjectName("clipColourMenu")
        group = QActionGroup(menu)
        tagged = from_tags(clip.media.get("color"), is_float=clip.media.get("is_float") is True)
        choices = [
            ("tags", f"From its tags ({space_name(tagged.space)})", clip.colour_space is None)
        ]
        choices += [(n.name, n.name, clip.colour_space == n.space) for n in NAMED]
        choices.append((SOURCE, "None: its code values as they are", clip.colour_space == SOURCE))
        for name, text, checked in choices:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(checked)
            action.setData(name)
            group.addAction(action)
            if name == "tags":
                menu.addSeparator()
        group.triggered.connect(
            lambda action: self.colourSpaceRequested.emit(clip_id, str(action.data()))
        )
        return menu

    def _context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        clip_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        if clip_id in self.clips:
            self.colour_menu(clip_id).exec(self.tree.viewport().mapToGlobal(point))

    def _relink(self) -> None:
        clip = self.selected_clip()
        if clip is not None:
            self.relinkRequested.emit(clip)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.filesDropped.emit(paths)
            event.acceptProposedAction()
