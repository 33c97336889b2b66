"""Each shipped model on each backend of this machine, side by side in one run: ONNX Runtime's
CPU provider with the main (float32) file is the baseline; its int8 file, and OpenVINO's own
runtime with either file, are printed as speed ratios against it, with their quality.

    python bench/bench_backends.py [--repeats 3] [--models denoise,deblock]

Speed: one 1080p-sized input per model (the upscalers: a 2160p output), whole, no tiling, the
backends alternating so a busy machine slows them alike; best of ``--repeats``. Quality: the
int8 file's held-out figures are the card's (``training.quantize`` measured them on the held-out
split, float and int8 in the same run); OpenVINO's difference from ONNX Runtime is measured here
on the same input (the largest absolute difference of an output value, in 8-bit steps).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
FRAMES = {  # id -> (input channels, height, width)
    "upscale-x2": (3, 1080, 1920),
    "upscale-x4": (3, 540, 960),
    "denoise": (4, 1080, 1920),
    "deblock": (3, 1080, 1920),
    "dust": (9, 1080, 1920),
}


def runners(model_id: str) -> dict[str, Any]:
    import onnxruntime as ort

    from workbench.inference.openvino_runtime import OpenVINOSession, openvino_available

    files = {"main": MODELS / f"{model_id}.onnx", "int8": MODELS / f"{model_id}.int8.onnx"}
    out: dict[str, Any] = {}
    for name, path in files.items():
        if not path.exists():
            continue
        data = path.read_bytes()
        out[f"ORT CPU/{name}"] = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
        if openvino_available():
            out[f"OpenVINO/{name}"] = OpenVINOSession(data)
    return out


def frame_input(c: int, h: int, w: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    base = rng.random((h // 8 + 1, w // 8 + 1, c), dtype=np.float32).repeat(8, 0).repeat(8, 1)
    x = np.clip(base[:h, :w] + rng.normal(0, 0.04, (h, w, c)).astype(np.float32), 0, 1)
    if c == 4:
        x[:, :, 3] = 15 / 255
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32)


def measure(model_id: str, repeats: int) -> dict[str, Any]:
    c, h, w = FRAMES[model_id]
    x = frame_input(c, h, w)
    sessions = runners(model_id)
    outputs = {k: np.asarray(s.run(None, {"input": x})[0]) for k, s in sessions.items()}
    best = dict.fromkeys(sessions, float("inf"))
    for _ in range(repeats):
        for k, s in sessions.items():
            t = time.perf_counter()
            s.run(None, {"input": x})
            best[k] = min(best[k], time.perf_counter() - t)
    diff = {}
    for name in ("main", "int8"):
        a, b = outputs.get(f"ORT CPU/{name}"), outputs.get(f"OpenVINO/{name}")
        if a is not None and b is not None:
            diff[name] = float(np.abs(a - b).max()) * 255
    return {"seconds": best, "openvino_diff_8bit": diff}


def card_quality(model_id: str) -> str:
    card = json.loads((MODELS / f"{model_id}.card.json").read_text(encoding="utf-8"))
    variant = next((v for v in card.get("variants") or [] if v["name"] == "int8"), None)
    if variant is None:
        return "no int8 file"
    gated = ", ".join(
        f"{m['name']} {m['value']:.3f}"
        for m in variant["metrics"]
        if m["name"] in variant["gated_metrics"]
    )
    points = variant.get("quality_loss_points")
    ok = variant["quality_loss_db"] <= 0.05 and (points is None or points <= 0.1)
    extra = f", {points:+.2f} points (gate 0.1)" if points is not None else ""
    return (
        f"int8 held-out loss {variant['quality_loss_db']:+.3f} dB{extra}: "
        f"{'within' if ok else 'OUTSIDE'} the gate; {gated}"
    )


def main() -> int:
    import onnxruntime

    from workbench.inference.openvino_runtime import openvino_version

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default=",".join(FRAMES))
    args = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} logical CPUs; onnxruntime {onnxruntime.__version__}; "
        f"openvino {openvino_version() or 'not installed'}; load average at start "
        f"{os.getloadavg()[0]:.1f}"
    )
    report = {}
    for model_id in args.models.split(","):
        result = measure(model_id, args.repeats)
        seconds = result["seconds"]
        base = seconds["ORT CPU/main"]
        print(f"\n{model_id} (load {os.getloadavg()[0]:.1f}): ORT CPU/main {base:.3f} s = 1.00x")
        for label, t in seconds.items():
            if label != "ORT CPU/main":
                print(f"  {label:14s} {t:7.3f} s  {base / t:5.2f}x vs ORT CPU/main")
        if "ORT CPU/int8" in seconds and "OpenVINO/int8" in seconds:
            ratio = seconds["ORT CPU/int8"] / seconds["OpenVINO/int8"]
            print(f"  OpenVINO vs ORT on the int8 file: {ratio:.2f}x")
        if "OpenVINO/main" in seconds:
            print(f"  OpenVINO vs ORT on the main file: {base / seconds['OpenVINO/main']:.2f}x")
        for name, d in result["openvino_diff_8bit"].items():
            print(f"  OpenVINO vs ORT output, {name} file: max difference {d:.4f} 8-bit steps")
        print(f"  {card_quality(model_id)}")
        report[model_id] = result
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
