from __future__ import annotations

import onnxruntime
from hypothesis import given
from hypothesis import strategies as st

from workbench.inference import (
    available_providers,
    choose_providers,
    normalize_provider,
    onnxruntime_version,
)

CPU = "CPUExecutionProvider"
NAMES = [
    "CUDAExecutionProvider",
    "CoreMLExecutionProvider",
    "DmlExecutionProvider",
    "TensorrtExecutionProvider",
    "AzureExecutionProvider",
    "OpenVINOExecutionProvider",
    CPU,
]


@given(
    available=st.lists(st.sampled_from(NAMES), unique=True),
    preferred=st.none() | st.lists(st.sampled_from([*NAMES, "cuda", "dml", "cpu", "bogus"])),
)
def test_always_ends_with_cpu_once_and_only_offers_present_providers(
    available: list[str], preferred: list[str] | None
) -> None:
    chosen = choose_providers(preferred, available=available)
    assert chosen[-1] == CPU
    assert chosen.count(CPU) == 1
    assert len(set(chosen)) == len(chosen)
    assert all(p in available for p in chosen[:-1])


def test_default_order_is_cuda_coreml_directml_then_cpu() -> None:
    everything = list(reversed(NAMES))
    assert choose_providers(None, available=everything) == (
        "CUDAExecutionProvider",
        "CoreMLExecutionProvider",
        "DmlExecutionProvider",
        CPU,
    )
    assert choose_providers(None, available=["AzureExecutionProvider", CPU]) == (CPU,)


def test_preference_order_and_short_names() -> None:
    available = ["CUDAExecutionProvider", "DmlExecutionProvider", CPU]
    assert choose_providers(["dml", "cuda"], available=available) == (
        "DmlExecutionProvider",
        "CUDAExecutionProvider",
        CPU,
    )
    assert choose_providers(["cpu"], available=available) == (CPU,)
    assert choose_providers(["coreml"], available=available) == (CPU,)
    assert normalize_provider(" CUDA ") == "CUDAExecutionProvider"


def test_this_machine() -> None:
    assert CPU in available_providers()
    assert choose_providers()[-1] == CPU
    assert "AzureExecutionProvider" not in choose_providers()
    assert onnxruntime_version() == onnxruntime.__version__
