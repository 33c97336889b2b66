"""What every training command shares: data loading, the loop, the run log, ONNX export with a
parity check, held-out evaluation helpers and the model card writer."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from training.data.build import load_manifest, load_split  # noqa: E402

MODELS = ROOT / "models"
LOGS = ROOT / "training" / "logs"
RUNS = ROOT / "training" / "runs"
MAX_ONNX_BYTES = 2 * 1024 * 1024
#: The working space every model here is trained in: the manifest's photographs are sRGB-encoded
#: pictures (PNG/JPEG code values), and the noise, blocking and dust are synthesised on those
#: code values. A card names it as the pinned OpenColorIO config does; the tools convert a
#: clip's colour space into it and back (workbench.colour).
WORKING_SPACE = "sRGB Encoded Rec.709 (sRGB)"


def common_args(ap: argparse.ArgumentParser, steps: int) -> None:
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    ap.add_argument("--steps", type=int, default=steps, help="optimiser steps")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop training after this")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2, help="data loader processes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--train-only", action="store_true", help="train and save the checkpoint only")
    ap.add_argument(
        "--from-checkpoint",
        type=Path,
        default=None,
        help="skip training: export, evaluate and write the card from this .pth",
    )
    ap.add_argument("--out", type=Path, default=RUNS, help="where the checkpoint goes")
    ap.add_argument(
        "--init-from",
        type=Path,
        default=None,
        help="start from this checkpoint's weights (fine-tuning)",
    )
    ap.add_argument("--quick", action="store_true", help="tiny evaluation (smoke test)")
    ap.add_argument("--save-every", type=float, default=0, help="checkpoint every N seconds")


#: The training losses a ``--loss`` flag chooses from (PSNR metrics favour ``mse``).
LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "mse": nn.functional.mse_loss,
    "l1": nn.functional.l1_loss,
}


class SampleStream(torch.utils.data.IterableDataset):
    """Endless samples from ``make(rng, source)``; worker ``i`` seeds its Generator with
    (seed, i), so a run is reproducible for a given seed and worker count."""

    def __init__(self, make: Callable[..., tuple[np.ndarray, np.ndarray]], seed: int):
        self.make, self.seed = make, seed

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        from training import synth

        info = torch.utils.data.get_worker_info()
        wid = info.id if info is not None else 0
        cv2_threads()
        rng = np.random.default_rng([self.seed, wid])
        src = synth.PatchSource([img for _id, img in load_split("train")])
        extra = self.make_extra()
        while True:
            yield self.make(rng, src, *extra)

    def make_extra(self) -> tuple[Any, ...]:
        return ()


def cv2_threads() -> None:
    import cv2

    cv2.setNumThreads(1)


class RunLog:
    def __init__(self, model_id: str, args: argparse.Namespace):
        LOGS.mkdir(parents=True, exist_ok=True)
        self.path = LOGS / f"{model_id}.log"
        self.model_id = model_id
        # finishing from a checkpoint appends to the training run's log instead of replacing it
        self.append = (
            bool(getattr(args, "from_checkpoint", None) or getattr(args, "init_from", None))
            and self.path.exists()
        )
        self.lines: list[str] = []
        what = "export/evaluation" if self.append else "run log"
        self.write(f"# {model_id} {what}, started {dt.datetime.now(dt.UTC).isoformat()}")
        self.write(f"command: python -m training.{Path(sys.argv[0]).stem} {' '.join(sys.argv[1:])}")
        self.write(
            f"git: {git_commit()}  torch: {torch.__version__}  python: {platform.python_version()}"
        )
        self.write(f"host: {platform.machine()} {os.cpu_count()} cpus  args: {vars(args)}")

    def write(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)
        mode = "w" if len(self.lines) == 1 and not self.append else "a"
        with open(self.path, mode, encoding="utf-8") as f:
            f.write(line + "\n")


def git_commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        return "unknown"


def train(
    model: nn.Module,
    stream: SampleStream,
    args: argparse.Namespace,
    log: RunLog,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    forward: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None,
) -> dict[str, Any]:
    """Adam with a cosine schedule; returns what the card needs to say about the run."""
    torch.manual_seed(args.seed)
    earlier = None
    if getattr(args, "init_from", None):
        earlier = load_checkpoint(model, args.init_from)
        log.write(f"fine-tuning from {args.init_from}: {earlier}")
    dev = torch.device(args.device)
    if dev.type == "cuda":
        torch.set_num_threads(1)
        torch.backends.cudnn.benchmark = True
    model.to(dev).train()
    loader = torch.utils.data.DataLoader(
        stream,
        batch_size=args.batch,
        num_workers=args.workers,
        persistent_workers=args.workers > 0,
        prefetch_factor=8 if args.workers > 0 else None,
    )
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    warm = min(200, max(1, args.steps // 20))

    def lr_at(step: int) -> float:
        """Warm-up, then cosine decay to 2 % over the steps -- or over the time budget, when
        one is set (the GPU run), whichever runs out first."""
        if step < warm:
            return args.lr * (step + 1) / warm
        p = (step - warm) / max(1, args.steps - warm)
        if args.max_seconds:
            p = max(p, (time.time() - t0) / args.max_seconds)
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))

    t0 = time.time()
    last_save = t0
    step, run_loss = 0, 0.0
    it = iter(loader)
    while step < args.steps:
        if args.max_seconds is not None and time.time() - t0 > args.max_seconds:
            log.write(f"time budget of {args.max_seconds:.0f} s reached at step {step}")
            break
        x, y = next(it)
        x, y = x.to(dev, non_blocking=True), y.to(dev, non_blocking=True)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        out = forward(model, x) if forward else model(x)
        loss = loss_fn(out, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run_loss += float(loss.detach()) if step % 50 == 0 or step < 5 else 0.0
        if args.save_every and time.time() - last_save > args.save_every:
            save_checkpoint(
                model, {"steps": step, "partial": True}, args.out / f"{log.model_id}.pth"
            )
            last_save = time.time()
        if step % 500 == 0:
            log.write(
                f"step {step:6d}  loss {float(loss.detach()):.5f}  lr {lr_at(step):.2e}  "
                f"{time.time() - t0:7.1f} s"
            )
        step += 1
    seconds = time.time() - t0
    device_name = (
        torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor() or "CPU"
    )
    meta = {
        "steps": step,
        "seconds": round(seconds, 1),
        "device": args.device,
        "device_name": device_name,
        "batch": args.batch,
        "seed": args.seed,
        "workers": args.workers,
        "torch": torch.__version__,
    }
    meta["lr"] = args.lr
    if getattr(args, "patch", None):
        meta["patch"] = args.patch
    if earlier is not None:
        meta["init_from"] = earlier
    log.write(f"trained {step} steps in {seconds:.1f} s on {device_name}")
    model.cpu().eval()
    return meta


def save_checkpoint(model: nn.Module, meta: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": model.state_dict(), "meta": meta}, path)


def load_checkpoint(model: nn.Module, path: Path) -> dict[str, Any]:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return dict(ck["meta"])


def export_onnx(model: nn.Module, in_ch: int, path: Path, log: RunLog) -> None:
    """Opset 17, dynamic batch/height/width, classic exporter; parity against PyTorch."""
    import warnings

    import onnx
    import onnxruntime as ort

    model.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            torch.rand(1, in_ch, 64, 64),
            str(path),
            opset_version=17,
            dynamo=False,
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={
                "input": {0: "batch", 2: "height", 3: "width"},
                "output": {0: "batch", 2: "height", 3: "width"},
            },
        )
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    size = path.stat().st_size
    assert size <= MAX_ONNX_BYTES, f"{path.name} is {size} bytes (> 2 MB)"
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for h, w in ((64, 96), (130, 66), (48, 48)):
        x = torch.rand(1, in_ch, h, w)
        with torch.no_grad():
            ref = model(x).numpy()
        got = sess.run(None, {"input": x.numpy()})[0]
        assert got.shape == ref.shape, (got.shape, ref.shape)
        worst = max(worst, float(np.abs(got - ref).max()))
    log.write(
        f"exported {path.name}: {size} bytes, opset 17; ONNX Runtime vs PyTorch max abs "
        f"diff {worst:.2e}"
    )
    assert worst < 1e-4, worst


def ort_session(path: Path) -> Any:
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def ort_session_bytes(data: bytes) -> Any:
    """A CPU session from model bytes (a variant that is not on disk yet, or is)."""
    import onnxruntime as ort

    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


def run_hwc(sess: Any, x: np.ndarray) -> np.ndarray:
    """Run a model on one H x W x C float32 array; returns H' x W' x C'."""
    inp = np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32)
    return np.asarray(sess.run(None, {"input": inp})[0][0].transpose(1, 2, 0))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * math.log10(1.0 / mse)


def y_channel(rgb: np.ndarray) -> np.ndarray:
    """BT.601 luma (studio range, as in the super-resolution literature), in [0, 1]."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (16.0 + 65.481 * r + 128.553 * g + 24.966 * b) / 255.0


def time_1080p(sess: Any, in_ch: int, scale: int = 1, repeats: int = 2) -> float:
    """Seconds per frame for a 1920x1080 input (``scale`` 0), or 1920/scale x 1080/scale."""
    h, w = (1080, 1920) if scale <= 1 else (1080 // scale, 1920 // scale)
    x = np.random.default_rng(0).random((1, in_ch, h, w), np.float32)
    sess.run(None, {"input": x[:, :, :64, :64]})
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        sess.run(None, {"input": x})
        best = min(best, time.perf_counter() - t)
    return best


# ---- the card -----------------------------------------------------------------------------


def training_sources(extra_note: str = "") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(training_data, contributors) from the manifest's train split, shares by item count."""
    items = [i for i in load_manifest()["items"] if i["split"] == "train"]
    data = []
    for i in items:
        origin = (
            f"{i['package']} {i['package_version']}: {i['path']}"
            if i["kind"] != "generated"
            else f"{i['generator']} seed={i['seed']} size={i['size'][0]}x{i['size'][1]}"
        )
        src = {
            "name": i["id"],
            "origin": origin,
            "licence": i["licence"],
            "author": i["author"],
            "attribution": i["attribution"],
            "consent_basis": i["consent_basis"],
            "items": 1,
        }
        if i.get("sha256"):
            src["sha256"] = i["sha256"]
        data.append(src)
    counts = Counter(i["author"] for i in items)
    total = sum(counts.values())
    contributors = [
        {
            "name": a,
            "role": "data",
            "share": round(n / total, 6),
            "basis": f"item count ({n} of {total} training images{extra_note})",
        }
        for a, n in sorted(counts.items())
    ]
    drift = 1.0 - sum(c["share"] for c in contributors)
    contributors[0]["share"] = round(contributors[0]["share"] + drift, 6)
    contributors.append(
        {
            "name": "Workbench maintainers",
            "role": "training",
            "share": 0.0,
            "basis": "trained the model; not a data contributor",
        }
    )
    return data, contributors


def write_card(card: dict[str, Any], onnx_path: Path, log: RunLog) -> Path:
    from workbench.catalog.card import ModelCard

    card = dict(card)
    card["schema"] = "workbench.model-card/1"
    card["sha256"] = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    card.setdefault("created", dt.date.today().isoformat())
    ModelCard.model_validate(card)
    out = onnx_path.with_suffix("").with_suffix(".card.json")
    out = onnx_path.parent / f"{onnx_path.stem}.card.json"
    out.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log.write(f"wrote {out.name} (sha256 {card['sha256'][:16]}...)")
    return out


def command_for(module: str, flags: str, meta: dict[str, Any], prep: str = "") -> str:
    """The command(s) that reproduce these weights, then where and how long they trained."""

    def one(m: dict[str, Any], init: str) -> str:
        extra = f" --lr {m['lr']:g}" if m.get("lr", 1e-3) != 1e-3 else ""
        extra += f" --patch {m['patch']}" if m.get("patch") else ""
        extra += f" {m['recipe']}" if m.get("recipe") else ""
        dev = " --device cuda" if m.get("device") == "cuda" else ""
        return (
            f"python -m training.{module} {flags}--steps {m['steps']} --batch {m['batch']} "
            f"--seed {m['seed']} --workers {m['workers']}{extra}{init}{dev}"
        ).replace("  ", " ")

    # a chain of fine-tunes: meta -> meta["init_from"] -> ..., oldest first
    chain = [meta]
    while chain[-1].get("init_from"):
        chain.append(chain[-1]["init_from"])
    chain.reverse()
    init = f" --init-from training/runs/{module_id(module, flags)}.pth"
    cmd = f"python -m training.data.build{prep} && " + " && ".join(
        one(m, init if i else "") for i, m in enumerate(chain)
    )
    return cmd + "; trained: " + trained_where(meta)


def module_id(module: str, flags: str) -> str:
    if module == "train_upscale":
        return "upscale-x" + flags.split("--scale")[1].split()[0]
    return module.removeprefix("train_")


def trained_where(meta: dict[str, Any]) -> str:
    first = ""
    if meta.get("init_from"):
        first = trained_where(meta["init_from"]) + ", then fine-tuned: "
    return first + (
        f"{meta['steps']} steps of batch {meta['batch']} in {meta['seconds']:.0f} s on "
        f"{meta['device_name']} ({meta['device']}, torch {meta['torch']}, seed {meta['seed']}, "
        f"{meta['workers']} data workers)"
    )


def metric(
    name: str,
    value: float,
    unit: str,
    protocol: str,
    baseline: str | None = None,
    baseline_value: float | None = None,
    dataset: str = "workbench held-out split "
    "(lomiri-life, lomiri-wine, skimage-coffee, skimage-camera)",
) -> dict[str, Any]:
    m: dict[str, Any] = {
        "name": name,
        "value": round(float(value), 3),
        "unit": unit,
        "dataset": dataset,
        "protocol": protocol,
    }
    if baseline is not None:
        m["baseline"] = baseline
        m["baseline_value"] = round(float(baseline_value or 0.0), 3)
    return m


CLASSIFY_ENHANCED = {
    "c2pa_action": "c2pa.enhanced",
    "digital_source_type": "algorithmicallyEnhanced",
    "nature": "assistive",
}
CLASSIFY_RESIZED = {
    "c2pa_action": "c2pa.resized",
    "digital_source_type": "algorithmicallyEnhanced",
    "nature": "assistive",
}
