"""Delivery test sources, made with the ``ffmpeg`` command line (never with Workbench's writer).

Every source is tiny (≤ 72 frames, mostly 320×180) and is built on first use into a session
folder (:class:`SourceFactory`, the ``delivery_sources`` fixture in ``conftest.py``). A
:class:`SourceSpec` says what a source has (``features``) and which deliverables make sense for
it (``deliverables``: output extensions, or ``%06d`` patterns for image sequences); the matrix
tests compare each rendered deliverable with its source through ffprobe and MediaInfo
(``delivery_readers``).

Where ffmpeg 5.1's command line cannot express something, the factory says so in the builder:
the rotation of the phone clip is written by patching the ``tkhd`` matrix of the MP4 that ffmpeg
made (ffmpeg 5.1 has no ``-display_rotation`` and ignores ``-metadata rotate=``).
"""

from __future__ import annotations

import contextlib
import shutil
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
HAVE_X265 = False
with contextlib.suppress(OSError, subprocess.SubprocessError):  # no ffmpeg at all
    _encoders = subprocess.run(
        [FFMPEG, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30
    )
    HAVE_X265 = "libx265" in _encoders.stdout

SAMPLE_RATE = 48000


@dataclass(frozen=True)
class Source:
    """A built source: its path (for a sequence, its first file) and what it has."""

    spec: SourceSpec
    path: Path

    @property
    def name(self) -> str:
        return self.spec.name

    def has(self, feature: str) -> bool:
        return feature in self.spec.features


@dataclass(frozen=True)
class SourceSpec:
    name: str
    filename: str  # the source file's name (a sequence: its first file)
    frames: int
    rate: Fraction
    deliverables: tuple[str, ...]  # output names' suffixes (".mov") or patterns ("_%06d.dpx")
    features: frozenset[str] = frozenset()
    timecode: str | None = None
    size: tuple[int, int] = (320, 180)
    build: Callable[[Path, SourceSpec], None] | None = field(default=None, compare=False)
    needs: str | None = None  # an encoder the source needs ("libx265"); skipped without it

    @property
    def tick(self) -> Fraction:
        return 1 / self.rate


# -- ffmpeg argument helpers ----------------------------------------------------------------------


def ff_rate(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}"


def video_in(
    spec: SourceSpec, vf: str = "", size: tuple[int, int] | None = None, frames: int | None = None
) -> list[str]:
    """A testsrc2 input of exactly ``frames`` frames (its duration ends half a frame early).

    The filter chain is marked :data:`OUTPUT_VF`; :func:`run_ffmpeg` moves it after the last
    input, where ``-vf`` is an output option.
    """
    w, h = size or spec.size
    n = spec.frames if frames is None else frames
    seconds = (Fraction(n) - Fraction(1, 2)) / spec.rate
    graph = f"testsrc2=s={w}x{h}:r={ff_rate(spec.rate)}:d={float(seconds):.9f}"
    # Filters run on the output side: the lavfi input device drops frames' colour properties,
    # and the encoders write their bitstream colour tags from those properties.
    return ["-f", "lavfi", "-i", graph, *([OUTPUT_VF, vf] if vf else [])]


def samples_for(frames: int, rate: Fraction) -> int:
    return round(Fraction(frames) * SAMPLE_RATE / rate)


def audio_in(samples: int, freq: int = 440, layout: str = "stereo") -> list[str]:
    graph = (
        f"sine=f={freq}:r={SAMPLE_RATE},atrim=end_sample={samples},aformat=channel_layouts={layout}"
    )
    return ["-f", "lavfi", "-i", graph]


OUTPUT_VF = "<output -vf>"


def run_ffmpeg(*args: str | Path) -> None:
    items = [str(a) for a in args]
    vf: list[str] = []
    while OUTPUT_VF in items:
        at = items.index(OUTPUT_VF)
        vf.append(items[at + 1])
        del items[at : at + 2]
    if vf:
        last_input = max(i for i, a in enumerate(items) if a == "-i") + 1
        items[last_input + 1 : last_input + 1] = ["-vf", ",".join(vf)]
    command = [FFMPEG, "-y", "-nostdin", "-v", "error", *items]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")


def ffmetadata(folder: Path, spec: SourceSpec, title: str = "Chaptered") -> Path:
    """Two chapters splitting the clip in half (times in 1/1000 s)."""
    end = int(Fraction(spec.frames) / spec.rate * 1000)
    half = end // 2
    path = folder / f"{spec.name}.ffmeta"
    path.write_text(
        ";FFMETADATA1\n"
        f"title={title}\n"
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND={half}\ntitle=Opening\n"
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={half}\nEND={end}\ntitle=Closing\n"
    )
    return path


def srt_file(folder: Path, spec: SourceSpec, lang: str = "eng") -> Path:
    end = Fraction(spec.frames) / spec.rate
    ms = int(end * 1000) - 1

    def stamp(t: int) -> str:
        return f"00:00:{t // 1000:02d},{t % 1000:03d}"

    path = folder / f"{spec.name}.{lang}.srt"
    path.write_text(
        f"1\n{stamp(0)} --> {stamp(ms // 2)}\nFirst line\n\n"
        f"2\n{stamp(ms // 2 + 1)} --> {stamp(ms)}\nSecond line\n"
    )
    return path


PRORES_HQ = ["-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le", "-vendor", "apl0"]
# High profile with B-frames, as cameras and phones write it
X264 = [
    "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "2", "-g", "12",
    "-pix_fmt", "yuv420p",
]  # fmt: skip
# frame properties, so that the encoders' bitstreams carry the same tags as the container
SET_709 = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"


def patch_rotation(path: Path, degrees: int) -> None:
    """Write a rotation into the first video track's ``tkhd`` matrix (ffmpeg 5.1 cannot)."""
    data = bytearray(path.read_bytes())
    one, zero = 0x10000, 0
    matrices = {
        90: (zero, one, zero, -one & 0xFFFFFFFF, zero, zero),
        180: (-one & 0xFFFFFFFF, zero, zero, -one & 0xFFFFFFFF, zero, zero),
        270: (zero, -one & 0xFFFFFFFF, zero, one, zero, zero),
    }
    a, b, u, c, d, v = matrices[degrees]
    start = 0
    while True:
        at = data.find(b"tkhd", start)
        if at < 0:
            raise RuntimeError(f"{path.name}: no video tkhd found")
        version = data[at + 4]
        body = at + 8  # after type + version/flags
        body += 8 if version == 0 else 16  # creation, modification
        body += 4 + 4  # track id, reserved
        body += 4 if version == 0 else 8  # duration
        body += 8 + 2 + 2 + 2 + 2  # reserved, layer, alternate group, volume, reserved
        width = struct.unpack(">I", data[body + 36 : body + 40])[0]
        if width:  # the video track (audio tracks have zero width)
            # translation so the rotated picture lands in the positive quadrant
            w = width
            h = struct.unpack(">I", data[body + 40 : body + 44])[0]
            tx, ty = {90: (h, 0), 180: (w, h), 270: (0, w)}[degrees]
            matrix = struct.pack(
                ">9I", a, b, u, c, d, v, tx & 0xFFFFFFFF, ty & 0xFFFFFFFF, 0x40000000
            )
            data[body : body + 36] = matrix
            path.write_bytes(bytes(data))
            return
        start = at + 4


# -- the builders ---------------------------------------------------------------------------------


def _prores(
    profile: str,
    pix_fmt: str,
    audio: str = "pcm_s24le",
    vf: str = SET_709,
    audio_frames: int | None = None,
) -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        tc = ["-timecode", spec.timecode] if spec.timecode else []
        run_ffmpeg(
            *video_in(spec, vf),
            *audio_in(samples_for(audio_frames or spec.frames, spec.rate)),
            "-c:v", "prores_ks", "-profile:v", profile, "-pix_fmt", pix_fmt, "-vendor", "apl0",
            *(["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
              if vf == SET_709 else []),
            "-c:a", audio, *tc, out,
        )  # fmt: skip

    return build


def _h264(extra_out: tuple[str, ...] = (), vf: str = SET_709, audio: str = "aac") -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        run_ffmpeg(
            *video_in(spec, vf),
            *audio_in(samples_for(spec.frames, spec.rate)),
            *X264,
            *(["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
              if vf == SET_709 else []),
            "-c:a", audio, "-b:a", "96k", *extra_out, out,
        )  # fmt: skip

    return build


def build_edit_list_start(out: Path, spec: SourceSpec) -> None:
    # -output_ts_offset moves every stream: the MP4 gets an empty edit, ffprobe start_time 3.5
    _h264(("-output_ts_offset", "3.5"))(out, spec)


def build_full_range(out: Path, spec: SourceSpec) -> None:
    run_ffmpeg(
        *video_in(spec, "format=yuvj420p,setparams=range=pc:color_primaries=bt709"
                  ":color_trc=bt709:colorspace=bt709"),
        *audio_in(samples_for(spec.frames, spec.rate)),
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "2",
        "-pix_fmt", "yuvj420p",
        "-color_range", "pc", "-color_primaries", "bt709", "-color_trc", "bt709",
        "-colorspace", "bt709", "-c:a", "aac", out,
    )  # fmt: skip


def build_hdr10(out: Path, spec: SourceSpec) -> None:
    params = (
        "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:"
        "colormatrix=bt2020nc:"
        "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):"
        "max-cll=1000,400"
    )
    run_ffmpeg(
        *video_in(spec, "setparams=color_primaries=bt2020:color_trc=smpte2084:colorspace=bt2020nc"),
        *audio_in(samples_for(spec.frames, spec.rate)),
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
        "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc",
        "-x265-params", params, "-tag:v", "hvc1", "-c:a", "aac", out,
    )  # fmt: skip


def _interlaced(order: str) -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        run_ffmpeg(
            *video_in(spec, f"setfield={order},{SET_709}"),
            *audio_in(samples_for(spec.frames, spec.rate)),
            *PRORES_HQ, "-flags", "+ilme+ildct", "-field_order", "tt" if order == "tff" else "bb",
            "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
            "-c:a", "pcm_s16le", "-timecode", spec.timecode or "10:00:00:00", out,
        )  # fmt: skip

    return build


def _anamorphic(sar: str, codec: list[str], audio: str) -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        run_ffmpeg(
            *video_in(spec, f"setsar={sar},{SET_709}"),
            *audio_in(samples_for(spec.frames, spec.rate)),
            *codec, "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
            "-c:a", audio, out,
        )  # fmt: skip

    return build


def build_phone(out: Path, spec: SourceSpec) -> None:
    """A phone clip: VFR (60 fps capture with every fifth frame dropped), AAC, rotated 90°."""
    captured = 38  # frames 1, 6, 11, … are dropped: 30 remain, 1/60 s and 2/60 s apart
    run_ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={spec.size[0]}x{spec.size[1]}:r=60:d={(captured - 0.5) / 60:.9f}",
        *audio_in(samples_for(captured, Fraction(60))),
        "-vf", "select='not(eq(mod(n\\,5)\\,1))'",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "2",
        "-pix_fmt", "yuv420p", "-fps_mode", "vfr", "-c:a", "aac", out,
    )  # fmt: skip
    patch_rotation(out, 90)


def build_multitrack_mov(out: Path, spec: SourceSpec) -> None:
    """ProRes + two languages of PCM + mov_text subtitles + chapters (a QT chapter track)."""
    folder = out.parent
    samples = samples_for(spec.frames, spec.rate)
    run_ffmpeg(
        *video_in(spec, SET_709), *audio_in(samples, 440), *audio_in(samples, 660, "mono"),
        "-i", srt_file(folder, spec), "-i", ffmetadata(folder, spec),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
        "-map_metadata", "4", "-map_chapters", "4",
        *PRORES_HQ, "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-c:a", "pcm_s16le", "-c:s", "mov_text",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
        "-metadata:s:s:0", "language=eng", "-timecode", spec.timecode or "01:00:00:00", out,
    )  # fmt: skip


def build_mkv_subs(out: Path, spec: SourceSpec) -> None:
    """FFV1/MKV with two audio languages (FLAC, PCM), SubRip subtitles and chapters."""
    folder = out.parent
    samples = samples_for(spec.frames, spec.rate)
    run_ffmpeg(
        *video_in(spec, SET_709), *audio_in(samples, 440), *audio_in(samples, 660),
        "-i", srt_file(folder, spec), "-i", ffmetadata(folder, spec),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
        "-map_metadata", "4", "-map_chapters", "4",
        "-c:v", "ffv1", "-level", "3", "-g", "1", "-pix_fmt", "yuv422p10le",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-c:a:0", "flac", "-c:a:1", "pcm_s24le", "-c:s", "srt",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
        "-metadata:s:s:0", "language=fra", out,
    )  # fmt: skip


def build_mp4_movtext(out: Path, spec: SourceSpec) -> None:
    folder = out.parent
    samples = samples_for(spec.frames, spec.rate)
    run_ffmpeg(
        *video_in(spec, SET_709), *audio_in(samples),
        "-i", srt_file(folder, spec), "-i", ffmetadata(folder, spec, "Movtext"),
        "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3",
        *X264, "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-c:a", "aac", "-c:s", "mov_text", "-metadata:s:a:0", "language=deu",
        "-metadata:s:s:0", "language=eng", out,
    )  # fmt: skip


def _ffv1(pix_fmt: str, color_range: str = "tv") -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        rgb = pix_fmt.startswith("gbr")
        vf = (
            ""
            if rgb
            else f"setparams=range={color_range}:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
        )
        tags = ["-color_primaries", "bt709", "-color_trc", "bt709"] + (
            [] if rgb else ["-colorspace", "bt709", "-color_range", color_range]
        )
        run_ffmpeg(
            *video_in(spec, vf), *audio_in(samples_for(spec.frames, spec.rate)),
            "-c:v", "ffv1", "-level", "3", "-g", "1", "-slicecrc", "1", "-pix_fmt", pix_fmt,
            *tags, "-c:a", "pcm_s24le", out,
        )  # fmt: skip

    return build


def _sequence(pix_fmt: str) -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        pattern = out.parent / out.name.replace("086400", "%06d")
        run_ffmpeg(*video_in(spec), "-pix_fmt", pix_fmt, "-start_number", "86400", pattern)

    return build


def _mxf(codec: list[str], audio: str) -> Callable:
    def build(out: Path, spec: SourceSpec) -> None:
        run_ffmpeg(
            *video_in(spec, SET_709),
            *audio_in(samples_for(spec.frames, spec.rate)),
            *codec, "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
            "-c:a", audio, "-timecode", spec.timecode or "10:00:00:00", out,
        )  # fmt: skip

    return build


DNXHR_HQ = ["-c:v", "dnxhd", "-profile:v", "dnxhr_hq", "-pix_fmt", "yuv422p"]
MPEG2 = ["-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-g", "12", "-bf", "2", "-b:v", "8M"]


def build_apple_tmcd(out: Path, spec: SourceSpec) -> None:
    """A MOV as Apple writes it: the tmcd track's handler is "Core Media Time Code"."""
    tmp = out.with_name("apple-pre.mov")
    _prores("3", "yuv422p10le")(tmp, spec)
    run_ffmpeg(
        "-i", tmp, "-map", "0", "-c", "copy",
        "-metadata:s:v:0", "handler_name=Core Media Video",
        "-metadata:s:a:0", "handler_name=Core Media Audio",
        "-metadata:s:d:0", "handler_name=Core Media Time Code", out,
    )  # fmt: skip
    tmp.unlink()


def build_qt_chapters(out: Path, spec: SourceSpec) -> None:
    """A MOV whose chapters are a QuickTime chapter (text) track."""
    tmp = out.with_name("chapters-pre.mov")
    _prores("3", "yuv422p10le")(tmp, spec)
    run_ffmpeg(
        "-i", tmp, "-i", ffmetadata(out.parent, spec), "-map", "0", "-map_metadata", "1",
        "-map_chapters", "1", "-c", "copy", out,
    )  # fmt: skip
    tmp.unlink()


def build_reel_title(out: Path, spec: SourceSpec) -> None:
    tmp = out.with_name("reel-pre.mov")
    _prores("3", "yuv422p10le")(tmp, spec)
    run_ffmpeg(
        "-i", tmp, "-map", "0", "-c", "copy",
        "-metadata", "title=Scene 12 take 3", "-metadata", "creation_time=2024-05-06T07:08:09Z",
        "-metadata", "reel_name=A001",
        "-metadata:s:v:0", "handler_name=Camera A picture",
        "-metadata:s:a:0", "handler_name=Camera A sound",
        "-metadata:s:d:0", "handler_name=Camera A time code",
        "-metadata:s:d:0", "reel_name=A001", out,
    )  # fmt: skip
    tmp.unlink()


def build_container_only_709(out: Path, spec: SourceSpec) -> None:
    """ProRes whose frame headers say 'unspecified' while the MOV colr atom says BT.709."""
    run_ffmpeg(
        *video_in(spec), *audio_in(samples_for(spec.frames, spec.rate)), *PRORES_HQ,
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-c:a", "pcm_s16le", out,
    )  # fmt: skip


def build_bt2020(out: Path, spec: SourceSpec) -> None:
    run_ffmpeg(
        *video_in(spec, "setparams=color_primaries=bt2020:color_trc=bt2020-10:colorspace=bt2020nc"),
        *audio_in(samples_for(spec.frames, spec.rate)), *PRORES_HQ,
        "-color_primaries", "bt2020", "-color_trc", "bt2020-10", "-colorspace", "bt2020nc",
        "-c:a", "pcm_s24le", out,
    )  # fmt: skip


def build_ffv1_start(out: Path, spec: SourceSpec) -> None:
    tmp = out.with_name("ffv1-start-pre.mkv")
    _ffv1("yuv422p10le")(tmp, spec)
    run_ffmpeg("-i", tmp, "-map", "0", "-c", "copy", "-output_ts_offset", "10", out)
    tmp.unlink()


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


R24, R25, R2398, R2997, R50, R5994 = (
    Fraction(24), Fraction(25), Fraction(24000, 1001), Fraction(30000, 1001), Fraction(50),
    Fraction(60000, 1001),
)  # fmt: skip

SPECS: tuple[SourceSpec, ...] = (
    SourceSpec("prores_hq_2398_pcm24_tc", "a001_hq.mov", 24, R2398, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00:00",
               build=_prores("3", "yuv422p10le")),
    SourceSpec("prores_422_std_25", "a002_std.mov", 25, R25, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "10:00:00:00",
               build=_prores("2", "yuv422p10le", "pcm_s16le")),
    SourceSpec("prores_4444_24", "a003_4444.mov", 24, R24, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "02:00:00:00",
               build=_prores("4", "yuv444p10le")),
    SourceSpec("h264_bframes_aac_25", "b001_25.mp4", 25, R25, (".mov", ".mp4"),
               _f("h264", "aac", "colour"), build=_h264()),
    SourceSpec("h264_bframes_aac_2997", "b002_2997.mp4", 30, R2997, (".mov", ".mp4"),
               _f("h264", "aac", "colour"), build=_h264()),
    SourceSpec("prores_2997_dropframe_tc", "c001_df.mov", 30, R2997, (".mov",),
               _f("prores", "pcm", "timecode", "dropframe", "colour"), "01:00:00;00",
               build=_prores("3", "yuv422p10le", "pcm_s16le")),
    SourceSpec("h264_editlist_start_3_5", "d001_start.mp4", 25, R25, (".mov", ".mp4", ".mkv"),
               _f("h264", "aac", "start_offset", "colour"), build=build_edit_list_start),
    SourceSpec("h264_full_range", "e001_full.mp4", 24, R24, (".mov", ".mp4"),
               _f("h264", "aac", "full_range", "colour"), build=build_full_range),
    SourceSpec("hevc_hdr10", "f001_hdr10.mp4", 24, R24, (".mov",),
               _f("hevc", "aac", "hdr", "colour"), build=build_hdr10, needs="libx265"),
    SourceSpec("prores_interlaced_tff", "g001_tff.mov", 24, R25, (".mov",),
               _f("prores", "pcm", "timecode", "interlaced", "colour"), "10:00:00:00",
               build=_interlaced("tff")),
    SourceSpec("prores_interlaced_bff", "g002_bff.mov", 24, R25, (".mov",),
               _f("prores", "pcm", "timecode", "interlaced", "colour"), "10:00:00:00",
               build=_interlaced("bff")),
    SourceSpec("prores_anamorphic_sar_4_3", "h001_ana.mov", 24, R25, (".mov",),
               _f("prores", "pcm", "anamorphic", "colour"), size=(480, 270),
               build=_anamorphic("4/3", PRORES_HQ, "pcm_s16le")),
    SourceSpec("h264_pal_anamorphic_16_9", "h002_pal.mp4", 12, R25, (".mov", ".mp4"),
               _f("h264", "aac", "anamorphic", "colour"), size=(720, 576),
               build=_anamorphic("64/45", X264, "aac")),
    SourceSpec("phone_rotated_vfr", "i001_phone.mp4", 30, Fraction(60), (".mov", ".mp4"),
               _f("h264", "aac", "rotation", "vfr"), size=(320, 180), build=build_phone),
    SourceSpec("prores_multitrack_langs_movtext_chapters", "j001_multi.mov", 24, R24, (".mov",),
               _f("prores", "pcm", "timecode", "languages", "subtitles", "chapters",
                  "multi_audio", "colour"), "01:00:00:00", build=build_multitrack_mov),
    SourceSpec("ffv1_mkv_langs_srt_chapters", "j002_multi.mkv", 24, R24, (".mkv",),
               _f("ffv1", "languages", "subtitles", "chapters", "multi_audio", "srt", "colour"),
               build=build_mkv_subs),
    SourceSpec("h264_mp4_movtext_chapters", "j003_movtext.mp4", 25, R25, (".mov", ".mp4"),
               _f("h264", "aac", "languages", "subtitles", "chapters", "mov_text", "colour"),
               build=build_mp4_movtext),
    SourceSpec("ffv1_yuv422p10", "k001_ffv1.mkv", 24, R24, (".mkv", ".mov"),
               _f("ffv1", "pcm", "colour"), build=_ffv1("yuv422p10le")),
    SourceSpec("ffv1_yuv422p10_full_range", "k002_ffv1_full.mkv", 12, R25, (".mkv",),
               _f("ffv1", "pcm", "full_range", "colour"), build=_ffv1("yuv422p10le", "pc")),
    SourceSpec("ffv1_gbrp10", "k003_ffv1_rgb.mkv", 12, R24, (".mkv", ".mov"),
               _f("ffv1", "pcm", "rgb"), build=_ffv1("gbrp10le")),
    SourceSpec("ffv1_mkv_start_10s", "k004_ffv1_start.mkv", 12, R25, (".mkv",),
               _f("ffv1", "pcm", "start_offset", "colour"), build=build_ffv1_start),
    SourceSpec("png16_sequence_86400", "l001_086400.png", 12, R24, ("_%06d.png",),
               _f("sequence", "png16"), build=_sequence("rgb48be")),
    SourceSpec("dpx10_sequence_86400", "l002_086400.dpx", 12, R24, ("_%06d.dpx",),
               _f("sequence", "dpx10"), build=_sequence("gbrp10le")),
    SourceSpec("dnxhr_hq_mxf_pcm", "m001_dnxhr.mxf", 25, R25, (".mxf", ".mov"),
               _f("dnxhr", "mxf", "pcm", "timecode", "colour"), "10:00:00:00",
               build=_mxf(DNXHR_HQ, "pcm_s24le")),
    SourceSpec("mpeg2_mxf_pcm", "m002_mpeg2.mxf", 24, R25, (".mxf", ".mov"),
               _f("mpeg2", "mxf", "pcm", "timecode", "colour"), "10:00:00:00", size=(352, 288),
               build=_mxf(MPEG2, "pcm_s16le")),
    # ffmpeg 5.1's MXF muxer cuts the picture where the audio ends (and an MXF deliverable
    # must pad its sound to the picture), so the short-audio source is a MOV delivered as MOV:
    # ProRes HQ, 25 frames of picture, 15 frames' worth of sound
    SourceSpec("prores_mov_short_audio", "m003_short.mov", 25, R25, (".mov",),
               _f("prores", "pcm", "timecode", "short_audio", "colour"), "10:00:00:00",
               build=_prores("3", "yuv422p10le", "pcm_s16le", audio_frames=15)),
    SourceSpec("prores_apple_tmcd_handler", "n001_apple.mov", 24, R2398, (".mov",),
               _f("prores", "pcm", "timecode", "handlers", "apple_tmcd", "colour"),
               "01:00:00:00", build=build_apple_tmcd),
    SourceSpec("prores_qt_chapter_track", "n002_chapters.mov", 24, R2398, (".mov",),
               _f("prores", "pcm", "timecode", "chapters", "qt_chapter_track", "colour"),
               "01:00:00:00", build=build_qt_chapters),
    SourceSpec("prores_reel_title_handlers", "n003_reel.mov", 24, R2398, (".mov",),
               _f("prores", "pcm", "timecode", "handlers", "reel", "title", "creation_time",
                  "colour"), "01:00:00:00", build=build_reel_title),
    SourceSpec("prores_709_container_only", "o001_709c.mov", 12, R25, (".mov",),
               _f("prores", "pcm", "colour", "container_only_colour"),
               build=build_container_only_709),
    SourceSpec("prores_bt2020_10bit", "o002_2020.mov", 12, R25, (".mov",),
               _f("prores", "pcm", "colour"), build=build_bt2020),
    SourceSpec("prores_1_frame_24", "p001_1f.mov", 1, R24, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00:00",
               build=_prores("3", "yuv422p10le")),
    SourceSpec("prores_11_frames_25", "p002_11f.mov", 11, R25, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00:00",
               build=_prores("3", "yuv422p10le")),
    SourceSpec("prores_12_frames_50", "p003_12f.mov", 12, R50, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00:00",
               build=_prores("3", "yuv422p10le")),
    SourceSpec("prores_13_frames_5994", "p004_13f.mov", 13, R5994, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00;00",
               build=_prores("3", "yuv422p10le")),
    SourceSpec("prores_72_frames_24", "p005_72f.mov", 72, R24, (".mov",),
               _f("prores", "pcm", "timecode", "colour"), "01:00:00:00",
               build=_prores("3", "yuv422p10le"), size=(128, 72)),
)  # fmt: skip

SPEC_BY_NAME = {s.name: s for s in SPECS}


# -- the duration matrix's cheap sources -----------------------------------------------------------

DURATION_FRAMES = (1, 11, 12, 13, 24, 25, 72)
DURATION_RATES = (R24, R25, R2398, R2997, R50, R5994)


def duration_spec(frames: int, rate: Fraction, container: str) -> SourceSpec:
    """A small source for the frame-count × rate matrix, in the container's own codec."""
    rate_name = f"{rate.numerator}_{rate.denominator}" if rate.denominator != 1 else str(rate)
    drop_frame = rate in (Fraction(30000, 1001), Fraction(60000, 1001))
    tc = "01:00:00;00" if drop_frame else "01:00:00:00"
    if container == ".mov":
        spec = SourceSpec(
            f"dur_mov_{frames}f_{rate_name}",
            f"dur_{frames}_{rate_name}.mov",
            frames,
            rate,
            (".mov",),
            _f("prores", "pcm", "timecode"),
            tc,
            size=(128, 72),
            build=_prores("3", "yuv422p10le", "pcm_s16le", ""),
        )
    elif container == ".mkv":
        spec = SourceSpec(
            f"dur_mkv_{frames}f_{rate_name}",
            f"dur_{frames}_{rate_name}.mkv",
            frames,
            rate,
            (".mkv",),
            _f("ffv1", "pcm"),
            None,
            size=(128, 72),
            build=_ffv1("yuv422p10le"),
        )
    elif container == ".mp4":
        spec = SourceSpec(
            f"dur_mp4_{frames}f_{rate_name}",
            f"dur_{frames}_{rate_name}.mp4",
            frames,
            rate,
            (".mp4",),
            _f("h264", "aac"),
            None,
            size=(128, 72),
            build=_h264(vf=""),
        )
    elif container == ".mxf":
        spec = SourceSpec(
            f"dur_mxf_{frames}f_{rate_name}",
            f"dur_{frames}_{rate_name}.mxf",
            frames,
            rate,
            (".mxf",),
            _f("dnxhr", "mxf", "pcm", "timecode"),
            tc,
            size=(256, 144),
            build=_mxf(DNXHR_HQ, "pcm_s16le"),
        )
    else:
        raise ValueError(container)
    return spec


# -- the factory --------------------------------------------------------------------------------


class SourceFactory:
    """Builds each source once per session, into its own folder under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[str, Source] = {}

    def get(self, spec: SourceSpec | str) -> Source:
        import pytest

        if isinstance(spec, str):
            spec = SPEC_BY_NAME[spec]
        if spec.needs == "libx265" and not HAVE_X265:
            pytest.skip("this ffmpeg has no libx265 encoder")
        if spec.name not in self._built:
            folder = self.root / spec.name
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / spec.filename
            if not path.exists():
                assert spec.build is not None
                spec.build(path, spec)
            self._built[spec.name] = Source(spec, path)
        return self._built[spec.name]
