"""The edit-move entry: an edit moved to another place in its clip's stack.

Edits run bottom to top, each on the result of the ones below it, so their order changes the
picture (denoise before or after dust, a region edit before or after another). A move is logged
like every other change to the stack: which edit, from which place to which (1 is the bottom,
the first to run), and the clip's whole stack as it became (edit ids, bottom first), which is
what ``project.stack_check`` replays and a render applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.entries.fields import JsonObject, malformed, req_int, req_str


@dataclass(frozen=True)
class MoveEntry:
    """Edit ``edit`` (added by entry ``entry``) of clip ``clip`` moved from place ``from_place``
    to ``to_place``; ``order`` is the clip's stack after the move, bottom first."""

    SCHEMA: ClassVar[str] = records.EDIT_MOVE
    clip: int
    edit: int
    entry: str
    from_place: int
    to_place: int
    order: tuple[int, ...]

    def to_dict(self) -> JsonObject:
        return {
            "clip": self.clip,
            "edit": self.edit,
            "entry": self.entry,
            "from": self.from_place,
            "to": self.to_place,
            "order": list(self.order),
        }

    @classmethod
    def from_dict(cls, data: Any) -> MoveEntry:
        from workbench.disclosure.entries.kinds import body_of

        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        order = d.get("order")
        if not isinstance(order, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in order
        ):
            raise malformed(what, "order", "is not a list of edit ids")
        entry = cls(
            clip=req_int(d, "clip", what),
            edit=req_int(d, "edit", what),
            entry=req_str(d, "entry", what),
            from_place=req_int(d, "from", what),
            to_place=req_int(d, "to", what),
            order=tuple(order),
        )
        if entry.edit not in entry.order or not 1 <= entry.to_place <= len(entry.order):
            raise malformed(what, "to", "is not the moved edit's place in the order")
        if entry.order[entry.to_place - 1] != entry.edit:
            raise malformed(what, "order", "does not hold the moved edit at its new place")
        return entry


__all__ = ["MoveEntry"]
