"""The inference engine: ONNX Runtime sessions and tiled image-model runs.

Tools call :func:`get_engine` with a checked model from the catalogue, then :func:`run_image` on
an H×W×C float32 stack. The disclosure log reads :attr:`Engine.provider` and
:func:`onnxruntime_version`. Nothing here imports Qt, and onnxruntime is imported where used.
"""

from workbench.inference.backends import (
    Backend,
    auto_engine,
    check_provider,
    choose_backend,
    measure_backends,
    open_backend,
)
from workbench.inference.engine import (
    Engine,
    ModelSession,
    SessionLike,
    SessionOptions,
    TensorInfo,
    clear_cache,
    create_session,
    get_engine,
    get_model_session,
    get_session,
)
from workbench.inference.errors import (
    InferenceError,
    ModelInterfaceError,
    ModelOutputError,
    is_out_of_memory,
)
from workbench.inference.interface import ToolFeed, check_model_interface, check_output_values
from workbench.inference.openvino_runtime import openvino_available, openvino_version
from workbench.inference.providers import (
    OPENVINO,
    available_providers,
    choose_providers,
    local_providers,
    normalize_provider,
    onnxruntime_version,
)
from workbench.inference.tiling import run_image

__all__ = [
    "OPENVINO",
    "Backend",
    "Engine",
    "InferenceError",
    "ModelInterfaceError",
    "ModelOutputError",
    "ModelSession",
    "SessionLike",
    "SessionOptions",
    "TensorInfo",
    "ToolFeed",
    "auto_engine",
    "available_providers",
    "check_model_interface",
    "check_output_values",
    "check_provider",
    "choose_backend",
    "choose_providers",
    "clear_cache",
    "create_session",
    "get_engine",
    "get_model_session",
    "get_session",
    "is_out_of_memory",
    "local_providers",
    "measure_backends",
    "normalize_provider",
    "onnxruntime_version",
    "open_backend",
    "openvino_available",
    "openvino_version",
    "run_image",
]
