"""Each step runs in its model's working space: what the model is fed, and what comes back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from colour.colour_scenes import SRGB, encoded, scene_linear, with_sensor_noise
from workbench.catalog import Catalog
from workbench.colour import conversion
from workbench.colour.working import CEILING, FLOOR, feed, kept
from workbench.inference import Engine, SessionOptions, create_session
from workbench.progress import Progress
from workbench.tools.base import (
    Classification,
    Frame,
    FrameWindow,
    Tool,
    apply_tool,
    apply_tool_by_field,
)
from workbench.tools.model_facts import ModelFacts
from workbench.tools.registry import get_tool


class Spy:
    """The real denoise session, remembering the largest and smallest value it was given."""

    def __init__(self, data: bytes) -> None:
        self.inner = create_session(data, ["CPUExecutionProvider"], threads=1)
        self.high = -np.inf
        self.low = np.inf

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        rgb = next(iter(input_feed.values()))[:, :3]
        self.high = max(self.high, float(rgb.max()))
        self.low = min(self.low, float(rgb.min()))
        return self.inner.run(output_names, input_feed, run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def denoiser() -> tuple[Engine, Spy]:
    catalog = Catalog()
    entry = catalog.find("denoise")
    spy = Spy(catalog.load_checked("denoise").data)
    return Engine.from_session(spy, card=entry.card, options=SessionOptions(tile_size=256)), spy


class Unchanged(Tool):
    """A tool that changes nothing (as dust does outside its detections), in an sRGB space."""

    id = "unchanged"
    version = "1"
    name = "Unchanged"
    description = "returns its input"
    task = "unchanged"
    classification = Classification("c2pa.enhanced")
    params = ()
    model_facts = ModelFacts(colour_space=SRGB)

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        return window.current.copy()


class Halve(Unchanged):
    """Halves whatever it is fed: shows what a step's result becomes in the clip's space."""

    def process(
        self, window: FrameWindow, params: Mapping[str, Any], engine: Any, progress: Progress
    ) -> Frame:
        return window.current * 0.5


def test_the_feed_and_what_passes_through() -> None:
    values = np.array([[[-2.0, -0.75, -0.3], [0.2, 1.0, 1.5]]], np.float32)
    assert np.allclose(feed(values), [[[FLOOR, -0.75, -0.3], [0.2, 1.0, CEILING]]])
    # above 1 untouched; noise below 0 down to -0.5 left to the model; below -1 untouched
    assert kept(values).tolist() == [[[1.0, 0.5, 0.0], [0.0, 0.0, 1.0]]]


def test_a_logc4_denoise_never_feeds_the_model_values_up_to_16(
    denoiser: tuple[Engine, Spy],
) -> None:
    """LogC4's top code value is linear 470: 13.6 once sRGB-encoded, 16 for a warm highlight.
    The model is fed only what it was trained on; the highlight passes through untouched."""
    engine, spy = denoiser
    tool = get_tool("denoise")
    frame = encoded(with_sensor_noise(scene_linear(2.0), 1), "ARRI LogC4")
    frame[:40, :40] = (1.0, 0.92, 0.9)  # a warm specular highlight at the top of LogC4
    naive = conversion("ARRI LogC4", SRGB)
    assert naive is not None and float(naive.to_working(frame).max()) > 16.0
    out = apply_tool(
        tool, FrameWindow(0, {0: frame}), tool.resolve({}), engine, Progress(), colour="ARRI LogC4"
    )
    assert spy.high <= 1.0 and spy.low >= FLOOR
    assert np.abs(out[:40, :40] - frame[:40, :40]).max() < 1e-5  # passed through, not clipped
    assert out.shape == frame.shape and out.dtype == np.float32


def test_an_untouched_pixel_comes_back_bit_for_bit() -> None:
    frame = encoded(with_sensor_noise(scene_linear(2.0), 2), "ARRI LogC4")
    out = apply_tool(
        Unchanged(), FrameWindow(0, {0: frame}), {}, None, Progress(), colour="ARRI LogC4"
    )
    assert np.array_equal(out, frame)
    halved = apply_tool(
        Halve(), FrameWindow(0, {0: frame}), {}, None, Progress(), colour="ARRI LogC4"
    )
    assert not np.array_equal(halved, frame)
    expected = conversion("ARRI LogC4", SRGB)
    assert expected is not None
    working = expected.to_working(frame)
    inside = (working > 0).all(axis=2) & (working < 1).all(axis=2)
    back = expected.from_working(working * 0.5)
    assert np.abs(halved[inside] - back[inside]).max() < 1e-6


def test_a_region_and_the_fields_of_an_interlaced_frame_convert_too() -> None:
    frame = encoded(scene_linear(1.0), "S-Log3 S-Gamut3.Cine")
    region = {"kind": "rect", "x": 10, "y": 10, "w": 50, "h": 40}
    out = apply_tool(
        Halve(),
        FrameWindow(0, {0: frame}),
        {},
        None,
        Progress(),
        region=region,
        colour="S-Log3 S-Gamut3.Cine",
    )
    outside = np.ones(frame.shape[:2], bool)
    outside[10:50, 10:60] = False
    assert np.array_equal(out[outside], frame[outside])
    assert not np.array_equal(out[10:50, 10:60], frame[10:50, 10:60])
    woven = apply_tool_by_field(
        Halve(), FrameWindow(0, {0: frame}), {}, None, Progress(), colour="S-Log3 S-Gamut3.Cine"
    )
    whole = apply_tool(
        Halve(), FrameWindow(0, {0: frame}), {}, None, Progress(), colour="S-Log3 S-Gamut3.Cine"
    )
    assert np.abs(woven - whole).max() < 1e-6  # a per-pixel step: fields change nothing


def test_no_colour_management_and_source_feed_the_values_as_they_are(
    denoiser: tuple[Engine, Spy],
) -> None:
    engine, spy = denoiser
    tool = get_tool("denoise")
    frame = encoded(scene_linear(2.0), "ACEScg")
    spy.high = -np.inf
    a = apply_tool(
        tool, FrameWindow(0, {0: frame}), tool.resolve({}), engine, Progress(), colour=None
    )
    assert spy.high == pytest.approx(float(frame.max()), rel=1e-6) and spy.high > 1.0
    b = apply_tool(
        tool, FrameWindow(0, {0: frame}), tool.resolve({}), engine, Progress(), colour="source"
    )
    assert np.array_equal(a, b)
