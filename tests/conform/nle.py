"""Camera originals made with the ffmpeg CLI, and cuts written as the NLEs write them.

The media carry timecode (``-timecode``) and a reel name; ffmpeg 5's MOV muxer writes the tmcd
track's ``reel_name`` from the *picture* stream's metadata (``-metadata:s:v:0 reel_name=…``;
``-metadata:s:d:0`` names no stream yet when the tmcd track is made), which ``reel_of_file``
checks with ffprobe. The timelines are text as Avid, Premiere and Nucoda write EDLs, FCP 7 XML
as Premiere writes it, and OpenTimelineIO files with the metadata Resolve puts in them.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

SIZE = "64x36"


@dataclass(frozen=True)
class Source:
    name: str
    rate: str
    timecode: str
    frames: int
    reel: str | None = None


SOURCES_25 = (
    Source("A001C003", "25", "01:00:10:00", 75, "A001C003"),
    Source("A002C001", "25", "02:00:05:00", 75, "A002C001"),
    Source("A003C001", "25", "03:00:00:00", 75, "A003C001"),
    Source("A004C002", "25", "04:00:00:00", 50, None),  # no reel: found by its file name
)
SOURCES_2997 = (
    Source("C001C001", "30000/1001", "00:00:59;20", 60, "C001"),  # across a dropped minute
    Source("C002C001", "30000/1001", "10:00:00;00", 60, "C002"),
)
SOURCES_23976 = (
    Source("B001C002", "24000/1001", "14:20:00:00", 72, "B001"),
    Source("B002C001", "24000/1001", "15:00:00:00", 72, "B002"),
)


def make_source(folder: Path, source: Source) -> Path:
    path = folder / f"{source.name}.mov"
    from fractions import Fraction

    seconds = f"{float(source.frames / Fraction(source.rate)):.6f}"
    reel = ["-metadata:s:v:0", f"reel_name={source.reel}"] if source.reel else []
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={SIZE}:rate={source.rate}",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-frames:v",
            str(source.frames),
            "-t",
            seconds,
            "-c:v",
            "prores_ks",
            "-profile:v",
            "0",
            "-c:a",
            "pcm_s16le",
            "-timecode",
            source.timecode,
            *reel,
            str(path),
        ],
        check=True,
    )
    return path


def make_sources(folder: Path, sources: tuple[Source, ...]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {s.name: make_source(folder, s) for s in sources}


def ffprobe_tags(path: Path) -> dict[str, str]:
    """The timecode and reel name ffprobe reads (any stream), and the picture's frame count."""
    run = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    out: dict[str, str] = {}
    for stream in json.loads(run.stdout)["streams"]:
        tags = stream.get("tags") or {}
        for key in ("timecode", "reel_name"):
            if key in tags:
                out.setdefault(key, tags[key])
        if stream.get("codec_type") == "video":
            out["frames"] = str(stream.get("nb_frames"))
        if stream.get("codec_type") == "audio":
            out["audio"] = str(stream.get("codec_name"))
    return out


# -- EDLs -----------------------------------------------------------------------------------
AVID_25 = """TITLE: SEQ_AVID
FCM: NON-DROP FRAME

001  A001C003 V     C        01:00:10:10 01:00:11:10 01:00:00:00 01:00:01:00
* FROM CLIP NAME:  A001C003_230101_R1AB
* COMMENT: LOOK AT BOOM
* LOC: 01:00:00:12 RED     JANE DOE IN FRAME

002  A001C003 V     C        01:00:12:00 01:00:12:15 01:00:01:00 01:00:01:15
* FROM CLIP NAME:  A001C003_230101_R1AB

003  A001C003 V     C        01:00:12:15 01:00:12:15 01:00:01:15 01:00:01:15
003  A002C001 V     D    010 02:00:05:05 02:00:06:05 01:00:01:15 01:00:02:15
* FROM CLIP NAME:  A001C003_230101_R1AB
* TO CLIP NAME:  A002C001

004  A003C001 V     C        03:00:00:10 03:00:01:10 01:00:02:15 01:00:03:03
M2   A003C001       050.0                03:00:00:10
* FROM CLIP NAME:  A003C001

005  B007     V     C        07:00:00:00 07:00:01:00 01:00:03:03 01:00:04:03
* FROM CLIP NAME:  B007C001

006  A003C001 V     C        03:00:00:02 03:00:00:20 01:00:04:03 01:00:04:21
* FROM CLIP NAME:  A003C001
"""

# Avid: a CAST comment on event 2, a locator naming a performer on event 1 (in capitals).
# Avid with performers: a locator naming one (in capitals) on event 1, a CAST comment on 2.
CAST_EDL = AVID_25.replace(
    "* LOC: 01:00:00:12 RED     JANE DOE IN FRAME", "* LOC: 01:00:00:12 RED     CAST: ADA ACTOR"
).replace(
    "002  A001C003 V     C        01:00:12:00 01:00:12:15 01:00:01:00 01:00:01:15\n"
    "* FROM CLIP NAME:  A001C003_230101_R1AB\n",
    "002  A001C003 V     C        01:00:12:00 01:00:12:15 01:00:01:00 01:00:01:15\n"
    "* FROM CLIP NAME:  A001C003_230101_R1AB\n"
    "* CAST: Ada Actor, Ben Bloggs\n",
)


# Avid without clip-name comments: reels and timecode only.
AVID_BARE_25 = """TITLE: SEQ_BARE
FCM: NON-DROP FRAME

001  A002C001 V     C        02:00:06:00 02:00:07:00 00:00:00:00 00:00:01:00
002  A003C001 V     C        03:00:01:00 03:00:02:00 00:00:01:00 00:00:02:00
"""

# Premiere: reel AX, the file name in FROM CLIP NAME.
PREMIERE_25 = """TITLE: Sequence 01
FCM: NON-DROP FRAME

001  AX       V     C        04:00:00:10 04:00:01:00 00:00:00:00 00:00:00:15
* FROM CLIP NAME: A004C002.mov

002  AX       V     C        01:00:11:00 01:00:12:00 00:00:00:15 00:00:01:15
* FROM CLIP NAME: A001C003.mov

003  AX       V     C        05:00:00:00 05:00:01:00 00:00:01:15 00:00:02:15
* FROM CLIP NAME: Z999C001.mov
"""

# Nucoda: FROM FILE with the path on the grading system.
NUCODA_25 = """TITLE: NUCODA_CONFORM
FCM: NON-DROP FRAME

001  A002C001 V     C        02:00:05:10 02:00:06:10 10:00:00:00 10:00:01:00
* FROM FILE: /mnt/san/PROJECT/A002C001.mov

002  A004C002 V     C        04:00:01:00 04:00:01:20 10:00:01:00 10:00:01:20
* FROM FILE: /mnt/san/PROJECT/A004C002.mov
"""

# 29.97 drop-frame, one EDL with semicolons and one (as some tools write) with colons only.
DF_2997 = """TITLE: SEQ_DF
FCM: DROP FRAME

001  C001     V     C        00:01:00;02 00:01:01;00 01:00:00;00 01:00:00;28
* FROM CLIP NAME:  C001C001

002  C002     V     C        10:00:00;10 10:00:01;10 01:00:00;28 01:00:01;28
* FROM CLIP NAME:  C002C001
"""
DF_2997_COLONS = DF_2997.replace(";", ":")


# -- FCP 7 XML as Premiere writes it ---------------------------------------------------------
def _rate(timebase: int = 24, ntsc: bool = True) -> str:
    return f"<rate><timebase>{timebase}</timebase><ntsc>{'TRUE' if ntsc else 'FALSE'}</ntsc></rate>"


def _file(ident: str, name: str, path: Path, tc: str, frame: int, reel: str) -> str:
    return f"""<file id="{ident}"><name>{name}</name>
<pathurl>file://localhost{path.as_posix()}</pathurl>{_rate()}<duration>72</duration>
<timecode>{_rate()}<string>{tc}</string><frame>{frame}</frame><displayformat>NDF</displayformat>
<reel><name>{reel}</name></reel></timecode>
<media><video><samplecharacteristics>{_rate()}<width>64</width><height>36</height>
<anamorphic>FALSE</anamorphic><pixelaspectratio>square</pixelaspectratio>
<fielddominance>none</fielddominance></samplecharacteristics></video></media></file>"""


TIME_REMAP = (
    "<filter><effect><name>Time Remap</name><effectid>timeremap</effectid>"
    "<effectcategory>motion</effectcategory><effecttype>motion</effecttype>"
    '<mediatype>video</mediatype><parameter authoringApp="PremierePro">'
    "<parameterid>variablespeed</parameterid><name>variablespeed</name><valuemin>0</valuemin>"
    '<valuemax>1</valuemax><value>0</value></parameter><parameter authoringApp="PremierePro">'
    "<parameterid>speed</parameterid><name>speed</name><valuemin>-100000</valuemin>"
    "<valuemax>100000</valuemax><value>200</value></parameter></effect></filter>"
)


def premiere_xml_with_time_remap(media: Path) -> str:
    """The same cut with Premiere's Time Remap at 200 % on the last clip."""
    return premiere_xml(media).replace('<file id="file-2">', TIME_REMAP + '<file id="file-2">', 1)


def premiere_xml(media: Path) -> str:
    """Three clip items at 23.976: a cut, then a centred cross dissolve (6 + 6 frames) into the
    last; a marker and log notes on the first. In/out include what the dissolve shows."""
    b1 = _file("file-1", "B001C002.mov", media / "B001C002.mov", "14:20:00:00", 1238400, "B001")
    b2 = _file("file-2", "B002C001.mov", media / "B002C001.mov", "15:00:00:00", 1296000, "B002")

    def item(
        n: int,
        master: int,
        name: str,
        start: int,
        end: int,
        cin: int,
        cout: int,
        file: str,
        extra: str = "",
    ) -> str:
        return f"""<clipitem id="clipitem-{n}"><masterclipid>masterclip-{master}</masterclipid>
<name>{name}</name><enabled>TRUE</enabled><duration>72</duration>{_rate()}
<start>{start}</start><end>{end}</end><in>{cin}</in><out>{cout}</out>
<alphatype>none</alphatype><pixelaspectratio>square</pixelaspectratio>
<anamorphic>FALSE</anamorphic>{file}{extra}</clipitem>"""

    marker = (
        "<marker><comment>dust on the lens</comment><name>fix</name><in>30</in><out>-1</out>"
        "</marker><logginginfo><description></description><lognote>hero shot</lognote>"
        "</logginginfo><comments><mastercomment1>Jane Doe</mastercomment1></comments>"
    )
    transition = f"""<transitionitem><start>42</start><end>54</end><alignment>center</alignment>
{_rate()}<effect><name>Cross Dissolve</name><effectid>Cross Dissolve</effectid>
<effectcategory>Dissolve</effectcategory><effecttype>transition</effecttype>
<mediatype>video</mediatype><wipecode>0</wipecode><wipeaccuracy>100</wipeaccuracy>
<startratio>0</startratio><endratio>1</endratio><reverse>FALSE</reverse></effect>
</transitionitem>"""
    items = (
        item(1, 1, "B001C002.mov", 0, 24, 24, 48, b1, marker)
        + item(2, 1, "B001C002.mov", 24, -1, 40, 70, '<file id="file-1"/>')
        + transition
        + item(3, 2, "B002C001.mov", -1, 72, 6, 36, b2)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="4"><sequence id="sequence-1" TL.SQAudioVisibleBase="0" explodedTracks="true">
<uuid>6b1f5f1c-0c0e-4d8e-9d64-1a0e8a9f6a01</uuid><duration>72</duration>{_rate()}
<name>SEQ_PREMIERE</name><media><video><format><samplecharacteristics>{_rate()}
<width>64</width><height>36</height><anamorphic>FALSE</anamorphic>
<pixelaspectratio>square</pixelaspectratio><fielddominance>none</fielddominance>
<colordepth>24</colordepth></samplecharacteristics></format>
<track TL.SQTrackShy="0" TL.SQTrackExpandedHeight="41" TL.SQTrackExpanded="0"
 MZ.TrackTargeted="1">{items}</track></video></media>
<timecode>{_rate()}<string>01:00:00:00</string><frame>86400</frame>
<displayformat>NDF</displayformat></timecode></sequence></xmeml>
"""


# -- OpenTimelineIO as Resolve writes it -----------------------------------------------------
def resolve_timeline(media: Path) -> object:
    """A 25 fps Resolve timeline: Clip.2 with media in ``Resolve_OTIO`` metadata (reel name
    among it), media paths as plain paths, a 01:00:00:00 start, a dissolve and a marker."""
    import opentimelineio as otio

    rate = 25.0

    def rt(value: float) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(value, rate)

    def clip(name: str, reel: str, start_tc: str, src_in: str, frames: int) -> otio.schema.Clip:
        first = otio.opentime.from_timecode(start_tc, rate)
        ref = otio.schema.ExternalReference(
            target_url=str(media / f"{name}.mov"),
            available_range=otio.opentime.TimeRange(first, rt(75)),
            metadata={"Resolve_OTIO": {"Reel Name": reel}},
        )
        ref.name = f"{name}.mov"
        return otio.schema.Clip(
            name=f"{name}.mov",
            media_reference=ref,
            source_range=otio.opentime.TimeRange(
                otio.opentime.from_timecode(src_in, rate), rt(frames)
            ),
            metadata={"Resolve_OTIO": {"Link Group ID": 1}},
        )

    timeline = otio.schema.Timeline(name="SEQ_RESOLVE", global_start_time=rt(90000))
    timeline.metadata["Resolve_OTIO"] = {"Resolve OTIO Meta Version": "1.0"}
    track = otio.schema.Track(name="Video 1", kind=otio.schema.TrackKind.Video)
    one = clip("A002C001", "A002C001", "02:00:05:00", "02:00:05:20", 25)
    one.markers.append(
        otio.schema.Marker(
            name="Jane Doe",
            marked_range=otio.opentime.TimeRange(otio.opentime.from_timecode("02:00:06:00", rate)),
            color=otio.schema.MarkerColor.BLUE,
            metadata={"Resolve_OTIO": {"Keywords": [], "Note": "performer in frame"}},
        )
    )
    track.append(one)
    track.append(
        otio.schema.Transition(
            name="Cross Dissolve",
            transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
            in_offset=rt(5),
            out_offset=rt(5),
        )
    )
    track.append(clip("A003C001", "A003C001", "03:00:00:00", "03:00:01:00", 25))
    timeline.tracks.append(track)
    return timeline


def write_resolve(media: Path, folder: Path) -> tuple[Path, Path]:
    """The Resolve timeline as ``.otio`` and as an ``.otioz`` bundle (media left out)."""
    import opentimelineio as otio

    timeline = resolve_timeline(media)
    plain = folder / "SEQ_RESOLVE.otio"
    bundle = folder / "SEQ_RESOLVE.otioz"
    otio.adapters.write_to_file(timeline, str(plain))
    otio.adapters.write_to_file(
        timeline,
        str(bundle),
        media_policy=otio.adapters.file_bundle_utils.MediaReferencePolicy.AllMissing,
    )
    return plain, bundle
