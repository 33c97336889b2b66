"""What signing and reading share: labels, formats, errors, and the file plumbing under c2pa.

The format tables say which files carry a manifest inside and which get a ``.c2pa`` sidecar; the
helpers read a numbered sequence as one stream of bytes, which is what a sequence's single sidecar
is bound to. ``c2pa`` is imported inside the functions that use it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.errors import DisclosureError
from workbench.fsutil import sha256_file as sha256_file
from workbench.media.formats import MIME_BY_EXTENSION

ACTIONS_LABEL = "c2pa.actions.v2"
DISCLOSURE_LABEL = "org.workbench.disclosure"
DISCLOSURE_SCHEMA = "workbench.c2pa-disclosure/1"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_INGREDIENT = "source"

# Formats whose files carry a manifest inside, and those that get a .c2pa beside them; the
# MIME types come from the one format table.
EMBED_FORMATS: dict[str, str] = {
    ext: MIME_BY_EXTENSION[ext]
    for ext in (".mov", ".mp4", ".m4v", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
}
SIDECAR_FORMATS: dict[str, str] = {ext: MIME_BY_EXTENSION[ext] for ext in (".exr", ".dpx")}

TRUSTED = "Trusted"
VALID = "Valid"
INVALID = "Invalid"


class CredentialsError(DisclosureError):
    """Content Credentials could not be written or read."""


class NoCredentialsError(CredentialsError):
    """The file carries no Content Credentials (and has no sidecar)."""


# -- c2pa plumbing ---------------------------------------------------------------------------
def c2pa_settings(trust_anchors: bytes | None = None) -> dict[str, Any]:
    """Offline settings: no thumbnails, no OCSP, no remote manifests; trust only what is given."""
    settings: dict[str, Any] = {
        "builder": {"thumbnail": {"enabled": False}},
        "verify": {"verify_trust": True, "ocsp_fetch": False, "remote_manifest_fetch": False},
    }
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors.decode("ascii", "replace")}
    return settings


def c2pa_context(trust_anchors: bytes | None = None) -> Any:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    return c2pa.Context(c2pa.Settings.from_dict(c2pa_settings(trust_anchors)))


def c2pa_message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0] if len(text) > 400 else text


class ConcatenatedFiles(io.RawIOBase):
    """A read-only, seekable view of several files end to end (a sequence's bytes)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._sizes = [p.stat().st_size for p in self._paths]
        self._starts = [sum(self._sizes[:i]) for i in range(len(self._sizes))]
        self._total = sum(self._sizes)
        self._pos = 0
        self._open: tuple[int, io.BufferedReader] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._total}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._total:
            index = max(i for i, s in enumerate(self._starts) if s <= self._pos)
            if self._sizes[index] == 0:
                continue
            if self._open is None or self._open[0] != index:
                if self._open is not None:
                    self._open[1].close()
                self._open = (index, self._paths[index].open("rb"))
            handle = self._open[1]
            handle.seek(self._pos - self._starts[index])
            chunk = handle.readinto(view[done:])
            if not chunk:
                break
            done += chunk
            self._pos += chunk
        return done

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None
        super().close()


def sequence_of(path: Path) -> tuple[list[Path], Path] | None:
    """(frame files, sidecar path) when ``path`` names a numbered sequence."""
    from workbench.media.errors import MediaError
    from workbench.media.sequence import detect_sequence

    try:
        spec = detect_sequence(path)
    except MediaError as exc:
        raise CredentialsError(str(exc)) from None
    if spec is None:
        return None
    stem = spec.prefix.rstrip("._- ") or "frames"
    return list(spec.paths), spec.folder / f"{stem}.c2pa"


def is_pattern(path: Path) -> bool:
    from workbench.media.sequence import is_pattern as _is_pattern

    return _is_pattern(path)


def sidecar_path(path: Path) -> Path:
    """Where a file's ``.c2pa`` sidecar lives (the C2PA convention: same name, ``.c2pa``).

    A sequence pattern (``shot_%04d.exr``) has one sidecar for all its frames (``shot.c2pa``).
    """
    seq = sequence_of(path) if is_pattern(path) else None
    return seq[1] if seq else path.with_suffix(".c2pa")
