from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest

from inference.inference_models import checked, conv_net, frame
from workbench.errors import WorkbenchError
from workbench.inference import (
    InferenceError,
    SessionOptions,
    create_session,
    get_engine,
    get_session,
    onnxruntime_version,
    run_image,
)


def test_one_cached_session_per_model() -> None:
    model = checked(conv_net(seed=1))
    first = get_engine(model)
    second = get_engine(checked(conv_net(seed=1)), SessionOptions(tile_size=128))
    assert second.session is first.session
    assert get_session(model) is first.session
    assert second.options.tile_size == 128 and first.options.tile_size == 2048
    other = get_engine(checked(conv_net(seed=2)))
    assert other.session is not first.session
    threads = get_engine(model, SessionOptions(intra_op_threads=1))
    assert threads.session is not first.session


def test_sessions_are_made_from_the_checked_bytes_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = onnxruntime.InferenceSession
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(onnxruntime, "InferenceSession", recording)
    model = checked(conv_net(seed=3))
    engine = get_engine(model)
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert args[0] == model.data and isinstance(args[0], bytes)
    for value in [*args, *kwargs.values()]:
        assert not isinstance(value, str | Path)
    assert kwargs["providers"][-1] == "CPUExecutionProvider"
    assert run_image(engine, frame(8, 8)).shape == (8, 8, 3)
    assert len(calls) == 1


def test_a_path_is_refused() -> None:
    with pytest.raises(TypeError):
        create_session("model.onnx", ["CPUExecutionProvider"])  # type: ignore[arg-type]


def test_provider_and_version_are_recorded() -> None:
    engine = get_engine(checked(conv_net()))
    assert engine.provider == "CPUExecutionProvider"
    assert engine.providers[-1] == "CPUExecutionProvider"
    assert engine.onnxruntime_version == onnxruntime_version() == onnxruntime.__version__
    assert engine.sha256 == checked(conv_net()).sha256


def test_unrunnable_bytes_are_a_clear_error() -> None:
    with pytest.raises(InferenceError) as info:
        create_session(b"\x08\x07garbage", ["CPUExecutionProvider"])
    assert isinstance(info.value, WorkbenchError) and info.value.exit_code == 6


def test_options_validate_and_read_settings() -> None:
    with pytest.raises(InferenceError):
        SessionOptions(tile_size=32)
    with pytest.raises(InferenceError):
        SessionOptions(overlap=8, feather=9)
    options = SessionOptions.from_settings(
        {"inference": {"providers": ["cpu"], "tile_size": 256, "intra_op_threads": 2}}
    )
    assert options == SessionOptions(providers=("cpu",), tile_size=256, intra_op_threads=2)
    assert SessionOptions.from_settings({"inference": {"tile_size": 3}}) == SessionOptions()
    assert SessionOptions.from_settings({}) == SessionOptions()


def test_engine_reports_contract() -> None:
    engine = get_engine(checked(conv_net(cin=9, cout=4)))
    assert engine.input_names == ("x",)
    assert engine.input_channels == (9,)
    assert engine.output_channels() == (4,)
    assert engine.scale() == 1
    out = run_image(engine, np.zeros((20, 30, 9), np.float32))
    assert out.shape == (20, 30, 4)
