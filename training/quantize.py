"""int8 variants of the shipped models: static QDQ quantisation from the training set, held-out
figures of both variants, and the card's ``variants`` entry.

    python -m training.quantize                  # every model in models/ that has a recipe
    python -m training.quantize denoise dust     # some of them
    python -m training.quantize --check          # rebuild in memory, compare with the shipped

For each model: calibration inputs are drawn (fixed seed) from the model's own training-sample
generator on the ``train`` split of the licensed set (``training/data``; rebuild the cache with
``python -m training.data.build``), so the int8 ranges are the ranges of what the model was
trained on; ``training.qdq`` quantises (see its docstring for the recipe and why); the training
script's own held-out evaluation runs on the float and the int8 file in the same run; both are
timed on a 1080p-sized input in the same run; ``models/<id>.int8.onnx`` is written beside the
float file and the card gains (or replaces) its ``int8`` variant: SHA-256, figures, the largest
drop on the gated figures. Only the card's ``variants`` changes; the main file and its figures
stay as trained.

The app chooses a variant automatically only where its card's drop is within
``workbench.catalog.card.VARIANT_MAX_LOSS_DB`` and it measures faster on the user's machine.

A model is quantised the same way whatever its task, once its training module is listed in
``RECIPES`` (found from the card's ``training_command``): how to draw its calibration inputs and
how its held-out evaluation maps onto the card's figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training import common, qdq, synth
from training.variant_card import variant_card

#: Calibration inputs per model, and the side of each (the tools run 512-px tiles; the ranges
#: of a 160-px crop are the same and calibration is quicker).
CALIBRATION_COUNT = 48
CALIBRATION_SIDE = 160
CALIBRATION_SEED = 2027

Sampler = Callable[[np.random.Generator, Any, dict[str, Any]], np.ndarray]
Evaluation = Callable[[Any, dict[str, Any], bool], dict[str, float]]


@dataclass(frozen=True)
class Recipe:
    """How a training module's models are calibrated and evaluated."""

    sample: Sampler
    """(rng, patch source, card) -> one C x H x W input, as in training."""
    evaluate: Evaluation
    """(session, card, quick) -> {card metric name: value}, the training script's evaluation."""
    gated: tuple[str, ...]
    """The figures (dB, or % for ``points``) whose drop decides whether the variant is used."""
    points: tuple[str, ...] = ()


def _denoise_eval(sess: Any, card: dict[str, Any], quick: bool) -> dict[str, float]:
    from training import train_denoise

    ev = train_denoise.evaluate(sess, quick, classical=False)
    base = {m["name"]: m for m in card["metrics"]}
    out = {
        "rgb_psnr_sigma15": ev["model_15"],
        "rgb_psnr_sigma25": ev["model_25"],
        "rgb_psnr_vs_input_at_sigma0": ev["sigma0"],
        "rgb_psnr_gain_over_input_sensor_20": ev["gain_sensor_20"],
        "rgb_psnr_gain_over_input_grain_20": ev["gain_grain_20"],
        "rgb_psnr_gain_over_input_grain_20_amount_2.5": ev["gain_grain_20_amount2.5"],
    }
    for s in (15, 25):  # the classical baselines do not depend on the model: the card's
        classical = base[f"rgb_psnr_sigma{s}"].get("baseline_value", 0.0)
        out[f"rgb_psnr_gain_over_classical_sigma{s}"] = ev[f"model_{s}"] - classical
    return out


def _deblock_eval(sess: Any, card: dict[str, Any], quick: bool) -> dict[str, float]:
    from training import train_deblock

    ev = train_deblock.evaluate(sess, quick)
    return {
        "rgb_psnr_jpeg_q20": ev["jpeg20_model"],
        "rgb_psnr_gain_jpeg_q20": ev["jpeg20_model"] - ev["jpeg20_input"],
        "rgb_psnr_h264_crf35": ev["h264crf35_model"],
        "rgb_psnr_gain_h264_crf35": ev["h264crf35_model"] - ev["h264crf35_input"],
    }


def _upscale_eval(sess: Any, card: dict[str, Any], quick: bool) -> dict[str, float]:
    from training import train_upscale

    ev = train_upscale.evaluate(sess, int(card["scale"]), quick)
    out: dict[str, float] = {}
    for method, v in ev.items():
        out[f"y_psnr_{method}_downscaled"] = v["model"]
        out[f"y_psnr_gain_over_bicubic_{method}"] = v["model"] - v["bicubic"]
    return out


def _dust_eval(sess: Any, card: dict[str, Any], quick: bool) -> dict[str, float]:
    from training import train_dust

    one, two = train_dust.evaluate(sess, quick), train_dust.evaluate(sess, quick, 0.3)
    return {
        "defect_pixels_repaired": 100 * one["model_repaired"],
        "psnr_outside_defects": one["model_outside_psnr"],
        "fast_object_pixels_kept": 100 * one["model_object_kept"],
        "highlight_and_line_pixels_kept": 100 * one["model_static_kept"],
        "defect_pixels_repaired_with_two_frame_defects": 100 * two["model_repaired"],
        "psnr_outside_defects_with_two_frame_defects": two["model_outside_psnr"],
    }


def _dust_sample(rng: np.random.Generator, src: Any, card: dict[str, Any]) -> np.ndarray:
    return synth.dust_sample(rng, src, CALIBRATION_SIDE)[0]


RECIPES: dict[str, Recipe] = {
    "train_denoise": Recipe(
        lambda rng, src, card: synth.denoise_pair(rng, src, CALIBRATION_SIDE)[0],
        _denoise_eval,
        ("rgb_psnr_sigma15", "rgb_psnr_sigma25"),
    ),
    "train_deblock": Recipe(  # JPEG only: the H.264 pair sets are not bit-reproducible
        lambda rng, src, card: synth.deblock_pair(rng, src, CALIBRATION_SIDE, None)[0],
        _deblock_eval,
        ("rgb_psnr_jpeg_q20", "rgb_psnr_h264_crf35"),
    ),
    "train_upscale": Recipe(
        lambda rng, src, card: synth.upscale_pair(
            rng, src, int(card["scale"]), CALIBRATION_SIDE // int(card["scale"]), 0.8, 0.1
        )[0],
        _upscale_eval,
        ("y_psnr_area_downscaled", "y_psnr_bicubic_downscaled"),
    ),
    "train_dust": Recipe(
        _dust_sample,
        _dust_eval,
        ("psnr_outside_defects", "psnr_outside_defects_with_two_frame_defects"),
        points=("defect_pixels_repaired", "defect_pixels_repaired_with_two_frame_defects"),
    ),
}


def training_module(card: dict[str, Any]) -> str:
    """The training module that made the model (the last one its command runs)."""
    found = re.findall(r"python -m training\.(\w+)", card.get("training_command") or "")
    modules = [m for m in found if m != "data"]
    if not modules:
        raise SystemExit(f"{card['id']}: the card names no training command")
    return modules[-1]


def calibration_inputs(recipe: Recipe, card: dict[str, Any], count: int) -> list[np.ndarray]:
    """``count`` inputs drawn with a fixed seed from the train split (never the held-out one)."""
    common.cv2_threads()
    rng = np.random.default_rng([CALIBRATION_SEED, count])
    src = synth.PatchSource([img for _id, img in common.load_split("train")])
    return [
        np.ascontiguousarray(recipe.sample(rng, src, card)[None], dtype=np.float32)
        for _ in range(count)
    ]


def timing(fp32: bytes, int8: bytes, card: dict[str, Any], repeats: int = 3) -> tuple[float, float]:
    """Best-of seconds for a 1080p-sized input (the upscalers: a 2160p output), float and int8
    alternating in the same run, ONNX Runtime's CPU provider."""
    import onnxruntime as ort

    scale = int(card.get("scale", 1))
    channels = int(card["inputs"][0]["channels"])
    x = np.random.default_rng(0).random((1, channels, 1080 // scale, 1920 // scale), np.float32)
    sessions = [ort.InferenceSession(d, providers=["CPUExecutionProvider"]) for d in (fp32, int8)]
    best = [float("inf")] * 2
    for sess in sessions:
        sess.run(None, {"input": x[:, :, :64, :64]})
    for _ in range(repeats):
        for k, sess in enumerate(sessions):
            t = time.perf_counter()
            sess.run(None, {"input": x})
            best[k] = min(best[k], time.perf_counter() - t)
    return best[0], best[1]


def load_average() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f}"
    except OSError:
        return "load unknown"


def variant_entry(
    card: dict[str, Any],
    recipe: Recipe,
    path: Path,
    figures: tuple[dict[str, float], dict[str, float]],
    seconds: tuple[float, float],
    count: int,
) -> dict[str, Any]:
    """The card's ``variants`` item for the int8 file."""
    fp32, int8 = figures
    loss_db = max(fp32[k] - int8[k] for k in recipe.gated)
    metrics = []
    for m in card["metrics"]:
        if m["name"] in int8:
            metrics.append({**m, "value": round(float(int8[m["name"]]), 3)})
        elif m["name"].startswith("seconds_per"):
            protocol = (
                f"onnxruntime CPUExecutionProvider, int8 file, same input as the main file's "
                f"figure; measured in the same run as the float file ({seconds[0]:.3f} s, "
                f"{seconds[0] / seconds[1]:.2f}x), best of 3, development machine "
                f"({os.cpu_count()} CPU cores, {load_average()})"
            )
            metrics.append(
                {k: v for k, v in m.items() if not k.startswith("baseline")}
                | {"value": round(seconds[1], 3), "protocol": protocol}
            )
    entry: dict[str, Any] = {
        "name": "int8",
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "precision": "int8",
        "method": (
            "python -m training.quantize: onnxruntime.quantization.quantize_static, QDQ format, "
            "int8 weights per output channel, uint8 activations calibrated at the "
            f"{qdq.PERCENTILE}th percentile on {count} {CALIBRATION_SIDE}-px inputs drawn "
            f"(seed {CALIBRATION_SEED}) from the model's training-sample generator on the "
            "train split; convolutions that read the input or write the output kept float; "
            "cross-layer equalisation before calibration and empirical bias correction after. "
            "Figures: the training script's held-out evaluation, run on both files in the same "
            f"run; quality_loss_db is the largest drop over {', '.join(recipe.gated)}"
        ),
        "quality_loss_db": round(float(loss_db), 3),
        "gated_metrics": list(recipe.gated + recipe.points),
        "metrics": metrics,
    }
    if recipe.points:
        entry["quality_loss_points"] = round(max(fp32[k] - int8[k] for k in recipe.points), 3)
    return entry


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Validate ``data`` as a model card and write it as the training scripts do."""
    from workbench.catalog.card import ModelCard

    ModelCard.model_validate(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_variant(card_path: Path, card: dict[str, Any], entry: dict[str, Any]) -> None:
    """Replace the card's variant of that name and write the card, then the variant's own card
    beside its file."""
    variants = [v for v in card.get("variants") or [] if v["name"] != entry["name"]]
    card = {**card, "variants": [*variants, entry]}
    write_json(card_path, card)
    own = card_path.with_name(entry["file"].removesuffix(".onnx") + ".card.json")
    write_json(own, variant_card(card, entry))


def quantise_model(model_id: str, args: argparse.Namespace) -> dict[str, Any]:
    card_path = common.MODELS / f"{model_id}.card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    module = training_module(card)
    recipe = RECIPES.get(module)
    if recipe is None:
        raise SystemExit(f"{model_id}: no quantisation recipe for training.{module} (RECIPES)")
    fp32 = (common.MODELS / f"{model_id}.onnx").read_bytes()
    t = time.perf_counter()
    inputs = calibration_inputs(recipe, card, args.calibration)
    int8 = qdq.int8_model(fp32, inputs)
    print(f"{model_id}: quantised in {time.perf_counter() - t:.0f} s, {len(int8)} bytes")
    path = common.MODELS / f"{model_id}.int8.onnx"
    if args.check:
        shipped = path.read_bytes() if path.exists() else b""
        same = hashlib.sha256(shipped).digest() == hashlib.sha256(int8).digest()
        print(f"{model_id}: {'identical to' if same else 'DIFFERS from'} the shipped {path.name}")
        return {"id": model_id, "identical": same}
    path.write_bytes(int8)
    figures = tuple(
        recipe.evaluate(common.ort_session_bytes(d), card, args.quick) for d in (fp32, int8)
    )
    seconds = timing(fp32, int8, card)
    entry = variant_entry(card, recipe, path, figures, seconds, args.calibration)  # type: ignore[arg-type]
    write_variant(card_path, card, entry)
    for name in recipe.gated + recipe.points:
        print(f"  {name}: float {figures[0][name]:.3f}, int8 {figures[1][name]:.3f}")
    print(
        f"  quality loss {entry['quality_loss_db']:+.3f} dB; {seconds[0]:.3f} s -> "
        f"{seconds[1]:.3f} s ({seconds[0] / seconds[1]:.2f}x, {load_average()})"
    )
    return entry


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="model ids (default: every one with a recipe)")
    ap.add_argument("--calibration", type=int, default=CALIBRATION_COUNT)
    ap.add_argument("--quick", action="store_true", help="tiny evaluation (smoke test)")
    ap.add_argument(
        "--check", action="store_true", help="rebuild and compare with the shipped int8 files"
    )
    args = ap.parse_args(argv)
    ids = args.models or sorted(
        p.name.removesuffix(".card.json")
        for p in common.MODELS.glob("*.card.json")
        if "." not in p.name.removesuffix(".card.json")  # not a variant file's own card
        and training_module(json.loads(p.read_text(encoding="utf-8"))) in RECIPES
    )
    results = [quantise_model(i, args) for i in ids]
    if args.check:
        return 0 if all(r["identical"] for r in results) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
