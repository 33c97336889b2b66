"""What an open project holds of the conform: sequences, shots, recipes, deliveries (reads only).

A project opened read-only at schema 3 has no conform tables yet; it reads as holding none.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import NotFoundError
from workbench.project.conform_records import (
    DELIVERY_COLUMNS,
    RECIPE_COLUMNS,
    SEQUENCE_COLUMNS,
    SHOT_COLUMNS,
    Delivery,
    Recipe,
    Sequence,
    Shot,
)
from workbench.project.reading import ProjectReads


class ConformReads(ProjectReads):
    """The read side of the conform (a mixin of :class:`~workbench.project.Project`)."""

    def has_conform_tables(self) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'shots'"
        ).fetchone()
        return row is not None

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        if not self.has_conform_tables():
            return []
        return list(self.conn.execute(sql, args).fetchall())

    # -- sequences and shots -----------------------------------------------------------------
    def sequences(self) -> list[Sequence]:
        rows = self._rows(f"SELECT {SEQUENCE_COLUMNS} FROM sequences ORDER BY id")
        with self._damage():
            return [Sequence.from_row(r) for r in rows]

    def sequence(self, sequence_id: int | str | None = None) -> Sequence:
        """A sequence by id; None: the one imported last."""
        sequences = self.sequences()
        if not sequences:
            raise NotFoundError(
                f"{self.path.name} has no sequence yet",
                hint="bring in the cut: workbench conform import PROJECT TIMELINE --media DIR",
            )
        if sequence_id is None:
            return sequences[-1]
        for sequence in sequences:
            if str(sequence.id) == str(sequence_id).strip():
                return sequence
        raise NotFoundError(f"no sequence {sequence_id} in {self.path.name}")

    def shots(self, sequence_id: int | None = None) -> list[Shot]:
        sql = f"SELECT {SHOT_COLUMNS} FROM shots"
        args: tuple[int, ...] = ()
        if sequence_id is not None:
            sql, args = sql + " WHERE sequence_id = ?", (int(sequence_id),)
        rows = self._rows(sql + " ORDER BY sequence_id, position", args)
        with self._damage():
            return [Shot.from_row(r) for r in rows]

    def shot(self, shot_id: int | str) -> Shot:
        for shot in self.shots():
            if str(shot.id) == str(shot_id).strip():
                return shot
        raise NotFoundError(f"no shot {shot_id} in {self.path.name}")

    # -- recipes -----------------------------------------------------------------------------
    def recipes(self, *, all_versions: bool = False) -> list[Recipe]:
        """Saved recipes by name; the latest version of each unless ``all_versions``."""
        rows = self._rows(f"SELECT {RECIPE_COLUMNS} FROM recipes ORDER BY name, version")
        with self._damage():
            recipes = [Recipe.from_row(r) for r in rows]
        if all_versions:
            return recipes
        latest = {r.name: r for r in recipes}
        return sorted(latest.values(), key=lambda r: r.name)

    def recipe(self, name: str, version: int | None = None) -> Recipe:
        found = [r for r in self.recipes(all_versions=True) if r.name == name]
        if version is not None:
            found = [r for r in found if r.version == version]
        if not found:
            known = ", ".join(r.name for r in self.recipes()) or "none saved yet"
            raise NotFoundError(f"no recipe {name!r} in {self.path.name} (recipes: {known})")
        return found[-1]

    # -- deliveries --------------------------------------------------------------------------
    def deliveries(self, shot_id: int | None = None) -> list[Delivery]:
        sql = f"SELECT {DELIVERY_COLUMNS} FROM deliveries"
        args: tuple[int, ...] = ()
        if shot_id is not None:
            sql, args = sql + " WHERE shot_id = ?", (int(shot_id),)
        rows = self._rows(sql + " ORDER BY shot_id, version", args)
        with self._damage():
            return [Delivery.from_row(r) for r in rows]

    def latest_delivery(self, shot_id: int) -> Delivery | None:
        found = self.deliveries(shot_id)
        return found[-1] if found else None


__all__ = ["ConformReads"]
