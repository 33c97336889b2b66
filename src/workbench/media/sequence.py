"""Image sequences: from one frame's path (or a printf / ``####`` pattern) to the whole run.

``shot_0001.exr`` and ``shot_%04d.exr`` and ``shot_####.exr`` name the same sequence. Frames
are numbered files sharing a prefix, suffix and padding; missing numbers between the first and
the last are gaps, which are reported rather than silently closed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.media.errors import UnsupportedMediaError

IMAGE_EXTENSIONS = frozenset({".png", ".tif", ".tiff", ".jpg", ".jpeg", ".exr", ".dpx"})

_PRINTF = re.compile(r"%(0?)(\d*)d")
_HASHES = re.compile(r"#+")
_TRAILING_NUMBER = re.compile(r"^(?P<prefix>.*?)(?P<digits>\d+)(?P<suffix>\.[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class SequenceSpec:
    """A numbered run of files: ``folder / (prefix + number padded to padding + suffix)``."""

    folder: Path
    prefix: str
    suffix: str
    padding: int
    frames: tuple[int, ...]

    @property
    def pattern(self) -> str:
        """The printf pattern, e.g. ``/shots/a_%04d.exr`` (``%d`` when unpadded)."""
        token = f"%0{self.padding}d" if self.padding > 1 else "%d"
        return str(self.folder / f"{self.prefix}{token}{self.suffix}")

    @property
    def missing(self) -> tuple[int, ...]:
        if not self.frames:
            return ()
        present = set(self.frames)
        return tuple(n for n in range(self.frames[0], self.frames[-1] + 1) if n not in present)

    def path_of(self, number: int) -> Path:
        return self.folder / f"{self.prefix}{number:0{self.padding}d}{self.suffix}"

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(self.path_of(n) for n in self.frames)


def is_pattern(path: str | os.PathLike[str]) -> bool:
    """Whether the name is a frame pattern (``%04d``, ``%d``, ``####``), as an output names one."""
    name = os.path.basename(os.fspath(path))
    return bool(_PRINTF.search(name) or _HASHES.search(name))


def names_sequence(path: str | os.PathLike[str]) -> bool:
    """Whether a path to read names a sequence: a pattern, unless a file has exactly that name
    (a real ``shot%d.mp4`` is a file)."""
    return is_pattern(path) and not os.path.isfile(os.fspath(path))


def split_pattern(path: str | os.PathLike[str]) -> tuple[Path, str, str, int]:
    """(folder, prefix, suffix, padding) of a printf or ``####`` pattern."""
    p = Path(os.fspath(path))
    name = p.name
    m = _PRINTF.search(name)
    if m:
        padding = int(m.group(2) or 1) if m.group(1) or m.group(2) else 1
        prefix, suffix = name[: m.start()], name[m.end() :]
    else:
        h = _HASHES.search(name)
        if not h:
            raise UnsupportedMediaError(f"{path} is not a frame pattern")
        padding = len(h.group(0))
        prefix, suffix = name[: h.start()], name[h.end() :]
    if "%" in prefix + suffix:
        raise UnsupportedMediaError(f"{name!r} has more than one frame-number field")
    return p.parent, prefix, suffix, padding


def _scan(folder: Path, prefix: str, suffix: str, padding: int) -> tuple[int, ...]:
    rx = re.compile(re.escape(prefix) + r"(\d+)" + re.escape(suffix) + "$")
    numbers: list[int] = []
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise UnsupportedMediaError(f"cannot list {folder}: {exc.strerror or exc}") from exc
    for entry in names:
        m = rx.match(entry)
        if not m:
            continue
        digits = m.group(1)
        # Padded sequences: every number has exactly `padding` digits unless it overflows it.
        if padding > 1 and len(digits) < padding:
            continue
        if padding > 1 and len(digits) > padding and digits.startswith("0"):
            continue
        numbers.append(int(digits))
    return tuple(sorted(set(numbers)))


def detect_sequence(path: str | os.PathLike[str]) -> SequenceSpec | None:
    """The sequence that ``path`` names or belongs to; None for a lone still or a non-image.

    A pattern always gives a sequence (an error if no file matches). A concrete file gives a
    sequence only when at least one sibling shares its prefix, suffix and padding.
    """
    if names_sequence(path):
        folder, prefix, suffix, padding = split_pattern(path)
        frames = _scan(folder, prefix, suffix, padding)
        if not frames:
            raise UnsupportedMediaError(f"no frames match the pattern {os.fspath(path)}")
        return SequenceSpec(folder, prefix, suffix, padding, frames)
    p = Path(os.fspath(path))
    if p.suffix.lower() not in IMAGE_EXTENSIONS:
        return None
    m = _TRAILING_NUMBER.match(p.name)
    if not m:
        return None
    digits = m.group("digits")
    padding = len(digits) if digits.startswith("0") or len(digits) > 1 else 1
    frames = _scan(p.parent, m.group("prefix"), m.group("suffix"), padding)
    if len(frames) < 2:
        return None
    return SequenceSpec(p.parent, m.group("prefix"), m.group("suffix"), padding, frames)
