"""The segment store: each writer writes its own copy and the first to finish is kept; a
segment records who rendered it on which provider, and providers are never mixed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from farm_cluster import ffmpeg_clip
from support import project_with
from workbench.errors import WorkbenchError
from workbench.render import DirectorySegmentStore, RenderRequest, build_plan, materialize
from workbench.render.executor import rendered_segments, segment_digest
from workbench.render.materialize import MaterializedPlan
from workbench.render.segments import pending_segments, render_segment


@pytest.fixture
def live(tmp_path: Path) -> MaterializedPlan:
    clip = ffmpeg_clip(tmp_path / "A001.mov", frames=6)
    project = project_with(tmp_path, clip, ["--tool", "denoise"])
    return materialize(build_plan(RenderRequest(project, 1, tmp_path / "o.mov", segment_frames=3)))


def test_a_second_writer_of_a_segment_keeps_the_first(
    tmp_path: Path, live: MaterializedPlan
) -> None:
    store = DirectorySegmentStore(tmp_path / "store")
    first = render_segment(live, 0, store, worker="w1")
    assert not first.reused and first.worker == "w1" and first.provider == "CPUExecutionProvider"
    assert first.media == store.media_path(live.plan, 0) and first.media.exists()
    record = (store.folder(live.plan) / "segment_000000.json").read_bytes()
    media = first.media.read_bytes()

    # a duplicate task that finished later: its own copy, discarded; the first stays
    part = store.prepare(live.plan, 0)
    assert part != first.media and ".part-" in part.name
    part.write_bytes(b"a later copy")
    kept = store.save(live.plan, dataclasses.replace(first, media=part, worker="w2"))
    assert kept.worker == "w1" and kept.reused
    assert not part.exists()
    assert (store.folder(live.plan) / "segment_000000.json").read_bytes() == record
    assert first.media.read_bytes() == media


def test_media_without_a_record_is_not_a_segment(tmp_path: Path, live: MaterializedPlan) -> None:
    store = DirectorySegmentStore(tmp_path / "store")
    part = store.prepare(live.plan, 1)
    part.write_bytes(b"killed half way")
    store.media_path(live.plan, 1).write_bytes(b"moved, then killed before the record")
    assert store.load(live.plan, 1) is None
    assert [s.index for s in pending_segments(live, store)] == [0, 1]
    done = render_segment(live, 1, store)
    assert store.load(live.plan, 1) == dataclasses.replace(done, reused=True)


def test_a_segment_of_another_provider_is_rendered_again(
    tmp_path: Path, live: MaterializedPlan
) -> None:
    store = DirectorySegmentStore(tmp_path / "store")
    for index in (0, 1):
        render_segment(live, index, store)
    record_path = store.folder(live.plan) / "segment_000001.json"
    record = json.loads(record_path.read_text())
    record_path.write_text(json.dumps({**record, "provider": "CUDAExecutionProvider"}))

    with pytest.raises(WorkbenchError, match=r"rendered on CUDAExecutionProvider.*never mixed"):
        rendered_segments(live.plan, store, "CPUExecutionProvider")
    with pytest.raises(WorkbenchError, match="never mixed"):
        rendered_segments(live.plan, store, None)
    assert [s.index for s in pending_segments(live, store)] == [1]
    again = render_segment(live, 1, store)
    assert not again.reused and again.provider == "CPUExecutionProvider"
    listed = rendered_segments(live.plan, store, None)
    assert [s.provider for s in listed] == ["CPUExecutionProvider"] * 2
    assert listed[1].frame_digest == segment_digest(again.frames)
    assert listed[0].worker == "local"
