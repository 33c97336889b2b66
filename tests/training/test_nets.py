"""The training networks (needs the ``train`` extra: skipped where torch is not installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.nets import Upscaler, conv_count, load_deepened  # noqa: E402


def test_a_deepened_upscaler_computes_what_the_shallow_one_did() -> None:
    torch.manual_seed(0)
    shallow, deep = Upscaler(4, 16, 2), Upscaler(4, 16, 5)
    with torch.no_grad():  # a trained-looking last layer (the default starts it small)
        shallow.body[-1].weight.normal_(0, 0.2)
        shallow.body[-1].bias.normal_(0, 0.1)
    assert conv_count(shallow.state_dict()) == 4
    assert load_deepened(deep, shallow.state_dict()) == 3
    x = torch.rand(2, 3, 21, 17)
    with torch.no_grad():
        assert torch.equal(shallow(x), deep(x))
        # and the new layers are real layers: changing one changes the output
        deep.body[6].weight.mul_(1.5)
        assert not torch.allclose(shallow(x), deep(x))


def test_a_deeper_checkpoint_is_refused() -> None:
    with pytest.raises(ValueError):
        load_deepened(Upscaler(2, 8, 1), Upscaler(2, 8, 3).state_dict())
