"""A real farm: ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, one thread each.

A worker killed with SIGKILL mid-render, a coordinator killed mid-render, a cancelled render,
a worker without the plan's model: the render still completes (or refuses, naming the model),
frame-identical (FFmpeg's framemd5) to the local render, with one log entry that verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from farm_cluster import farm, farm_env, ffmpeg_clip, framemd5
from support import project_with
from workbench.errors import Cancelled
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import DirectorySegmentStore, RenderRequest, run_render
from workbench.render.farm import DaskExecutor
from workbench.render.farm.status import farm_status

pytestmark = pytest.mark.slow

FRAMES, SEGMENT = 32, 4  # eight segments


@pytest.fixture
def project(tmp_path: Path) -> Path:
    clip = ffmpeg_clip(tmp_path / "A001.mov", frames=FRAMES, size="256x144")
    return project_with(
        tmp_path, clip, ["--tool", "denoise"], ["--tool", "dust", "--frames", "5-27"]
    )


def _render_entries(project: Path) -> list[dict[str, Any]]:
    with Project.open(project, readonly=True) as opened:
        assert opened.verify().ok
        return [e for e in opened.log.entries() if e["schema"] == "workbench.render/1"]


def _records(folder: Path) -> dict[int, str]:
    """``{segment: worker}`` of the segments stored so far."""
    out = {}
    for path in folder.glob("segment_*.json"):
        record = json.loads(path.read_text())
        out[int(record["segment"])] = str(record["worker"])
    return out


def _until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class _Background:
    """``run_render`` on a thread; its result or its exception afterwards."""

    def __init__(self, **kwargs: Any) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, kwargs=kwargs, daemon=True)
        self.thread.start()

    def _run(self, **kwargs: Any) -> None:
        try:
            self.result = run_render(**kwargs)
        except BaseException as exc:
            self.error = exc

    def join(self, timeout: float = 600) -> Any:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the render did not end"
        if self.error is not None:
            raise self.error
        return self.result


def test_a_worker_killed_mid_render_changes_nothing(tmp_path: Path, project: Path) -> None:
    reference = run_render(RenderRequest(project, 1, tmp_path / "local.mov"))
    with farm(tmp_path / "farm") as cluster:
        names = cluster.wait_for_workers(2)
        store = DirectorySegmentStore(tmp_path / "store")
        request = RenderRequest(project, 1, tmp_path / "farm.mov", segment_frames=SEGMENT)
        with DaskExecutor(cluster.address) as executor:
            render = _Background(request=request, store=store, executor=executor)
            folder = next(_wait_for_folder(tmp_path / "store"))
            victim = names["w1"]
            with cluster.client() as client:
                # w1 has stored a segment and is in the middle of another
                _until(
                    lambda: victim in _records(folder).values() and client.processing().get(victim),
                    300,
                    "w1 to be mid-render",
                )
            doing = [line for w in farm_status(cluster.address).workers for line in w.doing]
            cluster.kill("w1")
            at_kill = _records(folder)
            result = render.join()
    assert len(at_kill) < FRAMES // SEGMENT
    assert any(
        re.fullmatch(r"farm\.mov, segment \d+ \(frames \d+-\d+\): \d+/4 frames", d) for d in doing
    ), doing
    assert framemd5(result.output) == framemd5(reference.output)
    segments = _render_entries(project)[-1]["segments"]
    workers = {s["index"]: s["worker"] for s in segments}
    by_victim = {i for i, w in at_kill.items() if w == victim}
    assert by_victim and {i for i, w in workers.items() if w == victim} == by_victim
    assert all(w == names["w2"] for i, w in workers.items() if i not in by_victim)
    assert {s["provider"] for s in segments} == {"CPUExecutionProvider"}


def _wait_for_folder(root: Path) -> Any:
    _until(lambda: root.is_dir() and any(root.iterdir()), 120, "the segment folder")
    yield next(root.iterdir())


def test_a_worker_without_the_model_refuses_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnx

    models = tmp_path / "models"
    models.mkdir()
    repo = Path(__file__).resolve().parents[3] / "models"
    model = onnx.load(str(repo / "denoise.onnx"))
    model.doc_string = "the studio's own copy, for the farm test"  # other bytes, same network
    onnx.save(model, str(models / "denoise-studio.onnx"))
    card = json.loads((repo / "denoise.card.json").read_text())
    card["id"] = "denoise-studio"
    card.pop("variants", None)  # the studio ships the main file alone
    card["sha256"] = hashlib.sha256((models / "denoise-studio.onnx").read_bytes()).hexdigest()
    (models / "denoise-studio.card.json").write_text(json.dumps(card))
    monkeypatch.setenv("WORKBENCH_MODELS_PATH", str(models))
    clip = ffmpeg_clip(tmp_path / "A001.mov", frames=8)
    project = project_with(tmp_path, clip, ["--tool", "denoise", "--model", "denoise-studio"])

    with farm(tmp_path / "farm", {"bare": {"WORKBENCH_MODELS_PATH": ""}}) as cluster:
        names = cluster.wait_for_workers(1)
        out = tmp_path / "farm.mov"
        command = [sys.executable, "-m", "workbench.cli", "render", str(project), "1"]
        command += ["-o", str(out), "--cluster", cluster.address, "--segment-frames", "4"]
        run = subprocess.run(command, capture_output=True, text=True, env=farm_env(), timeout=300)
        assert run.returncode == 2, run.stderr
        assert f"every farm worker refuses; {names['bare']} refuses segment" in run.stderr
        assert "no model denoise-studio with SHA-256" in run.stderr
        assert "hint: copy denoise-studio.onnx and its card" in run.stderr
        assert not out.exists() and not _render_entries(project)

        # A worker that has it joins: the render completes there; the bare one only refused.
        cluster.start_worker("studio", WORKBENCH_MODELS_PATH=str(models))
        names = cluster.wait_for_workers(2)
        run = subprocess.run(command, capture_output=True, text=True, env=farm_env(), timeout=300)
        assert run.returncode == 0, run.stderr
    segments = _render_entries(project)[-1]["segments"]
    assert {s["worker"] for s in segments} == {names["studio"]}
    reference = run_render(RenderRequest(project, 1, tmp_path / "local.mov"))
    assert framemd5(out) == framemd5(reference.output)


def test_a_killed_coordinator_resumes_and_cancel_stops_every_task(
    tmp_path: Path, project: Path
) -> None:
    reference = run_render(RenderRequest(project, 1, tmp_path / "local.mov"))
    root = tmp_path / "store"
    out = tmp_path / "farm.mov"
    with farm(tmp_path / "farm") as cluster:
        cluster.wait_for_workers(2)
        command = [sys.executable, "-m", "workbench.cli", "render", str(project), "1", "-o"]
        command += [str(out), "--cluster", cluster.address, "--store", str(root)]
        command += ["--segment-frames", str(SEGMENT)]
        coordinator = subprocess.Popen(
            command, env=farm_env(), stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            folder = next(_wait_for_folder(root))
            _until(lambda: len(_records(folder)) >= 2, 300, "two stored segments")
        finally:
            os.killpg(coordinator.pid, signal.SIGKILL)
            coordinator.wait(timeout=30)
        assert not out.exists() and len(_render_entries(project)) == 1  # the local one

        # Run again, and cancel: every task stops at its next frame, nothing is registered.
        progress = Progress()
        request = RenderRequest(project, 1, out, segment_frames=SEGMENT)
        store = DirectorySegmentStore(root)
        with DaskExecutor(cluster.address) as executor, cluster.client() as client:
            render = _Background(request=request, store=store, executor=executor, progress=progress)
            _until(lambda: any(client.processing().values()), 120, "tasks running")
            progress.cancel()
            with pytest.raises(Cancelled):
                render.join()
            _until(lambda: not any(client.processing().values()), 60, "every task to stop")
        stored = len(_records(folder))
        assert stored < FRAMES // SEGMENT
        assert not out.exists() and len(_render_entries(project)) == 1  # the local one

        # And again: it resumes from the segments stored by the killed and the cancelled runs.
        with DaskExecutor(cluster.address) as executor:
            result = run_render(request, store=store, executor=executor)
    assert result.resumed_from > 0
    assert framemd5(out) == framemd5(reference.output)
    entries = _render_entries(project)
    assert len(entries) == 2 and len(entries[-1]["segments"]) == FRAMES // SEGMENT
    assert not folder.exists()
    shutil.rmtree(root, ignore_errors=True)
