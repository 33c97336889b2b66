"""The camera originals a cut is matched against: every video file under the media folders,
probed once, with its reel name and the timecode of its first frame.

The reel name is what the NLE wrote into the EDL's reel column and what it relinks by: in a
QuickTime file it lives on the timecode (``tmcd``) track (``reel_name``, as ffmpeg and Resolve
write it), else in the picture stream's or the container's tags. A file without timecode starts
at ``00:00:00:00``, as NLEs count it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.errors import UsageError
from workbench.media.info import MediaInfo
from workbench.media.timecode import is_drop_frame_text, to_frames, to_timecode

VIDEO_SUFFIXES = frozenset({".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".mts", ".m2ts"})


def reel_of(media: MediaInfo | Mapping[str, Any]) -> str | None:
    """The reel (tape) name a file carries, from its probe or a clip's stored probe."""
    data = media.to_dict() if isinstance(media, MediaInfo) else dict(media)
    places: list[Any] = []
    for other in data.get("other_streams") or []:
        if isinstance(other, Mapping):
            places.append(other.get("tags"))
    places += [data.get("tags"), data.get("container_tags")]
    for tags in places:
        if isinstance(tags, Mapping):
            for key, value in tags.items():
                if str(key).lower() in ("reel_name", "reel", "reelname") and str(value).strip():
                    return str(value).strip()
    return None


def start_of(media: MediaInfo | Mapping[str, Any]) -> tuple[int, bool]:
    """(the timecode frame count of the first frame, whether it is drop-frame)."""
    data = media.to_dict() if isinstance(media, MediaInfo) else dict(media)
    text = data.get("timecode")
    rate = Fraction(str(data.get("frame_rate") or "24"))
    if not isinstance(text, str) or not text.strip():
        return 0, False
    try:
        drop = is_drop_frame_text(text)
        return to_frames(text, rate, drop), drop
    except UsageError:
        return 0, False


@dataclass(frozen=True)
class MediaFile:
    """One camera original: its probe, reel, and the timecode span it holds."""

    path: Path
    info: MediaInfo
    reel: str | None
    start: int
    drop_frame: bool

    @classmethod
    def of(cls, info: MediaInfo) -> MediaFile:
        start, drop = start_of(info)
        return cls(Path(info.path), info, reel_of(info), start, drop)

    @property
    def rate(self) -> Fraction:
        return self.info.frame_rate

    @property
    def count(self) -> int:
        return self.info.frame_count

    @property
    def end(self) -> int:
        """The timecode frame count just after its last frame."""
        return self.start + self.count

    def covers(self, first: int, end: int) -> bool:
        return self.start <= first and end <= self.end

    def tc(self, frames: int) -> str:
        return to_timecode(frames, self.rate, self.drop_frame)

    def span(self) -> str:
        return f"{self.tc(self.start)}-{self.tc(self.end)}"


@dataclass(frozen=True)
class MediaIndex:
    files: tuple[MediaFile, ...]
    unreadable: tuple[tuple[Path, str], ...] = ()


def media_paths(folders: Iterable[Path]) -> list[Path]:
    """Every video file under ``folders`` (hidden files and folders left out), sorted."""
    found: set[Path] = set()
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            found.add(folder.resolve())
            continue
        if not folder.is_dir():
            raise UsageError(f"--media {folder}: no such folder")
        for path in folder.rglob("*"):
            parts = path.relative_to(folder).parts
            if any(p.startswith(".") for p in parts) or path.suffix.lower() not in VIDEO_SUFFIXES:
                continue
            if path.is_file():
                found.add(path.resolve())
    return sorted(found)


def scan(folders: Iterable[Path], *, timeout: float = 60.0) -> MediaIndex:
    """Probe every video file under ``folders`` in one child process (see ``batch_probe``)."""
    from workbench.media.batch_probe import safe_probe_many

    paths = media_paths(folders)
    probed = safe_probe_many(paths, timeout=timeout) if paths else {}
    files: list[MediaFile] = []
    unreadable: list[tuple[Path, str]] = []
    for path in paths:
        result = probed.get(str(path))
        if isinstance(result, MediaInfo):
            files.append(MediaFile.of(result))
        else:
            unreadable.append((path, str(getattr(result, "message", result))))
    return MediaIndex(tuple(files), tuple(unreadable))


__all__ = [
    "VIDEO_SUFFIXES",
    "MediaFile",
    "MediaIndex",
    "media_paths",
    "reel_of",
    "scan",
    "start_of",
]
