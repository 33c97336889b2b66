"""Performers' likeness: which kind of alteration an edit is, and whether a consent covers it.

An edit is disclosed by its classification (the C2PA action, the IPTC digital source type,
assistive or generative: ``tools.base.Classification``, or the model card's). For a performer's
consent the same edit is one of four kinds of alteration of their likeness:

- **generative** — the edit generated picture content: its nature is ``generative``, or its
  source type is a trained or composite synthetic one (``trainedAlgorithmicMedia``,
  ``compositeSynthetic``, ``compositeWithTrainedAlgorithmicMedia``, ``algorithmicMedia``);
  regrain's synthesised grain is one;
- **resize** — ``c2pa.resized`` (an upscale: new pixels between the old ones);
- **removal** — ``c2pa.removed``, ``c2pa.deleted``, ``c2pa.redacted`` (content taken out);
- **enhancement** — every other action (``c2pa.enhanced``: denoise, dust, deblock;
  ``c2pa.color_adjustments``, ``c2pa.filtered``, ``c2pa.edited``).

Generative wins over the action: an upscale by a generative model is generative. A consent
covers an edit when it names the kind, and its expiry date (inclusive) is not past on the day
asked; the project, the render and the report all judge through :func:`judge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from workbench.disclosure.entries.cast import ALTERATION_KINDS, LikenessConsentRecord

GENERATIVE_SOURCE_TYPES = frozenset(
    {
        "trainedAlgorithmicMedia",
        "compositeSynthetic",
        "compositeWithTrainedAlgorithmicMedia",
        "algorithmicMedia",
    }
)
REMOVAL_ACTIONS = frozenset({"c2pa.removed", "c2pa.deleted", "c2pa.redacted"})


def _field(classification: Any, name: str) -> str:
    if isinstance(classification, Mapping):
        return str(classification.get(name) or "")
    return str(getattr(classification, name, "") or "")


def alteration_kind(classification: Any) -> str:
    """The kind of likeness alteration an edit so classified is (see the module docstring);
    ``classification`` is a mapping (a log entry's) or an object with the same attributes."""
    source = _field(classification, "digital_source_type").rsplit("/", 1)[-1]
    if _field(classification, "nature") == "generative" or source in GENERATIVE_SOURCE_TYPES:
        return "generative"
    action = _field(classification, "c2pa_action")
    if action == "c2pa.resized":
        return "resize"
    if action in REMOVAL_ACTIONS:
        return "removal"
    return "enhancement"


def today_utc() -> date:
    return datetime.now(UTC).date()


def parse_kinds(text: str | Iterable[str]) -> tuple[str, ...]:
    """``enhancement,resize`` (or a list) as kinds in their canonical order; ``all`` is every
    kind. ValueError names an unknown one."""
    words = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    wanted = {w.strip().lower() for w in words if w.strip()}
    if "all" in wanted:
        wanted = set(ALTERATION_KINDS) | (wanted - {"all"})
    unknown = sorted(wanted - set(ALTERATION_KINDS))
    if unknown or not wanted:
        raise ValueError(
            f"{', '.join(unknown) or 'nothing'} is not a kind of alteration; "
            f"choose from {', '.join(ALTERATION_KINDS)} (or all)"
        )
    return tuple(k for k in ALTERATION_KINDS if k in wanted)


def expired(consent: LikenessConsentRecord, today: date) -> bool:
    """Whether ``consent`` has expired by ``today`` (it holds through its expiry date). An
    expiry that is not a date counts as expired: a consent nobody can read covers nothing."""
    if consent.expires is None:
        return False
    try:
        return date.fromisoformat(consent.expires) < today
    except ValueError:
        return True


@dataclass(frozen=True)
class Verdict:
    """Whether a performer's consents cover one kind of alteration: the covering consent (or
    None) and, when none covers it, why in words."""

    person: str
    kind: str
    consent: LikenessConsentRecord | None
    why: str = ""

    @property
    def covered(self) -> bool:
        return self.consent is not None


def judge(
    person: str, kind: str, consents: Iterable[LikenessConsentRecord], today: date
) -> Verdict:
    """The verdict for ``person``'s ``kind`` of alteration, from *their* consents (the caller
    picks them by cast member): the latest live one that names the kind covers it."""
    mine = list(consents)
    naming = [c for c in mine if kind in c.kinds]
    live = [c for c in naming if not expired(c, today)]
    if live:
        return Verdict(person, kind, live[-1])
    if naming:
        last = naming[-1]
        return Verdict(
            person, kind, None, f"their consent {last.id} covering {kind} expired on {last.expires}"
        )
    if mine:
        covers = sorted({k for c in mine for k in c.kinds}, key=ALTERATION_KINDS.index)
        return Verdict(
            person, kind, None, f"their consent covers only {', '.join(covers)}, not {kind}"
        )
    return Verdict(person, kind, None, "no likeness consent of theirs is recorded")


__all__ = [
    "GENERATIVE_SOURCE_TYPES",
    "REMOVAL_ACTIONS",
    "Verdict",
    "alteration_kind",
    "expired",
    "judge",
    "parse_kinds",
    "today_utc",
]
