"""Before/after crops of every shipped model on held-out images, for docs/models/.

    python -m training.make_docs

Each PNG is one row per example: input | model | reference, crops shown enlarged with nearest
neighbour so single pixels stay visible. Everything is from the held-out split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from training import common, eval_dust, synth
from training.data.build import load_split
from workbench.tools.noise_estimate import denoiser_input

OUT = common.ROOT / "docs" / "models"


def _u8(img: np.ndarray, zoom: int) -> np.ndarray:
    u = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
    if zoom > 1:
        u = cv2.resize(u, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)
    return u


def _panel(rows: list[list[tuple[str, np.ndarray]]], zoom: int, path: Path) -> None:
    out_rows = []
    for row in rows:
        tiles = []
        for label, img in row:
            t = _u8(img, zoom)
            t = cv2.copyMakeBorder(t, 22, 2, 2, 2, cv2.BORDER_CONSTANT, value=(255, 255, 255))
            cv2.putText(
                t, label, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA
            )
            tiles.append(t)
        out_rows.append(np.hstack(tiles))
    width = max(r.shape[1] for r in out_rows)
    out_rows = [
        cv2.copyMakeBorder(
            r, 0, 0, 0, width - r.shape[1], cv2.BORDER_CONSTANT, value=(255, 255, 255)
        )
        for r in out_rows
    ]
    img = np.vstack(out_rows)
    cv2.imwrite(str(path), img[:, :, ::-1], [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {path.relative_to(common.ROOT)} ({path.stat().st_size // 1024} KiB)")


def _held() -> dict[str, np.ndarray]:
    return {i: synth.to_f32(img) for i, img in load_split("heldout")}


def upscale(scale: int, held: dict[str, np.ndarray]) -> None:
    sess = common.ort_session(common.MODELS / f"upscale-x{scale}.onnx")
    rows = []
    for key, (y, x) in (
        ("lomiri-life", (430, 700)),
        ("lomiri-wine", (700, 380)),
        ("skimage-coffee", (120, 250)),
    ):
        s = 96 if scale == 2 else 128
        hr = held[key][y : y + s, x : x + s]
        lr = synth.quantise(synth.downscale(hr, scale, "area"))
        bic = cv2.resize(lr, (s, s), interpolation=cv2.INTER_CUBIC)
        sr = common.run_hwc(sess, lr)
        rows.append([("bicubic", bic), (f"upscale-x{scale}", sr), ("original", hr)])
    _panel(rows, 2, OUT / f"upscale-x{scale}.png")


def denoise(held: dict[str, np.ndarray]) -> None:
    sess = common.ort_session(common.MODELS / "denoise.onnx")
    rng = np.random.default_rng(5)
    rows = []
    for key, (y, x), sigma in (
        ("lomiri-wine", (600, 300), 25),
        ("lomiri-life", (400, 600), 15),
        ("skimage-coffee", (100, 250), 0),
    ):
        clean = held[key][y : y + 128, x : x + 128]
        noisy = synth.quantise(clean + rng.normal(0, sigma / 255, clean.shape).astype("f4"))
        out = common.run_hwc(sess, denoiser_input(noisy))
        rows.append([(f"noisy s={sigma}", noisy), ("denoise (auto)", out), ("clean", clean)])
    _panel(rows, 2, OUT / "denoise.png")


def deblock(held: dict[str, np.ndarray]) -> None:
    from training.data.build import encode_h264_roundtrip, pan_clip

    sess = common.ort_session(common.MODELS / "deblock.onnx")
    rows = []
    for key, (y, x) in (("lomiri-wine", (640, 320)), ("skimage-coffee", (120, 260))):
        clean = held[key][y : y + 128, x : x + 128]
        dec = synth.jpeg_roundtrip(clean, 20)
        rows.append(
            [("JPEG q20", dec), ("deblock", common.run_hwc(sess, dec)), ("original", clean)]
        )
    img = (held["lomiri-life"] * 255).astype(np.uint8)
    frames = pan_clip(img, np.random.default_rng(35), 256, 4)
    dec = encode_h264_roundtrip(frames, 35)
    d, c = synth.to_f32(dec[2])[64:192, 64:192], synth.to_f32(frames[2])[64:192, 64:192]
    rows.append([("H.264 CRF 35", d), ("deblock", common.run_hwc(sess, d)), ("original", c)])
    _panel(rows, 2, OUT / "deblock.png")


def dust(held: dict[str, np.ndarray]) -> None:
    sess = common.ort_session(common.MODELS / "dust.onnx")
    rng = np.random.default_rng(11)
    rows = []
    for key in ("lomiri-life", "lomiri-wine"):
        img = (held[key] * 255).astype(np.uint8)
        seq = synth.dust_sequence(rng, img, (192, 256), 8)
        d = seq["dirty"]
        result = eval_dust.repair(sess, d)  # the tool's whole repair
        fixed, mask = result.frame, result.mask
        shown = d[1].copy()
        shown[mask] = 0.5 * shown[mask] + 0.5 * np.array([1.0, 0.0, 1.0], np.float32)
        rows.append(
            [
                ("with defects", d[1]),
                ("detected", shown),
                ("repaired", fixed),
                ("clean", seq["clean"][1]),
            ]
        )
    _panel(rows, 1, OUT / "dust.png")


def _temporal(name: str):  # type: ignore[no-untyped-def]
    def run(held: dict[str, np.ndarray]) -> None:
        from training import docs_temporal

        getattr(docs_temporal, name)(held, OUT, _panel)

    return run


PANELS = {
    "upscale-x2": lambda held: upscale(2, held),
    "upscale-x4": lambda held: upscale(4, held),
    "denoise": denoise,
    "deblock": deblock,
    "dust": dust,
    "denoise-temporal": _temporal("denoise"),
    "deblock-temporal": _temporal("deblock"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", metavar="MODEL", help=f"some of {', '.join(PANELS)}")
    args = ap.parse_args(argv)
    if unknown := set(args.models) - set(PANELS):
        ap.error(f"no panel for {', '.join(sorted(unknown))}")
    OUT.mkdir(parents=True, exist_ok=True)
    held = _held()
    for name in args.models or PANELS:
        PANELS[name](held)
    return 0


if __name__ == "__main__":
    sys.exit(main())
