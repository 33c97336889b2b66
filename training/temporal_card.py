"""The model cards of the temporal denoiser and deblocker, and their 1080p speed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from training import common, eval_temporal, stages
from workbench.tools import temporal_align

DATA_NOTE = (
    "; clips synthesised from them: pans, zooms, rotation, shake, smooth local warps, "
    "moving objects, cuts (training.synth_video)"
)


def speed(sess: Any, in_ch: int, with_level: bool) -> dict[str, float]:
    """Seconds per 1080p frame: the alignment of four neighbours (flows, warps, gates), the
    model, and their sum (best of 2; this machine, both cores)."""
    img = common.load_split("heldout")[0][1]
    big = cv2.resize(img, (1960, 1120), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    rng = np.random.default_rng(0)
    frames = []
    for t in range(-2, 3):
        f = big[20 + 2 * t : 1100 + 2 * t, 20 + 3 * t : 1940 + 3 * t]
        frames.append(np.clip(f + rng.normal(0, 15 / 255, f.shape), 0, 1).astype(np.float32))
    nb = {k: frames[2 + k] for k in temporal_align.offsets(2)}
    level = 15 / 255 if with_level else None
    best_align, best_model = float("inf"), float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        floor = temporal_align.ERROR_FLOOR if with_level else temporal_align.DEBLOCK_ERROR_FLOOR
        x = temporal_align.temporal_input(frames[2], nb, 2, level, floor)
        t1 = time.perf_counter()
        common.run_hwc(sess, x)
        t2 = time.perf_counter()
        best_align, best_model = min(best_align, t1 - t0), min(best_model, t2 - t1)
    assert x.shape[2] == in_ch
    return {"align": best_align, "model": best_model, "total": best_align + best_model}


def speed_metric(sp: dict[str, float]) -> dict[str, Any]:
    return common.metric(
        "seconds_per_1080p_frame",
        sp["total"],
        "s",
        f"1920x1080 frame with four neighbours: alignment (4 half-resolution DIS flows, "
        f"warps, gates: {sp['align']:.2f} s) plus the model ({sp['model']:.2f} s, "
        "onnxruntime CPUExecutionProvider, whole frame), best of 2 on the development "
        "machine (2 CPU cores, shared with other work; budget 2 s)",
        dataset="1080p frame",
    )


def _stage_commands(chain: list[dict[str, Any]], finish: Path) -> str:
    prep = "python -m training.data.build" + (
        " --h264-video" if chain[0]["model"].startswith("deblock") else ""
    )
    steps = [prep] + [c["command"] for c in chain]
    steps.append(
        f"python -m training.train_temporal --task {chain[0]['model'].split('-')[0]} "
        f"--finish {finish.as_posix()}"
    )
    where = "; ".join(
        f"stage {c['stage']}: {c['steps']} steps of batch {c['batch']} in {c['seconds']:.0f} s on "
        f"{c['host']} (torch {c['torch']}, seed {c['seed']}), from {c['parent']} "
        f"(sha256 {c['parent_sha256'][:12]}), wrote training/checkpoints/{c['file']} "
        f"(sha256 {c['sha256'][:12]})"
        for c in chain
    )
    return " && ".join(steps) + "; trained: " + where


def card(
    task: str,
    model_id: str,
    flops: float,
    params: int,
    ev: dict[str, float],
    sp: dict[str, float],
    chain: list[dict[str, Any]],
    finish: Path,
) -> dict[str, Any]:
    """The card, its figures from the evaluation ``ev`` and the speed ``sp``."""
    metrics = (_denoise_metrics if task == "denoise" else _deblock_metrics)(ev)
    metrics.append(speed_metric(sp))
    return card_with(task, model_id, flops, params, metrics, chain, finish)


def card_with(
    task: str,
    model_id: str,
    flops: float,
    params: int,
    metrics: list[dict[str, Any]],
    chain: list[dict[str, Any]],
    finish: Path,
) -> dict[str, Any]:
    """The card around figures already measured (``metrics``)."""
    data, contributors = common.training_sources(DATA_NOTE)
    data.append(_synthesised_source(task))
    level = task == "denoise"
    return {
        "id": model_id,
        "name": f"Workbench temporal {'denoiser' if level else 'deblocker'}",
        "version": "1.0.0",
        "task": task,
        "scale": 1,
        "architecture": _architecture(task),
        "parameters": params,
        "flops_per_output_pixel": round(flops, 1),
        "receptive_radius": 14,
        "size_multiple": 16 if task == "deblock" else 2,
        "temporal_radius": 2,
        "colour_space": common.WORKING_SPACE,  # the training photographs' sRGB encoding
        "inputs": [
            {
                "name": "input",
                "channels": 19 + level,
                "value_range": (0.0, 1.0),
                "description": _input_description(level),
            }
        ],
        "outputs": [
            {
                "name": "output",
                "channels": 3,
                "description": "the restored current frame, RGB; clip to [0, 1]",
            }
        ],
        "weights_licence": "Apache-2.0",
        "training_data": data,
        "contributors": contributors,
        "metrics": metrics,
        "intended_use": (
            "Assistive removal of sensor noise and film grain from video, using the "
            "neighbouring frames (two on each side)."
            if level
            else "Assistive reduction of H.264 / MPEG blocking and ringing in video, using the "
            "neighbouring frames (two on each side), whose quality differs (I, P, B frames)."
        ),
        "limitations": _limitations(task),
        "classification": common.CLASSIFY_ENHANCED,
        "training_command": _stage_commands(chain, finish),
    }


def _synthesised_source(task: str) -> dict[str, Any]:
    h264 = " and libx264 round trips (training.data.build --h264-video, seed 266)"
    return {
        "name": "workbench-synthesised-clips",
        "origin": "training.synth_video (camera and object motion, per-frame noise)"
        + (h264 if task == "deblock" else "")
        + ", seeded; rendered from the training photographs above (manifest: derived)",
        "licence": "CC0-1.0",
        "author": "Workbench contributors",
        "attribution": "generated by Workbench (no attribution required); the pixels are "
        "the photographs above, whose attributions apply",
        "consent_basis": "generated",
        "items": 1,
    }


def _architecture(task: str) -> str:
    level = task == "denoise"
    return (
        f"the single-frame {task} network grown (new inputs and units starting silent) to see "
        "four motion-compensated neighbours. In the graph: each pixel first averaged over "
        "the frames the gates trust (current + sum of gated differences / (1 + sum of gates))"
        + (", the level divided by the square root of that count" if level else "")
        + f"; then space-to-depth by 2 ({19 + level} -> {4 * (19 + level)} channels: the "
        f"average{', the lowered level' if level else ''}, the differences and the gates), "
        f"7 3x3 convolutions of 64 channels with {'ReLU' if level else 'LeakyReLU(0.1)'} at "
        "half resolution, depth-to-space back to a 3-channel residual added to the average. "
        "Alignment outside the graph (workbench.tools.temporal_align: DIS optical flow at half "
        "resolution, bicubic warp, structure and consistency gates)"
    )


def _input_description(level: bool) -> str:
    return (
        "channels 0-2: the current frame's RGB in [0, 1]; "
        + (
            "channel 3: the noise level plane (standard deviation, sigma/255) as for the "
            "single-frame denoiser; "
            if level
            else ""
        )
        + f"channels {3 + level}-{14 + level}: the neighbours at -2, -1, +1, +2 frames, each "
        "aligned onto the current frame, as its gated difference gate * (aligned - current); "
        f"channels {15 + level}-{18 + level}: the four gates (0-1). "
        "workbench.tools.temporal_align.temporal_input builds it; a missing neighbour is "
        "a zero difference with a gate of 0. Height and width must be even."
    )


def _limitations(task: str) -> str:
    common_part = (
        "Trained on clips synthesised from 22 photographs (camera motion, smooth local "
        "warps, small moving objects, cuts), not on camera footage: motion blur, rolling "
        "shutter, lighting changes and large non-rigid motion were not seen. Where the "
        "alignment fails (occlusions, cuts, fast or non-rigid motion) the gates close and the "
        "result falls back to single-frame restoration there; a wrong flow that every "
        "neighbour shares (fine periodic or aliased texture) is not detected and softens that "
        "texture. Needs its neighbours: at a "
        "clip's first and last frames it uses those that exist; on a still it is the "
        "single-frame model's job. Receptive field about 30 px: tiles overlap by 32 px."
    )
    if task == "denoise":
        return common_part + (
            " The level is the noise's standard deviation, as for the single-frame model; "
            "the automatic estimate reads film grain low, so raise the amount (2-3) to remove "
            "grain. Removing grain is a creative choice."
        )
    return common_part + (
        " Trained on libx264 round trips (CRF 26-40, preset medium); other codecs are not "
        "covered. Detail the encoder discarded in every frame is not restored."
    )


def _denoise_metrics(ev: dict[str, float]) -> list[dict[str, Any]]:
    proto = (
        "RGB PSNR against the clean frame, mean over the middle frame of 7-frame pans "
        "(up to 4 px/frame, seeded) of 256x256 over the 4 held-out images, 3 clips each, "
        "{noise} drawn independently per frame, 8-bit quantised; the model as the tool runs "
        "it: the level estimated automatically{amount}, 2 neighbours each side aligned by "
        "workbench.tools.temporal_align. Baselines on the same frames: the single-frame "
        "denoiser at the same level, and OpenCV fastNlMeansDenoisingColoredMulti over the 5 "
        "frames (7/21) at its best h = hColor in 0.3-1.0 x sigma for each frame (the best lies "
        "near 0.45 x sigma)"
    )
    noises = {
        "white15": ("white Gaussian noise of sigma 15/255", ""),
        "white25": ("white Gaussian noise of sigma 25/255", ""),
        "sensor20": ("Poisson-Gaussian noise of level 20/255 (60 % signal-dependent)", ""),
        "grain20": ("luminance-correlated grain of level 20/255 (size 0.8 px)", ""),
        "grain20_amount2.5": (
            "luminance-correlated grain of level 20/255 (size 0.8 px)",
            " times the tool's amount 2.5",
        ),
    }
    out = []
    for key, (noise, amount) in noises.items():
        out += _noise_metrics(ev, key, proto.format(noise=noise, amount=amount))
    return out + _steady_metrics(ev)


def _noise_metrics(ev: dict[str, float], key: str, p: str) -> list[dict[str, Any]]:
    """One noise's figures: the model, its gains over both baselines, and with no neighbours."""
    out = []
    t = ev[f"{key}_temporal"]
    out.append(
        common.metric(f"rgb_psnr_{key}", t, "dB", p, "single-frame denoiser", ev[f"{key}_single"])
    )
    out.append(
        common.metric(
            f"rgb_psnr_gain_over_single_frame_{key}",
            t - ev[f"{key}_single"],
            "dB",
            p,
            "single-frame denoiser",
            0.0,
        )
    )
    out.append(
        common.metric(
            f"rgb_psnr_gain_over_nlm_multi_{key}",
            t - ev[f"{key}_nlm_multi"],
            "dB",
            p,
            "fastNlMeansDenoisingColoredMulti, best h",
            ev[f"{key}_nlm_multi"],
        )
    )
    out.append(
        common.metric(
            f"rgb_psnr_no_neighbours_{key}",
            ev[f"{key}_temporal_no_neighbours"],
            "dB",
            p + "; here with no neighbours (as on a still)",
            "single-frame denoiser",
            ev[f"{key}_single"],
        )
    )
    return out


def _steady_metrics(ev: dict[str, float]) -> list[dict[str, Any]]:
    """Flicker on a static shot, cuts, and a clean static shot kept."""
    out = []
    fl = (
        "static shot (no motion) of each held-out image, white noise sigma 25/255 per frame: "
        "mean absolute difference between consecutive results (8-bit steps), less that of "
        "the clean frames (0 here); lower is steadier"
    )
    out.append(
        common.metric(
            "flicker_static_sigma25",
            ev["flicker_temporal"],
            "8-bit steps",
            fl,
            "single-frame denoiser",
            ev["flicker_single"],
        )
    )
    out.append(
        common.metric(
            "flicker_static_sigma25_nlm_multi",
            ev["flicker_nlm_multi"],
            "8-bit steps",
            fl + " (the baseline filter at its best h)",
        )
    )
    cut = (
        "a cut between two held-out photographs (each pans into the next, sigma 15 and 25): "
        "the two frames before and after the cut, all four neighbours given, against the "
        "same model given only its own shot's neighbours; {what}"
    )
    out.append(
        common.metric(
            "cut_psnr_vs_own_shot_only_min",
            ev["cut_psnr_min"],
            "dB",
            cut.format(what="the lowest PSNR between the two (99: identical)"),
        )
    )
    out.append(
        common.metric(
            "cut_pixels_off_by_more_than_4_of_255_max",
            100 * ev["cut_share_max"],
            "%",
            cut.format(what="the largest share of pixels that differ by more than 4/255"),
        )
    )
    out.append(
        common.metric(
            "rgb_psnr_vs_input_static_clean",
            ev["static_clean_psnr"],
            "dB",
            "clean static shots of the held-out images through the model at its automatic level; "
            "PSNR of output vs input",
        )
    )
    return out


def _deblock_metrics(ev: dict[str, float]) -> list[dict[str, Any]]:
    out = []
    for crf in (30, 35, 40):
        p = (
            f"RGB PSNR against the clean frame, mean over the middle frame of 7-frame "
            f"pans (up to 4 px/frame, seeded) of 256x256 over the 4 held-out images, 3 clips "
            f"each, encoded with libx264 CRF {crf} (preset medium, yuv420p) and decoded; "
            "baselines: the decoded input and the single-frame deblocker"
        )
        t = ev[f"crf{crf}_temporal"]
        out.append(
            common.metric(
                f"rgb_psnr_h264_crf{crf}", t, "dB", p, "decoded input", ev[f"crf{crf}_input"]
            )
        )
        out.append(
            common.metric(
                f"rgb_psnr_gain_over_input_h264_crf{crf}",
                t - ev[f"crf{crf}_input"],
                "dB",
                p,
                "decoded input",
                0.0,
            )
        )
        out.append(
            common.metric(
                f"rgb_psnr_gain_over_single_frame_h264_crf{crf}",
                t - ev[f"crf{crf}_single"],
                "dB",
                p,
                "single-frame deblocker",
                ev[f"crf{crf}_single"],
            )
        )
    return out


__all__ = ["card", "eval_temporal", "speed", "stages"]
