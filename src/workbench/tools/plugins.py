"""Third-party extensions found through Python entry points, with the blame on the right package.

A distribution adds a tool or an exporter by declaring an entry point in its ``pyproject.toml``::

    [project.entry-points."workbench.tools"]
    invert = "wb_invert_tool:Invert"

    [project.entry-points."workbench.exporters"]
    otio = "wb_otio_export"

This module only finds and loads them. Whatever goes wrong with one — it does not import, it is
not what its group expects, it takes a name already taken — is a :class:`PluginWarning` that
names the entry point and its distribution, and the extension is left out; one broken package
never stops the application, and never replaces a built-in.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any


class PluginWarning(UserWarning):
    """A third-party tool or exporter was left out; the message says which and why."""


@dataclass(frozen=True)
class Loaded:
    """One entry point's object, with where it came from."""

    name: str
    value: str
    distribution: str
    obj: Any

    @property
    def origin(self) -> str:
        return describe(self.name, self.value, self.distribution)


def distribution_of(entry_point: metadata.EntryPoint) -> str:
    """``name version`` of the distribution declaring the entry point, as well as it is known."""
    dist = getattr(entry_point, "dist", None)
    if dist is None:
        return "an unknown distribution"
    name = dist.metadata["Name"] if dist.metadata is not None else None
    return f"{name or 'an unnamed distribution'} {dist.version or ''}".strip()


def describe(name: str, value: str, distribution: str) -> str:
    return f"{name!r} = {value!r} from the distribution {distribution}"


def warn(group: str, origin: str, problem: str) -> None:
    """Say that an extension was left out (once per message, as warnings go)."""
    warnings.warn(f"{group} entry point {origin} {problem}; it is left out", PluginWarning, 3)


def load_group(group: str) -> Iterator[Loaded]:
    """Every entry point of ``group``, loaded; those that fail to load are warned about."""
    for entry_point in metadata.entry_points(group=group):
        distribution = distribution_of(entry_point)
        try:
            obj = entry_point.load()
        except Exception as exc:  # a broken package must not take the application down
            origin = describe(entry_point.name, entry_point.value, distribution)
            warn(group, origin, f"failed to load ({type(exc).__name__}: {exc})")
            continue
        yield Loaded(entry_point.name, entry_point.value, distribution, obj)
