"""Test media for QC, made with the ffmpeg command line (tiny: 320x180, at most a second).

QC reads files with ffprobe and MediaInfo, so the sources are written by ffmpeg too, never by
the PyAV writer under test elsewhere. Everything is session-scoped: each file is made once.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from qc.qc_media import KEEP_METADATA, SIZE, ffmpeg, has_encoder
from workbench.qc.inspection import inspect
from workbench.qc.report import QcReport


@pytest.fixture(scope="session")
def qc_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("ffmpeg") is None or shutil.which("mediainfo") is None:
        pytest.skip("QC needs ffmpeg and mediainfo installed")
    return tmp_path_factory.mktemp("qc")


@pytest.fixture(scope="session")
def read() -> Callable[[Path], QcReport]:
    """inspect(), remembered per file: several tests look at the same report."""
    seen: dict[Path, QcReport] = {}

    def get(path: Path) -> QcReport:
        if path not in seen:
            seen[path] = inspect(path)
        return seen[path]

    return get


@pytest.fixture
def reuse_reads(read: Callable[[Path], QcReport], monkeypatch: pytest.MonkeyPatch) -> None:
    """Let check() reuse the session's reports: tests of the verdict and the command need not
    read the same files again (inspect itself is tested on its own)."""
    import workbench.qc.result as result

    real = result.inspect

    def inspect_once(path: object, **options: object) -> QcReport:
        if options.get("rate") is None and options.get("decode", True):
            return read(Path(str(path)))
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(result, "inspect", inspect_once)


@pytest.fixture(scope="session")
def prores(qc_dir: Path) -> Path:
    """ProRes 422 HQ, 24 frames at 30000/1001 with drop-frame timecode, a reel name, 24-bit
    PCM and container tags: the kind of master Workbench renders."""
    out = qc_dir / "master.mov"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=30000/1001:d=0.8008",
        "-f", "lavfi", "-i", "sine=f=440:r=48000:d=0.8008",
        "-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le",
        "-c:a", "pcm_s24le",
        "-timecode", "01:00:00;00", "-metadata:s:v", "reel_name=A001",
        "-metadata", "title=QC master", "-metadata", "creation_time=2024-01-02T03:04:05Z",
        out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def shorter(qc_dir: Path, prores: Path) -> Path:
    out = qc_dir / "shorter.mov"
    ffmpeg("-i", prores, "-t", "0.5", "-c", "copy", out)
    return out


@pytest.fixture(scope="session")
def h264_reencode(qc_dir: Path, prores: Path) -> Path:
    """The master re-encoded to H.264 (audio stream-copied)."""
    out = qc_dir / "reencode.mov"
    ffmpeg("-i", prores, *KEEP_METADATA, "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "copy", out)  # fmt: skip
    return out


@pytest.fixture(scope="session")
def audio_converted(qc_dir: Path, prores: Path) -> Path:
    """The master with its picture copied and its audio converted to 16-bit."""
    out = qc_dir / "audio16.mov"
    ffmpeg("-i", prores, *KEEP_METADATA, "-c:v", "copy", "-c:a", "pcm_s16le", out)
    return out


@pytest.fixture(scope="session")
def retimed(qc_dir: Path, prores: Path) -> Path:
    """The master, stream-copied, with another start timecode."""
    out = qc_dir / "retimed.mov"
    ffmpeg("-i", prores, *KEEP_METADATA, "-c", "copy", "-timecode", "02:00:00;00", out)
    return out


@pytest.fixture(scope="session")
def with_chapters(qc_dir: Path) -> Path:
    """Matroska with chapters (from an ffmetadata file), FLAC in French, SRT subtitles."""
    meta = qc_dir / "chapters.txt"
    meta.write_text(
        ";FFMETADATA1\ntitle=Chaptered\n\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=Opening\n\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=500\nEND=1000\ntitle=Ending\n"
    )
    srt = qc_dir / "subs.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:00,500\nHello\n")
    out = qc_dir / "chapters.mkv"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=24:d=1",
        "-f", "lavfi", "-i", "sine=r=48000:d=1",
        "-i", srt, "-i", meta,
        "-map", "0", "-map", "1", "-map", "2", "-map_metadata", "3", "-map_chapters", "3",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", "-c:s", "srt",
        "-metadata:s:a:0", "language=fre", "-metadata:s:s:0", "language=eng",
        out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def h264_mp4(qc_dir: Path) -> Path:
    out = qc_dir / "plain.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=24:d=0.5", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)  # fmt: skip
    return out


@pytest.fixture(scope="session")
def rotated(qc_dir: Path, h264_mp4: Path) -> Path:
    """ffmpeg 5.1 has no -display_rotation; the legacy ``rotate`` tag still writes the matrix."""
    out = qc_dir / "rotated.mp4"
    ffmpeg("-i", h264_mp4, "-c", "copy", "-metadata:s:v", "rotate=90", out)
    return out


@pytest.fixture(scope="session")
def hdr10(qc_dir: Path) -> Path:
    if not has_encoder("libx265"):
        pytest.skip("this ffmpeg has no libx265")
    out = qc_dir / "hdr10.mp4"
    params = (
        "log-level=error:hdr10=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:"
        "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):"
        "max-cll=1000,400"
    )
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=24:d=0.25",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
        "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc",
        "-x265-params", params, out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def dpx_sequence(qc_dir: Path) -> Path:
    folder = qc_dir / "plates"
    folder.mkdir()
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=24:d=0.25", "-start_number", "1001",
           folder / "shot_%04d.dpx")  # fmt: skip
    return folder / "shot_%04d.dpx"


@pytest.fixture(scope="session")
def damaged(qc_dir: Path) -> Path:
    """An MPEG-TS H.264 file with a run of bytes overwritten: it opens, but frames break."""
    good = qc_dir / "good.ts"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r=24:d=1", "-c:v", "libx264",
           "-preset", "ultrafast", "-g", "6", "-f", "mpegts", good)  # fmt: skip
    data = bytearray(good.read_bytes())
    rng = random.Random(1)
    start = len(data) // 3
    for i in range(start, start + 4000, 7):
        data[i] = rng.randrange(256)
    out = qc_dir / "damaged.ts"
    out.write_bytes(bytes(data))
    return out
