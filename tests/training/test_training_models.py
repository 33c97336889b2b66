"""Every shipped model: a valid card that pins its ONNX bytes, opset >= 17, dynamic shapes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from workbench.catalog.card import ModelCard

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
SHIPPED = {  # id: (input channels, output channels, scale, even sizes required)
    "upscale-x2": (3, 3, 2, False),
    "upscale-x4": (3, 3, 4, False),
    "denoise": (4, 3, 1, True),
    "dust": (9, 1, 1, True),
    "deblock": (3, 3, 1, True),
    "denoise-temporal": (20, 3, 1, True),
    "deblock-temporal": (19, 3, 1, True),
}
CROP = Path(__file__).resolve().parent / "data" / "coffee_crop_128.png"


def _card(model_id: str) -> ModelCard:
    return ModelCard.model_validate(
        json.loads((MODELS / f"{model_id}.card.json").read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize("model_id", sorted(SHIPPED))
def test_card_validates_and_pins_the_onnx(model_id: str) -> None:
    card = _card(model_id)
    onnx_bytes = (MODELS / f"{model_id}.onnx").read_bytes()
    assert card.id == model_id
    assert card.sha256 == hashlib.sha256(onnx_bytes).hexdigest()
    assert len(onnx_bytes) <= 2 * 1024 * 1024
    assert card.flops_per_output_pixel > 0 and card.parameters > 0
    assert card.metrics and all(m.protocol for m in card.metrics)
    assert abs(sum(c.share for c in card.contributors if c.role == "data") - 1.0) < 1e-3
    assert card.classification.nature == "assistive"
    assert card.classification.digital_source_type == "algorithmicallyEnhanced"
    expected = "c2pa.resized" if card.task == "upscale" else "c2pa.enhanced"
    assert card.classification.c2pa_action == expected
    assert card.scale == SHIPPED[model_id][2]
    assert card.inputs[0].channels == SHIPPED[model_id][0]
    assert card.outputs[0].channels == SHIPPED[model_id][1]
    for src in card.training_data:
        assert src.licence in {"CC0-1.0", "CC-BY-4.0", "LicenseRef-PublicDomain"}
    if model_id.endswith("-temporal"):
        assert card.temporal_radius == 2 and card.task == model_id.removesuffix("-temporal")
        # every stage of the chain is committed, with the hash the card names
        assert "training/checkpoints/" in (card.training_command or "")


def _session(model_id: str):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    return ort.InferenceSession(
        str(MODELS / f"{model_id}.onnx"), providers=["CPUExecutionProvider"]
    )


@pytest.mark.parametrize("model_id", sorted(SHIPPED))
def test_onnx_opset_and_dynamic_shapes(model_id: str) -> None:
    import onnx

    model = onnx.load(str(MODELS / f"{model_id}.onnx"))
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    assert opset >= 17
    cin, cout, scale, even = SHIPPED[model_id]
    sess = _session(model_id)
    rng = np.random.default_rng(0)
    for h, w in ((32, 48), (70, 34) if even else (37, 51)):
        x = rng.random((1, cin, h, w), dtype=np.float32)
        y = sess.run(None, {"input": x})[0]
        assert y.shape == (1, cout, h * scale, w * scale)
        assert np.isfinite(y).all()


def _y(rgb: np.ndarray) -> np.ndarray:
    return (16.0 + 65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255.0


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / np.mean((a.astype(np.float64) - b) ** 2)))


def test_x2_beats_bicubic_on_a_held_out_crop() -> None:
    import cv2

    hr = cv2.imread(str(CROP), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32) / 255.0
    lr = cv2.resize(hr, (64, 64), interpolation=cv2.INTER_AREA)
    lr = np.round(lr * 255) / 255
    bic = np.clip(cv2.resize(lr, (128, 128), interpolation=cv2.INTER_CUBIC), 0, 1)
    out = _session("upscale-x2").run(None, {"input": lr.transpose(2, 0, 1)[None].copy()})[0]
    sr = np.clip(out[0].transpose(1, 2, 0), 0, 1)
    b = 4
    gain = _psnr(_y(sr)[b:-b, b:-b], _y(hr)[b:-b, b:-b]) - _psnr(
        _y(bic)[b:-b, b:-b], _y(hr)[b:-b, b:-b]
    )
    assert gain > 0.5, gain


def test_denoiser_leaves_a_clean_crop_alone() -> None:
    import cv2

    from workbench.tools.noise_estimate import denoiser_input

    img = cv2.imread(str(CROP), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32) / 255.0
    x = denoiser_input(img).transpose(2, 0, 1)[None].copy()
    out = np.clip(_session("denoise").run(None, {"input": x})[0][0].transpose(1, 2, 0), 0, 1)
    assert _psnr(out, img) > 38.0


def test_temporal_checkpoints_match_their_manifest() -> None:
    manifest = json.loads((ROOT / "training" / "checkpoints" / "manifest.json").read_text())
    names = {c["file"] for c in manifest["checkpoints"]}
    for model_id in ("denoise-temporal", "deblock-temporal"):
        assert any(n.startswith(f"{model_id}.") for n in names), model_id
    for entry in manifest["checkpoints"]:
        path = ROOT / "training" / "checkpoints" / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["file"]
        assert path.stat().st_size < 4 * 1024 * 1024
        parent = entry["parent"]
        if parent.startswith("training/checkpoints/"):
            assert (ROOT / parent).is_file() and parent.split("/")[-1] in names
        else:
            assert (
                hashlib.sha256((ROOT / parent).read_bytes()).hexdigest() == entry["parent_sha256"]
            )


def test_temporal_denoiser_leaves_a_clean_static_crop_alone() -> None:
    import cv2

    from workbench.tools.noise_estimate import estimate_noise_sigma
    from workbench.tools.temporal_align import temporal_input

    img = cv2.imread(str(CROP), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32) / 255.0
    x = temporal_input(img, dict.fromkeys((-2, -1, 1, 2), img), 2, estimate_noise_sigma(img))
    y = _session("denoise-temporal").run(None, {"input": x.transpose(2, 0, 1)[None].copy()})[0]
    assert _psnr(np.clip(y[0].transpose(1, 2, 0), 0, 1), img) > 45.0


def test_every_shipped_onnx_file_has_its_own_card_beside_it() -> None:
    """A variant file (int8) carries a card too: the main card's disclosure with its own
    SHA-256 and figures, exactly as training.quantize writes it."""
    from training.variant_card import variant_card

    from workbench.catalog.catalog import read_card

    for onnx_file in sorted(MODELS.glob("*.onnx")):
        card_path = onnx_file.with_name(onnx_file.name.removesuffix(".onnx") + ".card.json")
        sha = hashlib.sha256(onnx_file.read_bytes()).hexdigest()
        assert read_card(card_path, sha).sha256 == sha, onnx_file.name  # valid, pins the bytes
    for main_path in sorted(MODELS.glob("*.card.json")):
        main = json.loads(main_path.read_text(encoding="utf-8"))
        for entry in main.get("variants") or []:
            own = MODELS / (entry["file"].removesuffix(".onnx") + ".card.json")
            written = json.loads(own.read_text(encoding="utf-8"))
            assert written == variant_card(main, entry)
            assert written["training_data"] == main["training_data"]
            assert written["contributors"] == main["contributors"]
