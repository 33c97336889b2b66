"""A model's output must be a picture, through the tools' run path and through a render.

Before, a NaN model rendered black frames (logged and signed as a normal denoise) and Inf or
1e30 clipped silently; now the tool run refuses, naming the model and the frame, and a render
fails with that error and registers nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from support import project_with
from workbench.catalog import Catalog
from workbench.cli import main
from workbench.errors import ModelError
from workbench.inference import ModelInterfaceError, ModelOutputError, clear_cache, get_engine
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.tools.base import FrameWindow, apply_tool, apply_tool_by_field
from workbench.tools.registry import get_tool


# -- tiny hostile models and a clip ----------------------------------------------------------
def constant_model(
    value: float,
    cin: int = 4,
    cout: int = 3,
    in_shape: Sequence[int | str] | None = None,
) -> bytes:
    """``y = 0 · x + value``: every output pixel is ``value`` (NaN, Inf, 1e30, or a fine 0.5)."""
    weight = numpy_helper.from_array(np.zeros((cout, cin, 1, 1), np.float32), "w")
    bias = numpy_helper.from_array(np.full(cout, value, np.float32), "b")
    shape: list[int | str] = list(in_shape) if in_shape is not None else ["N", cin, "H", "W"]
    out_shape: list[int | str] = (
        ["N", cout, "H", "W"] if in_shape is None else [shape[0], cout, shape[2], shape[3]]
    )
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"])],
        "constant",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
        [weight, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def card(
    data: bytes, model_id: str, *, cin: int = 4, cout: int = 3, task: str = "denoise"
) -> dict[str, Any]:
    """A valid card for ``data`` whose task is right for the tool."""
    return {
        "schema": "workbench.model-card/1",
        "id": model_id,
        "name": model_id,
        "version": "1.0.0",
        "sha256": hashlib.sha256(data).hexdigest(),
        "task": task,
        "scale": 1,
        "architecture": "one 1x1 convolution",
        "parameters": cin * cout + cout,
        "flops_per_output_pixel": 2 * cin * cout,
        "inputs": [{"name": "x", "channels": cin}],
        "outputs": [{"name": "y", "channels": cout}],
        "weights_licence": "CC0-1.0",
        "training_data": [
            {
                "name": "none",
                "origin": "written by hand in tests",
                "licence": "CC0-1.0",
                "author": "tests",
                "attribution": "",
                "consent_basis": "generated",
                "items": 0,
            }
        ],
        "contributors": [{"name": "tests", "share": 1.0}],
        "intended_use": "tests",
        "limitations": "hostile on purpose",
        "classification": {"c2pa_action": "c2pa.enhanced"},
    }


def write_model(folder: Path, model_id: str, data: bytes, **card_args: Any) -> tuple[Path, Path]:
    """``<id>.onnx`` and its card in ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    onnx_path = folder / f"{model_id}.onnx"
    onnx_path.write_bytes(data)
    card_path = folder / f"{model_id}.card.json"
    card_path.write_text(json.dumps(card(data, model_id, **card_args)))
    return onnx_path, card_path


def make_clip(path: Path, frames: int = 6) -> Path:
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x48:rate=24",
            "-frames:v",
            str(frames),
            "-c:v",
            "ffv1",
            str(path),
        ],
        check=True,
    )
    return path


BAD = [(float("nan"), "NaN"), (float("inf"), "infinite"), (1e30, "magnitude 1e+30")]


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    for name, value in (("nan", float("nan")), ("inf", float("inf")), ("huge", 1e30)):
        write_model(folder, f"denoise-{name}", constant_model(value))
        write_model(folder, f"deblock-{name}", constant_model(value, cin=3), cin=3, task="deblock")
    write_model(folder, "denoise-fine", constant_model(0.5))
    write_model(folder, "denoise-grey", constant_model(0.5, cout=1), cout=1)
    monkeypatch.setenv("WORKBENCH_MODELS_PATH", str(folder))
    clear_cache()
    return folder


def _frames(count: int = 3) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(5)
    return {i: rng.random((48, 64, 3), dtype=np.float32) for i in range(count)}


@pytest.mark.parametrize("tool_id", ["denoise", "deblock"])
@pytest.mark.parametrize("value, problem", BAD, ids=["nan", "inf", "1e30"])
def test_the_tool_run_refuses_no_picture_naming_model_and_frame(
    models: Path, tool_id: str, value: float, problem: str
) -> None:
    name = {float("inf"): "inf", 1e30: "huge"}.get(value, "nan")
    tool = get_tool(tool_id)
    params = tool.resolve({"level": 10} if tool_id == "denoise" else {})
    engine = get_engine(Catalog().load_checked(f"{tool_id}-{name}"))
    window = FrameWindow(7, {7: _frames()[0]})
    with pytest.raises(ModelOutputError, match=re.escape(problem)) as caught:
        apply_tool(tool, window, params, engine, Progress())
    error = caught.value
    assert isinstance(error, ModelError) and error.exit_code == 6
    assert (error.model, error.frame) == (f"{tool_id}-{name}", 7)
    assert f"model {tool_id}-{name} gave" in error.message and "on frame 7" in error.message


def test_interlaced_runs_name_the_frame_too(models: Path) -> None:
    tool = get_tool("deblock")
    engine = get_engine(Catalog().load_checked("deblock-nan"))
    with pytest.raises(ModelOutputError, match="on frame 2"):
        apply_tool_by_field(tool, FrameWindow(2, _frames()), {"strength": 0.5}, engine, Progress())


def test_a_finite_model_still_runs(models: Path) -> None:
    tool = get_tool("denoise")
    engine = get_engine(Catalog().load_checked("denoise-fine"))
    out = apply_tool(
        tool, FrameWindow(0, {0: _frames()[0]}), tool.resolve({"level": 10}), engine, Progress()
    )
    assert np.allclose(out, 0.5)


def test_a_model_giving_the_wrong_channels_is_a_model_error_at_run(models: Path) -> None:
    tool = get_tool("denoise")
    engine = get_engine(Catalog().load_checked("denoise-grey"))
    params = tool.resolve({"level": 10})
    for strength in (1.0, 0.5):  # at 0.5 the blend used to broadcast one channel over three
        with pytest.raises(ModelInterfaceError, match=r"48×64×1 result for frame 0"):
            apply_tool(
                tool,
                FrameWindow(0, {0: _frames()[0]}),
                {**params, "strength": strength},
                engine,
                Progress(),
            )


def test_a_render_with_a_nan_model_fails_and_registers_nothing(
    models: Path, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mkv")
    project = project_with(
        tmp_path,
        clip,
        ["--tool", "denoise", "--model", "denoise-nan", "--param", "level=10", "--frames", "2-4"],
    )
    output = tmp_path / "out.mkv"
    with pytest.raises(ModelOutputError) as caught:
        run_render(RenderRequest(project, 1, output))
    error = caught.value
    assert (error.model, error.frame) == ("denoise-nan", 2)
    assert error.exit_code == 6
    assert not output.exists()
    assert not list(tmp_path.glob("out*"))
    with Project.open(project, readonly=True) as opened:
        assert opened.renders() == []
        assert [e["schema"] for e in opened.log.entries()][-1] != "workbench.render/1"
        assert opened.verify().ok


# -- through the command line: apply refuses what render could not run ------------------------
def _cli_project(tmp_path: Path) -> Path:
    clip = make_clip(tmp_path / "clip.mkv")
    project = tmp_path / "cli.wbproj"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(clip)]) == 0
    return project


def _import(tmp_path: Path, model_id: str, data: bytes, **card_args: Any) -> None:
    onnx_path, card_path = write_model(tmp_path / "incoming", model_id, data, **card_args)
    assert main(["models", "import", str(onnx_path), "--card", str(card_path)]) == 0


def _edits(project: Path) -> int:
    with Project.open(project, readonly=True) as opened:
        return len(opened.edits())


@pytest.mark.parametrize(
    "data, words",
    [
        (constant_model(0.5, in_shape=[1, 4, 100_000, 100_000]), "larger than 2048×2048"),
        (constant_model(0.5, cin=3), "takes 3 input channels; the denoise tool stacks 4"),
    ],
    ids=["huge-fixed-input", "three-channels-in"],
)
def test_apply_refuses_a_model_the_tool_cannot_run_with_exit_6(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, words: str
) -> None:
    project = _cli_project(tmp_path)
    cin = 3 if "three" in words else 4
    _import(tmp_path, "denoise-odd", data, cin=cin)
    capsys.readouterr()
    code = main(["apply", str(project), "1", "--tool", "denoise", "--model", "denoise-odd"])
    err = capsys.readouterr().err
    assert code == 6, err
    assert "model denoise-odd" in err and words in err
    assert _edits(project) == 0


@pytest.mark.parametrize(
    "model_id, data, card_args, applied, rendered",
    [
        (
            "denoise-grey",
            constant_model(0.5, cout=1),
            {"cout": 1},
            "gives 1 output channels; the denoise tool reads back 3",
            "48×64×1 result for frame 0",
        ),
        (
            "denoise-vast",
            constant_model(0.5, in_shape=[1, 4, 100_000, 100_000]),
            {},
            "tiles larger than 2048×2048 are refused",
            "tiles larger than 2048×2048 are refused",
        ),
    ],
    ids=["wrong-channels", "huge-fixed-input"],
)
def test_render_of_an_already_applied_edit_is_a_model_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    model_id: str,
    data: bytes,
    card_args: dict[str, Any],
    applied: str,
    rendered: str,
) -> None:
    project = _cli_project(tmp_path)
    _import(tmp_path, model_id, data, **card_args)
    apply = [
        "apply",
        str(project),
        "1",
        "--tool",
        "denoise",
        "--model",
        model_id,
        "--param",
        "level=10",
    ]
    capsys.readouterr()
    assert main(apply) == 6
    assert applied in capsys.readouterr().err
    # An edit applied before the check existed: the render must still say it is the model
    # (it said "expected an H×W×3 frame" with exit 9, or crashed with exit 70).
    import workbench.editing.edits as edits

    with monkeypatch.context() as patched:
        patched.setattr(edits, "check_model_for_tool", lambda *a, **k: None)
        patched.setattr(edits, "execution_backend", lambda *a, **k: ("CPUExecutionProvider", None))
        assert main(apply) == 0
    output = tmp_path / "out.mkv"
    capsys.readouterr()
    code = main(["render", str(project), "1", "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 6, err
    assert f"model {model_id}" in err and rendered in err
    assert not output.exists()
    with Project.open(project, readonly=True) as opened:
        assert opened.renders() == []
