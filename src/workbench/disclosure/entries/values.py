"""The small typed values that log entries and the project's rows are made of.

Each has ``to_dict()`` (the exact JSON form that is stored and hashed) and ``from_dict()``
(which refuses a malformed value with a :class:`~workbench.errors.DisclosureError`).
:class:`ClipMedia` is the exception: it is what a probe said about a clip, kept in the project
and never signed, so it reads older projects leniently and keeps every key it does not type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, ClassVar, Literal

from workbench.disclosure.entries.fields import (
    JsonObject,
    malformed,
    obj,
    opt_str,
    req_int,
    req_str,
    str_tuple,
)
from workbench.errors import DisclosureError

RegionKind = Literal["full", "rect", "mask", "tracked"]
TRACK_SHAPES = ("rect", "mask")


@dataclass(frozen=True)
class Region:
    """Where an edit applies: the full frame, a rectangle (pixels), a mask (by its hash), or a
    region tracked over the frames (the project's stored track, by its hash; its shape and its
    keyframes are said here too, for a reader who has the log but not the project)."""

    kind: RegionKind = "full"
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0
    sha256: str = ""
    shape: str = ""
    keyframes: tuple[int, ...] = ()

    @classmethod
    def rect(cls, x: int, y: int, w: int, h: int) -> Region:
        return cls("rect", x, y, w, h)

    @classmethod
    def mask(cls, sha256: str) -> Region:
        return cls("mask", sha256=sha256)

    @classmethod
    def tracked(cls, sha256: str, shape: str, keyframes: tuple[int, ...]) -> Region:
        return cls("tracked", sha256=sha256, shape=shape, keyframes=tuple(keyframes))

    def to_dict(self) -> JsonObject:
        if self.kind == "rect":
            return {"kind": "rect", "x": self.x, "y": self.y, "w": self.w, "h": self.h}
        if self.kind == "mask":
            return {"kind": "mask", "sha256": self.sha256}
        if self.kind == "tracked":
            return {
                "kind": "tracked",
                "sha256": self.sha256,
                "shape": self.shape,
                "keyframes": list(self.keyframes),
            }
        return {"kind": "full"}

    def describe(self) -> str:
        """The region in words, for reports and the window."""
        if self.kind == "rect":
            return f"rectangle {self.w}x{self.h} at ({self.x}, {self.y})"
        if self.kind == "mask":
            return f"mask {self.sha256[:12]}"
        if self.kind == "tracked":
            shape = "rectangle" if self.shape == "rect" else "mask"
            keys = ", ".join(map(str, self.keyframes))
            plural = "s" if len(self.keyframes) != 1 else ""
            return f"tracked {shape} (keyframe{plural} {keys}; track {self.sha256[:12]})"
        return "full frame"

    @classmethod
    def from_dict(cls, data: Any, what: str = "a region") -> Region:
        """A region as stored; an absent or empty one is the full frame (older edits)."""
        if data is None or (isinstance(data, Mapping) and not data):
            return cls()
        data = obj(data, what)
        kind = data.get("kind", "full")
        if kind == "full":
            return cls()
        if kind == "rect":
            x, y, w, h = (req_int(data, k, what) for k in ("x", "y", "w", "h"))
            return cls.rect(x, y, w, h)
        if kind == "mask":
            return cls.mask(req_str(data, "sha256", what))
        if kind == "tracked":
            shape = req_str(data, "shape", what)
            if shape not in TRACK_SHAPES:
                raise malformed(what, "shape", f"is {shape!r}, not rect or mask")
            keys = data.get("keyframes")
            if not isinstance(keys, list) or not keys or not all(
                isinstance(k, int) and not isinstance(k, bool) for k in keys
            ):
                raise malformed(what, "keyframes", "is not a list of frame numbers")
            return cls.tracked(req_str(data, "sha256", what), shape, tuple(keys))
        raise malformed(what, "kind", f"is {kind!r}, not full, rect, mask or tracked")

    @classmethod
    def from_input(cls, region: Mapping[str, Any] | Region | None) -> Region:
        """Normalise what a caller passed (numbers as text allowed); ValueError if unknown."""
        if isinstance(region, Region):
            return region
        if not region or region.get("kind", "full") == "full":
            return cls()
        if region["kind"] == "rect":
            x, y, w, h = (int(region[k]) for k in ("x", "y", "w", "h"))
            return cls.rect(x, y, w, h)
        if region["kind"] == "mask":
            return cls.mask(str(region["sha256"]))
        if region["kind"] == "tracked":
            return cls.tracked(
                str(region["sha256"]),
                str(region["shape"]),
                tuple(int(k) for k in region["keyframes"]),
            )
        raise ValueError(f"unknown region kind {region['kind']!r}")


def _rate_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}"


def _read_rate(value: Any) -> Fraction | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate > 0 else None


def _read_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _read_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class ClipMedia(Mapping[str, Any]):
    """What the probe said about a clip's media (``MediaInfo.to_dict()`` as stored).

    The fields are the ones the code reads; every other key the probe wrote stays in ``extra``
    so :meth:`to_dict` gives back what was stored. It is also a read-only mapping over that
    dict, so ``clip.media.get("frame_count")`` keeps working where code still reads it so.
    """

    width: int | None = None
    height: int | None = None
    frame_count: int | None = None
    frame_rate: Fraction | None = None
    field_order: int | None = None
    codec: str | None = None
    timecode: str | None = None
    bit_depth: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    _data: JsonObject = field(init=False, repr=False, compare=False, default_factory=dict)

    TYPED: ClassVar[tuple[str, ...]] = (
        "width",
        "height",
        "frame_count",
        "frame_rate",
        "field_order",
        "codec",
        "timecode",
        "bit_depth",
    )

    def __post_init__(self) -> None:
        typed: JsonObject = {}
        for name in self.TYPED:
            value = getattr(self, name)
            if value is None:
                continue
            typed[name] = _rate_text(value) if isinstance(value, Fraction) else value
        object.__setattr__(self, "_data", {**typed, **self.extra})

    @property
    def pixels(self) -> int | None:
        return self.width * self.height if self.width and self.height else None

    def to_dict(self) -> JsonObject:
        return dict(self._data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ClipMedia:
        """Lenient: a value of the wrong type is kept as it was (in ``extra``), untyped."""
        if isinstance(data, ClipMedia):
            return data
        data = dict(data or {})
        values: dict[str, Any] = {
            "width": _read_int(data.get("width")),
            "height": _read_int(data.get("height")),
            "frame_count": _read_int(data.get("frame_count")),
            "frame_rate": _read_rate(data.get("frame_rate")),
            "field_order": _read_int(data.get("field_order")),
            "codec": _read_str(data.get("codec")),
            "timecode": _read_str(data.get("timecode")),
            "bit_depth": _read_int(data.get("bit_depth")),
        }
        extra = {k: v for k, v in data.items() if k not in cls.TYPED}
        for name in cls.TYPED:
            value = values[name]
            shown = _rate_text(value) if isinstance(value, Fraction) else value
            if name in data and (shown is None or shown != data[name]):
                extra[name] = data[name]  # null, or not what the field would write: as stored
        return cls(**values, extra=extra)

    # -- read-only mapping over the stored dict ---------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class ClipRef:
    """The clip an edit or a render concerns: its id, where it was, and its content."""

    id: int
    path: str
    fingerprint: str

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "path": self.path, "fingerprint": self.fingerprint}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a clip reference") -> ClipRef:
        data = obj(data, what)
        return cls(
            req_int(data, "id", what),
            req_str(data, "path", what),
            req_str(data, "fingerprint", what),
        )


@dataclass(frozen=True)
class ImportedClip:
    id: int
    name: str
    path: str
    fingerprint: str

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "path": self.path,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "an imported clip") -> ImportedClip:
        data = obj(data, what)
        return cls(
            req_int(data, "id", what),
            req_str(data, "name", what),
            req_str(data, "path", what),
            req_str(data, "fingerprint", what),
        )


@dataclass(frozen=True)
class ToolRef:
    id: str
    version: str

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "version": self.version}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a tool reference") -> ToolRef:
        data = obj(data, what)
        return cls(req_str(data, "id", what), req_str(data, "version", what))


@dataclass(frozen=True)
class ModelRecord:
    """What an edit entry pins about the model that made it (``training_data``: card only)."""

    id: str
    version: str | None
    sha256: str
    licence: str | None
    consent: str
    card_sha256: str | None
    training_data: tuple[str, ...] | None = None

    @property
    def disclosed(self) -> bool:
        return self.card_sha256 is not None

    def to_dict(self) -> JsonObject:
        out: JsonObject = {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "licence": self.licence,
            "consent": self.consent,
            "card_sha256": self.card_sha256,
        }
        if self.training_data is not None:
            out["training_data"] = list(self.training_data)
        return out

    @classmethod
    def from_dict(cls, data: Any, what: str = "a model record") -> ModelRecord:
        data = obj(data, what)
        return cls(
            id=req_str(data, "id", what),
            version=opt_str(data, "version", what),
            sha256=req_str(data, "sha256", what),
            licence=opt_str(data, "licence", what),
            consent=req_str(data, "consent", what),
            card_sha256=opt_str(data, "card_sha256", what),
            training_data=(
                str_tuple(data, "training_data", what) if "training_data" in data else None
            ),
        )


@dataclass(frozen=True)
class Runtime:
    """The ONNX Runtime version and the execution provider that actually ran; OpenVINO's
    version where its runtime ran, and the model's variant (name and SHA-256 of the bytes that
    ran) where it was not the main file. The last two are absent in older entries, and absent
    when they do not apply."""

    onnxruntime: str | None
    provider: str | None
    openvino: str | None = None
    variant: VariantRef | None = None

    def to_dict(self) -> JsonObject:
        out: JsonObject = {"onnxruntime": self.onnxruntime, "provider": self.provider}
        if self.openvino is not None:
            out["openvino"] = self.openvino
        if self.variant is not None:
            out["variant"] = self.variant.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Any, what: str = "a runtime record") -> Runtime:
        data = obj(data, what)
        variant = data.get("variant")
        return cls(
            opt_str(data, "onnxruntime", what),
            opt_str(data, "provider", what),
            opt_str(data, "openvino", what),
            None if variant is None else VariantRef.from_dict(variant, f"{what}'s variant"),
        )


@dataclass(frozen=True)
class VariantRef:
    """Which file of a model ran when it was not the main one: the card's variant name and the
    SHA-256 of its bytes."""

    name: str
    sha256: str

    def to_dict(self) -> JsonObject:
        return {"name": self.name, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a variant") -> VariantRef:
        data = obj(data, what)
        return cls(req_str(data, "name", what), req_str(data, "sha256", what))


@dataclass(frozen=True)
class Classification:
    """How an edit is disclosed; the two later fields are absent (None) in the oldest entries,
    and ``synthesis`` (what a tool generated rather than recovered: "synthesised grain") in
    every entry of a tool that synthesises nothing."""

    c2pa_action: str
    digital_source_type: str | None = None
    nature: str | None = None
    synthesis: str | None = None

    def to_dict(self) -> JsonObject:
        out: JsonObject = {"c2pa_action": self.c2pa_action}
        if self.digital_source_type is not None:
            out["digital_source_type"] = self.digital_source_type
        if self.nature is not None:
            out["nature"] = self.nature
        if self.synthesis is not None:
            out["synthesis"] = self.synthesis
        return out

    @classmethod
    def from_dict(cls, data: Any, what: str = "a classification") -> Classification:
        data = obj(data, what)
        return cls(
            req_str(data, "c2pa_action", what),
            opt_str(data, "digital_source_type", what),
            opt_str(data, "nature", what),
            opt_str(data, "synthesis", what),
        )


@dataclass(frozen=True)
class ConsentRecord:
    id: int
    subject: str
    scope: str
    expires: str | None
    document_ref: str
    document_sha256: str | None

    def to_dict(self) -> JsonObject:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a consent record") -> ConsentRecord:
        data = obj(data, what)
        return cls(
            id=req_int(data, "id", what),
            subject=req_str(data, "subject", what),
            scope=req_str(data, "scope", what),
            expires=opt_str(data, "expires", what),
            document_ref=req_str(data, "document_ref", what),
            document_sha256=opt_str(data, "document_sha256", what),
        )


@dataclass(frozen=True)
class OutputRef:
    """A rendered file: where it went, its bytes' hash, its codec."""

    path: str
    sha256: str
    codec: str

    def to_dict(self) -> JsonObject:
        return {"path": self.path, "sha256": self.sha256, "codec": self.codec}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a render output") -> OutputRef:
        data = obj(data, what)
        return cls(
            req_str(data, "path", what), req_str(data, "sha256", what), req_str(data, "codec", what)
        )


@dataclass(frozen=True)
class EditLink:
    """An edit a render applied: its id and the log entry that added it."""

    edit: int
    entry: str

    def to_dict(self) -> JsonObject:
        return {"edit": self.edit, "entry": self.entry}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a render's edit") -> EditLink:
        data = obj(data, what)
        return cls(req_int(data, "edit", what), req_str(data, "entry", what))


@dataclass(frozen=True)
class RenderedSegment:
    """Frames ``first``..``last`` of a render, as one farm worker rendered them.

    ``frame_digest`` is the SHA-256 over the segment's frame digests in order (the render's own
    ``frame_digest`` is the same over every frame), so a segment can be checked on its own.
    """

    index: int
    first: int
    last: int
    worker: str
    provider: str
    frame_digest: str

    def to_dict(self) -> JsonObject:
        return {
            "index": self.index,
            "frames": [self.first, self.last],
            "worker": self.worker,
            "provider": self.provider,
            "frame_digest": self.frame_digest,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a render's segment") -> RenderedSegment:
        data = obj(data, what)
        frames = data.get("frames")
        if (
            not isinstance(frames, list)
            or len(frames) != 2
            or not all(isinstance(f, int) and not isinstance(f, bool) for f in frames)
        ):
            raise malformed(what, "frames", "is not a pair of frame numbers")
        return cls(
            req_int(data, "index", what),
            frames[0],
            frames[1],
            req_str(data, "worker", what),
            req_str(data, "provider", what),
            req_str(data, "frame_digest", what),
        )


@dataclass(frozen=True)
class AppInfo:
    name: str
    version: str

    def to_dict(self) -> JsonObject:
        return {"name": self.name, "version": self.version}

    @classmethod
    def from_dict(cls, data: Any, what: str = "the app record") -> AppInfo:
        data = obj(data, what)
        return cls(req_str(data, "name", what), req_str(data, "version", what))


__all__ = [
    "AppInfo",
    "Classification",
    "ClipMedia",
    "ClipRef",
    "ConsentRecord",
    "DisclosureError",
    "EditLink",
    "ImportedClip",
    "ModelRecord",
    "OutputRef",
    "Region",
    "RenderedSegment",
    "Runtime",
    "ToolRef",
]
