"""Finding models, pairing them with their cards, and handing out checked bytes.

A catalogue entry is an ONNX file found in one of the model folders. Its identity is the SHA-256
of its bytes. If a valid card sits beside it (``<stem>.card.json``) whose ``sha256`` matches, the
model is *disclosed* and known by the card's id; otherwise it is *undisclosed* and known by the
first 12 hex digits of its hash, with the reason kept for display.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from workbench.catalog.card import ModelCard
from workbench.catalog.check import ModelLimits, OnnxFacts, check_onnx_bytes, too_large
from workbench.config import user_models_dir
from workbench.errors import CardError, ModelRejectedError, NotFoundError
from workbench.fsutil import sha256_file

CARD_SUFFIX = ".card.json"


def default_model_dirs() -> list[Path]:
    """Where models are looked for, in order: env override, shipped models, the user's folder."""
    dirs: list[Path] = []
    env = os.environ.get("WORKBENCH_MODELS_PATH")
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    package_dir = Path(__file__).resolve().parent.parent
    bundled = package_dir / "_bundled_models"
    if bundled.is_dir():
        dirs.append(bundled)
    source_tree = package_dir.parent.parent / "models"  # src/workbench -> repo/models
    if source_tree.is_dir():
        dirs.append(source_tree)
    dirs.append(user_models_dir())
    return dirs


@dataclass(frozen=True)
class CatalogEntry:
    """A model file as found on disk; the card is None when it is undisclosed."""

    path: Path
    sha256: str
    size: int
    card: ModelCard | None
    problem: str | None = None

    @property
    def id(self) -> str:
        return self.card.id if self.card is not None else f"undisclosed-{self.sha256[:12]}"

    @property
    def disclosed(self) -> bool:
        return self.card is not None

    @property
    def card_path(self) -> Path:
        return card_path_for(self.path)


@dataclass(frozen=True)
class CheckedModel:
    """Bytes that passed the safety checks; give exactly these to ONNX Runtime."""

    entry: CatalogEntry
    data: bytes
    facts: OnnxFacts

    @property
    def sha256(self) -> str:
        return self.facts.sha256

    @property
    def card(self) -> ModelCard | None:
        return self.entry.card


def card_path_for(onnx_path: Path) -> Path:
    return onnx_path.with_name(onnx_path.name.removesuffix(".onnx") + CARD_SUFFIX)


def _sha256_file(path: Path) -> tuple[str, int]:
    return sha256_file(path), path.stat().st_size


def read_card(card_path: Path, expected_sha256: str | None = None) -> ModelCard:
    """Parse and validate a card; raise :class:`CardError` naming the first problem."""
    try:
        raw = card_path.read_bytes()
    except FileNotFoundError:
        raise CardError(f"no model card at {card_path}") from None
    except OSError as exc:
        raise CardError(f"cannot read model card {card_path}: {exc.strerror}") from None
    try:
        card = ModelCard.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise CardError(f"model card {card_path.name} is not valid JSON: {exc.msg}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "card"
        raise CardError(f"model card {card_path.name}: {where}: {first['msg']}") from None
    if expected_sha256 is not None and card.sha256 != expected_sha256:
        raise CardError(
            f"model card {card_path.name} describes a file with SHA-256 {card.sha256[:12]}…, "
            f"but the model file's SHA-256 is {expected_sha256[:12]}…",
            hint="the model file was changed or replaced; use the card that came with it",
        )
    return card


def _entry_for(path: Path) -> CatalogEntry:
    sha, size = _sha256_file(path)
    card_path = card_path_for(path)
    if not card_path.exists():
        return CatalogEntry(path, sha, size, None, "no model card")
    try:
        card = read_card(card_path, sha)
    except CardError as exc:
        return CatalogEntry(path, sha, size, None, exc.message)
    return CatalogEntry(path, sha, size, card)


class Catalog:
    """All models in the given folders; a disclosed model's card id must be unique."""

    def __init__(self, dirs: Sequence[Path] | None = None) -> None:
        self.dirs = list(dirs) if dirs is not None else default_model_dirs()
        self._entries: list[CatalogEntry] | None = None

    def refresh(self) -> None:
        self._entries = None

    def entries(self) -> list[CatalogEntry]:
        if self._entries is None:
            seen: set[str] = set()
            found: list[CatalogEntry] = []
            for folder in self.dirs:
                if not folder.is_dir():
                    continue
                folder_entries = [_entry_for(path) for path in sorted(folder.glob("*.onnx"))]
                variants = _variant_files(folder_entries)
                for entry in folder_entries:
                    if entry.path.name in variants:
                        continue  # another file of a model listed here, not a model of its own
                    if entry.sha256 in seen:
                        continue  # the same bytes in two folders are one model
                    seen.add(entry.sha256)
                    found.append(entry)
            self._entries = found
        return list(self._entries)

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries())

    def find(self, key: str) -> CatalogEntry:
        """By card id, by full or abbreviated (>= 8 hex) SHA-256, or by undisclosed id."""
        key = key.strip()
        entries = self.entries()
        for entry in entries:
            if entry.id == key:
                return entry
        if len(key) >= 8 and all(c in "0123456789abcdef" for c in key.lower()):
            matches = [e for e in entries if e.sha256.startswith(key.lower())]
            if len(matches) == 1:
                return matches[0]
        known = ", ".join(e.id for e in entries) or "none"
        raise NotFoundError(f"no model {key!r} in the catalogue (known: {known})")

    def for_task(self, task: str) -> list[CatalogEntry]:
        return [e for e in self.entries() if e.card is not None and e.card.task == task]

    def load_checked(
        self, key: str, limits: ModelLimits | None = None, *, variant: str | None = None
    ) -> CheckedModel:
        """Read the model once, check and hash those bytes, and return them for a session.

        ``variant`` (``"int8"``): the card's other file of the model instead of the main one,
        read and checked the same way and refused unless its bytes are the ones the card pins.
        """
        entry = self.find(key)
        if variant is not None:
            return load_checked_variant(entry, variant, limits=limits)
        return load_checked_path(entry.path, limits=limits, entry=entry)


def _variant_files(entries: Sequence[CatalogEntry]) -> set[str]:
    """The file names the folder's cards list as variants of their models."""
    return {v.file for e in entries if e.card is not None for v in e.card.variants or ()}


def load_checked_variant(
    entry: CatalogEntry, name: str, *, limits: ModelLimits | None = None
) -> CheckedModel:
    """The checked bytes of variant ``name`` of a disclosed model (its card pins them)."""
    card = entry.card
    variant = card.variant(name) if card is not None else None
    if card is None or variant is None:
        have = ", ".join(v.name for v in card.variants or ()) if card is not None else ""
        raise NotFoundError(
            f"model {entry.id} has no {name} variant" + (f" (it has: {have})" if have else ""),
            hint="use the model's main file, or rebuild the variant (python -m training.quantize)",
        )
    path = entry.path.with_name(variant.file)
    return load_checked_path(path, limits=limits, entry=entry, expect=variant.sha256)


def variant_of(model: CheckedModel) -> str | None:
    """Which variant of its model these checked bytes are (None: the main file)."""
    card = model.card
    if card is None or model.sha256 == card.sha256:
        return None
    return next((v.name for v in card.variants or () if v.sha256 == model.sha256), None)


def load_checked_path(
    path: Path,
    *,
    limits: ModelLimits | None = None,
    entry: CatalogEntry | None = None,
    expect: str | None = None,
) -> CheckedModel:
    limits = limits or ModelLimits()
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise too_large(path.name, size, limits)
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"model file {path} does not exist") from None
    except OSError as exc:
        raise ModelRejectedError(f"cannot read model file {path}: {exc.strerror}") from None
    facts = check_onnx_bytes(data, name=path.name, limits=limits)
    if entry is None:
        card_path = card_path_for(path)
        card = read_card(card_path, facts.sha256) if card_path.exists() else None
        entry = CatalogEntry(
            path, facts.sha256, facts.size, card, None if card else "no model card"
        )
    elif expect is not None:
        if facts.sha256 != expect:
            raise CardError(
                f"{path.name} is not the file the card of {entry.id} pins (SHA-256 "
                f"{facts.sha256[:12]}…, the card says {expect[:12]}…)",
                hint="the variant was changed or replaced; rebuild it or reinstall the model",
            )
    elif entry.sha256 != facts.sha256:
        raise CardError(
            f"{path.name} changed on disk since the catalogue read it",
            hint="refresh the model list",
        )
    return CheckedModel(entry=entry, data=data, facts=facts)
