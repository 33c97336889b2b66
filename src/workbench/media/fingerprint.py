"""Content fingerprints of media files.

The disclosure log names each clip by a fingerprint. Hashing a 200 GB camera original on import
would take minutes, so :func:`content_fingerprint` hashes only the size and three 1 MiB samples
(start, middle, end): cheap, stable while the file is unchanged, and it changes with any edit
that touches the container header, index or length — but NOT a guarantee against a same-size
edit in an unsampled region. Use :func:`file_sha256` where full integrity matters (render
outputs, verification).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable

from workbench.media.errors import BrokenMediaError

_MIB = 1 << 20


def _read_at(fh: object, offset: int, size: int) -> bytes:
    fh.seek(offset)  # type: ignore[attr-defined]
    data: bytes = fh.read(size)  # type: ignore[attr-defined]
    return data


def content_fingerprint(path: str | os.PathLike[str]) -> str:
    """``"sha256-3mib:<hex>"`` over the file size plus its first, middle and last MiB."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise BrokenMediaError(f"{os.fspath(path)} is not a regular file")
        size = st.st_size
        digest = hashlib.sha256(b"workbench.fingerprint/1\x00")
        digest.update(size.to_bytes(8, "big"))
        with open(path, "rb") as fh:
            if size <= 3 * _MIB:
                digest.update(fh.read())
            else:
                digest.update(_read_at(fh, 0, _MIB))
                digest.update(_read_at(fh, size // 2 - _MIB // 2, _MIB))
                digest.update(_read_at(fh, size - _MIB, _MIB))
    except OSError as exc:
        raise BrokenMediaError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from exc
    return "sha256-3mib:" + digest.hexdigest()


def sequence_fingerprint(paths: Iterable[str | os.PathLike[str]]) -> str:
    """Fingerprint of an image sequence: each file's name and content fingerprint, in order."""
    digest = hashlib.sha256(b"workbench.sequence/1\x00")
    for path in paths:
        digest.update(os.path.basename(os.fspath(path)).encode("utf-8", "surrogateescape"))
        digest.update(b"\x00" + content_fingerprint(path).encode() + b"\x00")
    return "sha256-seq:" + digest.hexdigest()


def file_sha256(path: str | os.PathLike[str], *, chunk_size: int = 4 * _MIB) -> str:
    """Plain SHA-256 hex digest of the whole file (streamed; memory stays at ``chunk_size``)."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise BrokenMediaError(f"{os.fspath(path)} is not a regular file")
        with open(path, "rb") as fh:
            while chunk := fh.read(chunk_size):
                digest.update(chunk)
    except OSError as exc:
        raise BrokenMediaError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from exc
    return digest.hexdigest()
