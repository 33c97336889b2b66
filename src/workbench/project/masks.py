"""Mask images kept beside the project: ``<project>.masks/<sha256>.png``.

An edit's region names its mask by the SHA-256 of the stored PNG's bytes, so the log pins the
exact mask and the render can refuse one that went missing or changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import StorageError, UsageError
from workbench.fsutil import write_atomic

if TYPE_CHECKING:
    from numpy.typing import NDArray


def masks_dir(project_path: Path) -> Path:
    """Where a project's masks live (the render reads them there)."""
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + ".masks")


def mask_path(project_path: Path, sha256: str) -> Path:
    return masks_dir(project_path) / f"{sha256}.png"


def _encode_file(path: Path) -> bytes:
    import cv2
    import numpy as np

    try:
        image = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_GRAYSCALE)
    except OSError as exc:
        raise UsageError(f"cannot read the mask {path}: {exc.strerror}") from None
    if image is None:
        raise UsageError(f"{path} is not an image a mask can be read from")
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise UsageError(f"cannot store the mask {path}")
    return bytes(encoded.tobytes())


def _encode_array(mask: NDArray[Any]) -> bytes:
    """A painted mask: every pixel above zero is inside (as the window has always stored it)."""
    import cv2
    import numpy as np

    array = np.asarray(mask)
    if array.ndim == 3:
        array = array.max(axis=2)
    if array.ndim != 2 or array.size == 0:
        raise UsageError(f"a mask is a 2-D image; got an array of shape {np.shape(mask)}")
    ok, encoded = cv2.imencode(".png", (array > 0).astype(np.uint8) * 255)
    if not ok:
        raise UsageError("the painted mask could not be encoded")
    return bytes(encoded.tobytes())


def painted_mask_digest(mask: NDArray[Any]) -> str:
    """The SHA-256 :func:`store_mask` will give a painted mask, without storing it (a preview
    names its pending mask by it, so the applied edit keeps the previewed frames' cache)."""
    return hashlib.sha256(_encode_array(mask)).hexdigest()


def store_mask(mask: str | Path | NDArray[Any], project_path: str | Path) -> str:
    """Keep a mask (an image file, or a painted array) beside the project; its SHA-256.

    Stored once: a mask already there under its hash is not written again.
    """
    data = _encode_file(Path(mask)) if isinstance(mask, str | Path) else _encode_array(mask)
    digest = hashlib.sha256(data).hexdigest()
    target = mask_path(Path(project_path), digest)
    if target.exists():
        return digest
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as exc:
        raise StorageError(f"cannot store the mask in {target.parent}: {exc.strerror}") from None
    return digest


__all__ = ["mask_path", "masks_dir", "painted_mask_digest", "store_mask"]
