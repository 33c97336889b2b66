"""Before / after crops of keep_grain, regrain and colour management, made by the tools themselves.

    PYTHONPATH=src python docs/tools/make_crops.py

``grain.png``: frame 5 of ``assets/sample.mp4`` (the coffee photograph, CC0, with generated film
grain), a crop shown at 3× (nearest neighbour, so grain stays visible): the source; denoise at
amount 2.5 (film grain reads low, see the denoiser's card); the same with ``keep_grain`` 0.5;
denoise then regrain; then the denoise upscaled ×2 and the same with regrain after it (shown at
1.5×, the same share of the picture). ``colour.png``: the coffee crop of ``tests/colour`` as an
ARRI LogC4 clip with sensor noise (displayed through LogC4 → sRGB, no look), denoised fed as
code values, and denoised in its working space.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
SRGB = "sRGB Encoded Rec.709 (sRGB)"


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    import cv2

    out = np.ascontiguousarray((np.clip(tile, 0, 1) * 255).astype(np.uint8))
    cv2.rectangle(out, (0, 0), (out.shape[1], 22), (0, 0, 0), -1)
    cv2.putText(out, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def _zoom(frame: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    h, w = frame.shape[:2]
    size = (round(w * factor), round(h * factor))
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_NEAREST), np.float32)


def _save(rows: list[list[np.ndarray]], path: Path) -> None:
    import cv2

    grid = np.concatenate([np.concatenate(row, axis=1) for row in rows], axis=0)
    cv2.imwrite(str(path), grid[:, :, ::-1])
    print(f"wrote {path} ({grid.shape[1]}x{grid.shape[0]})")


def grain_crops() -> None:
    from workbench.catalog import Catalog
    from workbench.inference import get_engine
    from workbench.media import open_reader
    from workbench.progress import Progress
    from workbench.tools.base import FrameWindow, apply_tool
    from workbench.tools.registry import get_tool

    with open_reader(ROOT / "assets" / "sample.mp4") as reader:
        source = reader.read(5)
    catalog = Catalog()

    def run(
        tool_id: str, frame: np.ndarray, model: str | None = None, **params: object
    ) -> np.ndarray:
        tool = get_tool(tool_id)
        engine = get_engine(catalog.load_checked(model)) if model else None
        window = FrameWindow(5, {5: frame}, source)
        return apply_tool(tool, window, tool.resolve(params), engine, Progress())

    denoised = run("denoise", source, "denoise", amount=2.5)
    kept = run("denoise", source, "denoise", amount=2.5, keep_grain=0.5)
    regrained = run("regrain", denoised)
    upscaled = run("upscale", denoised, "upscale-x2")
    up_regrained = run("regrain", upscaled)
    y, x, h, w = 40, 150, 90, 120
    crop = (slice(y, y + h), slice(x, x + w))
    crop2 = (slice(2 * y, 2 * (y + h)), slice(2 * x, 2 * (x + w)))
    top = [
        _label(_zoom(source[crop], 3), "source (grain)"),
        _label(_zoom(denoised[crop], 3), "denoise"),
        _label(_zoom(kept[crop], 3), "denoise, keep_grain 0.5"),
    ]
    bottom = [
        _label(_zoom(regrained[crop], 3), "denoise + regrain"),
        _label(_zoom(upscaled[crop2], 1.5), "denoise + upscale x2"),
        _label(_zoom(up_regrained[crop2], 1.5), "... + regrain (x2 grain)"),
    ]
    _save([top, bottom], ROOT / "docs" / "tools" / "grain.png")


def colour_crops() -> None:
    from colour.colour_scenes import encoded, scene_linear, with_sensor_noise
    from workbench.catalog import Catalog
    from workbench.colour import conversion
    from workbench.inference import get_engine
    from workbench.progress import Progress
    from workbench.tools.base import FrameWindow, apply_tool
    from workbench.tools.registry import get_tool

    linear = scene_linear(2.0)
    clean = encoded(linear, "ARRI LogC4")
    noisy = encoded(with_sensor_noise(linear, 0, 0.05), "ARRI LogC4")
    tool = get_tool("denoise")
    engine = get_engine(Catalog().load_checked("denoise"))

    def run(colour: str) -> np.ndarray:
        window = FrameWindow(0, {0: noisy})
        return apply_tool(tool, window, tool.resolve({}), engine, Progress(), colour=colour)

    shown = conversion("ARRI LogC4", SRGB)
    assert shown is not None
    tiles = [
        ("LogC4 clip, noisy", noisy),
        ("denoised as code values", run("source")),
        ("denoised in its working space", run("ARRI LogC4")),
        ("noise-free", clean),
    ]
    row = [_label(_zoom(shown.to_working(frame)[:128, :128], 2), text) for text, frame in tiles]
    _save([row], ROOT / "docs" / "tools" / "colour.png")


if __name__ == "__main__":
    grain_crops()
    colour_crops()
