"""inspect(): what ffprobe, ffmpeg and MediaInfo say, read into exact, round-trippable records."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from qc.qc_media import ffmpeg
from workbench.errors import WorkbenchError
from workbench.media.errors import MediaError
from workbench.qc import QcToolMissingError, QcUnreadableError, inspect
from workbench.qc.report import QcReport

Read = Callable[[Path], QcReport]


def test_master_facts_are_read_exactly(prores: Path, read: Read) -> None:
    r = read(prores)
    v = r.video
    assert v is not None
    assert r.container_format is not None and "mov" in r.container_format
    assert (v.codec, v.profile, v.codec_tag) == ("prores", "HQ", "apch")
    assert (v.width, v.height, v.pix_fmt, v.bit_depth) == (320, 180, "yuv422p10le", 10)
    assert v.frame_count == 24 and v.mediainfo_frame_count == 24
    assert v.r_frame_rate == v.avg_frame_rate == Fraction(30000, 1001)
    assert v.stream_duration == Fraction(24 * 1001, 30000)
    assert v.last_packet_duration == Fraction(1001, 30000)
    assert v.start_time == 0
    assert v.mediainfo_duration == Fraction("0.801")
    assert v.field_order == "progressive"
    assert v.sample_aspect_ratio == 1 and v.display_aspect_ratio == Fraction(16, 9)
    assert r.timecode.value == "01:00:00;00" and r.timecode.drop_frame is True
    assert r.timecode.source == "tmcd track"
    assert r.timecode.reel_name == "A001"
    assert [t.codec_tag for t in r.data] == ["tmcd"]
    assert r.title == "QC master"
    assert r.creation_time is not None and r.creation_time.startswith("2024-01-02T03:04:05")
    (a,) = r.audio
    assert (a.codec, a.sample_rate, a.channels, a.channel_layout, a.bit_depth) == (
        "pcm_s24le", 48000, 1, "mono", 24,
    )  # fmt: skip
    assert a.packet_sha256 is not None and len(a.packet_sha256) == 64
    assert r.decode_errors == 0 and r.decode_error_lines == ()
    assert set(r.readers) == {"ffprobe", "mediainfo"}


def test_report_round_trips_through_json(prores: Path, with_chapters: Path, read: Read) -> None:
    for path in (prores, with_chapters):
        report = read(path)
        data = json.loads(json.dumps(report.to_dict()))
        assert data["schema"] == "workbench.qc.report/1"
        assert data["video"]["r_frame_rate"] in ("30000/1001", "24")
        assert QcReport.from_dict(data) == report


def test_from_dict_refuses_another_schema(prores: Path, read: Read) -> None:
    data = read(prores).to_dict()
    data["schema"] = "workbench.qc.report/99"
    with pytest.raises(ValueError, match="schema"):
        QcReport.from_dict(data)


def test_audio_digest_is_of_the_coded_bytes_whatever_the_container(
    prores: Path, qc_dir: Path, read: Read
) -> None:
    remuxed = qc_dir / "remuxed.mkv"
    ffmpeg("-i", prores, "-c", "copy", remuxed)
    assert read(remuxed).audio[0].packet_sha256 == read(prores).audio[0].packet_sha256


def test_chapters_subtitles_languages_and_default_flags(with_chapters: Path, read: Read) -> None:
    r = read(with_chapters)
    assert [(c.start, c.end, c.title) for c in r.chapters] == [
        (0, Fraction(1, 2), "Opening"),
        (Fraction(1, 2), 1, "Ending"),
    ]
    assert r.title == "Chaptered"
    assert [(s.codec, s.language) for s in r.subtitles] == [("subrip", "eng")]
    assert r.audio[0].language == "fre" and r.audio[0].codec == "flac"
    assert r.video is not None and r.video.default is not None
    # Matroska has no duration in ticks: the DURATION tag is read exactly instead.
    assert r.video.stream_duration == 1
    assert r.video.frame_count == 24


def test_hdr10_metadata_from_the_first_frame_and_mediainfo(hdr10: Path, read: Read) -> None:
    v = read(hdr10).video
    assert v is not None
    h = v.hdr
    assert h.mastering_display is not None
    m = h.mastering_display
    assert (m.red_x, m.red_y) == (Fraction(34000, 50000), Fraction(16000, 50000))
    assert (m.white_x, m.white_y) == (Fraction(15635, 50000), Fraction(16450, 50000))
    assert (m.min_luminance, m.max_luminance) == (Fraction(1, 10000), 1000)
    assert h.content_light is not None
    assert (h.content_light.max_cll, h.content_light.max_fall) == (1000, 400)
    assert h.mediainfo_max_cll is not None and h.mediainfo_max_cll.startswith("1000")
    assert h.mediainfo_format is not None and "2086" in h.mediainfo_format
    assert (v.colour.primaries, v.colour.transfer, v.colour.space) == (
        "bt2020", "smpte2084", "bt2020nc",
    )  # fmt: skip
    assert v.colour.mediainfo_transfer.bitstream == "PQ"


def test_rotation_from_the_display_matrix(rotated: Path, h264_mp4: Path, read: Read) -> None:
    v = read(rotated).video
    assert v is not None and v.rotation is not None and abs(v.rotation) == 90
    assert v.mediainfo_rotation is not None
    plain = read(h264_mp4).video
    assert plain is not None and plain.rotation is None


def test_image_sequence_pattern(dpx_sequence: Path) -> None:
    r = inspect(dpx_sequence, rate=Fraction(24000, 1001), decode=False)
    assert r.sequence_start == 1001
    assert r.video is not None
    assert r.video.codec == "dpx" and r.video.frame_count == 6
    assert r.video.r_frame_rate == Fraction(24000, 1001)
    assert r.decode_errors is None
    assert any("first image" in n for n in r.notes)


def test_decode_errors_are_counted(damaged: Path) -> None:
    r = inspect(damaged)
    assert r.decode_errors is not None and r.decode_errors >= 1
    assert r.decode_error_lines


def test_missing_file_and_non_media_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(QcUnreadableError, match="no file"):
        inspect(tmp_path / "nowhere.mov")
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"this is not a movie\n" * 50)
    with pytest.raises(QcUnreadableError, match="ffprobe cannot read") as info:
        inspect(junk)
    assert isinstance(info.value, MediaError) and info.value.exit_code == 9


def test_missing_ffprobe_names_the_package(
    prores: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(QcToolMissingError) as info:
        inspect(prores)
    err = info.value
    assert err.executable == "ffprobe" and err.package == "ffmpeg"
    assert "ffprobe" in str(err) and "'ffmpeg'" in str(err) and "apt-get install ffmpeg" in str(err)
    assert isinstance(err, WorkbenchError) and err.exit_code == 9


def test_missing_mediainfo_names_its_package(
    prores: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    only_ffmpeg = tmp_path / "ffmpeg-only"
    only_ffmpeg.mkdir()
    for name in ("ffprobe", "ffmpeg"):
        found = shutil.which(name)
        assert found is not None
        os.symlink(found, only_ffmpeg / name)
    monkeypatch.setenv("PATH", str(only_ffmpeg))
    with pytest.raises(QcToolMissingError, match="mediainfo") as info:
        inspect(prores, decode=False)
    assert info.value.package == "mediainfo"
