"""The viewer's processed frames are the render's frames, and their cache keys change exactly
where the stack changes what a frame is."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support import project_with
from workbench.editing import (
    PendingEdit,
    ViewRequest,
    apply_edit,
    plan_edit,
    preview_range,
    view_stack,
)
from workbench.editing.edits import EditRequest
from workbench.media import open_reader
from workbench.media.images import quantize
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.render.frame_cache import FrameCache
from workbench.render.frame_keys import FrameKeys
from workbench.render.preview import Engines

W, H, N = 96, 64, 10


@pytest.fixture(scope="module")
def rgb16(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 16-bit RGB FFV1 clip made by the ffmpeg command line: a render of it to FFV1 stores
    the stack's float frames rounded to 16 bits and nothing else."""
    path = tmp_path_factory.mktemp("src") / "plate.mkv"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
            "-i", f"testsrc2=size={W}x{H}:rate=24,noise=alls=24:allf=t",
            "-frames:v", str(N), "-c:v", "ffv1", "-pix_fmt", "gbrp16le", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def ffmpeg_frames(path: Path) -> np.ndarray:
    """The file's pictures as 16-bit RGB, decoded by the ffmpeg command line."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb48le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, "<u2").reshape(-1, H, W, 3)


def stack_project(tmp_path: Path, media: Path) -> Path:
    return project_with(
        tmp_path,
        media,
        ["--tool", "denoise", "--param", "level=25", "--region", "10,8,60,40"],
        ["--tool", "dust", "--frames", "2-8"],  # temporal: reads its neighbours after denoise
    )


def test_cached_frames_are_the_rendered_frames(tmp_path: Path, rgb16: Path) -> None:
    project = stack_project(tmp_path, rgb16)
    cache = FrameCache(tmp_path / "cache")
    report, processed = preview_range(project, 1, (0, N - 1), cache=cache)
    assert (report.computed, report.found) == (N, 0)
    out = tmp_path / "out.mkv"
    run_render(RenderRequest(project, 1, out, "ffv1", sign=False))
    rendered = ffmpeg_frames(out)
    assert rendered.shape[0] == N
    for index in range(N):
        cached = processed.cached(index)
        assert cached is not None
        assert np.array_equal(quantize(cached, 16), rendered[index]), f"frame {index} differs"
    # the same frames again, from disk in a fresh cache, and one computed on its own
    again = FrameCache(tmp_path / "cache")
    _, reread = preview_range(project, 1, (0, N - 1), cache=again)
    with open_reader(rgb16) as source:
        alone = processed.evaluator(source.read).frame(5, Progress())
    assert np.array_equal(reread.cached(4), processed.cached(4))
    assert np.array_equal(alone, processed.cached(5))


def test_a_second_preview_is_the_cached_frame(tmp_path: Path, rgb16: Path) -> None:
    project = stack_project(tmp_path, rgb16)
    cache = FrameCache(None)
    with Project.open(project, readonly=True) as p:
        clip, edits = p.clip(1), p.edits(1)
    pending = PendingEdit("denoise", {"level": 10}, frames=(4, 4))
    stack = view_stack(clip, edits, ViewRequest(pending), project_path=project)
    frames = stack.frames(cache, Engines())
    with open_reader(rgb16) as source:
        first = frames.frame(4, source.read, Progress())
        frames.store(4, first)
        calls: list[int] = []
        original = frames.evaluator
        frames.evaluator = lambda src: calls.append(1) or original(src)  # type: ignore[method-assign]
        second = frames.frame(4, source.read, Progress())
    assert second is first and not calls


def keys(folder: Path, view: ViewRequest | None = None, **opts: int) -> FrameKeys:
    from workbench.inference import SessionOptions

    with Project.open(folder / "p.wbproj", readonly=True) as p:
        clip, edits = p.clip(1), p.edits(1)
    options = SessionOptions(**opts) if opts else SessionOptions()
    return FrameKeys(view_stack(clip, edits, view, project_path=p.path, options=options).spec)


def changed(a: FrameKeys, b: FrameKeys) -> list[int]:
    return [i for i in range(N) if a.key(i) != b.key(i)]


def test_keys_change_exactly_where_the_stack_changes(tmp_path: Path, rgb16: Path) -> None:
    plain, below = tmp_path / "plain", tmp_path / "below"
    plain.mkdir(), below.mkdir()
    stack_project(plain, rgb16)
    project_with(
        below,
        rgb16,
        ["--tool", "denoise", "--param", "level=25", "--region", "10,8,60,40"],
        ["--tool", "denoise", "--param", "level=9", "--frames", "5-5"],
        ["--tool", "dust", "--frames", "2-8"],
    )
    before = keys(plain)
    assert changed(before, keys(plain)) == []  # the same stack built again: the same keys
    assert [i for i in range(N) if before.untouched(i)] == []  # the denoise covers every frame
    # a pending denoise on frame 5, on top of the stack: only frame 5 changes
    on5 = keys(plain, ViewRequest(PendingEdit("denoise", {"level": 9}, frames=(5, 5))))
    assert changed(before, on5) == [5]
    # the same edit below the dust edit: the dust reads frame 5 for frames 4 and 6 as well
    assert changed(before, keys(below)) == [4, 5, 6]
    # the tiling changes every frame a model touched; a solo shows one edit alone
    assert changed(before, keys(plain, tile_size=256)) == list(range(N))
    with Project.open(plain / "p.wbproj", readonly=True) as p:
        dust = next(e for e in p.edits(1) if e.tool == "dust")
    solo = keys(plain, ViewRequest(solo=dust.id))
    assert [i for i in range(N) if solo.untouched(i)] == [0, 1, 9]
    assert solo.spec.label == "Solo: #2 dust"


def test_a_previewed_edit_keeps_its_cache_once_applied(tmp_path: Path, rgb16: Path) -> None:
    stack_project(tmp_path, rgb16)
    mask = np.zeros((H, W), np.float32)
    mask[10:30, 20:50] = 1.0
    pending = PendingEdit("denoise", {"amount": 2}, None, (3, 6), {"kind": "mask"}, mask)
    previewed = keys(tmp_path, ViewRequest(pending))
    with Project.open(tmp_path / "p.wbproj") as p:
        request = EditRequest(
            1, "denoise", {"amount": 2}, frames=(3, 6), region={"kind": "mask"}, mask=mask
        )
        apply_edit(p, plan_edit(p, request))
    assert changed(previewed, keys(tmp_path)) == []


def test_the_pending_edit_is_checked_like_an_edit(tmp_path: Path, rgb16: Path) -> None:
    from workbench.errors import UsageError

    stack_project(tmp_path, rgb16)
    with pytest.raises(UsageError, match="outside the clip"):
        keys(tmp_path, ViewRequest(PendingEdit("denoise", frames=(5, 50))))
    with pytest.raises(UsageError, match="not for denoise"):
        keys(tmp_path, ViewRequest(PendingEdit("denoise", model="dust")))
    with pytest.raises(UsageError, match="not in clip"):
        keys(tmp_path, ViewRequest(solo=99))


def test_the_spec_digest_names_the_stack(tmp_path: Path, rgb16: Path) -> None:
    stack_project(tmp_path, rgb16)
    a, b = keys(tmp_path).spec, keys(tmp_path, feather=2).spec
    assert a.digest() == dataclasses.replace(a, label="x").digest() != b.digest()


def test_a_preview_on_top_runs_only_the_previewed_edit(
    tmp_path: Path, rgb16: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.render.stack as stack_module

    project = stack_project(tmp_path, rgb16)  # denoise, then dust (temporal)
    with Project.open(project, readonly=True) as p:
        clip, edits = p.clip(1), p.edits(1)
    cache = FrameCache(None)
    pending = ViewRequest(PendingEdit("denoise", {"level": 9}, frames=(4, 4)))
    with open_reader(rgb16) as source:
        base = view_stack(clip, edits, project_path=project).frames(cache, Engines())
        for index in range(2, 7):  # the viewer showed frames 2-6 (denoise reads 2 each side)
            base.store(index, base.frame(index, source.read, Progress()))
        ran: list[str] = []
        real = stack_module.apply_tool
        monkeypatch.setattr(
            stack_module,
            "apply_tool",
            lambda tool, *a, **k: ran.append(tool.id) or real(tool, *a, **k),
        )
        top = view_stack(clip, edits, pending, project_path=project).frames(cache, Engines())
        shown = top.frame(4, source.read, Progress())
        assert ran == ["denoise"], ran  # the stack below came from the cache
        ran.clear()
        fresh = view_stack(clip, edits, pending, project_path=project).frames(FrameCache(None))
        assert np.array_equal(shown, fresh.frame(4, source.read, Progress()))
        # all of it again: the stack's denoise on frames 1-7, dust on 2-6, the preview on 4
        assert sorted(ran) == ["denoise"] * 8 + ["dust"] * 5 and ran[-1] == "denoise", ran
