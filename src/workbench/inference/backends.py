"""Which runtime, provider and file of a model run it on this machine: its *backend*.

A backend is a provider (an ONNX Runtime execution provider, or OpenVINO's runtime) and a file
of the model (its main file, or a variant its card pins, such as ``int8``). Outputs differ
between backends — in the last bits between providers, by the card's measured figures between
files — so an edit records the backend it was applied with, a render plan pins one per edit,
and a render never changes backend halfway.

The choice (:func:`choose_backend`):

- a provider the user forces (``--provider``, :attr:`SessionOptions.provider`) is used; an
  accelerator (CUDA, CoreML, DirectML) that ONNX Runtime has and the preferences allow is used
  with the main file;
- otherwise, on the CPU, the candidates are ONNX Runtime's CPU provider with the main file and
  every variant whose card says it is within the quality gate (``ModelVariant.eligible``: the
  card's figures are ONNX Runtime's), and (where installed and allowed) OpenVINO with the main
  file, or with the variant the settings name. A variant is taken where it is at least
  :data:`VARIANT_GAIN` times faster than the main file on the same provider, and OpenVINO where
  it is more than :data:`OPENVINO_GAIN` times faster than ONNX Runtime at the chosen file.

The times are measured once per machine and model on a tile of the engine's size, alternating
the candidates, and remembered in the cache folder (:mod:`workbench.inference.profile`);
``workbench models bench`` measures again. ``WORKBENCH_MEASURE_BACKENDS=0`` never measures:
without a remembered profile the main file runs on ONNX Runtime's CPU provider.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from workbench.errors import UsageError
from workbench.inference.engine import Engine, SessionOptions, get_engine
from workbench.inference.providers import (
    CPU,
    OPENVINO,
    available_providers,
    choose_providers,
    normalize_provider,
)

if TYPE_CHECKING:
    from workbench.catalog.catalog import CheckedModel

#: A variant must be at least this much faster than the main file to be chosen.
VARIANT_GAIN = 1.1
#: OpenVINO must be more than this much faster than ONNX Runtime to be chosen.
OPENVINO_GAIN = 1.2
#: Values of the ``precision`` setting besides a variant's name.
PRECISIONS = ("auto", "full")


@dataclass(frozen=True)
class Backend:
    """A provider and a file of the model (``variant`` None: the main file)."""

    provider: str
    variant: str | None = None

    @property
    def label(self) -> str:
        return f"{self.provider}/{self.variant or 'main'}"

    @classmethod
    def from_label(cls, label: str) -> Backend:
        provider, _, variant = label.partition("/")
        return cls(provider, None if variant in ("", "main") else variant)

    def describe(self) -> str:
        """For people: ``OpenVINO-CPU, int8 file``."""
        return f"{self.provider}, {self.variant or 'main'} file"


def check_provider(name: str) -> str:
    """A provider a user named (``--provider``), normalised; refused unless it runs here."""
    from workbench.inference.openvino_runtime import openvino_available

    provider = normalize_provider(name)
    present = [p for p in available_providers() if p != "AzureExecutionProvider"]
    if openvino_available():
        present.append(OPENVINO)
    if provider not in present:
        raise UsageError(
            f"the execution provider {name!r} is not available here "
            f"(this installation has: {', '.join(present)})",
            hint="leave out --provider for the automatic choice, or install the runtime "
            "that provides it (onnxruntime-gpu for CUDA, onnxruntime-directml, openvino)",
        )
    return provider


def _allowed_cpu(options: SessionOptions) -> list[str]:
    """CPU-class providers the choice may take: ONNX Runtime's, and OpenVINO where allowed."""
    from workbench.inference.openvino_runtime import openvino_available

    if options.provider is not None:
        return [normalize_provider(options.provider)]
    allowed = {normalize_provider(p) for p in options.providers or ()}
    wants_openvino = options.providers is None or OPENVINO in allowed
    return [CPU, OPENVINO] if wants_openvino and openvino_available() else [CPU]


def _variants(model: CheckedModel, precision: str) -> list[str | None]:
    """The files the choice may take: the main one and the eligible variants (``auto``), the
    main one alone (``full``), or the one variant the setting names, whatever its figures."""
    card = model.card
    if card is None or precision == "full":
        return [None]
    if precision != "auto":
        return [precision] if card.variant(precision) is not None else [None]
    return [None, *(v.name for v in card.variants or () if v.eligible)]


def candidates(model: CheckedModel, options: SessionOptions) -> list[Backend]:
    """What the choice picks from (an accelerator alone, when one is used)."""
    forced = normalize_provider(options.provider) if options.provider else None
    if forced is not None and forced not in (CPU, OPENVINO):
        return [Backend(forced)]
    if forced is None:
        first = choose_providers(options.providers)[0]
        if first != CPU:
            return [Backend(first)]
    variants = _variants(model, options.precision)
    found = [Backend(p, v) for p in _allowed_cpu(options) for v in variants]
    if options.precision == "auto":
        # A variant's held-out figures are ONNX Runtime's: OpenVINO's int8 kernels round
        # otherwise (up to 4 8-bit steps from ONNX Runtime's on the shipped int8 files), so it
        # takes a variant only when the settings name one.
        found = [b for b in found if b.provider != OPENVINO or b.variant is None] or found
    return found


def decide(seconds: dict[str, float], options: list[Backend]) -> Backend:
    """The rule in the module docstring, on measured seconds per backend label."""
    picks: list[Backend] = []
    for provider in dict.fromkeys(b.provider for b in options):
        mine = [b for b in options if b.provider == provider and b.label in seconds]
        main = next((b for b in mine if b.variant is None), None)
        best = min(mine, key=lambda b: seconds[b.label], default=None)
        if best is None:
            continue
        if main is not None and seconds[main.label] < VARIANT_GAIN * seconds[best.label]:
            best = main
        picks.append(best)
    if not picks:
        return options[0]
    pick = picks[0]
    for other in picks[1:]:
        if seconds[pick.label] > OPENVINO_GAIN * seconds[other.label]:
            pick = other
    return pick


def choose_backend(model: CheckedModel, options: SessionOptions | None = None) -> Backend:
    """The backend this machine runs ``model`` (its main file, checked) on; see the module."""
    from workbench.inference import profile

    options = options or SessionOptions.from_settings()
    found = candidates(model, options)
    if len(found) == 1:
        return found[0]
    seconds = profile.remembered(model, profile.measure_side(options))
    missing = [b for b in found if b.label not in seconds]
    if missing and os.environ.get("WORKBENCH_MEASURE_BACKENDS") == "0":
        # the first candidate is ONNX Runtime's CPU provider with the main file, or with the
        # variant the precision setting names
        measured = [b for b in found if b.label in seconds]
        return decide(seconds, measured) if len(measured) > 1 else found[0]
    if missing:
        seconds = profile.measure(model, found, options)
    return decide(seconds, found)


def measure_backends(
    model: CheckedModel, options: SessionOptions | None = None
) -> tuple[dict[str, float], Backend]:
    """Time every candidate of ``model`` here again (``workbench models bench``), remember the
    times, and return them with the backend they make the choice."""
    from workbench.inference import profile

    options = options or SessionOptions.from_settings()
    found = candidates(model, options)
    seconds = profile.measure(model, found, options)
    return {b.label: seconds[b.label] for b in found}, decide(seconds, found)


def open_backend(
    model: CheckedModel, backend: Backend, options: SessionOptions | None = None
) -> Engine:
    """An engine for ``model`` (its main file, checked) on ``backend``: the variant's bytes read
    and checked against the card, the session made for that provider alone."""
    from workbench.catalog.catalog import load_checked_variant

    options = options or SessionOptions.from_settings()
    checked = model
    if backend.variant is not None:
        checked = load_checked_variant(model.entry, backend.variant)
    engine = get_engine(checked, replace(options, providers=(backend.provider,), provider=None))
    return engine


def auto_engine(model: CheckedModel, options: SessionOptions | None = None) -> Engine:
    """``open_backend(model, choose_backend(model))``: what an edit, a preview and a render
    without a plan use."""
    options = options or SessionOptions.from_settings()
    return open_backend(model, choose_backend(model, options), options)


__all__ = [
    "OPENVINO_GAIN",
    "PRECISIONS",
    "VARIANT_GAIN",
    "Backend",
    "auto_engine",
    "candidates",
    "check_provider",
    "choose_backend",
    "decide",
    "measure_backends",
    "open_backend",
]
