"""The manifest definition a signed output gets: a golden file, and where each claim comes from.

These build the c2pa Builder JSON only; nothing is signed, so they run without ``c2pa``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import TEST_KEY, fixed_clock, fixed_ids, new_project
from workbench import __version__
from workbench.catalog.card import ModelCard
from workbench.catalog.catalog import CatalogEntry
from workbench.disclosure.credentials import (
    ACTIONS_LABEL,
    DISCLOSURE_LABEL,
    build_manifest,
    checkpoint_for,
    model_disclosure,
)
from workbench.project import Project
from workbench.tools.registry import get_tool

GOLDEN = Path(__file__).parent / "golden" / "c2pa-manifest.json"
MODEL_SHA = "f" * 64
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _card(nature: str = "assistive") -> ModelCard:
    return ModelCard.model_validate(
        {
            "schema": "workbench.model-card/1",
            "id": "golden-denoise",
            "name": "Golden denoise",
            "version": "1.0.0",
            "sha256": MODEL_SHA,
            "task": "denoise",
            "architecture": "tiny conv",
            "parameters": 1000,
            "flops_per_output_pixel": 100.0,
            "inputs": [{"name": "input", "channels": 3}],
            "outputs": [{"name": "output", "channels": 3}],
            "weights_licence": "Apache-2.0",
            "training_data": [
                {
                    "name": "plates",
                    "origin": "test",
                    "licence": "CC-BY-4.0",
                    "author": "Ana Plate",
                    "attribution": '"plates" by Ana Plate, CC BY 4.0',
                    "consent_basis": "cc-by",
                    "items": 3,
                }
            ],
            "contributors": [{"name": "Ana Plate", "share": 1.0}],
            "intended_use": "tests",
            "limitations": "tests",
            "classification": {"c2pa_action": "c2pa.enhanced", "nature": nature},
        }
    )


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Project]:
    """One clip: a denoise with a model in a rectangle, an x2 upscale without one, and a
    denoise that was reverted (so it is not signed)."""
    with new_project(
        tmp_path / "golden.wbproj",
        clock=fixed_clock(),
        new_id=fixed_ids(),
        project_id="11111111-2222-4333-8444-555555555555",
    ) as p:
        clip = p.add_clip("/footage/A001.mov", fingerprint="ab" * 32, media={"frame_count": 48})
        model = CatalogEntry(Path("/models/golden-denoise.onnx"), MODEL_SHA, 1000, _card())
        p.add_edit(
            clip.id,
            tool=get_tool("denoise"),
            parameters={"strength": 0.5},
            frames=(0, 23),
            region={"kind": "rect", "x": 0, "y": 0, "w": 32, "h": 24},
            model=model,
        )
        p.add_edit(clip.id, tool=get_tool("upscale"), parameters={"scale": 2}, frames=(0, 47))
        gone = p.add_edit(
            clip.id, tool=get_tool("denoise"), parameters={"strength": 0.9}, frames=(30, 39)
        )
        p.revert_edit(gone.id)
        yield p


def _signed_edits(project: Project) -> list[dict[str, Any]]:
    entries = project.log_data().entries()
    reverted = {e.get("reverts") for e in entries if e.get("schema") == "workbench.revert/1"}
    return [e for e in entries if e.get("schema") == "workbench.edit/1" and e["id"] not in reverted]


def _manifest(project: Project, card: ModelCard | None = None) -> dict[str, Any]:
    data = project.log_data()
    return build_manifest(
        title="shot.c2pa",
        source=Path("/footage/A001.mov"),
        project=data.project,
        edits=_signed_edits(project),
        checkpoint=checkpoint_for(data, key=TEST_KEY),
        models=[card or _card()],
        frames=[("shot_0001.exr", "1" * 64), ("shot_0002.exr", "2" * 64)],
        delivery={"scale": 2, "edited_frames": 48},
    )


class _Normaliser:
    """Replaces what differs between runs and machines with placeholders.

    Ids and entry hashes are numbered in order of first appearance, so the golden file still
    pins which action, edit and checkpoint name the same entry.
    """

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def _numbered(self, kind: str, value: str) -> str:
        count = sum(1 for k, _ in self.seen if k == kind)
        return self.seen.setdefault((kind, value), f"<{kind}-{count + 1}>")

    def value(self, key: str | None, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v) for v in value]
        if not isinstance(value, str):
            return value
        if key in ("time", "when"):
            return "<time>"
        if key in ("signature", "public_key", "key_id"):
            return f"<{key}>"
        if key in ("signed_body", "record"):
            return json.dumps(self.value(None, json.loads(value)), sort_keys=True)
        if key == "note":  # origin, size, <root>, blank, signature line
            origin, size = value.split("\n")[:2]
            return f"{self.value(None, origin.split('/')[-1])}\n{size}\n<root>\n\n<signature>\n"
        if key in ("vkey", "inclusion"):
            return f"<{key}>"
        if key == "prev":
            return self._numbered("entry-hash", value)
        if key == "onnxruntime":
            return "<version>"
        if key in ("hash", "head", "hashes", "org.workbench.entry_hash"):
            return self._numbered("entry-hash", value)
        if key == "version" and value == __version__:
            return "<version>"
        if _UUID.match(value):
            return self._numbered("uuid", value)
        return value


def normalised_manifest(manifest: dict[str, Any]) -> str:
    document = _Normaliser().value(None, manifest)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_golden_manifest(project: Project) -> None:
    """Fails when the manifest's structure changes: review the diff before accepting it."""
    text = normalised_manifest(_manifest(project))
    if os.environ.get("WORKBENCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "manifest changed; set WORKBENCH_UPDATE_GOLDEN=1 to accept"


def test_manifest_refers_to_the_same_entries_throughout(project: Project) -> None:
    manifest = _manifest(project)
    labels = [a["label"] for a in manifest["assertions"]]
    assert labels == [ACTIONS_LABEL, DISCLOSURE_LABEL, "cawg.training-mining"]
    actions = manifest["assertions"][0]["data"]["actions"]
    disclosure = manifest["assertions"][1]["data"]
    edits = _signed_edits(project)
    assert [a["parameters"]["org.workbench.entry"] for a in actions[1:]] == [e["id"] for e in edits]
    assert [e["entry"] for e in disclosure["edits"]] == [e["id"] for e in edits]
    assert disclosure["checkpoint"]["head"] == project.log_data().entries()[-1]["hash"]


def test_an_edits_nature_comes_from_its_log_entry_not_the_card(project: Project) -> None:
    """The log entry is the one record of how an edit is classified; the card, read later,
    may say something else (a re-issued card) and must not change what the file claims."""
    edits = _signed_edits(project)
    edits[0] = {
        **edits[0],
        "classification": {**edits[0]["classification"], "nature": "generative"},
    }
    card = _card(nature="assistive")
    disclosed = model_disclosure(card, edits)
    assert disclosed["nature"] == "generative"
    assert disclosed["weights_licence"] == "Apache-2.0"  # what the card says of the model itself
    assert disclosed["training_data"][0]["consent_basis"] == "cc-by"

    data = project.log_data()
    manifest = build_manifest(
        title="x.png",
        source=Path("/footage/A001.mov"),
        project=data.project,
        edits=edits,
        checkpoint=checkpoint_for(data),
        models=[card],
    )
    disclosure = manifest["assertions"][1]["data"]
    assert disclosure["models"][0]["nature"] == "generative"
    assert disclosure["assistive_only"] is False

    assistive = model_disclosure(_card(nature="generative"), _signed_edits(project))
    assert assistive["nature"] == "assistive"
