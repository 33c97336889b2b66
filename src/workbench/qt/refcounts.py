"""Keep None, True and False alive under a PySide6 that returns them without a reference.

PySide6 6.12.0 on Python 3.11 returns ``None`` from methods that return nothing (``update()``,
``setText()``, ``processEvents()``) and ``True`` from ``Signal.emit()`` without taking a
reference: each call costs the singleton one reference, and after some tens of thousands of
calls (a few minutes of playback, which emits several signals a frame) the interpreter aborts
with "none_dealloc" or "bool_dealloc". From Python 3.12 these objects are immortal (PEP 683)
and the bug does no harm; on 3.11 :func:`protect_singletons` gives them the same immortality —
a reference count no session can spend — when, and only when, it measures the leak at start-up.
The singletons are static objects that are never freed, so a larger count changes nothing else.
"""

from __future__ import annotations

import sys

#: What a leaking singleton's reference count is raised by (PEP 683's immortal count is 2**32).
IMMORTAL = 1 << 40
PROBES = 64


def _leaks() -> dict[str, object]:
    """The singletons that lose a reference per call, measured on a throwaway object."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    found: dict[str, object] = {}
    before = sys.getrefcount(None)
    for _ in range(PROBES):
        probe.setObjectName("probe")  # returns nothing: None
    if sys.getrefcount(None) < before - PROBES // 2:
        found["None"] = None
    before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.ping.emit()  # returns True
    if sys.getrefcount(True) < before - PROBES // 2:
        found["True"] = True
        found["False"] = False  # the same code path returns it where a call fails
    return found


def protect_singletons() -> list[str]:
    """Make the singletons this PySide6 leaks immortal; the names of those it did (none when
    the build is sound, or on Python 3.12+ where they are immortal already)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return []
    if hasattr(sys, "gettotalrefcount"):  # a debug build lays objects out differently
        return []
    import ctypes

    done: list[str] = []
    for name, obj in _leaks().items():
        count = sys.getrefcount(obj)
        if count > IMMORTAL // 2:
            continue  # already done
        # CPython's object header starts with its reference count (a Py_ssize_t)
        ctypes.c_ssize_t.from_address(id(obj)).value += IMMORTAL
        done.append(name)
    return done
