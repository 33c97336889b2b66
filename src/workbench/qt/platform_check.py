"""Before the window starts on X11: are the libraries Qt's xcb platform plugin needs installed?

On a fresh Debian or Ubuntu machine PySide6's ``libqxcb.so`` links with X11 libraries that are
not installed by default (``libxcb-icccm4``, ``libxcb-keysyms1``, ``libxcb-cursor0`` …); Qt then
prints only "no Qt platform plugin could be initialized" and aborts. This module asks ``ldd``
what the plugin really links with before any QApplication exists, and names the Debian package
of each library that is missing. Nothing here imports Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from workbench.errors import DisplayError

#: The libraries ``ldd`` lists for PySide6 6.x's ``libqxcb.so`` (and ``libQt6XcbQpa``), with the
#: Debian/Ubuntu package of each (Debian 12; on Ubuntu 24.04 and Debian 13 the GLib package is
#: ``libglib2.0-0t64``). README and CONTRIBUTING list the same packages.
DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

Ldd = Callable[[Path], str]


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, where this installation has one."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    for root in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def run_ldd(path: Path) -> str:
    """What ``ldd`` says of ``path`` (empty where there is no ``ldd``)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return ""
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def missing_libraries(plugin: Path, ldd: Ldd | None = None) -> list[str]:
    """The libraries ``plugin`` needs that the dynamic loader cannot find, in ldd's order."""
    ldd = ldd or run_ldd
    missing: list[str] = []
    for line in ldd(plugin).splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt will pick its X11 (xcb) plugin: asked for by name, or an X display only."""
    if not sys.platform.startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def check_display(
    env: Mapping[str, str] | None = None,
    plugin: Path | None = None,
    ldd: Ldd | None = None,
) -> None:
    """Raise a :class:`DisplayError` that says what to install (or do) before Qt aborts."""
    env = os.environ if env is None else env
    ldd = ldd or run_ldd
    if not sys.platform.startswith("linux"):
        return
    if not env.get("QT_QPA_PLATFORM") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        raise DisplayError(
            "there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is "
            "set)",
            hint="start it from a desktop session; for a screenshot without one, set "
            "QT_QPA_PLATFORM=offscreen",
        )
    if not uses_xcb(env):
        return
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return
    missing = missing_libraries(plugin, ldd)
    if not missing:
        return
    packages = sorted({DEBIAN_PACKAGES.get(name, "") for name in missing} - {""})
    unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
    hint = f"on Debian or Ubuntu: sudo apt-get install {' '.join(packages)}" if packages else ""
    if unknown:
        hint += ("; " if hint else "") + f"install the package that provides {', '.join(unknown)}"
    raise DisplayError(
        "the window cannot start: Qt's X11 (xcb) platform plugin needs "
        f"{', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed",
        hint=hint,
    )
