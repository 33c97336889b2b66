"""Train (in resumable stages), export, evaluate and card the temporal denoiser and deblocker.

    python -m training.train_temporal --task denoise --stage s1 \\
        --init-from models/denoise.onnx --steps 4000 --resume     # one stage (resumable)
    python -m training.train_temporal --task denoise \\
        --finish training/checkpoints/denoise-temporal.s1.pt      # ONNX, parity, figures, card

A stage runs on one core; see ``training/stages.py`` for the checkpoints and their manifest.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from training import common, eval_temporal, stages, temporal_data
from training.nets import TemporalRestorer, count_flops_per_output_pixel
from training.synth import PatchSource
from workbench.tools import temporal_align

#: task -> (model id, single-frame model it grows from, input channels, width, body, leaky)
SPECS: dict[str, tuple[str, str, int, int, int, bool]] = {
    "denoise": ("denoise-temporal", "denoise", 20, 64, 5, False),
    "deblock": ("deblock-temporal", "deblock", 19, 64, 5, True),
}


def build_model(task: str) -> TemporalRestorer:
    _id, _single, _in_ch, ch, body, leaky = SPECS[task]
    return TemporalRestorer(task == "denoise", temporal_data.RADIUS, ch, body, leaky=leaky)


def batch_maker(task: str, args: argparse.Namespace) -> Any:
    common.cv2_threads()
    temporal_align.PARALLEL = 1  # one core: the alignment's threads too
    if task == "denoise":
        src = PatchSource([img for _id, img in common.load_split("train")])

        def one(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
            return temporal_data.denoise_sample(rng, src, args.patch + 16, args.patch)

    else:
        path = common.ROOT / "training" / "data" / "cache" / "h264_video.npz"
        if not path.exists():
            raise SystemExit(f"missing {path.name}: run python -m training.data.build --h264-video")
        z = np.load(path)
        clips = (z["decoded"], z["clean"])

        def one(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
            return temporal_data.deblock_sample(rng, clips, args.patch)

    def make(rng: np.random.Generator, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = zip(*(one(rng) for _ in range(n)), strict=True)
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))

    return make


def start_weights(model: torch.nn.Module, path: Path, log: common.RunLog) -> tuple[str, str]:
    """Load the stage's starting point; returns (parent path, its SHA-256)."""
    rel = str(path.resolve().relative_to(common.ROOT))
    if path.suffix == ".onnx":
        grown = stages.grow_into(model, stages.onnx_weights(path))
        log.write(f"starting from {rel} (weights read from the graph): {grown}")
        return rel, stages.sha256_file(path)
    entry = stages.manifest_entry(path)
    grown = stages.grow_into(model, torch.load(path, map_location="cpu", weights_only=True))
    log.write(f"starting from {rel} (stage {entry['stage']}, {entry['steps']} steps): {grown}")
    return rel, entry["sha256"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=tuple(SPECS), required=True)
    ap.add_argument("--stage", default="s1", help="the stage's name (s1, s2, ...)")
    ap.add_argument("--init-from", type=Path, help="a single-frame .onnx or a committed .pt")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--patch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save-every", type=float, default=240.0, help="seconds between states")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop (resumably) after")
    ap.add_argument("--resume", action="store_true", help="continue the stage's saved state")
    ap.add_argument("--finish", type=Path, help="export, evaluate and card this checkpoint")
    ap.add_argument("--quick", action="store_true", help="tiny evaluation (smoke test)")
    ap.add_argument(
        "--respeed",
        action="store_true",
        help="measure the shipped model's 1080p time again (a quiet moment) and update its card",
    )
    args = ap.parse_args(argv)
    model_id = SPECS[args.task][0]
    log = common.RunLog(model_id, argparse.Namespace(**vars(args), from_checkpoint=True))
    model = build_model(args.task)
    if args.respeed:
        return respeed(args, model, log)
    if args.finish:
        return finish(args, model, log)
    if args.init_from is None:
        raise SystemExit("a stage needs --init-from (a single-frame .onnx or a committed .pt)")
    parent, parent_sha = start_weights(model, args.init_from, log)
    command = "python -m training.train_temporal " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:]) if a != "--resume"
    )
    stage = stages.Stage(model_id, args.stage, model, args, log)
    make = batch_maker(args.task, args)
    fixed_x, fixed_y = make(np.random.default_rng([args.seed, 4242]), 24)

    def validate(m: torch.nn.Module) -> float:
        with torch.no_grad():
            return float(torch.nn.functional.mse_loss(m(fixed_x), fixed_y))

    stage.run(make, torch.nn.functional.mse_loss, parent, parent_sha, command, validate)
    return 0


def respeed(args: argparse.Namespace, model: TemporalRestorer, log: common.RunLog) -> int:
    """Measure the shipped model's 1080p time again and rewrite its card around the figures
    it already has (the card's text from this code; nothing is evaluated or exported again).
    ``--finish`` names the checkpoint the shipped ONNX was exported from (checked)."""
    import json

    from training import temporal_card

    if args.finish is None:
        raise SystemExit("--respeed needs --finish CHECKPOINT: the shipped model's checkpoint")
    model_id, _single, in_ch, *_ = SPECS[args.task]
    model.load_state_dict(torch.load(args.finish, map_location="cpu", weights_only=True))
    model.eval()
    onnx_path = common.MODELS / f"{model_id}.onnx"
    sess = common.ort_session(onnx_path)
    x = torch.rand(1, in_ch, 48, 64)
    with torch.no_grad():
        drift = float(
            (model(x) - torch.from_numpy(sess.run(None, {"input": x.numpy()})[0])).abs().max()
        )
    if drift > 1e-4:
        raise SystemExit(f"{onnx_path.name} was not exported from {args.finish} ({drift:.1e})")
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, in_ch, 64, 64))
    card_path = onnx_path.with_name(f"{model_id}.card.json")
    old = json.loads(card_path.read_text(encoding="utf-8"))
    speed = temporal_card.speed(sess, in_ch, args.task == "denoise")
    log.write(f"1080p frame, measured again: {speed}")
    metrics = [m for m in old["metrics"] if m["name"] != "seconds_per_1080p_frame"]
    metrics.append(temporal_card.speed_metric(speed))
    chain = stages.chain(args.finish)
    card = temporal_card.card_with(args.task, model_id, flops, params, metrics, chain, args.finish)
    card["created"] = old.get("created")
    common.write_card(card, onnx_path, log)
    return 0


def finish(args: argparse.Namespace, model: TemporalRestorer, log: common.RunLog) -> int:
    from training import temporal_card

    model_id, single_id, in_ch, *_ = SPECS[args.task]
    state = torch.load(args.finish, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    chain = stages.chain(args.finish)
    onnx_path = common.MODELS / f"{model_id}.onnx"
    common.export_onnx(model, in_ch, onnx_path, log)
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, in_ch, 64, 64))
    sess = common.ort_session(onnx_path)
    single = common.ort_session(common.MODELS / f"{single_id}.onnx")
    t0 = time.time()
    evaluate = (
        eval_temporal.evaluate_denoise
        if args.task == "denoise"
        else (eval_temporal.evaluate_deblock)
    )
    ev = evaluate(sess, single, args.quick, log.write)
    log.write(f"evaluated in {time.time() - t0:.0f} s")
    speed = temporal_card.speed(sess, in_ch, args.task == "denoise")
    log.write(f"1080p frame: {speed}")
    card = temporal_card.card(args.task, model_id, flops, params, ev, speed, chain, args.finish)
    common.write_card(card, onnx_path, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
