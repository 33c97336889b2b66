"""The check's refusals read right: each domain named once, sizes in one unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from workbench.catalog import ModelLimits, check_onnx_bytes
from workbench.catalog.catalog import load_checked_path
from workbench.catalog.check import allowed_domains_text, format_size
from workbench.errors import ModelRejectedError


def _model_bytes(extra_domain: str | None = None, node_domain: str = "") -> bytes:
    weight = numpy_helper.from_array(np.ones((3, 3, 1, 1), np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"])]
    if node_domain:
        nodes.append(helper.make_node("Exploit", ["y"], ["z"], domain=node_domain))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [weight],
    )
    imports = [helper.make_opsetid("", 17)]
    if extra_domain:
        imports.append(helper.make_opsetid(extra_domain, 1))
    return bytes(helper.make_model(graph, opset_imports=imports).SerializeToString())


def test_the_default_domain_is_listed_once() -> None:
    with pytest.raises(ModelRejectedError) as caught:
        check_onnx_bytes(_model_bytes("com.evil"))
    assert caught.value.message.endswith("(allowed: ai.onnx)")
    with pytest.raises(ModelRejectedError) as caught:
        check_onnx_bytes(_model_bytes(node_domain="com.evil"))
    assert "(allowed: ai.onnx)" in caught.value.message


def test_allowed_domains_read_default_first_then_sorted() -> None:
    domains = frozenset({"", "ai.onnx", "com.microsoft", "ai.onnx.ml"})
    assert allowed_domains_text(domains) == "ai.onnx, ai.onnx.ml, com.microsoft"


def test_sizes_share_one_unit() -> None:
    assert format_size(64 * 1024 * 1024) == "64 MiB"
    assert format_size(70 * 1024 * 1024 + 300_000) == "70.3 MiB"
    assert format_size(2048) == "2 KiB"
    assert format_size(100) == "100 bytes"
    data = _model_bytes()
    with pytest.raises(ModelRejectedError) as caught:
        check_onnx_bytes(data, limits=ModelLimits(max_bytes=100))
    assert caught.value.message == (
        f"model: the file is {len(data)} bytes; models larger than 100 bytes are refused"
    )


def test_the_size_cap_message_on_disk_says_mib_for_both(tmp_path: Path) -> None:
    big = tmp_path / "big.onnx"
    with big.open("wb") as handle:
        handle.truncate(70 * 1024 * 1024 + 300_000)  # sparse: nothing is written
    with pytest.raises(ModelRejectedError) as caught:
        load_checked_path(big)
    assert caught.value.message == (
        "big.onnx: the file is 70.3 MiB; models larger than 64 MiB are refused"
    )
    just_over = tmp_path / "over.onnx"
    with just_over.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)
    with pytest.raises(ModelRejectedError) as caught:
        load_checked_path(just_over)
    assert caught.value.message == (
        "over.onnx: the file is 67,108,865 bytes; models larger than 67,108,864 bytes are refused"
    )
