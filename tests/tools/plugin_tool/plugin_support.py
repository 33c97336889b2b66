"""Installing a third-party distribution for one test: a ``*.dist-info`` folder on ``sys.path``.

``importlib.metadata`` finds a distribution by its ``<name>-<version>.dist-info`` folder on
``sys.path``; its ``entry_points.txt`` declares the tools and exporters. The registries are reset
so they look again, and everything is put back when the test ends.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

PLUGIN_DIR = Path(__file__).resolve().parent
EntryPoints = Mapping[str, Mapping[str, str]]  # group -> name -> "module:attr"


def write_distribution(site: Path, name: str, version: str, entry_points: EntryPoints) -> Path:
    """A minimal installed distribution: METADATA and entry_points.txt."""
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines: list[str] = []
    for group, points in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in points.items()]
        lines.append("")
    (dist_info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return dist_info


def activate(
    monkeypatch: pytest.MonkeyPatch, *folders: Path, modules: tuple[str, ...] = ()
) -> None:
    """Put ``folders`` first on ``sys.path`` and make both registries look again.

    ``modules`` are dropped from ``sys.modules`` now and when the test ends, so a plugin module
    of the same name written by another test is imported afresh.
    """
    from workbench.disclosure import exporters
    from workbench.tools import registry

    for folder in reversed(folders):
        monkeypatch.syspath_prepend(str(folder))  # also invalidates importlib's caches
    for name in modules:
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.invalidate_caches()
    # monkeypatch puts the cached registries back afterwards: the plugins vanish with the test
    monkeypatch.setattr(registry, "_tools", None)
    monkeypatch.setattr(exporters, "REGISTRY", dict(exporters.REGISTRY))
    monkeypatch.setattr(exporters, "_plugins", {})
    monkeypatch.setattr(exporters, "_plugins_loaded", False)


def install_invert_tool(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    """The example ``invert`` tool (``wb_invert_tool.py``) as the distribution wb-invert-tool."""
    write_distribution(
        site, "wb-invert-tool", "1.0", {"workbench.tools": {"invert": "wb_invert_tool:Invert"}}
    )
    activate(monkeypatch, site, PLUGIN_DIR, modules=("wb_invert_tool",))


# -- the example tool's model ----------------------------------------------------------------
def invert_model() -> bytes:
    """``y = 1 - x`` on an N×3×H×W image: one ONNX node."""
    one = numpy_helper.from_array(np.ones((1,), np.float32), "one")
    graph = helper.make_graph(
        [helper.make_node("Sub", ["one", "x"], ["y"])],
        "invert",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [one],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def invert_card(data: bytes, **changes: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "schema": "workbench.model-card/1",
        "id": "invert",
        "name": "Example inverter",
        "version": "1.0.0",
        "sha256": hashlib.sha256(data).hexdigest(),
        "task": "invert",
        "scale": 1,
        "receptive_radius": 0,
        "size_multiple": 1,
        "colour_space": "source",
        "architecture": "one Sub node: 1 - x",
        "parameters": 1,
        "flops_per_output_pixel": 3,
        "inputs": [{"name": "x", "channels": 3}],
        "outputs": [{"name": "y", "channels": 3}],
        "weights_licence": "CC0-1.0",
        "training_data": [
            {
                "name": "none",
                "origin": "not trained: the weight is the constant 1",
                "licence": "CC0-1.0",
                "author": "the plugin's authors",
                "attribution": "",
                "consent_basis": "generated",
                "items": 0,
            }
        ],
        "contributors": [{"name": "the plugin's authors", "role": "code", "share": 0.0}],
        "intended_use": "showing how a third-party tool is added",
        "limitations": "inverts code values; nothing else",
        "classification": {"c2pa_action": "c2pa.color_adjustments"},
    }
    card.update(changes)
    return card


def write_invert_model(folder: Path, **card_changes: Any) -> Path:
    """``invert.onnx`` and ``invert.card.json`` in ``folder`` (a plugin's package data)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = invert_model()
    onnx_path = folder / "invert.onnx"
    onnx_path.write_bytes(data)
    card = invert_card(data, **card_changes)
    (folder / "invert.card.json").write_text(json.dumps(card, indent=2), encoding="utf-8")
    return onnx_path
