"""The catalogue: cards, identity by hash, and refusal of hostile or broken ONNX files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
import rfc8785
from onnx import TensorProto, helper, numpy_helper

from workbench.catalog import Catalog, ModelCard, check_onnx_bytes
from workbench.catalog.card import card_json_schema
from workbench.catalog.catalog import load_checked_path
from workbench.cli import main
from workbench.errors import CardError, ModelRejectedError


def conv_model(channels: int = 3, opset: int = 17) -> onnx.ModelProto:
    weight = numpy_helper.from_array(
        np.random.default_rng(0).normal(size=(3, channels, 3, 3)).astype(np.float32), "w"
    )
    node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [weight],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def card_for(data: bytes, **overrides: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "schema": "workbench.model-card/1",
        "id": "test-denoise",
        "name": "Test denoiser",
        "version": "1.0.0",
        "sha256": hashlib.sha256(data).hexdigest(),
        "task": "denoise",
        "scale": 1,
        "architecture": "one 3x3 convolution",
        "parameters": 81,
        "flops_per_output_pixel": 162,
        "inputs": [{"name": "x", "channels": 3}],
        "outputs": [{"name": "y", "channels": 3}],
        "weights_licence": "Apache-2.0",
        "training_data": [
            {
                "name": "generated noise",
                "origin": "numpy default_rng(0)",
                "licence": "CC0-1.0",
                "author": "Workbench developers",
                "attribution": "",
                "consent_basis": "generated",
                "items": 10,
            }
        ],
        "contributors": [{"name": "Workbench developers", "share": 1.0}],
        "intended_use": "tests",
        "limitations": "does nothing useful",
        "classification": {"c2pa_action": "c2pa.enhanced"},
    }
    card.update(overrides)
    return card


def write_model(
    folder: Path, name: str, model: onnx.ModelProto, card: dict[str, Any] | None = None
) -> bytes:
    data = model.SerializeToString()
    (folder / f"{name}.onnx").write_bytes(data)
    if card is not None:
        (folder / f"{name}.card.json").write_text(json.dumps(card))
    return data


def test_disclosed_and_undisclosed_models(tmp_path: Path) -> None:
    data = conv_model().SerializeToString()
    write_model(tmp_path, "good", conv_model(), card_for(data))
    write_model(tmp_path, "nocard", conv_model(channels=1))
    catalog = Catalog([tmp_path])
    good = catalog.find("test-denoise")
    assert good.disclosed and good.sha256 == hashlib.sha256(data).hexdigest()
    assert catalog.find(good.sha256[:10]) == good
    undisclosed = [e for e in catalog.entries() if not e.disclosed]
    assert len(undisclosed) == 1 and undisclosed[0].id.startswith("undisclosed-")
    assert undisclosed[0].problem == "no model card"
    checked = catalog.load_checked("test-denoise")
    assert checked.data == data and checked.sha256 == good.sha256


def test_card_hash_mismatch_makes_model_undisclosed(tmp_path: Path) -> None:
    write_model(tmp_path, "m", conv_model(), card_for(b"other bytes"))
    entry = Catalog([tmp_path]).entries()[0]
    assert not entry.disclosed and "SHA-256" in (entry.problem or "")
    with pytest.raises(CardError, match="SHA-256"):
        load_checked_path(tmp_path / "m.onnx")


def test_invalid_cards_are_explained(tmp_path: Path) -> None:
    data = conv_model().SerializeToString()
    bad_share = card_for(data, contributors=[{"name": "a", "share": 0.5}])
    write_model(tmp_path, "m", conv_model(), bad_share)
    entry = Catalog([tmp_path]).entries()[0]
    assert not entry.disclosed and "sum to 1" in (entry.problem or "")
    (tmp_path / "m.card.json").write_text("{not json")
    Catalog([tmp_path]).entries()  # no exception
    assert "not valid JSON" in (Catalog([tmp_path]).entries()[0].problem or "")


def test_card_schema_is_exported_and_current() -> None:
    shipped = Path(__file__).parents[2] / "src/workbench/catalog/model-card.schema.json"
    assert json.loads(shipped.read_text()) == card_json_schema(), (
        "regenerate with: python -m workbench.catalog.card > src/workbench/catalog/model-card.schema.json"
    )


def test_card_digest_is_stable() -> None:
    card = ModelCard.model_validate(card_for(b"x"))
    assert (
        card.digest()
        == ModelCard.model_validate(json.loads(json.dumps(card.to_json_dict()))).digest()
    )


# -- hostile and broken files ---------------------------------------------------------------
def test_external_data_is_refused(tmp_path: Path) -> None:
    model = conv_model()
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "../../../../etc/passwd"
    with pytest.raises(ModelRejectedError, match="external data"):
        check_onnx_bytes(model.SerializeToString())


def test_custom_domain_is_refused() -> None:
    model = conv_model()
    model.opset_import.append(helper.make_opsetid("com.evil", 1))
    with pytest.raises(ModelRejectedError, match=r"com\.evil"):
        check_onnx_bytes(model.SerializeToString())
    model = conv_model()
    model.graph.node.append(helper.make_node("Exploit", ["y"], ["z"], domain="ai.onnx.contrib"))
    with pytest.raises(ModelRejectedError, match="not allowed"):
        check_onnx_bytes(model.SerializeToString())


def test_custom_domain_hidden_in_subgraph_is_refused() -> None:
    model = conv_model()
    inner = helper.make_graph(
        [helper.make_node("Exploit", [], ["o"], domain="com.evil")],
        "inner",
        [],
        [helper.make_tensor_value_info("o", TensorProto.FLOAT, [1])],
    )
    model.graph.node.append(
        helper.make_node("If", ["c"], ["r"], then_branch=inner, else_branch=inner)
    )
    with pytest.raises(ModelRejectedError, match="not allowed"):
        check_onnx_bytes(model.SerializeToString())


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x08\x07garbage that is not protobuf \xff\xff\xff\xff", "ONNX"),
        (bytes(range(256)) * 40, "ONNX"),
    ],
)
def test_garbage_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ModelRejectedError, match=message):
        check_onnx_bytes(data)


def test_wrong_rank_and_size_cap() -> None:
    from workbench.catalog import ModelLimits

    model = conv_model()
    model.graph.input[0].CopyFrom(
        helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, "h", "w"])
    )
    with pytest.raises(ModelRejectedError, match="rank 3"):
        check_onnx_bytes(model.SerializeToString())
    with pytest.raises(ModelRejectedError, match="larger than"):
        check_onnx_bytes(conv_model().SerializeToString(), limits=ModelLimits(max_bytes=100))


def test_old_opset_is_refused() -> None:
    with pytest.raises(ModelRejectedError, match="opset"):
        check_onnx_bytes(conv_model(opset=9).SerializeToString())


def test_checked_bytes_run_in_onnxruntime(tmp_path: Path) -> None:
    import onnxruntime as ort

    data = write_model(tmp_path, "m", conv_model(), card_for(conv_model().SerializeToString()))
    checked = Catalog([tmp_path]).load_checked("test-denoise")
    assert checked.data == data
    session = ort.InferenceSession(checked.data, providers=["CPUExecutionProvider"])
    out = session.run(None, {"x": np.zeros((1, 3, 8, 8), np.float32)})[0]
    assert out.shape == (1, 3, 8, 8)


def test_models_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = conv_model().SerializeToString()
    write_model(tmp_path, "good", conv_model(), card_for(data))
    monkeypatch.setattr("workbench.catalog.catalog.default_model_dirs", lambda: [tmp_path])
    assert main(["models", "list"]) == 0
    assert "test-denoise" in capsys.readouterr().out
    assert main(["models", "show", "test-denoise"]) == 0
    shown = capsys.readouterr().out
    assert "generated noise" in shown and "CC0-1.0" in shown
    assert main(["models", "verify"]) == 0
    (tmp_path / "evil.onnx").write_bytes(b"not onnx at all")
    assert main(["models", "verify"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "not a readable ONNX file" in out


# -- the facts a tool needs to run the model ------------------------------------------------
def test_run_facts_are_optional_and_leave_an_older_cards_digest_alone() -> None:
    older = card_for(b"x")
    card = ModelCard.model_validate(older)
    assert (card.receptive_radius, card.size_multiple, card.colour_space) == (None, None, None)
    # absent facts stay out of the canonical JSON: the digest the log pinned is the same
    assert card.to_json_dict() == ModelCard.model_validate(older).to_json_dict()
    assert not {"receptive_radius", "size_multiple", "colour_space"} & set(card.to_json_dict())
    assert card.digest() == hashlib.sha256(rfc8785.dumps(card.to_json_dict())).hexdigest()
    stated = ModelCard.model_validate(
        card_for(b"x", receptive_radius=14, size_multiple=16, colour_space="source")
    )
    assert (stated.receptive_radius, stated.size_multiple, stated.colour_space) == (
        14,
        16,
        "source",
    )
    assert stated.digest() != card.digest()  # the facts are disclosed, so the log pins them


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("receptive_radius", -1),
        ("size_multiple", 0),
        ("colour_space", ""),
        ("colour_space", "Cineon Printing Density"),
        ("colour_space", "Rec.2100-PQ - Display"),
        ("task", "Invert!"),
    ],
)
def test_bad_run_facts_are_refused(tmp_path: Path, field: str, value: object) -> None:
    data = write_model(tmp_path, "m", conv_model(), None)
    (tmp_path / "m.card.json").write_text(json.dumps(card_for(data, **{field: value})))
    entry = Catalog([tmp_path]).entries()[0]
    assert not entry.disclosed and field in (entry.problem or "")


def test_a_third_party_task_is_a_valid_card(tmp_path: Path) -> None:
    data = write_model(tmp_path, "m", conv_model(), None)
    (tmp_path / "m.card.json").write_text(json.dumps(card_for(data, task="invert")))
    assert Catalog([tmp_path]).find("test-denoise").card.task == "invert"  # type: ignore[union-attr]


def test_shipped_cards_state_their_run_facts() -> None:
    for entry in Catalog().entries():
        card = entry.card
        assert card is not None, entry.problem
        assert card.receptive_radius is not None and card.size_multiple is not None
        assert card.colour_space == "sRGB Encoded Rec.709 (sRGB)"  # trained on sRGB photographs
