"""Before the window starts on X11, a missing library of Qt's xcb plugin is named with its
Debian package (issue 14, item 6), instead of Qt's bare "no Qt platform plugin could be
initialized"."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.errors import DisplayError
from workbench.qt import platform_check
from workbench.qt.platform_check import (
    DEBIAN_PACKAGES,
    check_display,
    missing_libraries,
    run_ldd,
    uses_xcb,
)

QT_FREE = True

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007faf)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007faf)
\tlibxcb-icccm.so.4 => not found
"""


def fake_ldd(text: str):  # type: ignore[no-untyped-def]
    return lambda _path: text


def test_missing_libraries_are_named_with_their_packages(tmp_path: Path) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    assert missing_libraries(plugin, fake_ldd(LDD)) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    with pytest.raises(DisplayError) as info:
        check_display({"DISPLAY": ":0"}, plugin, fake_ldd(LDD))
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in info.value.message
    assert info.value.hint == "on Debian or Ubuntu: sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
    # nothing missing: the window starts
    check_display({"DISPLAY": ":0"}, plugin, fake_ldd(LDD.replace("not found", "/lib/x.so")))
    # a library we have no package for is still named
    with pytest.raises(DisplayError, match=r"libfoo\.so\.9") as other:
        check_display({"DISPLAY": ":0"}, plugin, fake_ldd("\tlibfoo.so.9 => not found\n"))
    assert "provides libfoo.so.9" in (other.value.hint or "")


def test_only_when_qt_will_use_xcb() -> None:
    assert uses_xcb({"DISPLAY": ":0"})
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"})
    check_display({"QT_QPA_PLATFORM": "offscreen"}, Path("/nonexistent"), fake_ldd(LDD))
    with pytest.raises(DisplayError, match="no display"):
        check_display({}, Path("/nonexistent"), fake_ldd(LDD))


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs a C compiler to make a plugin")
def test_ldd_finds_a_library_that_is_not_there(tmp_path: Path) -> None:
    """A real shared object that needs a library which was removed, read by the real ldd."""
    (tmp_path / "stub.c").write_text("int workbench_stub(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text(
        "int workbench_stub(void);\nint plugin(void) { return workbench_stub(); }\n"
    )
    soname = "libworkbench-missing-test.so.1"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", soname, "stub.c"],
        cwd=tmp_path, check=True,
    )  # fmt: skip
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-Wl,-rpath,$ORIGIN", "-o", "libqxcb.so", "plugin.c",
         f"./{soname}"],
        cwd=tmp_path, check=True,
    )  # fmt: skip
    plugin = tmp_path / "libqxcb.so"
    assert missing_libraries(plugin) == []  # found beside it (its rpath)
    (tmp_path / soname).unlink()
    assert soname in run_ldd(plugin)
    assert missing_libraries(plugin) == [soname]


def test_the_window_command_says_which_package_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.cli import _run
    from workbench.cli.app import cmd_gui

    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "xcb_plugin", lambda: plugin)
    monkeypatch.setattr(platform_check, "run_ldd", fake_ldd(LDD))
    assert _run(cmd_gui, argparse.Namespace(debug=False)) == 2
    err = capsys.readouterr().err
    assert "error: the window cannot start" in err
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in err


def test_every_package_is_in_the_readme_and_contributing() -> None:
    root = Path(__file__).parents[2]
    for doc in ("README.md", "CONTRIBUTING.md", ".ci/run"):
        text = (root / doc).read_text()
        missing = sorted({p for p in DEBIAN_PACKAGES.values() if p not in text})
        assert not missing, f"{doc} does not list {missing}"
