"""Execution providers: which accelerators ONNX Runtime may use, in the order we prefer them.

The list handed to a session always ends with the CPU provider, so a model that an accelerator
cannot run (an unsupported operator, a driver problem) still runs — slower, but it runs.
"""

from __future__ import annotations

from collections.abc import Iterable

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
COREML = "CoreMLExecutionProvider"
DIRECTML = "DmlExecutionProvider"
#: OpenVINO's own runtime on the CPU (``inference.openvino_runtime``): not an ONNX Runtime
#: provider, but recorded like one, because its outputs differ from ONNX Runtime's.
OPENVINO = "OpenVINO-CPU"

#: Providers that run a model somewhere else, over a network: never offered, never used — the
#: footage and the models stay on this machine (the app works offline).
REMOTE: frozenset[str] = frozenset({"AzureExecutionProvider"})

#: Accelerators in the order they are tried when nothing else is asked for.
DEFAULT_ORDER: tuple[str, ...] = (CUDA, COREML, DIRECTML)

_ALIASES = {
    "cpu": CPU,
    "cuda": CUDA,
    "gpu": CUDA,
    "coreml": COREML,
    "directml": DIRECTML,
    "dml": DIRECTML,
    "openvino": "OpenVINO-CPU",
    "openvino-cpu": "OpenVINO-CPU",
}


def normalize_provider(name: str) -> str:
    """Accept the short names a settings file or the CLI uses (``cuda``, ``coreml``, ``dml``)."""
    key = name.strip()
    return _ALIASES.get(key.lower(), key)


def available_providers() -> list[str]:
    """The providers this onnxruntime build offers (``onnxruntime.get_available_providers()``)."""
    import onnxruntime

    return list(onnxruntime.get_available_providers())


def local_providers(available: Iterable[str] | None = None) -> list[str]:
    """The providers that run here (what the preferences offer): the build's, less remote ones,
    and OpenVINO's runtime where the ``openvino`` package is installed."""
    from workbench.inference.openvino_runtime import openvino_available

    present = available_providers() if available is None else list(available)
    local = [name for name in present if name not in REMOTE]
    if available is None and OPENVINO not in local and openvino_available():
        local.append(OPENVINO)
    return local


def onnxruntime_version() -> str:
    """The onnxruntime version, as the disclosure log records it."""
    import onnxruntime

    return str(onnxruntime.__version__)


def choose_providers(
    preferred: Iterable[str] | None = None, available: Iterable[str] | None = None
) -> tuple[str, ...]:
    """The providers to ask a session for: accelerators that are present, then always CPU.

    ``preferred`` names the accelerators the user allows, in their order (short names accepted);
    ``None`` means CUDA, CoreML, DirectML — whichever this build has. Names that are not
    available are skipped silently: the CPU fallback keeps the work going, and the provider
    that actually ran is recorded per session (:attr:`Engine.provider`).
    """
    present = set(available_providers() if available is None else available)
    wanted = DEFAULT_ORDER if preferred is None else tuple(normalize_provider(p) for p in preferred)
    chosen: list[str] = []
    for name in wanted:
        if name != CPU and name in present and name not in chosen and name not in REMOTE:
            chosen.append(name)
    chosen.append(CPU)
    return tuple(chosen)
