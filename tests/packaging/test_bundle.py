"""The one-folder app (``packaging/build_bundle.sh``), launched as a user would launch it.

Building takes minutes, so this is in the slow tier and skips when ``dist/workbench`` has not
been built. It runs the bundle's own executable, without the source tree on the path: the
version, the shipped models' checks, a project made from the bundled sample with a tracked
edit (the import probe and the tracker run in the frozen app, the probe in a child process),
and the window drawn offscreen with ``open … --screenshot``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from workbench import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "workbench"
EXE = BUNDLE / "workbench"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not EXE.is_file(), reason="the bundle is not built (packaging/build_bundle.sh)"),
]


def run(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(EXE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_bundle_starts_checks_its_models_and_draws_the_window(tmp_path: Path) -> None:
    done = run("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"workbench {__version__}"
    done = run("models", "verify", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sum(line.startswith("ok") for line in done.stdout.splitlines()) == 5
    sample = next(BUNDLE.rglob("_assets/sample.mp4"))
    project = tmp_path / "sample.wbproj"
    for args in (
        ("new", str(project)),
        ("import", str(project), str(sample)),
        ("apply", str(project), "1", "--tool", "denoise", "--frames", "0-11",
         "--region-keys", "0:40,30,120,90;11:60,36,120,90", "--track"),
        ("log", "verify", str(project)),
    ):  # fmt: skip
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 0, f"{args[0]}: {done.stderr}"
    shot = tmp_path / "shot.png"
    done = run("open", str(project), "--screenshot", str(shot), "--viewer-mode", "split", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1600, 1000)
    colours = {image.pixel(x, y) for x in range(0, 1600, 50) for y in range(0, 1000, 50)}
    assert len(colours) > 50  # a window with a picture in it, not a blank grab


def test_the_bundle_carries_its_platform_plugins_desktop_entry_and_icon() -> None:
    names = {p.name for p in BUNDLE.rglob("*.so*")}
    assert {"libqoffscreen.so", "libqxcb.so", "libc2pa_c.so"} <= names
    assert any(n.startswith("onnxruntime_pybind11_state") for n in names)
    share = BUNDLE / "share"
    entry = (share / "workbench.desktop").read_text()
    assert 'Exec="@BUNDLE@/workbench-desktop" %f' in entry and "Icon=workbench" in entry
    assert (share / "workbench.svg").is_file() and (share / "workbench-256.png").is_file()
    assert os.access(BUNDLE / "install-desktop-entry.sh", os.X_OK)
    models = next(BUNDLE.rglob("_bundled_models"))
    assert len(list(models.glob("*.onnx"))) == 5
