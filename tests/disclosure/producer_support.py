"""A small hand-made project for the producer-facing tests: two models, three edits, one revert.

The cards are written here (not read from ``models/``) so the ledger's expected numbers can be
worked out by hand: see ``test_reports.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import fixed_clock, new_project
from workbench.catalog.card import ModelCard
from workbench.catalog.catalog import CatalogEntry
from workbench.project import Project
from workbench.tools.registry import get_tool

HOSTILE = '<script>alert("x")</script>&amp;\x07\x1b[31m'

DENOISE_SHA = "d" * 64
UPSCALE_SHA = "e" * 64


def _card(
    model_id: str, sha: str, task: str, action: str, contributors: list[dict[str, Any]]
) -> ModelCard:
    return ModelCard.model_validate(
        {
            "schema": "workbench.model-card/1",
            "id": model_id,
            "name": f"Test {task}",
            "version": "1.0.0",
            "sha256": sha,
            "task": task,
            "scale": 2 if task == "upscale" else 1,
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
                    "author": "Ana Plate <b>",
                    "attribution": '"plates" by Ana Plate <b>, CC BY 4.0',
                    "consent_basis": "cc-by",
                    "items": 3,
                },
                {
                    "name": "noise",
                    "origin": "generator seed 1",
                    "licence": "CC0-1.0",
                    "author": "Workbench contributors",
                    "attribution": "generated",
                    "consent_basis": "generated",
                    "items": 1,
                },
            ],
            "contributors": contributors,
            "intended_use": "tests",
            "limitations": "tests",
            "classification": {"c2pa_action": action},
        }
    )


DENOISE_CARD = _card(
    "test-denoise",
    DENOISE_SHA,
    "denoise",
    "c2pa.enhanced",
    [
        {"name": "Ana Plate <b>", "share": 0.75},
        {"name": "Workbench contributors", "share": 0.25},
    ],
)
UPSCALE_CARD = _card(
    "test-upscale",
    UPSCALE_SHA,
    "upscale",
    "c2pa.resized",
    [{"name": "Ana Plate <b>", "share": 1.0}],
)
CARDS = [DENOISE_CARD, UPSCALE_CARD]


def entry_for(card: ModelCard) -> CatalogEntry:
    return CatalogEntry(Path(f"/models/{card.id}.onnx"), card.sha256, 1000, card)


def classification(card: ModelCard) -> dict[str, str]:
    return card.classification.model_dump()


def build_project(
    path: Path,
    clip_path: Path | str = "/footage/A001.mov",
    *,
    media: dict[str, Any] | None = None,
    clip_name: str | None = None,
) -> Project:
    """Clip 1 (48 frames, 64x48 at 24 fps): denoise 0-23 in a 32x24 rectangle and an x2
    upscale of the whole clip stay,
    a second denoise 30-39 is reverted; clip 2 has nothing."""
    project = new_project(path, clock=fixed_clock())
    media = media or {"width": 64, "height": 48, "frame_rate": "24/1", "frame_count": 48}
    clip = project.add_clip(clip_path, fingerprint="ab" * 32, media=media, name=clip_name)
    project.add_clip(
        "/footage/B002.mov",
        fingerprint="cd" * 32,
        media={"width": 64, "height": 48, "frame_rate": "24/1", "frame_count": 24},
    )
    project.add_edit(
        clip.id,
        tool=get_tool("denoise"),
        parameters={"strength": 0.5},
        frames=(0, 23),
        region={"kind": "rect", "x": 0, "y": 0, "w": 32, "h": 24},
        model=entry_for(DENOISE_CARD),
    )
    project.add_edit(
        clip.id,
        tool=get_tool("upscale"),
        parameters={"strength": 1.0, "scale": 2},
        frames=(0, 47),
        model=entry_for(UPSCALE_CARD),
    )
    gone = project.add_edit(
        clip.id,
        tool=get_tool("denoise"),
        parameters={"strength": 0.9},
        frames=(30, 39),
        model=entry_for(DENOISE_CARD),
    )
    project.revert_edit(gone.id)
    return project


def live_edit_entries(project: Project) -> list[dict[str, Any]]:
    """The edit entries a render of clip 1 would materialise (the ones not reverted)."""
    entries = project.log_data().entries()
    reverted = {e.get("reverts") for e in entries if e.get("schema") == "workbench.revert/1"}
    return [e for e in entries if e.get("schema") == "workbench.edit/1" and e["id"] not in reverted]
