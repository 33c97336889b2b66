"""Smart rendering: frames no edit touches are the source's own coded pictures, copied.

Where the deliverable's codec, profile and pixel format equal the source's and the codec is
intra-only (every packet a keyframe), an untouched frame needs no decode → RGB → encode round
trip: its packet is copied, as NLEs do. The copy is transparent by construction, and faster.
Only a ProRes frame header's colour bytes may be filled in, where the source left them
"unspecified" but its container said what they are (see ``VideoWriter.write_packet``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from workbench.media.info import MediaInfo, MediaKind
from workbench.render.stack import Step


def can_copy_packets(info: MediaInfo, codec: str, mode: str, pix_fmt: str | None) -> bool:
    """Whether untouched frames of ``info`` can go into a ``codec`` deliverable as they are."""
    from workbench.media.formats import CODECS, source_codec

    spec = CODECS[codec]
    if mode != "direct" or info.kind is not MediaKind.VIDEO or info.vfr or not spec.intra_only:
        return False
    return source_codec(info) == codec and pix_fmt == info.pixel_format and info.intra_only


def untouched(steps: Sequence[Step], index: int) -> bool:
    return not any(step.covers(index) for step in steps)


class SourcePackets:
    """The source's coded pictures in order, read forward (demuxing only, never decoding)."""

    def __init__(self, info: MediaInfo) -> None:
        from workbench.media.safety import av_open_input

        self._container = av_open_input(Path(info.path))
        stream = self._container.streams[info.video_stream_index]
        self._packets: Iterator[Any] = (
            p for p in self._container.demux(stream) if p.size and not p.is_discard
        )
        self._next = 0

    def get(self, index: int) -> bytes:
        if index < self._next:
            raise ValueError(f"source packet {index} was already passed")
        packet = None
        while self._next <= index:
            packet = next(self._packets)
            self._next += 1
        assert packet is not None
        return bytes(packet)

    def close(self) -> None:
        self._container.close()
