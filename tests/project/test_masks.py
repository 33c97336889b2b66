"""Masks kept beside the project, named by the hash the log pins."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from workbench.errors import UsageError
from workbench.project.masks import mask_path, masks_dir, store_mask


def test_a_painted_array_is_stored_once_by_its_hash(tmp_path: Path) -> None:
    project = tmp_path / "p.wbproj"
    painted = np.zeros((24, 32), np.float32)
    painted[4:12, 8:20] = 0.4  # anything above zero is inside
    digest = store_mask(painted, project)
    stored = mask_path(project, digest)
    assert stored.parent == masks_dir(project) == tmp_path / "p.wbproj.masks"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    mtime = stored.stat().st_mtime_ns
    binary = (painted > 0).astype(np.uint8)
    assert store_mask(binary, project) == digest  # the same mask, the same file
    assert stored.stat().st_mtime_ns == mtime


def test_an_image_file_is_stored_as_png(tmp_path: Path) -> None:
    import cv2

    source = tmp_path / "matte.png"
    image = np.zeros((16, 16), np.uint8)
    image[:, :8] = 200
    assert cv2.imwrite(str(source), image)
    digest = store_mask(source, tmp_path / "p.wbproj")
    back = cv2.imread(str(mask_path(tmp_path / "p.wbproj", digest)), cv2.IMREAD_GRAYSCALE)
    np.testing.assert_array_equal(back, image)
    assert store_mask(str(source), tmp_path / "p.wbproj") == digest


def test_bad_masks_get_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    with pytest.raises(UsageError, match="not an image"):
        store_mask(junk, tmp_path / "p.wbproj")
    with pytest.raises(UsageError, match="2-D"):
        store_mask(np.zeros((2, 2, 2, 2)), tmp_path / "p.wbproj")
    assert not masks_dir(tmp_path / "p.wbproj").exists()
