"""Training that outlives a session: stages that checkpoint, resume and chain.

A *stage* trains one model for a number of steps from a starting point -- a shipped ONNX model
(its weights read from the graph) or the committed checkpoint of an earlier stage -- in one
process on one core (``torch.set_num_threads(1)``; the samples are made in the same process).
Every ``--save-every`` seconds the whole state (weights, optimiser, step, the data stream's and
torch's random state) goes to ``training/runs/<id>.<stage>.state.pth``, so ``--resume`` picks up
a stopped stage exactly where it stopped: same samples, same result. At the end the weights
alone (a few MB) go to ``training/checkpoints/<id>.<stage>.pt`` and their SHA-256, parent,
steps and command into ``training/checkpoints/manifest.json``: committed, so the next stage --
in another session, on another machine -- starts from exactly these bytes, and the chain in a
model card reproduces from a clean checkout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from training.common import ROOT, RUNS

CHECKPOINTS = ROOT / "training" / "checkpoints"
MANIFEST = CHECKPOINTS / "manifest.json"
MANIFEST_SCHEMA = "workbench.training-checkpoints/1"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest() -> dict[str, Any]:
    if MANIFEST.exists():
        data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
        return data
    return {"schema": MANIFEST_SCHEMA, "checkpoints": []}


def manifest_entry(path: Path) -> dict[str, Any]:
    """The manifest's record of a committed checkpoint, its hash checked."""
    name = path.name
    for entry in load_manifest()["checkpoints"]:
        if entry["file"] == name:
            digest = sha256_file(path)
            if digest != entry["sha256"]:
                raise SystemExit(
                    f"{path}: SHA-256 {digest} is not the manifest's {entry['sha256']}"
                )
            return dict(entry)
    raise SystemExit(f"{path} is not in {MANIFEST.relative_to(ROOT)}")


def record_checkpoint(entry: dict[str, Any]) -> None:
    data = load_manifest()
    data["checkpoints"] = [c for c in data["checkpoints"] if c["file"] != entry["file"]]
    data["checkpoints"].append(entry)
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    MANIFEST.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def chain(path: Path) -> list[dict[str, Any]]:
    """The manifest entries from the first stage to ``path``'s, oldest first."""
    out = [manifest_entry(path)]
    while out[-1]["parent"].startswith("training/checkpoints/"):
        out.append(manifest_entry(ROOT / out[-1]["parent"]))
    return out[::-1]


def onnx_weights(path: Path) -> dict[str, torch.Tensor]:
    """The initialisers of an ONNX graph exported from one of our networks, by name."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    return {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}


def grow_into(model: nn.Module, state: dict[str, torch.Tensor]) -> str:
    """Load a narrower network's weights into ``model`` without changing what it computes for
    the inputs both share: extra *input* channels of the first convolution get zero weights,
    extra hidden units get He-normal incoming weights and zero outgoing weights (Net2Wider with
    silent new units). Returns a one-line description of what grew."""
    own = model.state_dict()
    grown = []
    with torch.no_grad():
        for name, target in own.items():
            if name not in state:
                raise SystemExit(f"the starting weights have no {name}")
            src = state[name]
            if src.shape == target.shape:
                target.copy_(src)
                continue
            if name.endswith(".weight"):
                o, i = src.shape[:2]
                fresh = torch.empty_like(target)
                nn.init.kaiming_normal_(fresh, a=0.1, nonlinearity="leaky_relu")
                fresh[:, i:] = 0.0  # new inputs: silent (zero weights) -- new channels or units
                fresh[:o, :i] = src
                target.copy_(fresh)
            else:
                target.zero_()
                target[: src.shape[0]] = src
            grown.append(f"{name} {tuple(src.shape)}->{tuple(target.shape)}")
    model.load_state_dict(own)
    return "; ".join(grown) or "same shape"


def lr_at(step: int, steps: int, lr: float, warm: int) -> float:
    """Warm-up, then a cosine decay to 2 % over the stage."""
    if step < warm:
        return lr * (step + 1) / warm
    p = (step - warm) / max(1, steps - warm)
    return lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


class Stage:
    """One resumable training stage (see the module docstring)."""

    def __init__(self, model_id: str, stage: str, model: nn.Module, args: Any, log: Any) -> None:
        self.model_id, self.stage, self.model, self.args, self.log = (
            model_id,
            stage,
            model,
            args,
            log,
        )
        self.state_path = RUNS / f"{model_id}.{stage}.state.pth"
        self.out_path = CHECKPOINTS / f"{model_id}.{stage}.pt"

    def run(
        self,
        make_batch: Callable[[np.random.Generator, int], tuple[torch.Tensor, torch.Tensor]],
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        parent: str,
        parent_sha: str,
        command: str,
        validate: Callable[[nn.Module], float] | None = None,
    ) -> dict[str, Any]:
        """Train to ``args.steps`` (or resume, or stop at ``args.max_seconds``); every 100
        steps the log gets the mean training loss and, with ``validate``, the loss on a fixed
        batch (the same batch from the first step to the last, so the line moves only when
        the model does)."""
        args = self.args
        torch.set_num_threads(1)
        torch.manual_seed(args.seed)
        rng = np.random.default_rng([args.seed, 7919])
        opt = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        step, spent = self._resume(opt, rng)
        if validate is not None and step == 0:
            self.log.write(f"step      0  fixed batch {validate(self.model):.6f}")
        self.model.train()
        warm = min(200, max(1, args.steps // 20))
        t0, last_save, losses = time.time() - spent, time.time(), []
        while step < args.steps:
            if args.max_seconds and time.time() - t0 > args.max_seconds:
                self.log.write(f"time budget of {args.max_seconds:.0f} s reached at step {step}")
                break
            x, y = make_batch(rng, args.batch)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, args.steps, args.lr, warm)
            loss = loss_fn(self.model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
            step += 1
            if step % 100 == 0:
                lr = lr_at(step, args.steps, args.lr, warm)
                self._report(step, sum(losses) / len(losses), lr, time.time() - t0, validate)
                losses = []
            if time.time() - last_save > args.save_every or step == args.steps:
                self._save_state(opt, rng, step, time.time() - t0)
                last_save = time.time()
        seconds = time.time() - t0
        self.model.eval()
        meta = {
            "model": self.model_id,
            "stage": self.stage,
            "file": self.out_path.name,
            "parent": parent,
            "parent_sha256": parent_sha,
            "steps": step,
            "of_steps": args.steps,
            "seconds": round(seconds, 1),
            "batch": args.batch,
            "lr": args.lr,
            "seed": args.seed,
            "host": f"{platform.machine()} {platform.processor() or 'CPU'}, 1 thread",
            "torch": torch.__version__,
            "command": command,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if step == args.steps:
            self.out_path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(self.model.state_dict(), self.out_path)
            meta["sha256"] = sha256_file(self.out_path)
            record_checkpoint(meta)
            self.log.write(
                f"stage {self.stage} done: {step} steps in {seconds:.0f} s; "
                f"{self.out_path.relative_to(ROOT)} sha256 {meta['sha256'][:16]}..."
            )
        else:
            self.log.write(f"stage {self.stage} stopped at step {step}; --resume continues it")
        return meta

    def _resume(self, opt: Any, rng: np.random.Generator) -> tuple[int, float]:
        """(step, seconds spent) of the saved state, loaded into the model, ``opt`` and
        ``rng``; (0, 0) without ``--resume`` or without a state."""
        if not self.args.resume:
            return 0, 0.0
        if not self.state_path.exists():
            self.log.write(f"no {self.state_path.name} to resume; starting the stage")
            return 0, 0.0
        st = torch.load(self.state_path, map_location="cpu", weights_only=False)
        self.model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        rng.bit_generator.state = st["rng"]
        torch.set_rng_state(st["torch_rng"])
        step, spent = int(st["step"]), float(st["seconds"])
        self.log.write(f"resumed {self.state_path.name} at step {step} ({spent:.0f} s spent)")
        return step, spent

    def _report(
        self,
        step: int,
        loss: float,
        lr: float,
        seconds: float,
        validate: Callable[[nn.Module], float] | None,
    ) -> None:
        fixed = ""
        if validate is not None:
            self.model.eval()
            fixed = f"  fixed batch {validate(self.model):.6f}"
            self.model.train()
        self.log.write(f"step {step:6d}  loss {loss:.6f}{fixed}  lr {lr:.2e}  {seconds:7.0f} s")

    def _save_state(self, opt: Any, rng: np.random.Generator, step: int, seconds: float) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        torch.save(
            {
                "model": self.model.state_dict(),
                "opt": opt.state_dict(),
                "rng": rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(),
                "step": step,
                "seconds": seconds,
            },
            tmp,
        )
        tmp.replace(self.state_path)
