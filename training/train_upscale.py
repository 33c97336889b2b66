"""Train, export, evaluate and card the x2 / x4 upscalers.

python -m training.train_upscale --scale 2      # CPU, about 15 min on 2 cores
python -m training.train_upscale --scale 4
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

import cv2
import numpy as np
import torch

from training import common, synth
from training.nets import Upscaler, conv_count, count_flops_per_output_pixel, load_deepened

ARCH = {2: (40, 4), 4: (48, 5)}  # scale -> (channels, body convolutions)


def evaluate(sess, scale: int, quick: bool) -> dict[str, dict[str, float]]:
    """Mean Y-PSNR over the held-out images, border of 2*scale cropped, for area- and
    bicubic-downscaled inputs; the model against bicubic upsampling of the same input."""
    res: dict[str, dict[str, float]] = {}
    images = common.load_split("heldout")
    for method in ("area", "bicubic"):
        model_p, bic_p = [], []
        for _id, img in images:
            hr = synth.to_f32(img)
            if quick:
                hr = hr[:256, :256]
            h, w = (hr.shape[0] // scale) * scale, (hr.shape[1] // scale) * scale
            hr = hr[:h, :w]
            lr = synth.quantise(synth.downscale(hr, scale, method))
            bic = np.clip(cv2.resize(lr, (w, h), interpolation=cv2.INTER_CUBIC), 0, 1)
            sr = np.clip(common.run_hwc(sess, lr), 0, 1)
            b = 2 * scale
            yh = common.y_channel(hr)[b:-b, b:-b]
            model_p.append(common.psnr(common.y_channel(sr)[b:-b, b:-b], yh))
            bic_p.append(common.psnr(common.y_channel(bic)[b:-b, b:-b], yh))
        res[method] = {"model": float(np.mean(model_p)), "bicubic": float(np.mean(bic_p))}
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, choices=(2, 4), required=True)
    common.common_args(ap, steps=6000)
    ap.add_argument("--patch", type=int, default=None, help="low-res patch side (px)")
    ap.add_argument(
        "--area",
        type=float,
        default=0.5,
        help="share of area downscaling (rest: bicubic 70 %%, bilinear 30 %%)",
    )
    ap.add_argument("--blur", type=float, default=0.25, help="share with a mild blur first")
    ap.add_argument("--loss", choices=tuple(common.LOSSES), default="l1")
    ap.add_argument(
        "--body",
        type=int,
        default=None,
        help="hidden convolutions (default: the first stage's); with --init-from a shallower "
        "checkpoint, the extra layers start as identities (the network computes the same)",
    )
    args = ap.parse_args(argv)
    scale = args.scale
    model_id = f"upscale-x{scale}"
    log = common.RunLog(model_id, args)
    ch, body = ARCH[scale]
    start = args.from_checkpoint or args.init_from
    ck = torch.load(start, map_location="cpu", weights_only=False) if start else None
    if ck is not None:  # the checkpoint's depth, unless --body asks for a deeper network
        body = conv_count(ck["state_dict"]) - 2
    if args.body and not args.from_checkpoint:
        body = args.body
    model = Upscaler(scale, ch, body)
    lr_size = args.patch or (48 if scale == 2 else 32)
    deepened: dict | None = None
    if ck is not None and not args.from_checkpoint:  # ck is the --init-from checkpoint
        old_body = conv_count(ck["state_dict"]) - 2
        if old_body != body:
            added = load_deepened(model, ck["state_dict"])
            log.write(f"deepened {args.init_from} ({old_body} -> {body} hidden layers, +{added})")
            deepened = dict(ck["meta"])
            if old_body != ARCH[scale][1] and "--body" not in deepened.get("recipe", ""):
                deepened["recipe"] = (deepened.get("recipe", "") + f" --body {old_body}").strip()
            args.init_from = None
    if args.from_checkpoint:
        meta = common.load_checkpoint(model, args.from_checkpoint)
        log.write(f"weights from {args.from_checkpoint}: {meta}")
    else:
        stream = common.SampleStream(
            partial(
                synth.upscale_pair, scale=scale, lr_size=lr_size, area=args.area, blur=args.blur
            ),
            args.seed,
        )
        meta = common.train(model, stream, args, log, common.LOSSES[args.loss])
        recipe = []
        if (args.area, args.blur) != (0.5, 0.25):
            recipe.append(f"--area {args.area:g} --blur {args.blur:g}")
        if body != ARCH[scale][1]:
            recipe.append(f"--body {body}")
        if args.loss != "l1":
            recipe.append(f"--loss {args.loss}")
        if recipe:
            meta["recipe"] = " ".join(recipe)
        if deepened is not None:
            meta["init_from"] = deepened
        common.save_checkpoint(model, meta, args.out / f"{model_id}.pth")
    if args.train_only:
        return 0
    onnx_path = common.MODELS / f"{model_id}.onnx"
    common.export_onnx(model, 3, onnx_path, log)
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, 3, 64, 64))
    sess = common.ort_session(onnx_path)
    ev = evaluate(sess, scale, args.quick)
    t = common.time_1080p(sess, 3, scale=scale // 2 if scale == 4 else 0)
    t_bic = _time_bicubic(scale)
    for k, v in ev.items():
        log.write(
            f"held-out {k}-downscaled: model {v['model']:.2f} dB, bicubic {v['bicubic']:.2f} "
            f"dB, gain {v['model'] - v['bicubic']:+.2f} dB (Y-PSNR)"
        )
    log.write(
        f"2160p output frame: {t:.2f} s model, {t_bic:.3f} s cv2 bicubic; "
        f"{flops:.0f} FLOPs/output px, {params} parameters"
    )
    data, contributors = common.training_sources()
    proto = (
        f"Y-PSNR (BT.601 studio-range luma) against the original, border of {2 * scale} px "
        f"cropped, mean over the 4 held-out images; low resolution made by {{m}} downscaling "
        f"by {scale} (OpenCV) and 8-bit quantisation; baseline: OpenCV INTER_CUBIC upsampling "
        "of the same input"
    )
    metrics = []
    for m in ("area", "bicubic"):
        v = ev[m]
        metrics.append(
            common.metric(
                f"y_psnr_{m}_downscaled",
                v["model"],
                "dB",
                proto.format(m=m),
                "bicubic",
                v["bicubic"],
            )
        )
        metrics.append(
            common.metric(
                f"y_psnr_gain_over_bicubic_{m}",
                v["model"] - v["bicubic"],
                "dB",
                proto.format(m=m),
                "bicubic",
                0.0,
            )
        )
    metrics.append(
        common.metric(
            "seconds_per_2160p_output_frame",
            t,
            "s",
            f"onnxruntime {_ort_version()} CPUExecutionProvider, whole frame, best of 2, on the "
            f"development machine (2 CPU cores, x86-64 AVX2); input {3840 // scale}x{2160 // scale}, "
            "output 3840x2160",
            "cv2 INTER_CUBIC",
            t_bic,
            dataset="random 1080p frame",
        )
    )
    card = {
        "id": model_id,
        "name": f"Workbench upscaler x{scale}",
        "version": "1.0.0",
        "task": "upscale",
        "scale": scale,
        "architecture": (
            f"bicubic-plus-residual: {body + 2} 3x3 convolutions ({ch} channels, ReLU) "
            f"at the input resolution predict {3 * scale * scale} channels that are "
            f"added to an exact bicubic upsampling (a fixed 5x5 grouped convolution "
            f"with edge padding, a = -0.75, half-pixel centres, identical to OpenCV "
            f"INTER_CUBIC) before one depth-to-space by {scale}"
        ),
        "parameters": params,
        "flops_per_output_pixel": round(flops, 1),
        "receptive_radius": 12,
        "size_multiple": 2,
        "colour_space": common.WORKING_SPACE,
        "inputs": [
            {
                "name": "input",
                "channels": 3,
                "description": "RGB, linear in the file's code values (not linearised), NCHW float32 in "
                "[0, 1]; any height and width. The bicubic base is computed inside the graph "
                "(no pre-processing needed).",
            }
        ],
        "outputs": [
            {
                "name": "output",
                "channels": 3,
                "description": f"RGB at {scale}x the input height and width; may overshoot [0, 1] slightly "
                "at edges: clip before writing",
            }
        ],
        "weights_licence": "Apache-2.0",
        "training_data": data,
        "contributors": contributors,
        "metrics": metrics,
        "intended_use": (
            f"Assistive {scale}x upscaling of live-action footage and stills "
            "(photographic content) inside Workbench, with the artist choosing clips, "
            "region and strength and previewing the result."
        ),
        "limitations": (
            "Trained on 18 photographs and 4 procedural images (about 30 Mpx after downscaling), "
            "with area, bicubic and bilinear downscaling, mild blur and 8-bit quantisation: it "
            "sharpens edges and fine texture that bicubic blurs but does not invent detail. Not "
            "trained on noisy, compressed, interlaced or heavily blurred sources (denoise or "
            "deblock first), nor on text, line art or faces specifically. No person's likeness "
            "is in the training data. Tiling: the receptive field is "
            f"{2 * (body + 2) + 1} input pixels, so tiles need an overlap of at least "
            f"{body + 3} input px for seamless results."
        ),
        "classification": common.CLASSIFY_RESIZED,
        "training_command": common.command_for("train_upscale", f"--scale {scale} ", meta, ""),
    }
    common.write_card(card, onnx_path, log)
    return 0


def _time_bicubic(scale: int) -> float:
    import time

    x = np.random.default_rng(0).random((2160 // scale, 3840 // scale, 3), np.float32)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        cv2.resize(x, (3840, 2160), interpolation=cv2.INTER_CUBIC)
        best = min(best, time.perf_counter() - t)
    return best


def _ort_version() -> str:
    import onnxruntime

    return str(onnxruntime.__version__)


if __name__ == "__main__":
    sys.exit(main())
