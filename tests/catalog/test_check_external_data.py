"""No tensor anywhere in a model may point at external data: dense or sparse, in any graph.

ONNX Runtime resolves an external tensor's ``location`` against the working directory when a
session is made from bytes, so one such tensor anywhere lets a model file read any file into the
rendered pixels. The reproduction below is the published one (a sparse initializer); the fuzz
test walks the ONNX schema itself, so a TensorProto field added by a future onnx release is
covered without anyone remembering to add it here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from onnx import TensorProto, helper, numpy_helper

from inference.inference_models import card_for
from workbench.catalog import check_onnx_bytes
from workbench.cli import main
from workbench.errors import ModelRejectedError


def base_model() -> onnx.ModelProto:
    """A self-contained model that passes every check."""
    weight = numpy_helper.from_array(np.ones((3, 3, 1, 1), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def make_external(tensor: TensorProto, *, location: bool = True, entries: bool = True) -> None:
    tensor.name = tensor.name or "hostile"
    tensor.ClearField("float_data")
    tensor.ClearField("raw_data")
    if location:
        tensor.data_location = TensorProto.EXTERNAL
    if entries:
        for key, value in (("location", "secret.bin"), ("offset", "0"), ("length", "8")):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value


def sparse_model(external: str = "values") -> onnx.ModelProto:
    """The published attack: a sparse initializer whose values live in ``secret.bin``."""
    values = helper.make_tensor("w_values", TensorProto.FLOAT, [2], [0.0, 0.0])
    indices = helper.make_tensor("w_indices", TensorProto.INT64, [2], [0, 2])
    make_external(values if external == "values" else indices)
    sparse = helper.make_sparse_tensor(values, indices, [1, 3, 1, 1])
    sparse.values.name = "w"
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "h", "w"])],
        sparse_initializer=[sparse],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


# -- the reproduction -------------------------------------------------------------------------
@pytest.mark.parametrize("external", ["values", "indices"])
def test_sparse_initializer_with_external_data_is_refused(external: str) -> None:
    data = sparse_model(external).SerializeToString()
    with pytest.raises(ModelRejectedError, match="external data") as caught:
        check_onnx_bytes(data, name="sparse.onnx")
    assert f"graph.sparse_initializer[0].{external}" in caught.value.message


def test_models_verify_refuses_a_sparse_external_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    data = sparse_model().SerializeToString()
    (folder / "sparse.onnx").write_bytes(data)
    (folder / "sparse.card.json").write_text(json.dumps(card_for(data, id="sparse").to_json_dict()))
    monkeypatch.chdir(tmp_path)  # where ONNX Runtime would look for secret.bin
    np.array([7.0, 8.0], np.float32).tofile(tmp_path / "secret.bin")
    monkeypatch.setenv("WORKBENCH_MODELS_PATH", str(folder))
    assert main(["models", "verify", "sparse"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  sparse" in out and "external data" in out


def test_sparse_constant_attribute_in_a_subgraph_is_refused() -> None:
    model = base_model()
    values = helper.make_tensor("v", TensorProto.FLOAT, [1], [0.0])
    make_external(values)
    sparse = helper.make_sparse_tensor(
        values, helper.make_tensor("i", TensorProto.INT64, [1], [0]), [3]
    )
    inner = helper.make_graph(
        [helper.make_node("Constant", [], ["o"], sparse_value=sparse)],
        "inner",
        [],
        [helper.make_tensor_value_info("o", TensorProto.FLOAT, [3])],
    )
    model.graph.node.append(
        helper.make_node("If", ["c"], ["r"], then_branch=inner, else_branch=inner)
    )
    with pytest.raises(ModelRejectedError, match="external data"):
        check_onnx_bytes(model.SerializeToString())


def test_a_self_contained_sparse_initializer_is_still_accepted() -> None:
    values = helper.make_tensor("w_values", TensorProto.FLOAT, [2], [1.0, 2.0])
    indices = helper.make_tensor("w_indices", TensorProto.INT64, [2], [0, 2])
    sparse = helper.make_sparse_tensor(values, indices, [1, 3, 1, 1])
    sparse.values.name = "w"
    model = sparse_model()
    model.graph.ClearField("sparse_initializer")
    model.graph.sparse_initializer.append(sparse)
    facts = check_onnx_bytes(model.SerializeToString())
    assert [name for name, _ in facts.inputs] == ["x"]


# -- every place a TensorProto can sit, from the schema ---------------------------------------
Path_ = tuple[FieldDescriptor, ...]


def _repeated(field: FieldDescriptor) -> bool:
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return bool(flag)
    return bool(field.label == FieldDescriptor.LABEL_REPEATED)  # protobuf < 5.28


def tensor_paths(descriptor: Descriptor, trail: Path_ = (), visits: int = 2) -> Iterator[Path_]:
    """Every chain of message fields from ``descriptor`` to a TensorProto field.

    Each message type may appear ``visits`` times on a chain, so a graph inside a node attribute
    of a graph (an If/Loop/Scan body) is walked too, and the recursion ends.
    """
    for field in descriptor.fields:
        if field.type != FieldDescriptor.TYPE_MESSAGE:
            continue
        target = field.message_type
        if target.full_name == TensorProto.DESCRIPTOR.full_name:
            yield (*trail, field)
            continue
        seen = sum(1 for f in trail if f.message_type is target) + (descriptor is target)
        if seen < visits:
            yield from tensor_paths(target, (*trail, field), visits)


def plant(model: onnx.ModelProto, path: Path_) -> TensorProto:
    """Create the chain of messages ``path`` names inside ``model``; the tensor at its end."""
    message: Any = model
    for field in path:
        holder = getattr(message, field.name)
        message = holder.add() if _repeated(field) else holder
    tensor: TensorProto = message
    return tensor


def _label(path: Path_) -> str:
    return ".".join(f.name for f in path)


PATHS = sorted(tensor_paths(onnx.ModelProto.DESCRIPTOR), key=_label)


def test_the_schema_walk_finds_the_known_places() -> None:
    labels = {_label(p) for p in PATHS}
    for known in (
        "graph.initializer",
        "graph.sparse_initializer.values",
        "graph.sparse_initializer.indices",
        "graph.node.attribute.t",
        "graph.node.attribute.tensors",
        "graph.node.attribute.sparse_tensor.values",
        "graph.node.attribute.sparse_tensors.indices",
        "graph.node.attribute.g.sparse_initializer.values",
        "graph.node.attribute.graphs.node.attribute.t",
        "training_info.initialization.initializer",
        "training_info.algorithm.sparse_initializer.values",
        "functions.node.attribute.t",
    ):
        assert known in labels, known


@pytest.mark.parametrize("how", ["location and entries", "location only", "entries only"])
def test_an_external_tensor_anywhere_in_the_schema_is_refused(how: str) -> None:
    assert check_onnx_bytes(base_model().SerializeToString()).node_count == 1
    passed: list[str] = []
    for path in PATHS:
        model = base_model()
        make_external(
            plant(model, path), location=how != "entries only", entries=how != "location only"
        )
        try:
            check_onnx_bytes(model.SerializeToString())
        except ModelRejectedError as exc:
            assert "external data" in exc.message, (_label(path), exc.message)
        else:
            passed.append(_label(path))
    assert passed == []
