"""Small placeholder ONNX models, generated here with fixed random weights (no files on disk)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from workbench.catalog.card import Classification, Contributor, DataSource, ModelCard, TensorSpec
from workbench.catalog.catalog import CatalogEntry, CheckedModel
from workbench.catalog.check import check_onnx_bytes
from workbench.inference import Engine, SessionOptions, create_session


def _finish(nodes: list[Any], inits: list[Any], inputs: list[Any], out_channels: int) -> bytes:
    output = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", out_channels, None, None])
    graph = helper.make_graph(nodes, "placeholder", inputs, [output], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def _convs(
    source: str, cin: int, layers: int, hidden: int, cout: int, seed: int
) -> tuple[list[Any], list[Any], str]:
    rng = np.random.default_rng(seed)
    nodes: list[Any] = []
    inits: list[Any] = []
    prev, c = source, cin
    for i in range(layers):
        co = cout if i == layers - 1 else hidden
        w = (rng.standard_normal((co, c, 3, 3)) / np.sqrt(c * 9)).astype(np.float32)
        b = (rng.standard_normal(co) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("Conv", [prev, f"w{i}", f"b{i}"], [f"c{i}"], pads=[1] * 4))
        prev, c = f"c{i}", co
        if i < layers - 1:
            nodes.append(helper.make_node("Relu", [prev], [f"r{i}"]))
            prev = f"r{i}"
    return nodes, inits, prev


def conv_net(
    layers: int = 3,
    cin: int = 3,
    cout: int = 3,
    hidden: int = 8,
    seed: int = 0,
    fixed: tuple[int, int] | None = None,
) -> bytes:
    """``layers`` 3×3 convolutions with ReLU between: receptive radius = ``layers``."""
    nodes, inits, prev = _convs("x", cin, layers, hidden, cout, seed)
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    h, w = fixed if fixed else ("H", "W")
    batch: int | str = 1 if fixed else "N"
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, cin, h, w])
    return _finish(nodes, inits, [x], cout)


def upsampler(seed: int = 0) -> bytes:
    """Two convolutions to 12 channels, then depth-to-space: RGB in, RGB at ×2 out."""
    nodes, inits, prev = _convs("x", 3, 2, 8, 12, seed)
    nodes.append(helper.make_node("DepthToSpace", [prev], ["y"], blocksize=2, mode="CRD"))
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])
    return _finish(nodes, inits, [x], 3)


def cell_net(seed: int = 0) -> bytes:
    """The restorers' shape: space-to-depth by 2, two convolutions, depth-to-space back."""
    nodes, inits, prev = _convs("s", 12, 2, 8, 12, seed)
    nodes.insert(0, helper.make_node("SpaceToDepth", ["x"], ["s"], blocksize=2))
    nodes.append(helper.make_node("DepthToSpace", [prev], ["y"], blocksize=2, mode="DCR"))
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])
    return _finish(nodes, inits, [x], 3)


def two_input_net(seed: int = 0) -> bytes:
    """A denoiser shape: an RGB image and a 1-channel noise-level map, concatenated inside."""
    nodes, inits, prev = _convs("xs", 4, 2, 8, 3, seed)
    nodes.insert(0, helper.make_node("Concat", ["image", "sigma"], ["xs"], axis=1))
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])
    sigma = helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["N", 1, "H", "W"])
    return _finish(nodes, inits, [image, sigma], 3)


def checked(data: bytes, name: str = "placeholder.onnx") -> CheckedModel:
    """What ``Catalog.load_checked`` hands out, built from bytes (the path is never opened)."""
    facts = check_onnx_bytes(data, name=name)
    entry = CatalogEntry(Path("/nonexistent") / name, facts.sha256, facts.size, None, "test")
    return CheckedModel(entry=entry, data=data, facts=facts)


def engine_for(data: bytes, **options: Any) -> Engine:
    session = create_session(data, ["CPUExecutionProvider"], threads=1)
    return Engine.from_session(session, options=SessionOptions(**options))


def frame(h: int, w: int, c: int = 3, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random((h, w, c), dtype=np.float32)


def nchw_run(data: bytes, x: np.ndarray, names: Sequence[str] = ("x",)) -> np.ndarray:
    """The model run directly on an unpadded frame (zero padding at the borders)."""
    session = create_session(data, ["CPUExecutionProvider"], threads=1)
    feed: dict[str, np.ndarray] = {}
    start = 0
    for inp in session.get_inputs():
        c = inp.shape[1]
        feed[inp.name] = np.ascontiguousarray(x[:, :, start : start + c].transpose(2, 0, 1)[None])
        start += c
    out: np.ndarray = session.run(None, feed)[0][0].transpose(1, 2, 0)
    return out


Builder = Callable[..., bytes]


def card_for(data: bytes, **changes: Any) -> ModelCard:
    """A valid model card for ``data``; ``changes`` override any field."""
    fields: dict[str, Any] = {
        "id": "placeholder",
        "name": "Placeholder",
        "version": "0.0.1",
        "sha256": hashlib.sha256(data).hexdigest(),
        "task": "denoise",
        "scale": 1,
        "architecture": "3x3 conv stack",
        "parameters": 0,
        "flops_per_output_pixel": 0,
        "inputs": [TensorSpec(name="x", channels=3)],
        "outputs": [TensorSpec(name="y", channels=3)],
        "weights_licence": "CC0-1.0",
        "training_data": [
            DataSource(
                name="none",
                origin="generated in tests",
                licence="CC0-1.0",
                author="tests",
                attribution="",
                consent_basis="generated",
                items=0,
            )
        ],
        "contributors": [Contributor(name="tests", share=1.0)],
        "intended_use": "tests",
        "limitations": "random weights",
        "classification": Classification(c2pa_action="c2pa.enhanced"),
    }
    fields.update(changes)
    return ModelCard(**fields)


def checked_with_card(data: bytes, card: ModelCard) -> CheckedModel:
    facts = check_onnx_bytes(data, name="carded.onnx")
    entry = CatalogEntry(Path("/nonexistent/carded.onnx"), facts.sha256, facts.size, card)
    return CheckedModel(entry=entry, data=data, facts=facts)
