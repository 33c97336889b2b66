"""Delivery: preflight, smart rendering, fields, and the render's own QC — read by ffmpeg's tools.

Sources are made with the ffmpeg command line; results are read with ffprobe, ffmpeg's
framemd5 and MediaInfo, never with the PyAV writer that made them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support import project_with
from workbench.cli import main
from workbench.disclosure.records import summary
from workbench.errors import UsageError
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.tools.base import FrameWindow, apply_tool, apply_tool_by_field
from workbench.tools.registry import get_tool

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "mediainfo")),
    reason="needs ffmpeg and mediainfo (Debian packages ffmpeg, mediainfo)",
)

LAVFI = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24"]
SINE = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def ffprobe(path: Path) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         "-count_packets", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def framemd5(path: Path) -> list[str]:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f",
         "framemd5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if not line.startswith("#")]


@pytest.fixture(scope="module")
def prores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "A001.mov"
    ffmpeg(*LAVFI, *SINE, "-t", "1", "-c:v", "prores_ks", "-profile:v", "3",
           "-pix_fmt", "yuv422p10le", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00",
           str(path))  # fmt: skip
    return path


@pytest.fixture(scope="module")
def h264_aac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "B001.mp4"
    ffmpeg(*LAVFI, *SINE, "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(path))  # fmt: skip
    return path


def test_untouched_frames_are_the_sources_packets(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores, ["--tool", "denoise", "--frames", "5-9"])
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    src, dst = framemd5(prores), framemd5(out)
    assert len(src) == len(dst) == 24
    untouched = [i for i in range(24) if not 5 <= i <= 9]
    assert [dst[i] for i in untouched] == [src[i] for i in untouched]
    assert all(dst[i] != src[i] for i in range(5, 10))


def test_re_encode_all_encodes_every_frame(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores)
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out), "--re-encode-all"]) == 0
    assert framemd5(out) != framemd5(prores)
    info = ffprobe(out)["streams"][0]
    assert (info["profile"], info["nb_read_packets"]) == ("HQ", "24")


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_aac_into_mxf_is_refused_before_anything_is_written(tmp_path: Path, h264_aac: Path) -> None:
    project = project_with(tmp_path, h264_aac)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with Project.open(project, readonly=True) as p:
        clip = p.clips()[0].id
    with pytest.raises(UsageError) as info:
        run_render(RenderRequest(project, clip, out_dir / "B001.mxf"))
    message = str(info.value)
    assert "audio stream #1 (aac)" in message and "--convert-audio pcm" in message
    assert "--drop-stream 1" in message and ".mov" in message
    assert "partial" not in message and "rendering" not in message
    assert _files(out_dir) == set()


def test_convert_audio_pcm_makes_an_mxf(tmp_path: Path, h264_aac: Path) -> None:
    project = project_with(tmp_path, h264_aac)
    out = tmp_path / "B001.mxf"
    code = main(["render", str(project), "1", "-o", str(out), "--codec", "dnxhr_hq",
                 "--convert-audio", "pcm"])  # fmt: skip
    assert code == 0
    streams = ffprobe(out)["streams"]
    assert [s["codec_name"] for s in streams] == ["dnxhd", "pcm_s24le"]
    assert streams[0]["nb_read_packets"] == "24"
    assert float(streams[1]["duration"]) == pytest.approx(1.0, abs=0.05)


def test_drop_stream_leaves_it_out(tmp_path: Path, h264_aac: Path) -> None:
    project = project_with(tmp_path, h264_aac)
    out = tmp_path / "B001.mxf"
    assert main(["render", str(project), "1", "-o", str(out), "--drop-stream", "1"]) == 0
    assert [s["codec_type"] for s in ffprobe(out)["streams"]] == ["video"]


def test_pcm_into_mp4_says_to_use_mov(tmp_path: Path, prores: Path) -> None:
    project = project_with(tmp_path, prores)
    code = main(["render", str(project), "1", "-o", str(tmp_path / "out.mp4")])
    assert code == 2
    assert not list(tmp_path.glob("*.mp4"))


def test_odd_size_h264_is_refused_at_preflight(tmp_path: Path) -> None:
    src = tmp_path / "odd.mkv"
    raw = tmp_path / "odd.rgb"  # lavfi's sources round their size to even numbers
    raw.write_bytes(np.random.default_rng(1).integers(0, 256, 321 * 181 * 3 * 3, np.uint8).tobytes())
    ffmpeg("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "321x181", "-r", "24", "-i", str(raw),
           "-c:v", "ffv1", "-pix_fmt", "yuv444p", str(src))  # fmt: skip
    assert ffprobe(src)["streams"][0]["width"] == 321
    project = project_with(tmp_path, src)
    with Project.open(project, readonly=True) as p:
        clip = p.clips()[0].id
    with pytest.raises(UsageError, match="even dimensions"):
        run_render(RenderRequest(project, clip, tmp_path / "odd.mp4"))


def test_list_codecs_and_typed_names(tmp_path: Path, prores: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--list-codecs"]) == 0
    listing = capsys.readouterr().out
    assert "prores_422" in listing and "prores_hq" in listing and "dnxhr_hq" in listing
    project = project_with(tmp_path, prores)
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out), "--codec", "prores4444"]) == 0
    assert ffprobe(out)["streams"][0]["profile"] == "4444"


@pytest.mark.slow  # an upscaled render, signed and QC'd
def test_upscale_output_passes_qc_from_its_own_credentials(
    tmp_path: Path, h264_aac: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_with(tmp_path, h264_aac, ["--tool", "upscale"])
    out = tmp_path / "up.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    assert "qc     passed" in capsys.readouterr().out
    with Project.open(project, readonly=True) as p:
        entry = p.log.entries()[-1]
    assert entry["qc"]["status"] == "passed"
    assert entry["qc"]["expectations"]["scale"] == "2"
    assert summary(entry).endswith("(QC passed)")  # what the log panel and `log show` say
    # The file alone, judged on its signed claims (an upscale, a ProRes master of H.264) …
    assert main(["qc", str(out), "--against", str(h264_aac)]) == 0
    assert "Content Credentials" in capsys.readouterr().out
    # … and with nothing expected, the upscale is a difference nobody asked for.
    assert main(["qc", str(out), "--against", str(h264_aac), "--expect", "{}"]) == 1


def test_interlaced_prores_stays_interlaced_and_refuses_upscale(tmp_path: Path) -> None:
    src = tmp_path / "i.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "6",
           "-vf", "setfield=bff", "-flags", "+ilme+ildct", "-c:v", "prores_ks",
           "-pix_fmt", "yuv422p10le", str(src))  # fmt: skip
    project = project_with(tmp_path, src, ["--tool", "denoise"])
    assert main(["apply", str(project), "1", "--tool", "upscale"]) == 2
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    assert ffprobe(out)["streams"][0]["field_order"] == ffprobe(src)["streams"][0]["field_order"]
    scan = subprocess.run(["mediainfo", "--Inform=Video;%ScanType%|%ScanOrder%|%ScanType_Original%",
                           str(out)], capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert scan.startswith("Interlaced|BFF") and "Progressive" not in scan


def test_tools_work_field_by_field_on_interlaced_frames() -> None:
    rng = np.random.default_rng(3)
    frame = rng.random((16, 24, 3), dtype=np.float32)
    tool = get_tool("denoise")

    class Halve:  # a stand-in engine-free tool: each field halved, so rows must not mix
        id, name, temporal_radius = "halve", "Halve", 0

        def scale(self, params: object) -> int:
            return 1

        def process(self, window: FrameWindow, params: object, engine: object, p: object) -> np.ndarray:
            cur = window.current
            return (cur + np.roll(cur, 1, axis=0)) / 2  # mixes each row with the one above

    woven = apply_tool_by_field(Halve(), FrameWindow(0, {0: frame}), {}, None, None)  # type: ignore[arg-type]
    for parity in (0, 1):
        alone = apply_tool(Halve(), FrameWindow(0, {0: frame[parity::2]}), {}, None, None)  # type: ignore[arg-type]
        np.testing.assert_array_equal(woven[parity::2], alone)
    assert tool.scale(tool.resolve({})) == 1


def _tags(path: Path) -> list[dict[str, str]]:
    return [s.get("tags", {}) for s in ffprobe(path)["streams"]]


def test_timecode_track_keeps_its_own_handler_reel_and_languages(tmp_path: Path, prores: Path) -> None:
    src = tmp_path / "apple.mov"  # as Apple and `ffmpeg -c copy` name it, beside a German track
    ffmpeg("-i", str(prores), "-map", "0", "-c", "copy",
           "-metadata:s:v:0", "handler_name=Core Media Video",
           "-metadata:s:d:0", "handler_name=Core Media Time Code",
           "-metadata:s:d:0", "reel_name=A001C003", "-metadata:s:a:0", "language=ger",
           str(src))  # fmt: skip
    project = project_with(tmp_path, src)
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out), "--re-encode-all"]) == 0
    video, audio, tmcd = _tags(out)
    assert video["handler_name"] == "Core Media Video"
    assert tmcd["handler_name"] == "Core Media Time Code"
    assert (tmcd["reel_name"], tmcd["timecode"]) == ("A001C003", "01:00:00:00")
    assert audio["language"] == "ger"
    assert ffprobe(out)["streams"][2]["duration"] == ffprobe(out)["streams"][0]["duration"]


def test_a_deu_track_keeps_its_language_in_a_mov(tmp_path: Path, h264_aac: Path) -> None:
    src = tmp_path / "deu.mp4"
    ffmpeg("-i", str(h264_aac), "-c", "copy", "-metadata:s:a:0", "language=deu", str(src))
    project = project_with(tmp_path, src)
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    assert _tags(out)[1]["language"] == "ger"  # QuickTime's spelling of the same language


def test_an_anamorphic_upscale_keeps_its_display_aspect(tmp_path: Path) -> None:
    src = tmp_path / "pal.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=360x288:rate=25", "-frames:v", "4",
           "-vf", "setsar=64/45", "-c:v", "prores_ks", str(src))  # fmt: skip
    project = project_with(tmp_path, src, ["--tool", "upscale"])
    out = tmp_path / "up.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    before, after = ffprobe(src)["streams"][0], ffprobe(out)["streams"][0]
    assert (after["width"], after["height"]) == (720, 576)
    assert after["sample_aspect_ratio"] == before["sample_aspect_ratio"] == "64:45"
    assert after["display_aspect_ratio"] == before["display_aspect_ratio"]
