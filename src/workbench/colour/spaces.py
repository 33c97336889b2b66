"""The colour spaces people name, and the one a clip's own tags say it is in.

A clip's input colour space is either set by the user (``workbench clip colourspace``; logged)
or read from its tags: the transfer characteristics, primaries and matrix the probe found, in
FFmpeg's (ITU-T H.273) numbering. Tags name an encoding only where H.273 is unambiguous: the
BT.709 transfer is the BT.709 camera curve (the config's "Camera Rec.709"), sRGB is sRGB, an EXR
holds scene-linear light (taken as ACEScg, the config's ``scene_linear`` role, unless the user
says otherwise). Untagged video, and tags the config has no scene-referred space for (PQ, HLG,
Rec.2020 camera video), are *not* guessed: the clip stays ``source`` — its code values go to
the models unconverted, as before colour management — until the user sets its space.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.colour.config import SOURCE, ColourSpaceError, lookup, scene_spaces


@dataclass(frozen=True)
class Named:
    """A colour space as people name it, the config's name for it, and a line of help."""

    name: str
    space: str
    help: str


NAMED: tuple[Named, ...] = (
    Named("Rec.709", "Camera Rec.709", "BT.709 video: the BT.709 camera curve, Rec.709 primaries"),
    Named("sRGB", "sRGB Encoded Rec.709 (sRGB)", "sRGB-encoded pictures (PNG, JPEG, TIFF)"),
    Named(
        "Gamma 2.4 Rec.709",
        "Gamma 2.4 Encoded Rec.709",
        "Rec.709 video as graded on a BT.1886 (gamma 2.4) display",
    ),
    Named("ARRI LogC3 (EI800)", "ARRI LogC3 (EI800)", "ARRI ALEXA LogC3, ALEXA Wide Gamut 3"),
    Named("ARRI LogC4", "ARRI LogC4", "ARRI ALEXA 35 LogC4, ARRI Wide Gamut 4"),
    Named("S-Log3 S-Gamut3", "S-Log3 S-Gamut3", "Sony S-Log3, S-Gamut3"),
    Named("S-Log3 S-Gamut3.Cine", "S-Log3 S-Gamut3.Cine", "Sony S-Log3, S-Gamut3.Cine"),
    Named("Panasonic V-Log", "V-Log V-Gamut", "Panasonic V-Log, V-Gamut"),
    Named("ACEScg", "ACEScg", "scene-linear, ACES AP1 primaries (VFX plates, CG renders)"),
    Named("ACES2065-1", "ACES2065-1", "scene-linear, ACES AP0 primaries (archival masters)"),
    Named("Linear Rec.709", "Linear Rec.709 (sRGB)", "scene-linear, Rec.709 primaries"),
)
"""The spaces offered by name (the window's menu); any other scene-referred space of the
config is accepted by its own name or an alias."""

_SHORT = {
    "rec709": "Camera Rec.709",
    "bt709": "Camera Rec.709",
    "logc3": "ARRI LogC3 (EI800)",
    "logc4": "ARRI LogC4",
    "slog3": "S-Log3 S-Gamut3",
    "s-log3": "S-Log3 S-Gamut3",
    "vlog": "V-Log V-Gamut",
    "v-log": "V-Log V-Gamut",
    "linear": "Linear Rec.709 (sRGB)",
}


def resolve(name: str) -> str:
    """The config's name for a colour space a person typed, or ``source``.

    Accepts the names in :data:`NAMED`, the config's own names and aliases (any case) and a few
    short forms (``logc4``, ``slog3``); refuses anything else with the choices in the hint.
    """
    text = name.strip()
    if text.lower() == SOURCE:
        return SOURCE
    for named in NAMED:
        if text.lower() == named.name.lower():
            return named.space
    found = lookup(text) or lookup(_SHORT.get(text.lower().replace(" ", ""), ""))
    if found is None:
        raise ColourSpaceError(
            f"{name!r} is not a scene-referred colour space of the pinned colour config",
            hint="use one of: "
            + ", ".join(n.name for n in NAMED)
            + ", source (no conversion), or any name `workbench clip colourspace --list` shows",
        )
    return found


def shown(space: str | None) -> str:
    """How a colour space is shown: its common name where it has one, else the config's."""
    if space is None or space == SOURCE:
        return SOURCE
    for named in NAMED:
        if named.space == space:
            return named.name
    return space


@dataclass(frozen=True)
class TaggedSpace:
    """The colour space a clip's tags say, and why (for ``workbench info``)."""

    space: str
    """A config colour space name, or ``source`` when the tags say nothing usable."""
    reason: str


_BT709_CURVES = {1, 6, 14, 15}  # BT.709, SMPTE 170M, BT.2020 10/12-bit: one camera curve
_REC709_PRIMARIES = {1, 2, 5, 6}  # BT.709 (and unspecified, BT.601 625/525: close to it)


def from_tags(color: Mapping[str, Any] | None, *, is_float: bool = False) -> TaggedSpace:
    """The colour space a clip's tags (``{"primaries", "transfer", "matrix", "range"}`` in
    FFmpeg's numbers, as the probe stored them) name, or ``source`` with the reason."""
    color = color or {}
    transfer = _number(color.get("transfer"))
    primaries = _number(color.get("primaries"))
    if is_float:
        return TaggedSpace("ACEScg", "floating-point image: scene-linear, taken as ACEScg")
    if primaries not in _REC709_PRIMARIES:
        return TaggedSpace(
            SOURCE, f"primaries {primaries} have no camera encoding in the colour config"
        )
    if transfer == 13:
        return TaggedSpace("sRGB Encoded Rec.709 (sRGB)", "tagged sRGB (IEC 61966-2-1)")
    if transfer in _BT709_CURVES:
        return TaggedSpace("Camera Rec.709", "tagged with the BT.709 transfer")
    if transfer == 8:
        return TaggedSpace("Linear Rec.709 (sRGB)", "tagged linear, Rec.709 primaries")
    if transfer == 4:
        return TaggedSpace("Gamma 2.2 Encoded Rec.709", "tagged gamma 2.2")
    if transfer == 2:
        return TaggedSpace(SOURCE, "untagged: its code values are used as they are")
    return TaggedSpace(SOURCE, f"transfer {transfer} has no scene-referred space in the config")


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 2


def offered() -> list[tuple[str, str]]:
    """(shown name, config name) of every space a clip can be set to: the named ones first."""
    named = [(n.name, n.space) for n in NAMED]
    rest = [(s, s) for s in scene_spaces() if s not in {n.space for n in NAMED}]
    return [*named, *rest]


__all__ = ["NAMED", "Named", "TaggedSpace", "from_tags", "offered", "resolve", "shown"]
