"""OpenVINO's own runtime behind the engine's session interface (``SessionLike``).

Why its own runtime rather than ONNX Runtime's OpenVINO provider: the ``onnxruntime-openvino``
wheel replaces the ``onnxruntime`` package, so the two cannot be installed side by side. The
model is read from the checked bytes (``Core.read_model(bytes, b"")``), never from a path, and
compiled for the CPU at float32 precision: on CPUs with bfloat16 instructions OpenVINO would
otherwise compute in bfloat16 (measured: outputs 0.035 away from ONNX Runtime's on the
denoiser) — a change of precision, not of provider. At float32 its outputs differ from ONNX
Runtime's in the last bits only, so it is recorded as a provider of its own
(:data:`OPENVINO`). An int8 QDQ file runs on its int8 kernels.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.inference.providers import OPENVINO

__all__ = ["OPENVINO", "OpenVINOSession", "create_openvino_session", "openvino_available"]


def openvino_available() -> bool:
    """Whether the ``openvino`` package imports here."""
    try:
        import openvino  # noqa: F401
    except Exception:
        return False
    return True


def openvino_version() -> str | None:
    """OpenVINO's version (recorded beside ONNX Runtime's), None when it is not installed."""
    if not openvino_available():
        return None
    import openvino

    return str(openvino.__version__).split("-")[0]


@dataclass(frozen=True)
class PortInfo:
    """What ``onnxruntime.NodeArg`` tells the engine: name, shape (None: dynamic), type."""

    name: str
    shape: list[int | None]
    type: str


def _port(port: Any) -> PortInfo:
    shape = port.get_partial_shape()
    dims: list[int | None] = [d.get_length() if d.is_static else None for d in shape]
    element = str(port.get_element_type())
    kind = "tensor(float16)" if "f16" in element else "tensor(float)"
    return PortInfo(port.get_any_name(), dims, kind)


class OpenVINOSession:
    """An OpenVINO compiled model that answers like an ``onnxruntime.InferenceSession``.

    One infer request per thread (a request is not safe to share), made on first use.
    """

    def __init__(self, data: bytes, threads: int = 0) -> None:
        import openvino

        core = openvino.Core()
        model = core.read_model(bytes(data), b"")
        config: dict[str, Any] = {
            "INFERENCE_PRECISION_HINT": "f32",
            "PERFORMANCE_HINT": "LATENCY",
        }
        if threads > 0:
            config["INFERENCE_NUM_THREADS"] = threads
        self._compiled = core.compile_model(model, "CPU", config)
        self._inputs = [_port(p) for p in model.inputs]
        self._outputs = [_port(p) for p in model.outputs]
        self._local = threading.local()

    def _request(self) -> Any:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._compiled.create_infer_request()
            self._local.request = request
        return request

    def run(
        self,
        output_names: Sequence[str] | None,
        input_feed: Mapping[str, np.ndarray],
        run_options: Any = None,
    ) -> list[np.ndarray]:
        results = self._request().infer(dict(input_feed))
        # The request owns its output buffers and reuses them: copy before the next run.
        outputs = [np.array(results[self._compiled.output(i)]) for i in range(len(self._outputs))]
        if output_names is None:
            return outputs
        by_name = {p.name: out for p, out in zip(self._outputs, outputs, strict=True)}
        return [by_name[name] for name in output_names]

    def get_inputs(self) -> list[PortInfo]:
        return list(self._inputs)

    def get_outputs(self) -> list[PortInfo]:
        return list(self._outputs)

    def get_providers(self) -> list[str]:
        return [OPENVINO]


def create_openvino_session(data: bytes, threads: int = 0) -> OpenVINOSession:
    """The only place an OpenVINO session is made; from checked bytes, like ONNX Runtime's."""
    from workbench.inference.errors import InferenceError

    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("sessions are made from checked model bytes, never from a path")
    try:
        return OpenVINOSession(bytes(data), threads)
    except ImportError as exc:
        raise InferenceError(
            "OpenVINO is not installed here",
            hint="pip install openvino, or choose another provider",
        ) from exc
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:300]
        raise InferenceError(
            f"OpenVINO cannot open the model: {first}",
            hint="choose ONNX Runtime's CPU provider for this model",
        ) from exc
