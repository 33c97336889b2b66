"""Train, export, evaluate and card the dust and scratch detector.

    python -m training.train_dust

The model only detects; the repair (from the motion-compensated neighbours, every pixel outside
the final mask left bit for bit) is ``workbench.tools.dust_repair.repair_frame``, which the
evaluation (``training.eval_dust``) runs too.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import torch

from training import common, eval_dust, synth
from training.nets import DustDetector, count_flops_per_output_pixel

POS_WEIGHT = 4.0


def dust_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    pw = torch.tensor(POS_WEIGHT, device=logits.device)
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=pw)


#: The training chain of the weights shipped before the fifth session (from training/logs/
#: dust.log), for a fine-tune that starts from models/dust.onnx (``--init-onnx``).
SHIPPED_CHAIN: dict[str, Any] = {
    "steps": 731,
    "seconds": 720.5,
    "device": "cpu",
    "device_name": "CPU",
    "batch": 32,
    "seed": 1,
    "workers": 1,
    "torch": "2.13.0+cpu",
    "lr": 0.0003,
    "init_from": {
        "steps": 3300,
        "seconds": 400.2,
        "device": "cuda",
        "device_name": "NVIDIA H100 80GB HBM3",
        "batch": 32,
        "seed": 1,
        "workers": 5,
        "torch": "2.11.0+cu130",
    },
}

#: Sample makers by ``--recipe``: the original one, and the fifth session's (hairs across
#: strong edges, heavy grain, clean shots, the app's filled alignment).
RECIPES = {"default": synth.dust_sample, "edges": synth.dust_sample_edges}


def load_onnx_weights(model: torch.nn.Module, path: Path) -> None:
    """Copy the weights of an exported detector (its initializers, named as the parameters)
    into ``model``: the shipped ONNX is where a fine-tune starts from a clean checkout."""
    import onnx
    from onnx import numpy_helper

    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}
    state = {}
    for name, ref in model.state_dict().items():
        if name not in inits or tuple(ref.shape) != inits[name].shape:
            raise SystemExit(f"{path}: no initializer {name} of shape {tuple(ref.shape)}")
        state[name] = torch.from_numpy(inits[name].copy())
    model.load_state_dict(state)


def finetune(model: torch.nn.Module, args: argparse.Namespace, log: common.RunLog) -> dict:
    """A resumable fine-tune on one CPU thread (the machine is shared): Adam with warm-up and
    cosine decay over ``--steps`` or ``--max-seconds``, whichever ends first; every
    ``--save-every`` seconds the model, the optimiser and the step go to
    ``<out>/dust.resume.pth``, from which ``--resume`` carries on (the data stream is reseeded
    by the step it resumes at, so it does not replay)."""
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    resume_path = args.out / "dust.resume.pth"
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step, spent = 0, 0.0
    if args.resume and resume_path.exists():
        ck = torch.load(resume_path, map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, spent = int(ck["step"]), float(ck["seconds"])
        log.write(f"resumed at step {step} ({spent:.0f} s trained)")
    make = RECIPES[args.recipe]
    stream = common.SampleStream(lambda rng, src: make(rng, src, 128), args.seed * 1000 + step)
    loader = torch.utils.data.DataLoader(
        stream, batch_size=args.batch, num_workers=args.workers, prefetch_factor=4
    )
    budget = args.max_seconds or float("inf")
    warm = 100 if step == 0 else 0
    t0 = time.time() - spent
    last_save = time.time()
    model.train()
    for x, y in loader:
        done = max(step / args.steps, (time.time() - t0) / budget)
        if done >= 1.0:
            break
        lr = args.lr * (min(1.0, (step + 1) / warm) if warm else 1.0)
        lr *= 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * done))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = dust_loss(model.logits(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            log.write(
                f"step {step:6d}  loss {float(loss.detach()):.5f}  lr {lr:.2e}  {time.time() - t0:7.1f} s"
            )
        if args.save_every and time.time() - last_save > args.save_every:
            state = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step}
            torch.save({**state, "seconds": time.time() - t0}, resume_path)
            last_save = time.time()
    seconds = round(time.time() - t0, 1)
    log.write(f"fine-tuned {step} steps in {seconds:.1f} s on CPU (1 thread)")
    model.eval()
    return {
        "steps": step,
        "seconds": seconds,
        "device": "cpu",
        "device_name": "CPU",
        "batch": args.batch,
        "seed": args.seed,
        "workers": args.workers,
        "torch": torch.__version__,
        "lr": args.lr,
        "recipe": f"--recipe {args.recipe}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.common_args(ap, steps=6000)
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="default", help="sample maker")
    ap.add_argument(
        "--init-onnx", type=Path, default=None, help="fine-tune from this ONNX (the shipped one)"
    )
    ap.add_argument("--resume", action="store_true", help="carry on from dust.resume.pth")
    args = ap.parse_args(argv)
    model_id = "dust"
    # a fine-tune from the ONNX appends to the log, as one from a checkpoint does
    as_logged = argparse.Namespace(**{**vars(args), "init_from": args.init_from or args.init_onnx})
    log = common.RunLog(model_id, as_logged)
    model = DustDetector()
    if args.from_checkpoint:
        meta = common.load_checkpoint(model, args.from_checkpoint)
        log.write(f"weights from {args.from_checkpoint}: {meta}")
    elif args.init_onnx or args.recipe != "default":
        if args.init_onnx:
            load_onnx_weights(model, args.init_onnx)
            earlier = SHIPPED_CHAIN
        else:
            earlier = common.load_checkpoint(model, args.init_from)
        log.write(f"fine-tuning from {args.init_onnx or args.init_from}: {earlier}")
        meta = {**finetune(model, args, log), "init_from": earlier}
        common.save_checkpoint(model, meta, args.out / f"{model_id}.pth")
    else:
        stream = common.SampleStream(lambda rng, src: synth.dust_sample(rng, src, 128), args.seed)
        meta = common.train(model, stream, args, log, dust_loss, forward=lambda m, x: m.logits(x))
        common.save_checkpoint(model, meta, args.out / f"{model_id}.pth")
    if args.train_only:
        return 0
    onnx_path = common.MODELS / f"{model_id}.onnx"
    common.export_onnx(model, 9, onnx_path, log)
    flops, params = count_flops_per_output_pixel(model, torch.rand(1, 9, 64, 64))
    sess = common.ort_session(onnx_path)
    ev = eval_dust.evaluate(sess, args.quick)
    ev2 = eval_dust.evaluate(sess, args.quick, two_frame_p=0.3)
    clean = eval_dust.evaluate_clean(sess, args.quick)
    demo = eval_dust.evaluate_demo(sess)
    t = common.time_1080p(sess, 9)
    for label, res in (
        ("one-frame defects", ev),
        ("30 % two-frame defects", ev2),
        ("clean shots", clean),
        ("demo sample", demo),
    ):
        for k, v in res.items():
            log.write(f"  {label} {k}: {v:.4f}")
    log.write(
        f"1080p frame: {t:.2f} s (detector only); {flops:.0f} FLOPs/output px, {params} parameters"
    )
    data, contributors = common.training_sources()
    metrics = eval_dust.card_metrics(ev, ev2, clean, demo, t)
    card = {
        "id": model_id,
        "name": "Workbench dust and scratch detector",
        "version": "1.0.0",
        "task": "dust",
        "scale": 1,
        "architecture": (
            "detector CNN: the frame, both aligned neighbours and the two "
            "differences (15 channels) go through space-to-depth by 2, 9 3x3 "
            "convolutions of 32 channels with ReLU and dilations 1-2-4-8-4-2-1 "
            "(field of view about 90 px), depth-to-space and a sigmoid: a per-pixel "
            "defect probability. The repair is not in the graph: "
            "workbench.tools.dust_repair.repair_frame takes back the detections the "
            "three frames show to be content and replaces only the remaining pixels from "
            "the aligned neighbours"
        ),
        "parameters": params,
        "flops_per_output_pixel": round(flops, 1),
        # at half resolution 1 + (1+2+4+8+4+2+1) + 1 = 24 px each side, so 48 at full
        # resolution and 2 more for the space-to-depth cell: 50 (22 undercounted it, and a
        # whole-frame run with that little reflected border changed pixels near the edges)
        "receptive_radius": 50,
        "size_multiple": 2,
        "colour_space": common.WORKING_SPACE,
        "inputs": [
            {
                "name": "input",
                "channels": 9,
                "description": "channels 0-2: the current frame RGB [0, 1]; 3-5: the previous frame and "
                "6-8: the next frame, each aligned onto the current one with "
                "workbench.tools.dust_repair.align_neighbours(..., fill=True) (DIS optical "
                "flow; pixels a neighbour samples off its frame taken from the other one); "
                "build it with dust_repair.dust_model_input. Height and width must be even.",
            }
        ],
        "outputs": [
            {
                "name": "output",
                "channels": 1,
                "value_range": (0.0, 1.0),
                "description": "defect probability per pixel; the tool's whole repair "
                "is dust_repair.repair_frame (threshold 0.5, grow 1): the detections the "
                "three frames show to be content are taken back, the rest repaired from "
                "the re-aligned neighbours, every other pixel returned bit for bit",
            }
        ],
        "weights_licence": "Apache-2.0",
        "training_data": data,
        "contributors": contributors,
        "metrics": metrics,
        "intended_use": (
            "Assistive detection and repair of one- and two-frame defects of "
            "scanned film (dust specks, hairs, short scratches) in Workbench; clean "
            "pixels are returned unchanged."
        ),
        "limitations": (
            "Defects are synthetic (drawn specks, curves and lines on clean photographs in "
            "synthetic panning shots); real scans, long vertical scratches that persist for "
            "many frames (not one- or two-frame defects) and fast complex motion where optical "
            "flow fails are not covered. Detections the three frames show to be content are "
            "left alone (dust_regions.is_real_content): a faint defect in heavy grain (its "
            "repair under 3.5-5 times what grain and alignment leave around it) stays, and a "
            "two-frame defect that matches a neighbour with the scene rather than on the screen "
            "is taken for content. A moving object is recognised when found again in both "
            "neighbours at opposite offsets; one faster than 40 px per frame, one that changes "
            "shape between frames or enters the frame can still be taken for dust. Thin lines "
            "and near-Nyquist texture under a two-frame defect, repaired from one neighbour, "
            "miss the clean frame by more than 10/255 most often (97 % of two-frame defect "
            "pixels repaired). The first and last frame of a shot have one neighbour only: "
            "duplicate it. Needs three frames; on cuts, skip the frame. Receptive field about "
            "90 px: tile overlap of at least 48 px."
        ),
        "classification": common.CLASSIFY_ENHANCED,
        "training_command": common.command_for("train_dust", "", meta, ""),
    }
    common.write_card(card, onnx_path, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
