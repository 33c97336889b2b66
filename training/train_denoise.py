"""Train, export, evaluate and card the denoiser (noise level as a fourth input channel).

python -m training.train_denoise
"""

from __future__ import annotations

import argparse
import sys
import time

import cv2
import numpy as np
import torch

from training import common, synth
from training.nets import Restorer, count_flops_per_output_pixel
from workbench.tools.noise_estimate import denoiser_input, estimate_noise_sigma

CH, BODY = 64, 5


def heldout_crops(size: int = 512) -> list[tuple[str, np.ndarray]]:
    out = []
    for i, img in common.load_split("heldout"):
        h, w = img.shape[:2]
        s = min(size, h, w) // 2 * 2
        y, x = (h - s) // 2, (w - s) // 2
        out.append((i, synth.to_f32(img[y : y + s, x : x + s])))
    return out


def best_classical(noisy: np.ndarray, clean: np.ndarray, sigma: float) -> dict[str, float]:
    """Each classical filter at its best setting for this image (oracle-tuned on the clean)."""
    u8 = (noisy * 255 + 0.5).astype(np.uint8)
    best = {"nlm": 0.0, "bilateral": 0.0, "gaussian": 0.0}
    for f in (0.5, 0.7, 0.9, 1.1, 1.3):
        h = max(1.0, f * sigma)
        out = cv2.fastNlMeansDenoisingColored(u8, None, h, h, 7, 21)
        best["nlm"] = max(best["nlm"], common.psnr(out.astype(np.float32) / 255, clean))
    for ss in (1.0, 2.0, 3.0):
        for fc in (1.0, 1.5, 2.0, 3.0):
            out = cv2.bilateralFilter(noisy, 0, fc * sigma / 255, ss)
            best["bilateral"] = max(best["bilateral"], common.psnr(out, clean))
    for gs in (0.5, 0.7, 1.0, 1.4, 2.0):
        out = cv2.GaussianBlur(noisy, (0, 0), gs)
        best["gaussian"] = max(best["gaussian"], common.psnr(out, clean))
    return best


def evaluate(sess, quick: bool, classical: bool = True) -> dict[str, float]:
    """The held-out figures of the card; ``classical=False`` leaves out the tuned classical
    baselines (slow, and the same for every variant of the model: ``training.quantize``)."""
    crops = heldout_crops(192 if quick else 512)
    rng = np.random.default_rng(2026)
    res: dict[str, float] = {}
    for sigma in (15, 25):
        mp, cp, np_, est = [], [], [], []
        for _i, clean in crops:
            noisy = synth.quantise(clean + rng.normal(0, sigma / 255, clean.shape).astype("f4"))
            out = np.clip(common.run_hwc(sess, denoiser_input(noisy)), 0, 1)
            mp.append(common.psnr(out, clean))
            if classical:
                cp.append(max(best_classical(noisy, clean, sigma).values()))
            np_.append(common.psnr(noisy, clean))
            est.append(estimate_noise_sigma(noisy) * 255)
        res[f"model_{sigma}"] = float(np.mean(mp))
        if classical:
            res[f"classical_{sigma}"] = float(np.mean(cp))
        res[f"input_{sigma}"], res[f"estimate_{sigma}"] = float(np.mean(np_)), float(np.mean(est))
    keep = []
    for _i, clean in crops:
        out = np.clip(common.run_hwc(sess, denoiser_input(clean)), 0, 1)
        keep.append(common.psnr(out, clean))
    res["sigma0"] = float(np.mean(keep))
    # realistic noise kinds (no classical tuning): gain over the noisy input
    g25: list[float] = []
    for kind, seed in (("sensor", 7), ("grain", 8)):
        g = []
        for _i, clean in crops:
            r = np.random.default_rng(seed)
            while True:  # draw until the generator picks the wanted kind
                state = r.bit_generator.state
                k = r.random()
                if (kind == "sensor" and 0.45 <= k < 0.75) or (kind == "grain" and k >= 0.75):
                    r.bit_generator.state = state
                    break
            noisy = synth.quantise(clean + synth.synth_noise(r, clean, 20 / 255))
            out = np.clip(common.run_hwc(sess, denoiser_input(noisy)), 0, 1)
            g.append(common.psnr(out, clean) - common.psnr(noisy, clean))
            if kind == "grain":  # the estimate reads grain low; the artist's amount makes up
                out = np.clip(common.run_hwc(sess, denoiser_input(noisy, strength=2.5)), 0, 1)
                g25.append(common.psnr(out, clean) - common.psnr(noisy, clean))
        res[f"gain_{kind}_20"] = float(np.mean(g))
    res["gain_grain_20_amount2.5"] = float(np.mean(g25))
    return res


def nlm_1080p_seconds() -> float:
    img = common.load_split("heldout")[0][1]
    frame = cv2.resize(img, (1920, 1080), interpolation=cv2.INTER_AREA)
    noisy = np.clip(frame + np.random.default_rng(0).normal(0, 15, frame.shape), 0, 255)
    t = time.perf_counter()
    cv2.fastNlMeansDenoisingColored(noisy.astype(np.uint8), None, 15, 15, 7, 21)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.common_args(ap, steps=6000)
    ap.add_argument("--patch", type=int, default=96, help="training patch side (px)")
    ap.add_argument(
        "--level",
        choices=synth.LEVELS,
        default="std",
        help="what the level channel means in training: the noise's standard deviation, or "
        "(the first recipe, for the earlier stages of the shipped weights) the estimator's reading",
    )
    ap.add_argument("--loss", choices=tuple(common.LOSSES), default="mse")
    args = ap.parse_args(argv)
    model_id = "denoise"
    log = common.RunLog(model_id, args)
    model = Restorer(4, CH, BODY)
    if args.from_checkpoint:
        meta = common.load_checkpoint(model, args.from_checkpoint)
        log.write(f"weights from {args.from_checkpoint}: {meta}")
    else:
        patch, level = args.patch, args.level
        stream = common.SampleStream(
            lambda rng, src: synth.denoise_pair(rng, src, patch, level), args.seed
        )
        meta = common.train(model, stream, args, log, common.LOSSES[args.loss])
        meta["recipe"] = f"--level {args.level} --loss {args.loss}"
        common.save_checkpoint(model, meta, args.out / f"{model_id}.pth")
    if args.train_only:
        return 0
    onnx_path = common.MODELS / f"{model_id}.onnx"
    common.export_onnx(model, 4, onnx_path, log)
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, 4, 64, 64))
    sess = common.ort_session(onnx_path)
    ev = evaluate(sess, args.quick)
    t = common.time_1080p(sess, 4)
    t_nlm = nlm_1080p_seconds()
    for k, v in ev.items():
        log.write(f"  {k}: {v:.2f}")
    log.write(
        f"1080p frame: {t:.2f} s model, {t_nlm:.2f} s cv2.fastNlMeansDenoisingColored; "
        f"{flops:.0f} FLOPs/output px, {params} parameters"
    )
    data, contributors = common.training_sources()
    proto = (
        "RGB PSNR against the clean image, mean over 512x512 centre crops of the 4 held-out "
        "images; white Gaussian noise of sigma {s}/255 (seed 2026), 8-bit quantised; the "
        "model at its default: the noise level estimated automatically "
        "(workbench.tools.noise_estimate) and strength 1. Baseline: for each image the best "
        "of OpenCV fastNlMeansDenoisingColored (h = hColor in 0.5..1.3 x sigma, 7/21), "
        "bilateralFilter (sigmaColor 1..3 x sigma, sigmaSpace 1..3) and GaussianBlur (sigma "
        "0.5..2), each at its best setting for that image"
    )
    metrics = []
    for s in (15, 25):
        metrics.append(
            common.metric(
                f"rgb_psnr_sigma{s}",
                ev[f"model_{s}"],
                "dB",
                proto.format(s=s),
                "best tuned classical filter",
                ev[f"classical_{s}"],
            )
        )
        metrics.append(
            common.metric(
                f"rgb_psnr_gain_over_classical_sigma{s}",
                ev[f"model_{s}"] - ev[f"classical_{s}"],
                "dB",
                proto.format(s=s),
                "best tuned classical filter",
                0.0,
            )
        )
        metrics.append(
            common.metric(
                f"estimated_sigma_at_{s}",
                ev[f"estimate_{s}"],
                "/255",
                "mean automatic estimate over the same noisy crops",
                "true",
                float(s),
            )
        )
    metrics.append(
        common.metric(
            "rgb_psnr_vs_input_at_sigma0",
            ev["sigma0"],
            "dB",
            "clean held-out crops through the model at its automatic level; PSNR of output vs input",
        )
    )
    for kind in ("sensor", "grain"):
        metrics.append(
            common.metric(
                f"rgb_psnr_gain_over_input_{kind}_20",
                ev[f"gain_{kind}_20"],
                "dB",
                f"{'Poisson-Gaussian (signal-dependent)' if kind == 'sensor' else 'luminance-correlated grain'}"
                " noise of level 20/255 from training.synth.synth_noise, automatic level; "
                "PSNR gain over the noisy input",
            )
        )
    metrics.append(
        common.metric(
            "rgb_psnr_gain_over_input_grain_20_amount_2.5",
            ev["gain_grain_20_amount2.5"],
            "dB",
            "the same grain, with the tool's amount at 2.5 (the automatic estimate reads "
            "correlated grain at a third to a half of its standard deviation)",
        )
    )
    metrics.append(
        common.metric(
            "seconds_per_1080p_frame",
            t,
            "s",
            "onnxruntime CPUExecutionProvider, whole 1920x1080 frame, best of 2, development machine "
            "(2 CPU cores); baseline cv2.fastNlMeansDenoisingColored(h=15, hColor=15, 7, 21) on the "
            "same machine",
            "non-local means (OpenCV)",
            t_nlm,
            dataset="1080p frame",
        )
    )
    card = {
        "id": model_id,
        "name": "Workbench denoiser",
        "version": "1.0.0",
        "task": "denoise",
        "scale": 1,
        "architecture": (
            f"noise-level-conditioned residual CNN: space-to-depth by 2 (4 -> 16 "
            f"channels), {BODY + 2} 3x3 convolutions of {CH} channels with ReLU at "
            "half resolution, depth-to-space back to a 3-channel residual added to "
            "the input RGB"
        ),
        "parameters": params,
        "flops_per_output_pixel": round(flops, 1),
        "receptive_radius": 14,
        "size_multiple": 2,
        "colour_space": common.WORKING_SPACE,
        "inputs": [
            {
                "name": "input",
                "channels": 4,
                "value_range": (0.0, 1.0),
                "description": "channels 0-2: RGB in [0, 1]; channel 3: the noise level to remove, a map of "
                "the noise standard deviation in the same units (sigma/255), normally constant:"
                " workbench.tools.noise_estimate.denoiser_input(frame, sigma=None, strength=1) "
                "builds it from the automatic estimate; strength scales the level (0 = off). "
                "Height and width must be even (pad by reflection).",
            }
        ],
        "outputs": [
            {
                "name": "output",
                "channels": 3,
                "description": "denoised RGB, same size; clip to [0, 1]",
            }
        ],
        "weights_licence": "Apache-2.0",
        "training_data": data,
        "contributors": contributors,
        "metrics": metrics,
        "intended_use": (
            "Assistive removal of sensor noise and film grain from live-action "
            "footage and stills, at a level the artist can see and change."
        ),
        "limitations": (
            "Trained on synthetic noise only (white Gaussian, Poisson-Gaussian signal-dependent, "
            "and luminance-correlated grain, levels 1-55/255) added to 22 clean images; real "
            "camera noise after demosaicing and compression is more correlated than this and may "
            "be under-removed: raise the strength. Removing grain is a creative choice: grain "
            "that is part of the look is removed with it. Does not remove compression artefacts "
            "(use deblock) or dust (use dust). The automatic level is measured on the flattest "
            "blocks of the frame; frames with no flat area (foliage, crowds) get a high estimate "
            "and are smoothed more. The level is the noise's standard deviation; the automatic "
            "estimate reads spatially correlated grain at a third to a half of its standard "
            "deviation, so by default grain is removed gently: set the amount to 2-3 (or the "
            "level directly) to remove film grain. "
            "Receptive field about 30 px: tiles need an overlap of 32 px (the tool uses 32; "
            "with 16, seams of up to 4 8-bit steps were measured)."
        ),
        "classification": common.CLASSIFY_ENHANCED,
        "training_command": common.command_for("train_denoise", "", meta, ""),
    }
    common.write_card(card, onnx_path, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
