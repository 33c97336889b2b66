"""The pinned OpenColorIO config, the names people type, a clip's tags, and exact round trips."""

from __future__ import annotations

import numpy as np
import PyOpenColorIO as OCIO
import pytest

from colour.colour_scenes import LINEAR, SRGB, encoded, photo, scene_linear
from workbench.colour import (
    CONFIG_NAME,
    NAMED,
    SOURCE,
    ColourSpaceError,
    conversion,
    from_tags,
    lookup,
    resolve,
    shown,
)
from workbench.colour.config import config, scene_spaces


def test_the_config_is_the_newest_studio_config_pinned_by_name() -> None:
    names = [name for name, *_ in OCIO.BuiltinConfigRegistry().getBuiltinConfigs()]
    studio = sorted(n for n in names if n.startswith("studio-config-"))
    assert CONFIG_NAME in names
    assert studio[-1] == CONFIG_NAME, "a newer studio config ships with OpenColorIO: pin it"
    assert config().getName() == CONFIG_NAME
    assert "default" not in CONFIG_NAME


def test_every_named_space_is_a_scene_referred_space_of_the_config() -> None:
    for named in NAMED:
        assert lookup(named.space) == named.space, named
        assert resolve(named.name) == named.space
        assert shown(named.space) == named.name
    assert {n.space for n in NAMED} <= set(scene_spaces())


@pytest.mark.parametrize(
    ("typed", "space"),
    [
        ("ARRI LogC4", "ARRI LogC4"),
        ("logc4", "ARRI LogC4"),
        ("arri_logc3_ei800", "ARRI LogC3 (EI800)"),  # the config's own alias
        ("S-Log3 S-Gamut3.Cine", "S-Log3 S-Gamut3.Cine"),
        ("slog3", "S-Log3 S-Gamut3"),
        ("Panasonic V-Log", "V-Log V-Gamut"),
        ("acescg", "ACEScg"),
        ("ACES2065-1", "ACES2065-1"),
        ("Linear Rec.709", LINEAR),
        ("rec.709", "Camera Rec.709"),
        ("sRGB", SRGB),
        ("sRGB - Texture", SRGB),  # the older configs' name, an alias here
        ("source", SOURCE),
    ],
)
def test_names_people_type_resolve_to_the_configs_own(typed: str, space: str) -> None:
    assert resolve(typed) == space


@pytest.mark.parametrize("typed", ["sRGB - Display", "Rec.2100-PQ - Display", "Raw", "LogC9", ""])
def test_display_data_and_unknown_spaces_are_refused(typed: str) -> None:
    """A display space is reached through a view transform (a look, not a conversion)."""
    with pytest.raises(ColourSpaceError) as caught:
        resolve(typed)
    assert caught.value.exit_code == 2 and "ARRI LogC4" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("tags", "is_float", "space"),
    [
        ({"primaries": 1, "transfer": 1, "matrix": 1}, False, "Camera Rec.709"),
        ({"primaries": 2, "transfer": 6, "matrix": 6}, False, "Camera Rec.709"),  # BT.601 video
        ({"primaries": 1, "transfer": 13, "matrix": 0}, False, SRGB),  # a PNG
        ({"primaries": 1, "transfer": 8, "matrix": 0}, False, LINEAR),  # a linear DPX
        ({"primaries": 1, "transfer": 8, "matrix": 0}, True, "ACEScg"),  # an EXR
        ({"primaries": 1, "transfer": 4, "matrix": 1}, False, "Gamma 2.2 Encoded Rec.709"),
        ({"primaries": 2, "transfer": 2, "matrix": 2}, False, SOURCE),  # untagged: no guess
        ({"primaries": 9, "transfer": 16, "matrix": 9}, False, SOURCE),  # PQ: not a camera space
        ({"primaries": 9, "transfer": 14, "matrix": 9}, False, SOURCE),  # Rec.2020 video
        (None, False, SOURCE),
    ],
)
def test_a_clips_tags_name_its_space_only_where_they_are_unambiguous(
    tags: dict[str, int] | None, is_float: bool, space: str
) -> None:
    tagged = from_tags(tags, is_float=is_float)
    assert tagged.space == space and tagged.reason


def test_nothing_to_convert_is_no_conversion() -> None:
    assert conversion(SOURCE, SRGB) is None
    assert conversion("ARRI LogC4", SOURCE) is None
    assert conversion("sRGB - Texture", SRGB) is None  # one space, two names
    with pytest.raises(ColourSpaceError):
        conversion("Rec.2100-PQ - Display", SRGB)


@pytest.mark.parametrize("named", NAMED, ids=lambda n: n.name)
def test_round_trip_through_the_working_space_is_under_1e_5(named: object) -> None:
    """Float32 processors, optimised losslessly: clip space → sRGB working space → clip space,
    on a picture in that space (with highlights to 2× white) and on a grey ramp."""
    space = named.space  # type: ignore[attr-defined]
    convert = conversion(space, SRGB)
    if convert is None:
        assert space == SRGB
        return
    picture = encoded(scene_linear(2.0), space)
    ramp = encoded(np.repeat(np.linspace(0, 4, 256, dtype=np.float32), 3).reshape(1, 256, 3), space)
    for frame in (picture, ramp):
        back = convert.from_working(convert.to_working(frame))
        assert back.dtype == np.float32 and back.shape == frame.shape
        assert float(np.abs(back - frame).max()) < 1e-5, named
    assert not np.shares_memory(convert.to_working(picture), picture)  # the input is not changed


def test_the_studio_configs_conversions_match_the_published_curves() -> None:
    """ARRI's LogC4 encodes 18 % grey at 0.2783 (ARRI LogC4 specification); the conversion from
    sRGB-encoded white to scene-linear gives 1; no view transform (no tone map) is involved."""
    convert = conversion(LINEAR, "ARRI LogC4")
    assert convert is not None
    grey = convert.to_working(np.full((1, 1, 3), 0.18, np.float32))
    assert abs(float(grey[0, 0, 0]) - 0.2783) < 5e-4
    back = conversion(SRGB, LINEAR)
    assert back is not None
    white = back.to_working(np.ones((1, 1, 3), np.float32))
    assert np.allclose(white, 1.0, atol=1e-6)
    assert photo().shape == (256, 256, 3)
