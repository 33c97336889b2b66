"""Train, export, evaluate and card the deblocker (JPEG and H.264 artefacts).

python -m training.data.build --h264 && python -m training.train_deblock
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from training import common, synth
from training.data.build import CACHE, H264_SETS, encode_h264_roundtrip, pan_clip
from training.nets import Restorer, count_flops_per_output_pixel
from training.train_denoise import heldout_crops

CH, BODY = 48, 5


class DeblockStream(common.SampleStream):
    def __init__(self, make: Callable[..., Any], seed: int, h264_set: str) -> None:
        super().__init__(make, seed)
        self.h264_set = h264_set

    def make_extra(self) -> tuple[object, ...]:
        path = CACHE / f"{self.h264_set}.npz"
        if not path.exists():
            flag = "--h264" if self.h264_set == "h264_pairs" else "--h264-large"
            raise SystemExit(f"missing {path.name}: run python -m training.data.build {flag}")
        z = np.load(path)
        return ((z["decoded"], z["clean"]),)


def evaluate(sess, quick: bool) -> dict[str, float]:
    size = 192 if quick else 512
    res: dict[str, float] = {}
    mp, ip = [], []
    for _i, clean in heldout_crops(size):
        dec = synth.jpeg_roundtrip(clean, 20)
        out = np.clip(common.run_hwc(sess, dec), 0, 1)
        mp.append(common.psnr(out, clean))
        ip.append(common.psnr(dec, clean))
    res["jpeg20_model"], res["jpeg20_input"] = float(np.mean(mp)), float(np.mean(ip))
    rng = np.random.default_rng(35)
    mp, ip = [], []
    for _i, img in common.load_split("heldout"):
        s = min(size, min(img.shape[:2]) - 64) // 16 * 16
        frames = pan_clip(img, rng, s, 6)
        decoded = encode_h264_roundtrip(frames, 35)
        for f, d in zip(frames, decoded, strict=True):
            c, dd = synth.to_f32(f), synth.to_f32(d)
            out = np.clip(common.run_hwc(sess, dd), 0, 1)
            mp.append(common.psnr(out, c))
            ip.append(common.psnr(dd, c))
    res["h264crf35_model"], res["h264crf35_input"] = float(np.mean(mp)), float(np.mean(ip))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.common_args(ap, steps=9000)
    ap.add_argument("--patch", type=int, default=64, help="training patch side (px)")
    ap.add_argument("--loss", choices=tuple(common.LOSSES), default="mse")
    ap.add_argument(
        "--h264-set",
        choices=tuple(H264_SETS),
        default="h264_pairs",
        help="which pre-built H.264 pair set (training.data.build) to draw from",
    )
    ap.add_argument(
        "--h264-share", type=float, default=0.4, help="share of samples that are H.264 pairs"
    )
    args = ap.parse_args(argv)
    model_id = "deblock"
    log = common.RunLog(model_id, args)
    model = Restorer(3, CH, BODY, leaky=True)
    if args.from_checkpoint:
        meta = common.load_checkpoint(model, args.from_checkpoint)
        log.write(f"weights from {args.from_checkpoint}: {meta}")
    else:
        patch, share = args.patch, args.h264_share
        stream = DeblockStream(
            lambda rng, src, h: synth.deblock_pair(rng, src, patch, h, share),
            args.seed,
            args.h264_set,
        )
        meta = common.train(model, stream, args, log, common.LOSSES[args.loss])
        meta["recipe"] = f"--loss {args.loss}"
        if args.h264_set != "h264_pairs" or share != 0.4:
            meta["recipe"] += f" --h264-set {args.h264_set} --h264-share {share:g}"
        common.save_checkpoint(model, meta, args.out / f"{model_id}.pth")
    if args.train_only:
        return 0
    onnx_path = common.MODELS / f"{model_id}.onnx"
    common.export_onnx(model, 3, onnx_path, log)
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, 3, 64, 64))
    sess = common.ort_session(onnx_path)
    ev = evaluate(sess, args.quick)
    t = common.time_1080p(sess, 3)
    for k, v in ev.items():
        log.write(f"  {k}: {v:.2f}")
    log.write(f"1080p frame: {t:.2f} s; {flops:.0f} FLOPs/output px, {params} parameters")
    data, contributors = common.training_sources()
    p_jpeg = (
        "RGB PSNR against the original, mean over 512x512 centre crops of the 4 held-out "
        "images encoded with OpenCV JPEG at quality 20 (4:2:0) and decoded; baseline: the "
        "decoded input itself"
    )
    p_h264 = (
        "RGB PSNR against the original frames, mean over all frames of one 6-frame panning "
        "clip (up to 512x512, sub-pixel pan, seed 35) per held-out image, encoded with "
        "libx264 (PyAV) CRF 35 preset medium yuv420p and decoded; baseline: the decoded "
        "input itself"
    )
    metrics = [
        common.metric(
            "rgb_psnr_jpeg_q20",
            ev["jpeg20_model"],
            "dB",
            p_jpeg,
            "decoded input",
            ev["jpeg20_input"],
        ),
        common.metric(
            "rgb_psnr_gain_jpeg_q20",
            ev["jpeg20_model"] - ev["jpeg20_input"],
            "dB",
            p_jpeg,
            "decoded input",
            0.0,
        ),
        common.metric(
            "rgb_psnr_h264_crf35",
            ev["h264crf35_model"],
            "dB",
            p_h264,
            "decoded input",
            ev["h264crf35_input"],
        ),
        common.metric(
            "rgb_psnr_gain_h264_crf35",
            ev["h264crf35_model"] - ev["h264crf35_input"],
            "dB",
            p_h264,
            "decoded input",
            0.0,
        ),
        common.metric(
            "seconds_per_1080p_frame",
            t,
            "s",
            "onnxruntime CPUExecutionProvider, "
            "whole 1920x1080 frame, best of 2, development machine (2 CPU cores)",
            dataset="1080p frame",
        ),
    ]
    card = {
        "id": model_id,
        "name": "Workbench deblocker",
        "version": "1.0.0",
        "task": "deblock",
        "scale": 1,
        "architecture": (
            f"residual CNN: space-to-depth by 2 (3 -> 12 channels), {BODY + 2} 3x3 "
            f"convolutions of {CH} channels with LeakyReLU(0.1) at half resolution, "
            "depth-to-space back to a 3-channel residual added to the input"
        ),
        "parameters": params,
        "flops_per_output_pixel": round(flops, 1),
        "receptive_radius": 14,
        "size_multiple": 16,
        "colour_space": common.WORKING_SPACE,
        "inputs": [
            {
                "name": "input",
                "channels": 3,
                "description": "decoded RGB in [0, 1] (as decoded, no pre-processing); height and width "
                "must be even (pad by reflection); keep the 8x8 / 16x16 block grid where it "
                "was (tile offsets that are multiples of 16)",
            }
        ],
        "outputs": [
            {
                "name": "output",
                "channels": 3,
                "description": "RGB with blocking and ringing reduced, same size; clip to [0, 1]",
            }
        ],
        "weights_licence": "Apache-2.0",
        "training_data": data,
        "contributors": contributors,
        "metrics": metrics,
        "intended_use": (
            "Assistive reduction of blocking, ringing and mosquito noise in "
            "over-compressed JPEG stills and H.264 footage (archive material, "
            "screen captures of delivery files) inside Workbench."
        ),
        "limitations": (
            "Trained on OpenCV JPEG (quality 8-60, 4:2:0) and libx264 (CRF 26-40, medium preset) "
            "round trips of 22 clean images; other codecs (MPEG-2, HEVC, ProRes proxies) and "
            "re-scaled compressed video are not covered. Detail the encoder discarded is not "
            "restored; heavy settings soften fine texture. Not a denoiser. Receptive field "
            "about 30 px: tiles need an overlap of 32 px (the tool uses 32; with 16, seams of "
            "up to 2 8-bit steps were measured)."
        ),
        "classification": common.CLASSIFY_ENHANCED,
        "training_command": common.command_for("train_deblock", "", meta, " --h264 --h264-large"),
    }
    common.write_card(card, onnx_path, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
