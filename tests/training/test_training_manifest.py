"""The training manifest: every source named, licensed acceptably, hashed, and split."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "training" / "data" / "manifest.json"
ALLOWED = {"CC0-1.0", "CC-BY-4.0", "LicenseRef-PublicDomain"}
BASES = {"public-domain", "cc0", "cc-by", "generated"}


def _items() -> list[dict[str, object]]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert data["schema"] == "workbench.training-manifest/1"
    return list(data["items"])


def test_every_item_is_named_licensed_and_hashed() -> None:
    items = _items()
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert item["licence"] in ALLOWED, item["id"]
        assert item["consent_basis"] in BASES, item["id"]
        assert str(item["author"]).strip(), item["id"]
        assert str(item["attribution"]).strip(), item["id"]
        assert item["split"] in ("train", "heldout"), item["id"]
        if item["kind"] == "generated":
            assert isinstance(item["seed"], int) and item["generator"]
        else:
            assert re.fullmatch(r"[0-9a-f]{64}", str(item["sha256"])), item["id"]
            assert item["package"] and item["path"] and item["licence_evidence"]


def test_licence_matches_consent_basis() -> None:
    for item in _items():
        basis = {
            "CC-BY-4.0": {"cc-by"},
            "CC0-1.0": {"cc0", "generated"},
            "LicenseRef-PublicDomain": {"public-domain"},
        }[str(item["licence"])]
        assert item["consent_basis"] in basis, item["id"]
        if item["consent_basis"] == "cc-by":
            assert str(item["author"]) in str(item["attribution"]), item["id"]


def test_no_copyleft_and_a_held_out_split() -> None:
    items = _items()
    assert not any("SA" in str(i["licence"]) or "GPL" in str(i["licence"]) for i in items)
    held = [i for i in items if i["split"] == "heldout"]
    assert len(held) >= 3
    # a photograph held out from both sources
    assert {i["kind"] for i in held} >= {"debian-package", "python-package"}


def test_procedural_images_build() -> None:
    """The generated training images draw (a lint fix once turned a point shift into a tuple,
    and ``python -m training.data.build`` stopped with an AttributeError)."""
    from training.data.build import procedural_image

    for seed in range(4):
        img = procedural_image(seed, (96, 128))
        assert img.shape == (96, 128, 3) and img.dtype.name == "uint8"
        assert int(img.std()) > 0
