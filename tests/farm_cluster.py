"""A real Dask farm on 127.0.0.1 for tests: ``dask scheduler`` and ``dask worker`` processes.

Each process is the ``dask`` command of this environment (``python -m dask``), on free ports,
with its own environment (a worker may be given another model folder), one worker process and
one thread each. ``close()`` stops every process it started, by its id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SRC = str(Path(__file__).resolve().parents[1] / "src")


def farm_env(**extra: str) -> dict[str, str]:
    """This process's environment (the tests' own user folders) with Workbench importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


class Farm:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.scheduler_file = folder / "scheduler.json"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.address = ""

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    def start_scheduler(self) -> str:
        self._spawn(
            "scheduler",
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(self.scheduler_file),
            ],
            farm_env(),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.address = str(json.loads(self.scheduler_file.read_text())["address"])
                return self.address
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        raise RuntimeError("the dask scheduler did not start: " + self.log("scheduler"))

    def start_worker(self, name: str, *, nanny: bool = True, **env: str) -> None:
        args = ["worker", self.address, "--nworkers", "1", "--nthreads", "1", "--name", name]
        args += ["--no-dashboard", "--local-directory", str(self.folder / name)]
        args += ["--nanny" if nanny else "--no-nanny"]
        self._spawn(name, args, farm_env(**env))

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def wait_for_workers(self, count: int, timeout: float = 90) -> dict[str, str]:
        """``{worker name: address}`` once ``count`` workers have joined."""
        with self.client() as client:
            client.wait_for_workers(count, timeout=timeout)
            workers = client.scheduler_info()["workers"]
            return {str(w["name"]): address for address, w in workers.items()}

    def kill(self, name: str) -> None:
        """SIGKILL the named process (and, with a nanny, its worker child: the whole group)."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


@contextmanager
def farm(folder: Path, workers: dict[str, dict[str, str]] | None = None) -> Iterator[Farm]:
    """A scheduler and one worker per ``{name: extra environment}`` (default: w1, w2)."""
    cluster = Farm(folder)
    try:
        cluster.start_scheduler()
        for name, env in (workers if workers is not None else {"w1": {}, "w2": {}}).items():
            cluster.start_worker(name, **env)
        yield cluster
    finally:
        cluster.close()


# -- footage made by FFmpeg's command line, and FFmpeg's own frame checksums -------------------
def ffmpeg_clip(path: Path, *, frames: int = 12, size: str = "64x48") -> Path:
    """ProRes 422 HQ with PCM audio, textured (testsrc2) and grainy, from the ffmpeg command."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=24,noise=alls=12:allf=t",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-frames:v",
            str(frames),
            "-t",
            f"{frames / 24:.4f}",
            "-c:v",
            "prores_ks",
            "-profile:v",
            "3",
            "-c:a",
            "pcm_s16le",
            str(path),
        ],
        check=True,
    )
    return path


def framemd5(path: Path) -> list[str]:
    """FFmpeg's checksum of every decoded frame of every stream (header lines included)."""
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()
