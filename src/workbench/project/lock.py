"""One writer at a time: a lock file beside the project.

The lock file records who holds the project (pid, host, app, time) so a refusal can name the
holder. The holder also keeps an OS-level lock (``flock``) on the file while it is open: when the
holder dies — even by ``kill -9`` — the OS drops that lock, and the next writer recovers the
stale file automatically. Where ``flock`` is unavailable the pid is checked instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path
from typing import IO, Any

from workbench import APP_NAME, __version__
from workbench.errors import ProjectLockedError, StorageError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path_for(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def describe_holder(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another process"
    return (
        f"{holder.get('app', 'an app')} (pid {holder.get('pid', '?')} on "
        f"{holder.get('host', '?')}, user {holder.get('user', '?')}, since {holder.get('since', '?')})"
    )


class ProjectLock:
    """Held while a project is open for writing; ``release()`` or the process's death frees it."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.path = lock_path_for(project)
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if self._recover_stale():
                    continue
                raise self.refused(read_holder(self.path)) from None
            except OSError as exc:
                raise StorageError(
                    f"cannot create the lock file {self.path}: {exc.strerror}",
                    hint="check that the project's folder is writable",
                ) from None
            handle = os.fdopen(fd, "w+", encoding="utf-8")
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()
                    continue
                try:
                    still_ours = os.stat(self.path).st_ino == os.fstat(handle.fileno()).st_ino
                except FileNotFoundError:
                    still_ours = False
                if not still_ours:  # another process took our fresh file for a stale one
                    handle.close()
                    continue
            holder = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "user": os.environ.get("USER") or os.environ.get("USERNAME") or "?",
                "app": f"{APP_NAME} {__version__}",
                "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            handle.write(json.dumps(holder))
            handle.flush()
            os.fsync(handle.fileno())
            self._handle = handle
            return
        raise ProjectLockedError(f"could not take the lock on {self.project.name}; try again")

    def refused(self, holder: dict[str, Any] | None) -> ProjectLockedError:
        """The error a second taker gets (subclasses say what the lock is for)."""
        return ProjectLockedError(
            f"{self.project.name} is open for writing by {describe_holder(holder)}",
            hint=f"close it there first; if that process is gone, delete {self.path.name}",
        )

    def _recover_stale(self) -> bool:
        """True if the existing lock was left by a dead process and has been removed."""
        try:
            handle = self.path.open("r+", encoding="utf-8")
        except FileNotFoundError:
            return True  # released meanwhile
        except OSError:
            return False
        with handle:
            holder = read_holder(self.path)
            if fcntl is not None:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return False  # a live process holds it
                # We hold the OS lock, so its holder is dead: a live Workbench keeps it for as
                # long as the project is open (a live pid here is a reused pid).
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                return True
            pid = holder.get("pid") if holder else None
            if holder and holder.get("host") == socket.gethostname() and isinstance(pid, int):
                if _pid_alive(pid):
                    return False
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                return True
            return False

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._handle.close()  # closing drops the flock
        self._handle = None

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
