"""Processed frames kept for the viewer: in memory and on disk, both bounded, least recently used
out first.

Frames are stored exactly as the stack made them (float32 RGB, no rounding), under their
:class:`~workbench.render.frame_keys.FrameKeys` key, so a frame found here is the frame the
render would write from the same stack. The disk tier is a folder of ``.npy`` files under the
user's cache folder (``<cache>/frames``); it survives a restart, and another window on the same
machine shares it. The render never reads this cache: what it writes is computed from the stack
the log vouches for; the cache only saves the viewer from computing a frame twice.

A failure to write (a full disk, no permission) drops the frame from the disk tier and is
remembered in :attr:`FrameCache.last_error`; the cache is a convenience and never stops work.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.float32]
MIB = 1024 * 1024
GIB = 1024 * MIB
DEFAULT_MEMORY_MB = 2048
DEFAULT_DISK_GB = 16
SETTINGS_KEY = "frame_cache"


@dataclass(frozen=True)
class CacheLimits:
    """How much the frame cache may hold: ``memory_bytes`` in RAM, ``disk_bytes`` on disk."""

    memory_bytes: int = DEFAULT_MEMORY_MB * MIB
    disk_bytes: int = DEFAULT_DISK_GB * GIB

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None) -> CacheLimits:
        """The ``"frame_cache"`` section of the user's settings (``memory_mb``, ``disk_gb``)."""
        if settings is None:
            from workbench.config import load_settings

            settings = load_settings()
        section = settings.get(SETTINGS_KEY)
        section = section if isinstance(section, Mapping) else {}
        memory = _count(section.get("memory_mb"), DEFAULT_MEMORY_MB)
        disk = _count(section.get("disk_gb"), DEFAULT_DISK_GB)
        return cls(memory * MIB, disk * GIB)


def _count(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return default


def default_folder() -> Path:
    from workbench.config import user_cache_dir

    return user_cache_dir() / "frames"


@dataclass(frozen=True)
class CacheStats:
    memory_frames: int
    memory_bytes: int
    disk_frames: int
    disk_bytes: int


class FrameCache:
    """A bounded two-tier store of processed frames by key; safe to share between threads."""

    def __init__(self, folder: Path | None = None, limits: CacheLimits | None = None) -> None:
        """``folder`` None: memory only."""
        self.folder = folder
        self.limits = limits or CacheLimits()
        self.last_error: str | None = None
        self._lock = threading.RLock()
        self._memory: OrderedDict[str, Frame] = OrderedDict()
        self._memory_used = 0
        self._disk: OrderedDict[str, int] | None = None  # key -> bytes, oldest first
        self._disk_used = 0

    # -- reading ----------------------------------------------------------------------------
    def get(self, key: str) -> Frame | None:
        """The frame stored under ``key`` (from memory, else from disk), or None."""
        with self._lock:
            frame = self._memory.get(key)
            if frame is not None:
                self._memory.move_to_end(key)
                return frame
            on_disk = key in self._disk_index()
        if not on_disk:
            return None
        frame = self._read(key)
        if frame is not None:
            self._remember(key, frame)
        return frame

    def peek(self, key: str) -> Frame | None:
        """The frame if it is in memory (never reads the disk)."""
        with self._lock:
            return self._memory.get(key)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._memory or key in self._disk_index()

    def stats(self) -> CacheStats:
        with self._lock:
            disk = self._disk_index()
            return CacheStats(len(self._memory), self._memory_used, len(disk), self._disk_used)

    # -- writing ----------------------------------------------------------------------------
    def put(self, key: str, frame: Frame, *, disk: bool = True) -> None:
        """Keep ``frame`` under ``key``: in memory, and written through to disk."""
        frame = np.asarray(frame, np.float32)
        self._remember(key, frame)
        if disk and self.folder is not None and self.limits.disk_bytes > 0:
            self._write(key, frame)

    def drop_memory(self) -> None:
        """Free the memory tier; the disk keeps its frames (as after a restart)."""
        with self._lock:
            self._memory.clear()
            self._memory_used = 0

    def clear(self) -> None:
        """Forget everything, on disk too."""
        with self._lock:
            self._memory.clear()
            self._memory_used = 0
            for key in list(self._disk_index()):
                self._drop_file(key)

    def _remember(self, key: str, frame: Frame) -> None:
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._memory_used -= old.nbytes
            if frame.nbytes > self.limits.memory_bytes:
                return
            self._memory[key] = frame
            self._memory_used += frame.nbytes
            while self._memory_used > self.limits.memory_bytes and self._memory:
                _, dropped = self._memory.popitem(last=False)
                self._memory_used -= dropped.nbytes

    # -- the disk tier ----------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.npy"

    def _disk_index(self) -> OrderedDict[str, int]:
        """The files on disk, oldest use first (read once, then kept up to date)."""
        if self._disk is None:
            found: list[tuple[float, str, int]] = []
            if self.folder is not None and self.folder.is_dir():
                for sub in self.folder.iterdir():
                    if not sub.is_dir():
                        continue
                    for entry in os.scandir(sub):
                        if entry.name.endswith(".npy") and not entry.name.startswith("."):
                            stat = entry.stat()
                            found.append((stat.st_mtime, entry.name[:-4], stat.st_size))
            found.sort()
            self._disk = OrderedDict((key, size) for _, key, size in found)
            self._disk_used = sum(size for _, _, size in found)
        return self._disk

    def _read(self, key: str) -> Frame | None:
        path = self._path(key)
        try:
            array = np.load(path, allow_pickle=False)
            os.utime(path)  # most recently used, for the next session's order too
        except (OSError, ValueError):
            with self._lock:
                self._drop_file(key)
            return None
        if array.dtype != np.float32 or array.ndim != 3:
            with self._lock:
                self._drop_file(key)
            return None
        with self._lock:
            index = self._disk_index()
            if key in index:
                index.move_to_end(key)
        frame: Frame = array
        return frame

    def _write(self, key: str, frame: Frame) -> None:
        path = self._path(key)
        tmp = path.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                np.save(handle, np.ascontiguousarray(frame), allow_pickle=False)
            os.replace(tmp, path)
            size = path.stat().st_size
        except OSError as exc:
            self.last_error = f"cannot keep a frame in {self.folder}: {exc.strerror or exc}"
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return
        with self._lock:
            index = self._disk_index()
            if key in index:
                self._disk_used -= index.pop(key)
            index[key] = size
            self._disk_used += size
            while self._disk_used > self.limits.disk_bytes and index:
                self._drop_file(next(iter(index)))

    def _drop_file(self, key: str) -> None:
        index = self._disk_index()
        size = index.pop(key, None)
        if size is not None:
            self._disk_used -= size
        with contextlib.suppress(OSError):
            self._path(key).unlink(missing_ok=True)


_shared: FrameCache | None = None
_shared_lock = threading.Lock()


def shared_cache(limits: CacheLimits | None = None) -> FrameCache:
    """The process's frame cache in the user's cache folder (``limits``: the settings')."""
    global _shared
    with _shared_lock:
        limits = limits or CacheLimits.from_settings()
        folder = default_folder()
        if _shared is None or _shared.folder != folder:
            _shared = FrameCache(folder, limits)
        elif _shared.limits != limits:
            _shared.limits = limits
        return _shared
