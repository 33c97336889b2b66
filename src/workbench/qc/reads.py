"""The reads behind :func:`workbench.qc.inspection.inspect`, each a time-limited command.

ffprobe's headers (format, streams, chapters); the first decoded frame's side data; every packet
of the picture stream, demuxed but not decoded; MediaInfo's JSON report; and one ffmpeg pass
that hashes each audio track's coded bytes and decodes everything, counting errors.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.qc import runner
from workbench.qc.errors import QcUnreadableError
from workbench.qc.values import integer

#: How many decode error lines a report keeps (the count covers all of them).
KEPT_ERROR_LINES = 10

Json = dict[str, Any]

# The fixed part of each read's command line (the input options follow).
_HEADERS = (
    "ffprobe -v error -print_format json -show_program_version"
    " -show_format -show_streams -show_chapters"
)
_FIRST_FRAME = (
    "ffprobe -v error -print_format json -select_streams v:0"
    " -read_intervals %+#1 -show_frames -show_entries frame=side_data_list"
)
_PACKETS = (
    "ffprobe -v error -select_streams v:0 -show_entries packet=pts,dts,duration,flags -of compact"
)


def read_headers(source_args: Sequence[str], label: str) -> Json:
    done = runner.run(
        [*_words(_HEADERS), *source_args],
        timeout=runner.PROBE_TIMEOUT,
        what=f"ffprobe reading {label}",
    )
    try:
        result = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        result = {}
    if done.returncode != 0 or not isinstance(result, dict) or not result.get("streams"):
        reason = _first_line(done.stderr) or "no audio, video or other streams found"
        raise QcUnreadableError(
            f"ffprobe cannot read {label}: {reason}",
            hint="the file is damaged, incomplete or not media; check it was copied completely",
        )
    return result


def read_first_frame(source_args: Sequence[str], label: str) -> Json:
    """The first decoded picture's side data: x265 and many cameras put HDR metadata in SEI
    messages that only a decoded frame shows, not the stream headers."""
    done = runner.run(
        [*_words(_FIRST_FRAME), *source_args],
        timeout=runner.PROBE_TIMEOUT,
        what=f"ffprobe reading the first frame of {label}",
    )
    try:
        frames = json.loads(done.stdout).get("frames") or []
    except (json.JSONDecodeError, AttributeError):
        return {}
    return frames[0] if frames and isinstance(frames[0], dict) else {}


class Packets:
    """Running totals over the picture stream's packets (constant memory for any length)."""

    def __init__(self) -> None:
        self.count = 0
        self.discarded = 0
        self.last_pts: int | None = None
        self.last_duration: int | None = None

    def add(self, line: str) -> None:
        if not line.startswith("packet|"):
            return
        fields = dict(part.partition("=")[::2] for part in line.split("|")[1:])
        self.count += 1
        if "D" in fields.get("flags", ""):
            self.discarded += 1
            return
        pts = integer(fields.get("pts"))
        if pts is None:
            pts = integer(fields.get("dts"))
        if pts is not None and (self.last_pts is None or pts >= self.last_pts):
            self.last_pts = pts
            self.last_duration = integer(fields.get("duration"))


def read_packets(source_args: Sequence[str], label: str, timeout: float) -> Packets:
    """Every packet of ``v:0``, demuxed but not decoded: the frame count whatever the header
    claims, and the duration of the packet presented last."""
    totals = Packets()
    done = runner.stream(
        [*_words(_PACKETS), *source_args],
        totals.add,
        timeout=timeout,
        what=f"ffprobe reading the packets of {label}",
    )
    if done.returncode != 0 and totals.count == 0:
        raise QcUnreadableError(
            f"ffprobe cannot read the packets of {label}: {_first_line(done.stderr)}",
            hint="the file is damaged or incomplete",
        )
    return totals


def read_mediainfo(target: str, notes: list[str]) -> list[Json]:
    """MediaInfo's tracks, with ``{"version": …}`` appended last; [] when it cannot say."""
    done = runner.run(
        ["mediainfo", "--Output=JSON", target],
        timeout=runner.PROBE_TIMEOUT,
        what=f"MediaInfo reading {target}",
    )
    try:
        doc = json.loads(done.stdout)
    except json.JSONDecodeError:
        notes.append(f"MediaInfo gave no report: {_first_line(done.stderr) or 'empty output'}")
        return []
    media = doc.get("media") if isinstance(doc, dict) else None
    tracks = media.get("track") if isinstance(media, dict) else None
    if not isinstance(tracks, list):
        notes.append("MediaInfo did not recognise the file")
        tracks = []
    library = doc.get("creatingLibrary") if isinstance(doc, dict) else None
    version = library.get("version") if isinstance(library, dict) else None
    return [t for t in tracks if isinstance(t, dict)] + [{"version": version}]


class _Errors:
    """ffmpeg's ``-v error`` lines: all counted, the first few kept."""

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[str] = []

    def add(self, line: str) -> None:
        if not line.strip():
            return
        self.count += 1
        if len(self.kept) < KEPT_ERROR_LINES:
            self.kept.append(line.strip())


def hash_and_decode(
    source_args: Sequence[str],
    label: str,
    *,
    audio_count: int,
    has_video: bool,
    decode: bool,
    timeout: float,
    notes: list[str],
) -> tuple[dict[int, str], int | None, tuple[str, ...]]:
    """One ffmpeg pass with two outputs: the audio tracks stream-copied into a SHA-256 per track
    (their coded bytes, never decoded, so equal hashes mean the same audio whatever the
    container), and the picture and audio decoded to nowhere, each ``-v error`` line one error.
    Returns (hash per audio order, error count or None when not decoded, first error lines)."""
    outputs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="workbench-qc-") as tmp:
        hash_file = Path(tmp) / "audio.sha256"
        if audio_count:
            outputs += [*_words("-map 0:a -c copy -f streamhash -hash sha256"), str(hash_file)]
        if decode and (has_video or audio_count):
            maps = ["-map", "0:v:0"] if has_video else []
            outputs += [*maps, "-map", "0:a?", "-f", "null", "-"]
        if not outputs:
            return {}, None, ()
        errors = _Errors()
        done = runner.stream(
            ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", *source_args, *outputs],
            errors.add,
            timeout=timeout,
            what=f"ffmpeg reading {label}",
            lines_from="stderr",
        )
        written = hash_file.read_text("utf-8", "replace") if hash_file.exists() else ""
    hashes: dict[int, str] = {}
    for line in written.splitlines():
        n, _, rest = line.partition(",")
        kind, _, digest = rest.partition(",")
        if kind == "a" and digest.upper().startswith("SHA256=") and n.isdigit():
            hashes[int(n)] = digest.split("=", 1)[1].lower()
    if len(hashes) != audio_count:
        first = errors.kept[0] if errors.kept else f"exit status {done.returncode}"
        notes.append(f"ffmpeg could not hash every audio track: {first}")
    if not decode:
        return hashes, None, ()
    if done.returncode != 0 and errors.count == 0:
        errors.add(f"ffmpeg stopped with exit status {done.returncode}")
    return hashes, errors.count, tuple(errors.kept)


def read_sample_hashes(
    source_args: Sequence[str],
    label: str,
    spans: Sequence[tuple[int, int] | None],
    timeout: float,
) -> dict[int, str]:
    """SHA-256 of each audio track's decoded samples as 32-bit PCM, cut to ``spans[n]`` (first
    sample, end exclusive) by ffmpeg's ``atrim`` where one is given; by audio order."""
    outputs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="workbench-qc-") as tmp:
        files = []
        for n, span in enumerate(spans):
            target = Path(tmp) / f"a{n}.sha256"
            files.append(target)
            trim = ["-af", f"atrim=start_sample={max(0, span[0])}:end_sample={span[1]}"] if span else []
            outputs += ["-map", f"0:a:{n}", *trim, *_words("-c:a pcm_s32le -f hash -hash sha256")]
            outputs.append(str(target))
        if not outputs:
            return {}
        runner.stream(
            ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", *source_args, *outputs],
            lambda _line: None,
            timeout=timeout,
            what=f"ffmpeg hashing the audio samples of {label}",
            lines_from="stderr",
        )
        hashes: dict[int, str] = {}
        for n, target in enumerate(files):
            text = target.read_text("utf-8", "replace").strip() if target.exists() else ""
            if text.upper().startswith("SHA256="):
                hashes[n] = text.split("=", 1)[1].lower()
    return hashes


def _words(command: str) -> list[str]:
    """A fixed part of a command line, written as one readable string."""
    return command.split()


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
