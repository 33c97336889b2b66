"""What FFmpeg's MOV muxer cannot be told, put into the file after muxing.

HDR10 static metadata (the ``mdcv`` and ``clli`` boxes) and the timecode track's own handler
name.

FFmpeg's MOV muxer writes these boxes from a stream's coded side data, which PyAV cannot set on
an output stream. So a deliverable of an HDR10 source gets them here, after muxing: both boxes
are appended to the picture track's sample entry (``apch``, ``ap4h``, ``avc1``, …) and the sizes
of the boxes that hold it are grown to match. FFmpeg writes ``moov`` after ``mdat``, so no
chunk offset moves; a file whose ``moov`` comes first is left alone and reported.

Values come from FFmpeg's own structures (``AVMasteringDisplayMetadata``: rationals for the
R, G, B primaries, white point and luminances; ``AVContentLightMetadata``: MaxCLL, MaxFALL) and
are written as ISO/IEC 23001-8 wants them: primaries in G, B, R order in units of 0.00002,
luminance in units of 0.0001 cd/m².
"""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
_SAMPLE_ENTRY_HEADER = 8 + 78  # box header + VisualSampleEntry fields before child boxes


def mastering_box(mastering: bytes) -> bytes:
    """An ``mdcv`` box from the 88 bytes of an ``AVMasteringDisplayMetadata``.

    Its layout: primaries[3][2] (R, G, B; x, y), white_point[2], min_luminance, max_luminance,
    each an AVRational of two int32, then has_primaries and has_luminance.
    """
    v = struct.unpack("<22i", mastering[:88])
    r = [Fraction(v[2 * i], v[2 * i + 1] or 1) for i in range(10)]
    rx, ry, gx, gy, bx, by, wx, wy, min_lum, max_lum = r

    def chroma(value: Fraction) -> int:
        return max(0, min(0xFFFF, round(value * 50000)))

    def lum(value: Fraction) -> int:
        return max(0, min(0xFFFFFFFF, round(value * 10000)))

    payload = struct.pack(
        ">8H2I",
        chroma(gx), chroma(gy), chroma(bx), chroma(by), chroma(rx), chroma(ry),
        chroma(wx), chroma(wy), lum(max_lum), lum(min_lum),
    )  # fmt: skip
    return struct.pack(">I4s", 8 + len(payload), b"mdcv") + payload


def light_box(light: bytes) -> bytes:
    """A ``clli`` box from the 8 bytes of an ``AVContentLightMetadata``."""
    max_cll, max_fall = struct.unpack("<2I", light[:8])
    payload = struct.pack(">2H", min(max_cll, 0xFFFF), min(max_fall, 0xFFFF))
    return struct.pack(">I4s", 8 + len(payload), b"clli") + payload


def _boxes(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """(offset, size, type) of each box between ``start`` and ``end``."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:
            size = end - pos
        if size < 8 or pos + size > end:
            break
        out.append((pos, size, kind))
        pos += size
    return out


def _moov_after_mdat(data: bytearray) -> tuple[int, int, bytes] | None:
    """The ``moov`` box, where growing it moves no sample (it follows ``mdat``); else None."""
    top = _boxes(bytes(data), 0, len(data))
    kinds = [k for _, _, k in top]
    if b"moov" not in kinds or (b"mdat" in kinds and kinds.index(b"moov") < kinds.index(b"mdat")):
        return None
    return top[kinds.index(b"moov")]


def add_hdr_boxes(path: Path, mastering: bytes | None, light: bytes | None) -> bool:
    """Append ``mdcv``/``clli`` to the video sample entry of ``path``; False if not possible."""
    extra = (mastering_box(mastering) if mastering else b"") + (light_box(light) if light else b"")
    if not extra:
        return True
    data = bytearray(path.read_bytes())
    moov = _moov_after_mdat(data)
    if moov is None:
        return False
    for trak in _boxes(bytes(data), moov[0] + 8, moov[0] + moov[1]):
        if trak[2] != b"trak":
            continue
        chain = [moov, trak]
        node = trak
        for kind in _CONTAINERS[2:]:
            found = [b for b in _boxes(bytes(data), node[0] + 8, node[0] + node[1]) if b[2] == kind]
            if not found:
                break
            node = found[0]
            chain.append(node)
        else:
            hdlr = [b for b in _boxes(bytes(data), chain[2][0] + 8, chain[2][0] + chain[2][1])
                    if b[2] == b"hdlr"]  # fmt: skip
            if not hdlr or data[hdlr[0][0] + 16 : hdlr[0][0] + 20] != b"vide":
                continue
            stbl = chain[-1]
            stsd = [b for b in _boxes(bytes(data), stbl[0] + 8, stbl[0] + stbl[1])
                    if b[2] == b"stsd"]  # fmt: skip
            if not stsd:
                return False
            entry_start = stsd[0][0] + 16  # stsd header, version/flags, entry count
            entry = _boxes(bytes(data), entry_start, stsd[0][0] + stsd[0][1])[0]
            children = _boxes(bytes(data), entry[0] + _SAMPLE_ENTRY_HEADER, entry[0] + entry[1])
            if any(k in (b"mdcv", b"clli") for _, _, k in children):
                return True
            insert_at = entry[0] + entry[1]
            data[insert_at:insert_at] = extra
            for offset, size, _kind in [*chain, stsd[0], entry]:
                if struct.unpack(">I", data[offset : offset + 4])[0] == 1:
                    return False  # 64-bit sizes: not written by FFmpeg for moov children
                data[offset : offset + 4] = struct.pack(">I", size + len(extra))
            path.write_bytes(bytes(data))
            return True
    return False


def _replace(data: bytearray, chain: list[tuple[int, int, bytes]], box: tuple[int, int, bytes],
             new: bytes) -> bool:  # fmt: skip
    """Replace ``box`` (inside the boxes of ``chain``) with ``new``, growing or shrinking them."""
    delta = len(new) - box[1]
    data[box[0] : box[0] + box[1]] = new
    for offset, size, _kind in chain:
        if struct.unpack(">I", data[offset : offset + 4])[0] == 1:
            return False
        data[offset : offset + 4] = struct.pack(">I", size + delta)
    return True


def set_timecode_handler(path: Path, name: str) -> bool:
    """Name the tmcd track's handler ``name`` (FFmpeg's muxer gives it the picture track's).

    Apple, Premiere and the cameras name it themselves ("Core Media Time Code"); a facility
    compares it. The ``hdlr`` box of each tmcd track is rewritten with ``name`` as its Pascal
    string; like :func:`add_hdr_boxes`, only where ``moov`` follows ``mdat``.
    """
    data = bytearray(path.read_bytes())
    moov = _moov_after_mdat(data)
    if moov is None:
        return False
    encoded = name.encode("utf-8")[:255]
    for trak in _boxes(bytes(data), moov[0] + 8, moov[0] + moov[1]):
        if trak[2] != b"trak":
            continue
        mdia = [b for b in _boxes(bytes(data), trak[0] + 8, trak[0] + trak[1]) if b[2] == b"mdia"]
        if not mdia:
            continue
        hdlr = [b for b in _boxes(bytes(data), mdia[0][0] + 8, mdia[0][0] + mdia[0][1])
                if b[2] == b"hdlr"]  # fmt: skip
        if not hdlr or data[hdlr[0][0] + 16 : hdlr[0][0] + 20] != b"tmcd":
            continue
        head = bytes(data[hdlr[0][0] + 8 : hdlr[0][0] + 32])  # version/flags … flags mask
        payload = head + bytes((len(encoded),)) + encoded
        new = struct.pack(">I4s", 8 + len(payload), b"hdlr") + payload
        if not _replace(data, [moov, trak, mdia[0]], hdlr[0], new):
            return False
        path.write_bytes(bytes(data))  # one tmcd track per picture track; FFmpeg writes one
        return True
    return False
