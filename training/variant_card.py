"""The model card of a variant's own file (``models/<id>.int8.card.json``), from the main card.

Kept apart from :mod:`training.quantize` so that it needs no PyTorch: the test suite checks the
shipped variant cards against it on a machine without the training extras.
"""

from __future__ import annotations

from typing import Any


def variant_card(card: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The model card of a variant's own file (``<id>.int8.card.json`` beside it): the main
    card's disclosure (same model, same training data and contributors) with this file's
    SHA-256 and figures. The app reads the variant from the main card's ``variants``; this card
    is for whoever finds the file on its own."""
    from workbench.catalog.card import VARIANT_MAX_LOSS_DB
    from workbench.inference.backends import VARIANT_GAIN

    loss = f"{entry['quality_loss_db']:+.3f} dB" if "quality_loss_db" in entry else "unmeasured"
    rule = f"a drop within {VARIANT_MAX_LOSS_DB} dB and at least {VARIANT_GAIN}x faster here"
    out = {k: v for k, v in card.items() if k != "variants"}
    out |= {
        "name": f"{card['name']} ({entry['name']} file)",
        "sha256": entry["sha256"],
        "metrics": entry["metrics"],
        "architecture": f"{card['architecture']}. This file: {entry['method']}",
        "limitations": (
            f"{card.get('limitations', '')} The {entry['name']} file of model {card['id']} "
            f"(largest held-out drop against the main file {loss}): the app runs it only where "
            f"the main card's variants entry allows it ({rule})."
        ).strip(),
        "training_command": f"{card['training_command']}; python -m training.quantize {card['id']}",
    }
    return out
