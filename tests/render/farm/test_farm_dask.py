"""The Dask executor with an in-process cluster (two workers, one thread each): the same frames
as a local render, one entry naming who rendered each segment, progress over the whole plan,
cancel, and the farm's status. The real processes (``dask scheduler``/``dask worker``, a worker
killed, a worker without a model) are in ``test_farm_cluster.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from farm_cluster import ffmpeg_clip, framemd5
from support import project_with
from workbench.errors import Cancelled, UsageError
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.render.events import Advanced, Done, RenderEvent, Started
from workbench.render.executor import segment_digest
from workbench.render.farm import DaskExecutor, scheduler_address
from workbench.render.farm.status import farm_status


@pytest.fixture
def cluster() -> Iterator[tuple[Any, Any]]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield local, client


@pytest.fixture
def project(tmp_path: Path) -> Path:
    clip = ffmpeg_clip(tmp_path / "A001.mov", frames=12)
    return project_with(
        tmp_path, clip, ["--tool", "denoise"], ["--tool", "dust", "--frames", "2-9"]
    )


def test_a_farm_render_is_the_local_render(
    tmp_path: Path, project: Path, cluster: tuple[Any, Any]
) -> None:
    local, client = cluster
    reference = run_render(RenderRequest(project, 1, tmp_path / "local.mov"))
    events: list[RenderEvent] = []
    farm = DaskExecutor(local.scheduler_address, client=client)
    result = run_render(
        RenderRequest(project, 1, tmp_path / "farm.mov", segment_frames=3),
        executor=farm,
        on_event=events.append,
    )
    assert framemd5(result.output) == framemd5(reference.output)
    assert result.frame_digest == reference.frame_digest

    assert isinstance(events[0], Started) and isinstance(events[-1], Done)
    progress = [e for e in events if isinstance(e, Advanced)]
    assert progress and progress[-1].done == progress[-1].total == 12
    assert all(e.total == 12 for e in progress)

    with Project.open(project, readonly=True) as opened:
        assert opened.verify().ok
        entries = [e for e in opened.log.entries() if e["schema"] == "workbench.render/1"]
    assert "segments" not in entries[0]  # a local render's entry is as it always was
    segments = entries[-1]["segments"]
    assert [s["frames"] for s in segments] == [[0, 2], [3, 5], [6, 8], [9, 11]]
    assert {s["worker"] for s in segments} <= set(client.scheduler_info()["workers"])
    assert {s["provider"] for s in segments} == {"CPUExecutionProvider"}
    assert all(len(s["frame_digest"]) == 64 for s in segments)
    assert segments[0]["frame_digest"] != segments[1]["frame_digest"]
    assert segment_digest([]) != segments[0]["frame_digest"]


@pytest.mark.slow
def test_a_cancelled_farm_render_registers_nothing_and_resumes(
    tmp_path: Path, project: Path, cluster: tuple[Any, Any]
) -> None:
    local, client = cluster
    progress = Progress()

    def cancel_soon(event: RenderEvent) -> None:
        if isinstance(event, Advanced) and event.done > 0:
            progress.cancel()

    farm = DaskExecutor(local.scheduler_address, client=client)
    request = RenderRequest(project, 1, tmp_path / "farm.mov", segment_frames=3)
    with pytest.raises(Cancelled):
        run_render(request, progress, executor=farm, on_event=cancel_soon)
    assert not (tmp_path / "farm.mov").exists()
    with Project.open(project, readonly=True) as opened:
        assert not [e for e in opened.log.entries() if e["schema"] == "workbench.render/1"]
    result = run_render(request, executor=farm)  # run again: resumes from the store
    assert framemd5(result.output) == framemd5(
        run_render(RenderRequest(project, 1, tmp_path / "local.mov")).output
    )


def test_farm_status_lists_the_workers(cluster: tuple[Any, Any]) -> None:
    local, client = cluster
    status = farm_status(local.scheduler_address)
    assert {w.address for w in status.workers} == set(client.scheduler_info()["workers"])
    assert all(w.doing == () and w.threads == 1 for w in status.workers)


def test_an_unreachable_farm_is_a_usage_error() -> None:
    assert scheduler_address("render1") == "tcp://render1:8786"
    assert scheduler_address("tcp://10.0.0.5:9000") == "tcp://10.0.0.5:9000"
    with pytest.raises(UsageError, match="cannot reach the render farm") as caught:
        assert DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1).client is None
    assert "dask scheduler" in (caught.value.hint or "")


@pytest.mark.slow
def test_the_window_render_worker_renders_on_the_farm_in_the_preferences(
    tmp_path: Path, project: Path
) -> None:
    """The render queue's child process is the coordinator when Preferences name a farm."""
    import time

    from distributed import LocalCluster

    from workbench.config import save_settings
    from workbench.render import render_in_worker

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as local:
        save_settings({"farm": {"cluster": local.scheduler_address}})
        handle = render_in_worker(RenderRequest(project, 1, tmp_path / "farm.mov"))
        deadline = time.monotonic() + 300
        while handle.finished is None and time.monotonic() < deadline:
            list(handle.events())
            time.sleep(0.2)
        handle.raise_for_error()
        worker = next(iter(local.scheduler_info["workers"]))
    segments = _entries(project)[-1]["segments"]
    assert [(s["frames"], s["worker"]) for s in segments] == [([0, 11], worker)]  # 48 a segment


def _entries(project: Path) -> list[dict[str, Any]]:
    with Project.open(project, readonly=True) as opened:
        assert opened.verify().ok
        return [e for e in opened.log.entries() if e["schema"] == "workbench.render/1"]
