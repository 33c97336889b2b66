"""Renders keep the footage's fidelity, log what they made, resume after kill -9, cancel cleanly."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from media.media_clips import make_video
from support import project_with
from workbench.cli import main
from workbench.errors import Cancelled, UsageError
from workbench.media import open_reader, probe
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, render_in_worker, run_render
from workbench.render.events import Advanced, Done, RenderEvent


def audio_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return []
        return [bytes(p) for p in container.demux(container.streams.audio[0]) if p.size]


def frames_of(path: Path | str) -> list[np.ndarray]:
    with open_reader(path) as reader:
        return list(reader.iter_frames())


@pytest.fixture(scope="module")
def prores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "a001.mov"
    return make_video(
        path,
        "prores_ks",
        "yuv422p10le",
        Fraction(24000, 1001),
        frames=30,
        size=(192, 128),
        audio="pcm_s16le",
        timecode="01:00:00:00",
        options={"profile": "3"},
    )


def test_render_prores_keeps_fidelity_and_logs(tmp_path: Path, prores: Path) -> None:
    project = project_with(
        tmp_path,
        prores,
        ["--tool", "denoise", "--region", "0,0,48,32"],
        ["--tool", "dust", "--frames", "5-20"],
    )
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    src, dst = probe(prores), probe(out)
    assert (dst.frame_count, dst.frame_rate, dst.timecode, dst.bit_depth) == (
        src.frame_count,
        src.frame_rate,
        src.timecode,
        src.bit_depth,
    )
    assert dst.codec == "prores"
    assert audio_packets(out) == audio_packets(prores) != []
    with Project.open(project, readonly=True) as p:
        assert p.verify().ok
        (render,) = p.renders()
        entry = p.log.entries()[-1]
        assert entry["schema"] == "workbench.render/1"
        assert entry["output"]["sha256"] == render.sha256
        import hashlib

        assert hashlib.sha256(out.read_bytes()).hexdigest() == render.sha256
        assert [e["edit"] for e in entry["edits"]] == [1, 2]
    # outside the region and outside the frame range, pixels are the source's (through 10-bit)
    source_frames, rendered = frames_of(prores), frames_of(out)
    assert np.abs(rendered[25][40:, 60:] - source_frames[25][40:, 60:]).max() < 2e-3
    assert not list(tmp_path.glob(".out.mov.wbrender-*"))  # work folder cleaned up


@pytest.mark.parametrize("kind", ["h264_aac", "vfr", "mpegts", "png16_gap", "exr_float"])
def test_render_keeps_fidelity_across_formats(tmp_path: Path, kind: str) -> None:
    if kind == "h264_aac":
        src = make_video(
            tmp_path / "s.mp4",
            "libx264",
            "yuv420p",
            Fraction(24),
            frames=20,
            size=(64, 48),
            audio="aac",
            options={"bf": "2", "g": "6"},
        )
        out = tmp_path / "out.mp4"
    elif kind == "vfr":
        pts = [0, 40, 80, 160, 200, 320, 360, 400, 480, 520]
        src = make_video(
            tmp_path / "s.mp4",
            "libx264",
            "yuv420p",
            Fraction(25),
            frames=10,
            size=(64, 48),
            pts=pts,
            time_base=Fraction(1, 1000),
        )
        out = tmp_path / "out.mp4"
    elif kind == "mpegts":
        src = make_video(
            tmp_path / "s.ts",
            "libx264",
            "yuv420p",
            Fraction(25),
            frames=15,
            size=(64, 48),
            audio="mp2",
            fmt="mpegts",
        )
        out = tmp_path / "out.mkv"
    elif kind == "png16_gap":
        import cv2

        folder = tmp_path / "seq"
        folder.mkdir()
        for n in (1, 2, 3, 5, 6):
            cv2.imwrite(
                str(folder / f"shot_{n:04d}.png"), np.full((32, 48, 3), 1000 * n, np.uint16)
            )
        src = folder / "shot_0001.png"
        out = tmp_path / "out_%04d.png"
    else:
        import OpenEXR

        folder = tmp_path / "exr"
        folder.mkdir()
        for n in range(1, 4):
            pixels = np.full((32, 48, 3), 0.25 * n + 0.5, np.float32)  # values above 1 survive
            OpenEXR.File({"type": OpenEXR.scanlineimage}, {"RGB": pixels}).write(
                str(folder / f"plate_{n:04d}.exr")
            )
        src = folder / "plate_0001.exr"
        out = tmp_path / "out_%04d.exr"
    project = project_with(tmp_path, src)
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    with Project.open(project, readonly=True) as p:
        clip_path = p.clips()[0].path
    before, after = probe(clip_path), probe(str(out))
    assert after.frame_count == before.frame_count
    assert after.frame_rate == before.frame_rate
    assert after.bit_depth == before.bit_depth
    if kind == "vfr":
        assert after.vfr
    if kind in ("h264_aac", "mpegts"):
        assert audio_packets(out) == audio_packets(src) != []
    if kind == "exr_float":
        assert frames_of(str(out))[2].max() > 1.0
    if kind == "png16_gap":
        assert after.missing_frames == before.missing_frames == (4,)


@pytest.mark.slow
def test_kill_9_and_resume_is_frame_identical(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores, ["--tool", "denoise"], ["--tool", "upscale"])
    reference = tmp_path / "reference.mov"
    assert main(["render", str(project), "1", "-o", str(reference)]) == 0
    out = tmp_path / "resumed.mov"
    rng = random.Random(7)
    command = [sys.executable, "-m", "workbench.cli", "render", str(project), "1", "-o", str(out)]
    kills = 0
    for _ in range(6):
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        if child.poll() is not None:
            break
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        kills += 1
        assert not out.exists() or out.stat().st_size > 0  # never a half-written final file
    assert kills >= 2
    if not out.exists():
        assert main(["render", str(project), "1", "-o", str(out)]) == 0
    assert [f.tobytes() for f in frames_of(out)] == [f.tobytes() for f in frames_of(reference)]
    assert audio_packets(out) == audio_packets(prores)
    with Project.open(project, readonly=True) as p:
        assert p.verify().ok
        renders = p.renders()
        assert [Path(r.output).name for r in renders] == ["reference.mov", "resumed.mov"]
        assert renders[0].frame_digest == renders[1].frame_digest


def test_cancel_leaves_no_output_and_no_entry(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores, ["--tool", "denoise"])
    out = tmp_path / "out.mov"
    progress = Progress()
    seen = []

    def on_event(event: RenderEvent) -> None:
        seen.append(event)
        if isinstance(event, Advanced) and event.done == 15:
            progress.cancel()

    with pytest.raises(Cancelled):
        run_render(RenderRequest(project, 1, out, segment_frames=6), progress, on_event=on_event)
    assert not out.exists()
    assert not list(tmp_path.rglob("*.partial*"))  # the unfinished segment was thrown away
    with Project.open(project, readonly=True) as p:
        assert p.renders() == [] and p.verify().ok
    # the finished segments are kept: the next run resumes after them
    result = run_render(RenderRequest(project, 1, out, segment_frames=6))
    assert result.resumed_from == 12


def test_render_in_worker_reports_progress(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores, ["--tool", "deblock"])
    handle = render_in_worker(RenderRequest(project, 1, tmp_path / "w.mov"))
    events = []
    deadline = time.monotonic() + 120
    while handle.finished is None and time.monotonic() < deadline:
        events.extend(handle.events())
        time.sleep(0.05)
    handle.join(10)
    assert isinstance(handle.finished, Done), events[-3:]
    progress = [e for e in events if isinstance(e, Advanced)]
    assert progress and progress[-1].done == 30 and progress[-1].fps > 0


def test_render_refuses_changed_or_offline_footage(tmp_path: Path, prores: Path) -> None:
    copy = tmp_path / "copy.mov"
    copy.write_bytes(prores.read_bytes())
    project = project_with(tmp_path, copy, ["--tool", "denoise"])
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(UsageError, match="changed on disk"):
        run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    copy.unlink()
    with pytest.raises(UsageError, match="offline"):
        run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    with Project.open(project, readonly=True) as p:
        assert p.renders() == []


def test_still_renders_to_still(tmp_path: Path) -> None:
    import cv2

    still = tmp_path / "still.png"
    cv2.imwrite(str(still), (np.random.default_rng(0).random((40, 60, 3)) * 255).astype(np.uint8))
    project = project_with(tmp_path, still, ["--tool", "upscale"])
    out = tmp_path / "big.png"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    assert cv2.imread(str(out)).shape == (80, 120, 3)


def test_signoff_is_enforced_and_logged(
    tmp_path: Path, prores: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.errors import PolicyError
    from workbench.project import Policy

    project = project_with(tmp_path, prores)
    with Project.open(project) as p:
        p.set_policy(Policy(signoff_required=["denoise"]))
    assert main(["apply", str(project), "1", "--tool", "denoise"]) == 0
    with pytest.raises(PolicyError, match="needs sign-off") as refused:
        run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    # what to do in the window first (a window user is not sent to a terminal), then the CLI
    hint = refused.value.hint or ""
    assert hint.startswith("a producer signs it off: select the edit in the edit stack")
    assert "Sign off…" in hint and "workbench signoff" in hint
    capsys.readouterr()
    assert main(["info", str(project)]) == 0
    assert "awaiting sign-off" in capsys.readouterr().out
    assert main(["signoff", str(project), "1", "--note", "approved in review"]) == 0
    assert main(["signoff", str(project), "1"]) == 2  # only once
    capsys.readouterr()
    assert main(["info", str(project)]) == 0
    assert "awaiting sign-off" not in capsys.readouterr().out
    run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    with Project.open(project, readonly=True) as p:
        schemas = [e["schema"] for e in p.log.entries()]
        assert schemas[-2:] == ["workbench.signoff/1", "workbench.render/1"]
        assert p.verify().ok


def test_relink_checks_content_and_logs(tmp_path: Path, prores: Path) -> None:
    original = tmp_path / "a.mov"
    original.write_bytes(prores.read_bytes())
    project = project_with(tmp_path, original, ["--tool", "deblock"])
    moved = tmp_path / "moved" / "a.mov"
    moved.parent.mkdir()
    original.rename(moved)
    with pytest.raises(UsageError, match="offline"):
        run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    other = tmp_path / "other.mov"
    make_video(other, "prores_ks", "yuv422p10le", Fraction(24), frames=3, size=(64, 48))
    assert main(["relink", str(project), "1", str(other)]) == 2  # different content: refused
    assert main(["relink", str(project), "1", str(moved)]) == 0
    run_render(RenderRequest(project, 1, tmp_path / "o.mov"))
    with Project.open(project, readonly=True) as p:
        assert p.clips()[0].path == str(moved)
        assert any(e["schema"] == "workbench.clip-relink/1" for e in p.log.entries())
        assert p.verify().ok


def test_a_failing_encoder_stops_the_render_instead_of_hanging(
    tmp_path: Path, prores: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The encoder dies mid-render (say the disk fills): the render raises, it does not wait."""
    import threading

    from workbench.media import MediaStorageError
    from workbench.media.writer import VideoWriter

    project = project_with(tmp_path, prores, ["--tool", "deblock"])
    real_write = VideoWriter.write
    calls = {"n": 0}

    def failing_write(self: VideoWriter, frame: np.ndarray) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise MediaStorageError("no space left on device")
        real_write(self, frame)

    monkeypatch.setattr(VideoWriter, "write", failing_write)
    outcome: list[BaseException] = []

    def render() -> None:
        try:
            run_render(RenderRequest(project, 1, tmp_path / "o.mov", segment_frames=4))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the render hung after its encoder failed"
    assert outcome and isinstance(outcome[0], MediaStorageError)
    assert not (tmp_path / "o.mov").exists()
    with Project.open(project, readonly=True) as p:
        assert p.renders() == [] and p.verify().ok
