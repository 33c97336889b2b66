"""compare(): every difference from the source, marked expected only when a render meant it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from workbench.qc import Difference, Expectations, QcReport, compare
from workbench.qc.report import AudioTrack, Chapter, Timecode, VideoStream

Read = Callable[[Path], QcReport]


def by_field(diffs: list[Difference]) -> dict[str, Difference]:
    return {d.field: d for d in diffs}


def unexpected(diffs: list[Difference]) -> set[str]:
    return {d.field for d in diffs if not d.expected}


# -- real files ---------------------------------------------------------------------------------
def test_a_file_against_itself_has_no_differences(prores: Path, read: Read) -> None:
    assert compare(read(prores), read(prores), Expectations()) == []


def test_a_shorter_copy_fails_on_frame_count(prores: Path, shorter: Path, read: Read) -> None:
    diffs = by_field(compare(read(shorter), read(prores), Expectations()))
    d = diffs["video.frame_count"]
    assert (d.source, d.expected) == (24, False)
    assert isinstance(d.output, int) and d.output < 24
    # No expectation can make a lost frame acceptable.
    lenient = Expectations(codec="*", pixel_format="*", container_changed=True, edited_frames=3)
    assert "video.frame_count" in unexpected(compare(read(shorter), read(prores), lenient))


def test_codec_change_is_unexpected_unless_expected(
    prores: Path, h264_reencode: Path, read: Read
) -> None:
    out, src = read(h264_reencode), read(prores)
    strict = by_field(compare(out, src, Expectations()))
    for name in ("video.codec", "video.pix_fmt", "video.bit_depth"):
        assert not strict[name].expected, name
    assert (strict["video.codec"].source, strict["video.codec"].output) == ("prores", "h264")
    assert (strict["video.bit_depth"].source, strict["video.bit_depth"].output) == (10, 8)

    meant = by_field(compare(out, src, Expectations(codec="h264", pixel_format="yuv420p")))
    for name in ("video.codec", "video.profile", "video.codec_tag", "video.pix_fmt",
                 "video.bit_depth"):  # fmt: skip
        assert meant[name].expected, name
    # What a re-encode must not touch still matches: frames, rate, timecode, audio bytes.
    for name in ("video.frame_count", "video.r_frame_rate", "timecode", "audio[0].packet_sha256"):
        assert name not in meant

    wrong = by_field(compare(out, src, Expectations(codec="prores")))
    assert not wrong["video.codec"].expected and "prores" in wrong["video.codec"].reason


def test_re_encoded_audio_is_flagged_on_its_packet_digest(
    prores: Path, audio_converted: Path, read: Read
) -> None:
    out, src = read(audio_converted), read(prores)
    diffs = by_field(compare(out, src, Expectations()))
    assert not diffs["audio[0].packet_sha256"].expected
    assert not diffs["audio[0].codec"].expected
    assert "video.frame_count" not in diffs and "video.codec" not in diffs

    audio_index = src.audio[0].index
    meant = compare(out, src, Expectations(converted_audio=(audio_index,)))
    assert unexpected(meant) == set()
    assert by_field(meant)["audio[0].packet_sha256"].expected


def test_a_plain_stream_copy_is_caught_dropping_creation_time_and_reel(
    prores: Path, shorter: Path, read: Read
) -> None:
    # `ffmpeg -i master.mov -t 0.5 -c copy` (no -map_metadata) loses both, silently.
    fields = unexpected(compare(read(shorter), read(prores)))
    assert {"creation_time", "timecode.reel_name"} <= fields


def test_a_changed_timecode_is_flagged(prores: Path, retimed: Path, read: Read) -> None:
    assert read(retimed).timecode.value == "02:00:00;00"
    d = by_field(compare(read(retimed), read(prores), Expectations()))["timecode"]
    assert (d.source, d.output, d.expected) == ("01:00:00;00", "02:00:00;00", False)


def test_a_dropped_audio_track_is_expected_only_when_named(
    prores: Path, qc_dir: Path, read: Read
) -> None:
    from qc.qc_media import KEEP_METADATA, ffmpeg

    silent = qc_dir / "silent.mov"
    ffmpeg("-i", prores, *KEEP_METADATA, "-c", "copy", "-an", silent)
    src = read(prores)
    assert "audio" in unexpected(compare(read(silent), src, Expectations()))
    dropped = Expectations(dropped_streams=(src.audio[0].index,))
    assert compare(read(silent), src, dropped) == []


def test_a_new_rotation_is_flagged(rotated: Path, h264_mp4: Path, read: Read) -> None:
    diffs = by_field(compare(read(rotated), read(h264_mp4), Expectations()))
    assert not diffs["video.rotation"].expected


def test_lost_hdr_metadata_is_unexpected(hdr10: Path, qc_dir: Path, read: Read) -> None:
    from qc.qc_media import ffmpeg

    sdr = qc_dir / "hdr-lost.mp4"
    ffmpeg("-i", hdr10, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
           "log-level=error", "-pix_fmt", "yuv420p10le", sdr)  # fmt: skip
    diffs = by_field(compare(read(sdr), read(hdr10), Expectations(codec="hevc")))
    assert not diffs["video.hdr.mastering_display"].expected
    assert not diffs["video.hdr.content_light"].expected


def test_decode_errors_in_the_output_always_fail(damaged: Path, read: Read) -> None:
    out = read(damaged)
    diffs = by_field(compare(out, None))
    assert not diffs["decode_errors"].expected


# -- synthetic reports: the rules themselves ----------------------------------------------------
RATE = Fraction(24000, 1001)


def report(**video: object) -> QcReport:
    base = VideoStream(
        index=0, codec="prores", width=1920, height=1080, pix_fmt="yuv422p10le", bit_depth=10,
        frame_count=48, r_frame_rate=RATE, avg_frame_rate=RATE, time_base=Fraction(1, 24000),
        stream_duration=48 / RATE, start_time=Fraction(0), last_packet_duration=1 / RATE,
        sample_aspect_ratio=Fraction(1),
    )  # fmt: skip
    return QcReport(
        path="x.mov",
        container_format="mov",
        container_duration=Fraction(2002, 1000),
        video=dataclasses.replace(base, **video),  # type: ignore[arg-type]
        audio=(AudioTrack(index=1, codec="pcm_s24le", sample_rate=48000, packet_sha256="ab"),),
        chapters=(Chapter(Fraction(0), Fraction(1), "one"),),
        timecode=Timecode("01:00:00:00", "tmcd track", False, "A001"),
        decode_errors=0,
    )


def test_identical_reports_compare_equal() -> None:
    assert compare(report(), report()) == []
    assert compare(report(), None) == []


def test_upscale_changes_size_and_may_change_pixel_aspect_only_if_the_shape_stays() -> None:
    src = report(width=720, height=576, sample_aspect_ratio=Fraction(16, 15))
    up = report(width=1440, height=1152, sample_aspect_ratio=Fraction(16, 15))
    diffs = compare(up, src, Expectations(scale=Fraction(2)))
    assert {d.field for d in diffs} == {"video.width", "video.height"}
    assert all(d.expected for d in diffs)
    assert unexpected(compare(up, src, Expectations())) == {"video.width", "video.height"}
    # Square pixels on a 2x frame: the picture got wider on screen.
    squashed = report(width=1440, height=1152, sample_aspect_ratio=Fraction(1))
    assert {"video.display_aspect", "video.sample_aspect_ratio"} <= unexpected(
        compare(squashed, src, Expectations(scale=Fraction(2)))
    )
    wrong = report(width=1280, height=1152, sample_aspect_ratio=Fraction(18, 10))
    assert "video.width" in unexpected(compare(wrong, src, Expectations(scale=Fraction(2))))


def test_frame_rate_must_always_match() -> None:
    out = report(r_frame_rate=Fraction(24), avg_frame_rate=Fraction(24))
    lenient = Expectations(codec="*", pixel_format="*", container_changed=True)
    assert {"video.r_frame_rate", "video.avg_frame_rate"} <= unexpected(
        compare(out, report(), lenient)
    )


def test_durations_must_equal_frames_over_rate_within_a_tick() -> None:
    ok = report(stream_duration=48 / RATE + Fraction(1, 24000))
    assert compare(ok, None) == []
    long = report(stream_duration=49 / RATE, last_packet_duration=2 / RATE)
    fields = unexpected(compare(long, None))
    assert fields == {
        "video.stream_duration (frames/rate)",
        "video.last_packet_duration (1/rate)",
    }
    # A mismatch the source already had is inherited, not introduced by the render.
    inherited = compare(long, long)
    assert inherited and all(d.expected for d in inherited)
    assert all("source has the same" in d.reason for d in inherited)


def test_container_duration_checked_against_frames() -> None:
    bad = dataclasses.replace(report(), container_duration=Fraction(3))
    assert "container_duration (frames/rate)" in unexpected(compare(bad, None))


def test_mediainfo_disagreeing_with_the_packets_is_flagged() -> None:
    assert "video.frame_count (MediaInfo)" in unexpected(
        compare(report(mediainfo_frame_count=47), None)
    )


def test_drop_frame_reel_chapters_title_are_compared() -> None:
    src = report()
    out = dataclasses.replace(
        src,
        timecode=Timecode("01:00:00;00", "tmcd track", True, "B002"),
        chapters=(),
        title="other",
    )
    fields = unexpected(compare(out, src))
    assert {"timecode.drop_frame", "timecode.reel_name", "chapters", "title"} <= fields
    # Same digits, other separator: only the drop-frame flag differs, not the timecode.
    assert "timecode" not in fields


def test_container_change_accepts_container_details_only() -> None:
    src = report()
    out = dataclasses.replace(src, container_format="matroska,webm", data=())
    out = dataclasses.replace(out, video=dataclasses.replace(out.video, codec_tag="[0][0][0][0]"))  # type: ignore[arg-type]
    src = dataclasses.replace(src, video=dataclasses.replace(src.video, codec_tag="apch"))  # type: ignore[arg-type]
    # The codec tag is the muxer's to choose; the codec itself is compared.
    assert unexpected(compare(out, src)) == {"container_format"}
    assert unexpected(compare(out, src, Expectations(container_changed=True))) == set()


def test_pixel_format_expectation_must_be_met() -> None:
    out = report(pix_fmt="yuv444p12le", bit_depth=12)
    assert unexpected(compare(out, report(), Expectations(pixel_format="yuv444p12le"))) == set()
    assert "video.pix_fmt" in unexpected(
        compare(out, report(), Expectations(pixel_format="yuv422p10le"))
    )


def test_expectations_and_differences_round_trip_as_json() -> None:
    e = Expectations(codec="prores", scale=Fraction(2), dropped_streams=(3,), converted_audio=(1,))
    data = json.loads(json.dumps(e.to_dict()))
    assert data["scale"] == "2"
    assert Expectations.from_dict(data) == e
    assert Expectations.from_dict({"scale": 2}) == Expectations(scale=Fraction(2))
    with pytest.raises(ValueError, match="unknown"):
        Expectations.from_dict({"codecs": "prores"})
    diff = compare(report(frame_count=47), report())[0]
    assert Difference.from_dict(json.loads(json.dumps(diff.to_dict()))) == diff
