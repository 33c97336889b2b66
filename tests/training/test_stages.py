"""Training stages that outlive a session: a stage stopped and resumed ends with exactly the
weights of one that ran through; its checkpoint is recorded with its hash and refused when
the bytes change; grown networks compute what the narrower ones did. (Needs the ``train``
extra: skipped where torch is not installed.)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.nets import Restorer  # noqa: E402

from training import stages  # noqa: E402


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)


class Stop(Exception):
    pass


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(stages, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(stages, "CHECKPOINTS", tmp_path / "checkpoints")
    monkeypatch.setattr(stages, "MANIFEST", tmp_path / "checkpoints" / "manifest.json")
    monkeypatch.setattr(stages, "ROOT", tmp_path)
    return tmp_path


def batches(stop_at: int | None = None) -> Any:
    calls = [0]

    def make(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
        calls[0] += 1
        if stop_at is not None and calls[0] == stop_at:
            raise Stop  # the session ends here
        x = torch.from_numpy(rng.random((n, 4, 16, 16), dtype=np.float32))
        return x, x[:, :3] * 0.5

    return make


def run(model: Any, resume: bool, stop_at: int | None = None) -> dict[str, Any]:
    args = argparse.Namespace(
        steps=7, batch=2, lr=1e-3, seed=3, save_every=0.0, max_seconds=None, resume=resume
    )
    stage = stages.Stage("toy", "s1", model, args, Log())
    return stage.run(batches(stop_at), torch.nn.functional.mse_loss, "start", "0" * 64, "cmd")


def test_a_resumed_stage_ends_where_an_uninterrupted_one_does(places: Path) -> None:
    torch.manual_seed(0)
    through = Restorer(4, 8, 1)
    start = {k: v.clone() for k, v in through.state_dict().items()}
    run(through, resume=False)
    reference = torch.load(places / "checkpoints" / "toy.s1.pt", weights_only=True)

    (places / "checkpoints" / "toy.s1.pt").unlink()
    interrupted = Restorer(4, 8, 1)
    interrupted.load_state_dict(start)
    with pytest.raises(Stop):
        run(interrupted, resume=False, stop_at=5)  # four steps saved, then the session ends
    assert not (places / "checkpoints" / "toy.s1.pt").exists()
    again = Restorer(4, 8, 1)  # a new process: only the saved state carries over
    meta = run(again, resume=True)
    assert meta["steps"] == 7
    resumed = torch.load(places / "checkpoints" / "toy.s1.pt", weights_only=True)
    for name, tensor in reference.items():
        assert torch.equal(tensor, resumed[name]), name
    entry = stages.manifest_entry(places / "checkpoints" / "toy.s1.pt")
    assert entry["sha256"] == stages.sha256_file(places / "checkpoints" / "toy.s1.pt")
    assert entry["parent"] == "start" and entry["steps"] == 7


def test_a_changed_checkpoint_is_refused(places: Path) -> None:
    run(Restorer(4, 8, 1), resume=False)
    path = places / "checkpoints" / "toy.s1.pt"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(SystemExit, match="SHA-256"):
        stages.manifest_entry(path)


def test_a_grown_network_computes_what_the_narrower_one_did() -> None:
    torch.manual_seed(1)
    narrow, wide = Restorer(4, 8, 2, leaky=True), Restorer(12, 16, 2, leaky=True)
    with torch.no_grad():
        narrow.body[-1].weight.normal_(0, 0.2)  # a trained-looking last layer
    stages.grow_into(wide, narrow.state_dict())
    x = torch.rand(2, 12, 20, 18)
    with torch.no_grad():
        np.testing.assert_allclose(wide(x).numpy(), narrow(x[:, :4]).numpy(), atol=1e-6)
        # the new inputs and units are real: once trained they change the output
        wide.body[0].weight[:, 20:].normal_(0, 0.1)
        assert not torch.allclose(wide(x), narrow(x[:, :4]))
