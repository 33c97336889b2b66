"""The four model families. Small plain convolution stacks, chosen to run on a CPU.

Every network ends in a residual over a fixed, exact base (bicubic upsampling as a fixed
depth-to-space convolution for the upscalers, identity for the restorers), so an untrained
network already equals the classical answer and training only learns the correction.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def _cubic(x: np.ndarray, a: float = -0.75) -> np.ndarray:
    x = np.abs(x)
    return np.where(
        x <= 1,
        (a + 2) * x**3 - (a + 3) * x**2 + 1,
        np.where(x < 2, a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a, 0.0),
    )


def bicubic_phase_kernels(scale: int) -> np.ndarray:
    """(scale*scale, 5, 5) kernels: output phase (ry, rx) of bicubic upsampling (a = -0.75,
    half-pixel centres, as OpenCV INTER_CUBIC and PyTorch align_corners=False) read from a
    5x5 neighbourhood of the low-resolution pixel."""
    taps = np.arange(-2, 3)
    w1 = []
    for r in range(scale):
        off = (r + 0.5) / scale - 0.5  # sample position relative to the low-res pixel centre
        w1.append(_cubic(taps - off))
    k = np.zeros((scale * scale, 5, 5))
    for ry in range(scale):
        for rx in range(scale):
            k[ry * scale + rx] = np.outer(w1[ry], w1[rx])
    return k.astype(np.float32)


def _init(body: nn.Sequential) -> None:
    """He-normal hidden layers (the default init shrinks the signal layer by layer, and with
    Adam a dark branch can die before it learns), small last layer."""
    convs = [m for m in body if isinstance(m, nn.Conv2d)]
    for conv in convs[:-1]:
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        nn.init.zeros_(conv.bias)
    _small_last(convs[-1])


def _small_last(conv: nn.Module) -> None:
    """Start the residual branch small but not at zero: a zero last layer with Adam lets the
    ReLUs before it die in the first steps (seen in a GPU run: the whole branch went dark)."""
    assert isinstance(conv, nn.Conv2d)
    with torch.no_grad():
        conv.weight.mul_(0.1)
        conv.bias.zero_()


class Upscaler(nn.Module):
    """Convolutions at low resolution; a depth-to-space residual over fixed bicubic."""

    def __init__(self, scale: int, channels: int = 32, body: int = 4):
        super().__init__()
        self.scale = scale
        layers: list[nn.Module] = [nn.Conv2d(3, channels, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(body):
            layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(channels, 3 * scale * scale, 3, padding=1))
        self.body = nn.Sequential(*layers)
        _init(self.body)
        k = torch.from_numpy(bicubic_phase_kernels(scale))  # (s*s, 5, 5)
        self.register_buffer("base_weight", k[None].repeat(3, 1, 1, 1).reshape(-1, 1, 5, 5))
        self.pad = nn.ReplicationPad2d(2)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        base = nn.functional.conv2d(self.pad(x), self.base_weight, groups=3)
        return self.shuffle(self.body(x) + base)


def conv_count(state_dict: dict[str, torch.Tensor]) -> int:
    """How many convolutions a ``body`` Sequential's state dict holds."""
    return sum(1 for k in state_dict if k.startswith("body.") and k.endswith(".weight"))


def load_deepened(model: nn.Module, state_dict: dict[str, torch.Tensor]) -> int:
    """Load a shallower network of the same family into ``model`` without changing what it
    computes (Net2DeeperNet): every convolution of the old stack keeps its weights, and the
    extra hidden layers, inserted before the last convolution, start as identities (a Dirac
    kernel, zero bias: their input comes out of a ReLU, so ReLU(x) = x). Returns how many
    layers were added."""
    new_convs = [m for m in model.body if isinstance(m, nn.Conv2d)]
    old_keys = sorted(
        {k.rsplit(".", 1)[0] for k in state_dict if k.startswith("body.")},
        key=lambda k: int(k.split(".")[1]),
    )
    added = len(new_convs) - len(old_keys)
    if added < 0:
        raise ValueError("the checkpoint is deeper than the model")
    rest = {k: v for k, v in state_dict.items() if not k.startswith("body.")}
    model.load_state_dict(rest, strict=False)
    targets = new_convs[: len(old_keys) - 1] + new_convs[-1:]
    with torch.no_grad():
        for conv, key in zip(targets, old_keys, strict=True):
            conv.weight.copy_(state_dict[f"{key}.weight"])
            conv.bias.copy_(state_dict[f"{key}.bias"])
        for conv in new_convs[len(old_keys) - 1 : -1]:
            nn.init.dirac_(conv.weight)
            conv.bias.zero_()
    return added


class Restorer(nn.Module):
    """Space-to-depth by 2, a conv stack at half resolution, depth-to-space residual.

    ``extra`` input channels (the denoiser's noise level) are seen but not restored.
    """

    def __init__(
        self, in_ch: int = 3, channels: int = 48, body: int = 6, dilations=None, leaky: bool = False
    ):
        super().__init__()
        dil = dilations or [1] * body

        def act() -> nn.Module:
            # LeakyReLU cannot die; the first GPU deblock runs lost their last ReLU layer.
            return nn.LeakyReLU(0.1, True) if leaky else nn.ReLU(True)

        layers: list[nn.Module] = [nn.Conv2d(in_ch * 4, channels, 3, padding=1), act()]
        for d in dil:
            layers += [nn.Conv2d(channels, channels, 3, padding=d, dilation=d), act()]
        layers.append(nn.Conv2d(channels, 12, 3, padding=1))
        self.body = nn.Sequential(*layers)
        _init(self.body)
        self.down = nn.PixelUnshuffle(2)
        self.up = nn.PixelShuffle(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :3] + self.up(self.body(self.down(x)))


class TemporalRestorer(Restorer):
    """A :class:`Restorer` that takes a frame, (denoise) its level plane, the gated differences
    of ``2 * radius`` aligned neighbours and their gates (``workbench.tools.temporal_align``).

    Inside the graph it first averages each pixel over the frames the gates trust -- ``avg =
    current + sum(differences) / (1 + sum(gates))`` -- and (denoise) divides the level by the
    square root of that count, as averaging n frames of independent noise does; the
    convolution stack then sees the average, the lowered level, the differences and the gates,
    and its residual is added to the average. Where every gate is closed (a still, a cut, an
    occlusion) the average is the frame and the level is unchanged: a network grown from the
    single-frame one (the new inputs' weights at zero) starts out as exactly that network on a
    still, and as that network on the temporal average where the neighbours line up.
    """

    def __init__(
        self, level: bool, radius: int, channels: int, body: int, leaky: bool = False
    ) -> None:
        self.level, self.neighbours = level, 2 * radius
        super().__init__(3 + int(level) + 4 * self.neighbours, channels, body, leaky=leaky)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        o, n = 3 + int(self.level), self.neighbours
        diffs, gates = x[:, o : o + 3 * n], x[:, o + 3 * n : o + 4 * n]
        count = 1.0 + gates.sum(dim=1, keepdim=True)
        total = diffs[:, 0:3]
        for k in range(1, n):
            total = total + diffs[:, 3 * k : 3 * k + 3]
        avg = x[:, :3] + total / count
        parts = [avg]
        if self.level:
            parts.append(x[:, 3:4] / torch.sqrt(count))
        y = torch.cat([*parts, diffs, gates], dim=1)
        return avg + self.up(self.body(self.down(y)))


class DustDetector(nn.Module):
    """Defect probability from the frame and its two aligned neighbours (9 channels in).

    The differences to each neighbour are formed inside the graph; dilated convolutions at half
    resolution give a field of view of about +-40 px, wide enough to find a fast object's
    neighbouring positions (real content) and tell it from a one-frame defect.
    """

    def __init__(self, channels: int = 32, dilations=(1, 2, 4, 8, 4, 2, 1)):
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(15 * 4, channels, 3, padding=1), nn.ReLU(True)]
        for d in dilations:
            layers += [nn.Conv2d(channels, channels, 3, padding=d, dilation=d), nn.ReLU(True)]
        layers.append(nn.Conv2d(channels, 4, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.down = nn.PixelUnshuffle(2)
        self.up = nn.PixelShuffle(2)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        cur, prev, nxt = x[:, 0:3], x[:, 3:6], x[:, 6:9]
        feats = torch.cat([cur, prev, nxt, cur - prev, cur - nxt], dim=1)
        return self.up(self.body(self.down(feats)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(x))


def count_flops_per_output_pixel(model: nn.Module, x: torch.Tensor) -> tuple[float, int]:
    """(FLOPs per output pixel, parameter count). Convolutions count 2 FLOPs per MAC; the
    element-wise ops (ReLU, add, shuffle) are left out -- under 1 % here."""
    total = [0.0]

    def hook(mod: nn.Module, inp: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        assert isinstance(mod, nn.Conv2d)
        k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
        total[0] += 2.0 * out.numel() * k

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        out = model(x)
        if isinstance(model, Upscaler):
            base = nn.functional.conv2d(model.pad(x), model.base_weight, groups=3)
            total[0] += 2.0 * base.numel() * 25
    for h in hs:
        h.remove()
    params = sum(p.numel() for p in model.parameters())
    return total[0] / (out.shape[-1] * out.shape[-2] * out.shape[0]), params
