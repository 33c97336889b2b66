"""What the source says about its picture, written into the deliverable.

Colour description, tags, timecode and reel name, pixel aspect, display matrix, field order,
dispositions and chapters go into the output as it is opened; the ProRes frame header of a
copied frame is made to agree with the container; HDR10 boxes and the timecode track's handler
name are patched into a finished MOV/MP4 (FFmpeg writes neither as the source had them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.media.formats import CodecSpec, Container
from workbench.media.info import ColorInfo, MediaInfo, MediaKind

SKIP_CONTAINER_TAGS = frozenset(
    {"major_brand", "minor_version", "compatible_brands", "encoder", "duration", "timecode"}
)
SKIP_STREAM_TAGS = frozenset({"encoder", "vendor_id", "duration", "timecode", "number_of_frames",
                              "number_of_bytes", "_statistics_tags", "_statistics_writing_app",
                              "_statistics_writing_date_utc", "bps"})  # fmt: skip
_PRORES_HEADER_COLOUR = 22  # offset of primaries, transfer, matrix in a ProRes frame


def output_color(color: ColorInfo, yuv: bool, height: int) -> ColorInfo:
    """The colour description a deliverable carries.

    Y'CbCr output of an RGB source (image sequences, RGB FFV1) is tagged BT.709 Y'CbCr — a
    matrix of "identity" on a yuv stream is wrong — and RGB output has the identity matrix.
    """
    if not yuv:
        return ColorInfo(color.primaries, color.transfer, 0, 2)
    matrix, primaries, transfer = color.matrix, color.primaries, color.transfer
    if matrix in (0, 2):
        matrix = 1 if height >= 720 or color.matrix == 0 else 2
        if color.matrix == 0:
            primaries = 1 if primaries in (1, 2) else primaries
            transfer = 1 if transfer in (2, 13) else transfer
    return ColorInfo(primaries, transfer, matrix, 1)


def clean_tags(tags: dict[str, str], skip: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if k.lower() not in skip and v != ""}


def carry_picture_facts(
    out: Any, stream: Any, src: MediaInfo | None, codec: CodecSpec, timecode: str | None
) -> str | None:
    """Tags, timecode and reel name, aspect, rotation, field order and chapters.

    Returns the field order ("tff"/"bff") the encoder's frames must be marked with, if any.
    """
    if timecode:
        stream.metadata["timecode"] = timecode
        out.metadata["timecode"] = timecode
    if src is None or src.kind is not MediaKind.VIDEO:
        return None
    for key, value in clean_tags(src.container_tags, SKIP_CONTAINER_TAGS).items():
        out.metadata[key] = value
    tags = clean_tags(src.tags, SKIP_STREAM_TAGS)
    # MOV writes the tmcd track from the picture stream's tags: its reel name goes there.
    for other in src.other_streams:
        if other.is_timecode_track:
            reel = other.tags.get("reel_name")
            if reel:
                tags.setdefault("reel_name", reel)
    if "reel_name" not in tags and src.container_tags.get("reel_name"):
        tags["reel_name"] = src.container_tags["reel_name"]
    for key, value in tags.items():
        stream.metadata[key] = value
    if src.sample_aspect_ratio:
        stream.codec_context.sample_aspect_ratio = src.sample_aspect_ratio
    if len(src.display_matrix) == 9:
        stream.set_display_matrix(list(src.display_matrix))
    if src.field_order:
        stream.codec_context.field_order = src.field_order
    fields = None
    if src.interlaced and codec.codec in ("prores", "dnxhd"):
        # Code the two fields as fields, in the source's order: the bitstream says
        # interlaced as the container does (setfield marks each frame for the encoder).
        import av.codec.context

        stream.codec_context.flags |= int(av.codec.context.Flags.interlaced_dct)
        fields = "tff" if src.field_order in (2, 4) else "bff"
    if src.disposition:
        stream.disposition = src.disposition
    if src.chapters:
        out.set_chapters(
            [
                {
                    "id": n + 1,
                    "start": c.start,
                    "end": c.end,
                    "time_base": c.time_base,
                    "metadata": {"title": c.title} if c.title else {},
                }
                for n, c in enumerate(src.chapters)
            ]
        )
    return fields


def patch_prores_header(data: bytes, codec: CodecSpec, colour: ColorInfo) -> bytes:
    """A copied ProRes frame says the same colour as the container and the encoded ones."""
    if codec.codec != "prores" or len(data) < 28 or data[4:8] != b"icpf":
        return data
    c = colour
    head = data[_PRORES_HEADER_COLOUR : _PRORES_HEADER_COLOUR + 3]
    want = bytes((c.primaries, c.transfer, c.matrix))
    if head == want or not all(v == 2 for v in head):
        return data
    return data[:_PRORES_HEADER_COLOUR] + want + data[_PRORES_HEADER_COLOUR + 3 :]


def write_hdr_boxes(tmp: Path, source: MediaInfo | None, container: Container | None) -> None:
    """HDR10 mastering display and light level into a MOV/MP4 (see :mod:`.mov_hdr`)."""
    from workbench.media.mov_hdr import add_hdr_boxes

    side = source.hdr_side_data if source is not None else {}
    if not side or container is None or not container.timecode_track:
        return  # MKV and MXF carry none through PyAV yet
    mastering = side.get("mastering_display_metadata")
    light = side.get("content_light_level")
    add_hdr_boxes(
        tmp,
        bytes.fromhex(mastering) if mastering else None,
        bytes.fromhex(light) if light else None,
    )


def name_timecode_handler(
    tmp: Path, source: MediaInfo | None, container: Container | None, timecode: str | None
) -> None:
    """The tmcd track keeps the source's handler name (FFmpeg gives it the picture's)."""
    from workbench.media.mov_hdr import set_timecode_handler

    if source is None or not timecode or container is None:
        return
    if not container.timecode_track:
        return
    names = [o.tags.get("handler_name") for o in source.other_streams
             if o.is_timecode_track and o.tags.get("handler_name")]  # fmt: skip
    picture = source.tags.get("handler_name")
    if names and names[0] != picture:
        set_timecode_handler(tmp, str(names[0]))
