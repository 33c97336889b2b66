"""Where a farm machine finds the coordinator's files: a path map, prefix for prefix.

A coordinator names its footage, project (and so its painted masks) and segment store by its
own paths. A worker that mounts the shared storage elsewhere (``/mnt/a`` on Linux,
``/Volumes/a`` on macOS, ``Z:\\a`` on Windows) is given pairs ``FROM=TO``: ``--path-map
/mnt/a=/Volumes/a``, its own ``WORKBENCH_PATH_MAP`` (pairs joined by ``;``), or an Open Job
Description session's path mapping rules file (``pathmapping-1.0``).

A path that exists here as it is is used as it is; otherwise the first pair whose result exists
(the worker's own pairs before the job's), so one job can carry the pairs of every kind of
machine in a mixed farm. When no result exists, the first mapped path is returned, and the
error that follows names it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import UsageError

ENV = "WORKBENCH_PATH_MAP"
RULES_VERSION = "pathmapping-1.0"


@dataclass(frozen=True)
class PathMap:
    """Ordered ``(from, to)`` prefix pairs (see the module docstring)."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, items: Sequence[str]) -> PathMap:
        """From ``FROM=TO`` items (``--path-map``); a malformed one is a :class:`UsageError`."""
        pairs: list[tuple[str, str]] = []
        for item in items:
            source, sep, target = item.partition("=")
            if not sep or not source.strip() or not target.strip():
                raise UsageError(
                    f"a path map is FROM=TO; got {item!r}",
                    hint="e.g. --path-map /mnt/shared=/Volumes/shared",
                )
            pairs.append((source.strip(), target.strip()))
        return cls(tuple(pairs))

    @classmethod
    def from_env(cls) -> PathMap:
        """This machine's own pairs, from ``WORKBENCH_PATH_MAP`` (``A=B;C=D``)."""
        value = os.environ.get(ENV, "")
        return cls.parse([p for p in value.split(";") if p.strip()])

    @classmethod
    def from_rules_file(cls, path: Path) -> PathMap:
        """An Open Job Description session's path mapping rules (``pathmapping-1.0``)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read the path mapping rules {path}: {exc}") from None
        if data == {}:
            return cls()  # the session had no rules
        if not isinstance(data, dict) or data.get("version") != RULES_VERSION:
            raise UsageError(f"{path} is not a {RULES_VERSION} path mapping rules file")
        rules = data.get("path_mapping_rules")
        if not isinstance(rules, list):
            raise UsageError(f"{path} has no list of path_mapping_rules")
        pairs = []
        for rule in rules:
            if not isinstance(rule, dict):
                raise UsageError(f"{path}: a path mapping rule is not an object")
            source, target = rule.get("source_path"), rule.get("destination_path")
            if not isinstance(source, str) or not isinstance(target, str):
                raise UsageError(f"{path}: a rule lacks source_path or destination_path")
            pairs.append((source, target))
        return cls(tuple(pairs))

    def __add__(self, other: PathMap) -> PathMap:
        return PathMap(self.pairs + other.pairs)

    def to_list(self) -> list[list[str]]:
        return [[a, b] for a, b in self.pairs]

    @classmethod
    def from_list(cls, data: Any) -> PathMap:
        return cls(tuple((str(a), str(b)) for a, b in data or ()))

    def candidates(self, path: str) -> list[str]:
        """Every mapped form of ``path``, in order (without ``path`` itself)."""
        return [m for source, target in self.pairs if (m := _swap(path, source, target))]

    def resolve(self, path: str) -> str:
        """Where ``path`` is on this machine (see the module docstring)."""
        if not self.pairs or _exists(path):
            return path
        mapped = self.candidates(path)
        for candidate in mapped:
            if _exists(candidate):
                return candidate
        return mapped[0] if mapped else path


def _exists(path: str) -> bool:
    if "%" in Path(path).name:  # an image sequence's pattern: its folder
        return Path(path).parent.is_dir()
    return Path(path).exists()


def _swap(path: str, source: str, target: str) -> str | None:
    """``path`` with the prefix ``source`` replaced by ``target``, at a path boundary."""
    norm_path, norm_source = path.replace("\\", "/"), source.replace("\\", "/").rstrip("/")
    windows = ":" in norm_source[:3] or "\\" in source
    if windows:  # Windows paths compare without regard to case
        match = norm_path.lower() == norm_source.lower() or norm_path.lower().startswith(
            norm_source.lower() + "/"
        )
    else:
        match = norm_path == norm_source or norm_path.startswith(norm_source + "/")
    if not match:
        return None
    rest = norm_path[len(norm_source) :]
    if "\\" in target and "/" not in target:
        return target.rstrip("\\") + rest.replace("/", "\\")
    return target.rstrip("/") + rest
