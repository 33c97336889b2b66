"""The CAWG training-and-data-mining assertion (``cawg.training-mining``), per model.

CAWG's assertion (https://cawg.io/training-and-data-mining/, v1.1) is a map of entries, each
``{"use": "allowed" | "notAllowed" | "constrained", "constraint_info": text}``. Its four
predefined ``cawg.*`` entries are the rights holder's word on *this asset*, which Workbench
cannot give for the artist's footage, so it leaves them to whoever owns it. What Workbench does
know is what the licences of each model's training data allow, from the model card: one custom
entry per model that touched the file, ``org.workbench.model.<model id>``, whose ``use`` is the
most restrictive of its sources' (public domain, CC0 and generated data: allowed; CC BY,
licensed and consented data: constrained, with the attribution or terms in
``constraint_info``), and a model without a card is ``constrained`` as undisclosed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.catalog.card import DataSource, ModelCard

TRAINING_MINING_LABEL = "cawg.training-mining"
ENTRY_PREFIX = "org.workbench.model."
_ORDER = {"allowed": 0, "constrained": 1, "notAllowed": 2}
_FREE = {"public-domain", "cc0", "generated"}


def source_use(source: DataSource) -> tuple[str, str]:
    """What one training source's licence allows, and the terms a reader must keep."""
    what = f"{source.name} ({source.licence}, {source.consent_basis})"
    if source.consent_basis in _FREE:
        return "allowed", f"{what}: no conditions"
    if source.consent_basis == "cc-by":
        return "constrained", f"{what}: attribution required: {source.attribution}"
    if source.consent_basis == "licensed":
        return "constrained", f"{what}: used under licence {source.licence}; keep its terms"
    return "constrained", f"{what}: used with its contributors' consent; ask before other uses"


def model_entry(card: ModelCard) -> dict[str, str]:
    """The entry for one model: the most restrictive use of its sources, and why."""
    uses = [source_use(s) for s in card.training_data]
    use = max((u for u, _ in uses), key=_ORDER.__getitem__, default="constrained")
    head = f"{card.name} {card.version} (sha256 {card.sha256[:16]}…) was trained on: "
    return {"use": use, "constraint_info": head + "; ".join(text for _, text in uses)}


def entry_label(model_id: str) -> str:
    """A C2PA custom label for a model id (letters, digits, ``_`` and ``-`` per component)."""
    return ENTRY_PREFIX + (re.sub(r"[^A-Za-z0-9_-]+", "_", model_id).strip("_") or "model")


def training_mining(
    cards: Sequence[ModelCard], edits: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    """The assertion's data for the models of ``edits``; None when no edit used a model."""
    by_sha = {card.sha256: card for card in cards}
    entries: dict[str, dict[str, str]] = {}
    for edit in edits:
        model = edit.get("model") or {}
        if not isinstance(model, dict) or not model.get("sha256"):
            continue
        card = by_sha.get(str(model["sha256"]))
        label = entry_label(str(card.id if card else model.get("id") or "model"))
        if card is not None:
            entries[label] = model_entry(card)
        else:
            entries.setdefault(
                label,
                {
                    "use": "constrained",
                    "constraint_info": f"model {model.get('id')} (sha256 "
                    f"{str(model['sha256'])[:16]}…) has no model card: its training data is "
                    "undisclosed",
                },
            )
    return {"entries": entries} if entries else None


__all__ = [
    "ENTRY_PREFIX",
    "TRAINING_MINING_LABEL",
    "entry_label",
    "model_entry",
    "source_use",
    "training_mining",
]
