"""Backends: which provider and which file of a model run it here, chosen by a remembered
measurement, opened from checked bytes, and OpenVINO's runtime behind the same interface."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from workbench.catalog import Catalog
from workbench.catalog.catalog import CheckedModel
from workbench.errors import CardError, UsageError
from workbench.inference import (
    OPENVINO,
    Backend,
    SessionOptions,
    check_provider,
    choose_backend,
    open_backend,
    openvino_available,
    run_image,
)
from workbench.inference import profile as backend_profile
from workbench.inference.backends import candidates, decide

CPU = "CPUExecutionProvider"
needs_openvino = pytest.mark.skipif(not openvino_available(), reason="openvino not installed")


def _model(model_id: str = "deblock") -> CheckedModel:
    return Catalog().load_checked(model_id)


def test_decide_takes_a_variant_only_when_clearly_faster_and_openvino_beyond_1_2x() -> None:
    cpu, cpu8 = Backend(CPU), Backend(CPU, "int8")
    ov, ov8 = Backend(OPENVINO), Backend(OPENVINO, "int8")
    options = [cpu, cpu8, ov, ov8]

    def pick(times: dict[Backend, float]) -> Backend:
        return decide({b.label: t for b, t in times.items()}, options)

    assert pick({cpu: 1.0, cpu8: 0.95, ov: 1.0, ov8: 0.9}) == cpu  # nothing wins clearly
    assert pick({cpu: 1.0, cpu8: 0.5, ov: 1.0, ov8: 0.45}) == cpu8  # OV only 1.11x at int8
    assert pick({cpu: 1.0, cpu8: 0.5, ov: 1.0, ov8: 0.4}) == ov8  # OV 1.25x at int8
    assert pick({cpu: 1.0, cpu8: 0.99, ov: 0.8, ov8: 0.79}) == ov  # OV 1.25x, int8 no gain
    assert decide({cpu.label: 1.0}, options) == cpu  # unmeasured backends are not chosen


def test_candidates_follow_the_settings() -> None:
    model = _model()
    auto = SessionOptions()
    found = candidates(model, auto)
    assert Backend(CPU) in found
    card = model.card
    assert card is not None and card.variants, "the shipped deblocker has an int8 variant"
    if card.variants[0].eligible:
        assert Backend(CPU, "int8") in found
    # the card's figures are ONNX Runtime's: OpenVINO runs a variant only when one is named
    assert Backend(OPENVINO, "int8") not in found
    assert candidates(model, replace(auto, precision="full")) == [Backend(CPU)] + (
        [Backend(OPENVINO)] if openvino_available() else []
    )
    assert candidates(model, replace(auto, provider=CPU, precision="int8")) == [
        Backend(CPU, "int8")
    ]
    only_cpu = replace(auto, providers=(CPU,), precision="full")
    assert candidates(model, only_cpu) == [Backend(CPU)]


def test_without_a_profile_and_no_measuring_the_main_file_runs_on_onnx_runtime() -> None:
    assert choose_backend(_model(), SessionOptions()) == Backend(CPU)


def test_a_remembered_profile_decides(tmp_path: Path) -> None:
    model = _model()
    tile = backend_profile.measure_side(SessionOptions())
    seconds = {"CPUExecutionProvider/main": 1.0, "CPUExecutionProvider/int8": 0.5}
    if openvino_available():
        seconds |= {f"{OPENVINO}/main": 0.9, f"{OPENVINO}/int8": 0.3}
    backend_profile.remember(model, tile, seconds)
    chosen = choose_backend(model, replace(SessionOptions(), precision="int8"))
    assert chosen == Backend(OPENVINO if openvino_available() else CPU, "int8")
    # another machine's profile is not trusted
    path = backend_profile.profile_path()
    data = json.loads(path.read_text())
    for entry in data.values():
        entry["machine"] = "another machine"
    path.write_text(json.dumps(data))
    assert backend_profile.remembered(model, tile) == {}


def test_measuring_remembers_every_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_MEASURE_BACKENDS")
    model = _model()
    # the main and the int8 file (and OpenVINO's where installed): more than one to measure
    options = SessionOptions(tile_size=64, min_tile_size=64, overlap=8, precision="auto")
    chosen = choose_backend(model, options)
    seconds = backend_profile.remembered(model, 64)
    labels = {b.label for b in candidates(model, options)}
    assert labels == set(seconds) and all(t > 0 for t in seconds.values())
    assert chosen.label in labels
    assert choose_backend(model, options) == chosen  # remembered: the same choice again


def test_a_provider_that_is_not_here_is_refused_by_name() -> None:
    with pytest.raises(UsageError, match="not available here") as caught:
        check_provider("directml")
    assert "CPUExecutionProvider" in str(caught.value)
    assert check_provider("cpu") == CPU


def test_a_variant_is_opened_from_its_checked_bytes(tmp_path: Path) -> None:
    model = _model()
    engine = open_backend(model, Backend(CPU, "int8"))
    assert engine.variant == "int8" and engine.provider == CPU
    card = model.card
    assert card is not None and engine.sha256 == card.variant("int8").sha256  # type: ignore[union-attr]
    main = open_backend(model, Backend(CPU))
    assert main.variant is None and main.sha256 == card.sha256


def test_a_changed_variant_file_is_refused(tmp_path: Path) -> None:
    models = Path(__file__).resolve().parents[2] / "models"
    for name in ("deblock.onnx", "deblock.card.json", "deblock.int8.onnx"):
        (tmp_path / name).write_bytes((models / name).read_bytes())
    catalog = Catalog([tmp_path])
    assert [e.id for e in catalog.entries()] == ["deblock"]  # the variant is no model of its own
    data = bytearray((tmp_path / "deblock.int8.onnx").read_bytes())
    data[-1] ^= 1
    (tmp_path / "deblock.int8.onnx").write_bytes(bytes(data))
    with pytest.raises(CardError, match="not the file the card of deblock pins"):
        catalog.load_checked("deblock", variant="int8")
    with pytest.raises(Exception, match="has no fp16 variant"):
        catalog.load_checked("deblock", variant="fp16")


@needs_openvino
def test_openvino_runs_the_model_through_the_same_tiler() -> None:
    model = _model("denoise")
    options = SessionOptions(tile_size=96, min_tile_size=64)
    ort = open_backend(model, Backend(CPU), options)
    ov = open_backend(model, Backend(OPENVINO), options)
    assert ov.provider == OPENVINO and ort.provider == CPU
    rng = np.random.default_rng(0)
    frame = np.concatenate(
        [rng.random((70, 130, 3), dtype=np.float32), np.full((70, 130, 1), 0.05, np.float32)], 2
    )
    a = run_image(ort, frame, align=2, receptive_radius=14)
    b = run_image(ov, frame, align=2, receptive_radius=14)
    assert a.shape == b.shape == (70, 130, 3)
    # float32 in both: the last bits differ, nothing more
    assert float(np.abs(a - b).max()) < 1e-4


def test_models_bench_times_and_remembers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.cli import main

    monkeypatch.delenv("WORKBENCH_MEASURE_BACKENDS")
    assert main(["models", "bench", "deblock", "--tile", "64"]) == 0
    out = capsys.readouterr().out
    assert "CPUExecutionProvider/main" in out and "<- runs it here" in out
    assert backend_profile.remembered(_model(), 64)
    assert main(["models", "bench", "deblock", "--provider", "coreml"]) == 2
    assert "not available here" in capsys.readouterr().err


def test_models_verify_checks_each_variant(capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli import main

    assert main(["models", "verify", "deblock"]) == 0
    assert "ok    deblock (int8): card matches" in capsys.readouterr().out


def test_a_card_whose_variant_is_not_its_own_file_is_invalid() -> None:
    from pydantic import ValidationError

    from workbench.catalog import ModelCard

    models = Path(__file__).resolve().parents[2] / "models"
    body = json.loads((models / "dust.card.json").read_text())
    ModelCard.model_validate(body)
    with pytest.raises(ValidationError, match=r"must be the file studio-dust\.int8\.onnx"):
        ModelCard.model_validate({**body, "id": "studio-dust"})
    twice = {**body, "variants": body["variants"] * 2}
    with pytest.raises(ValidationError, match="two variants share a name"):
        ModelCard.model_validate(twice)
    assert ModelCard.model_validate(body).variant("int8").eligible is False  # type: ignore[union-attr]
