"""Reading older entries: upgrades apply on the way out and never change what was read."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.disclosure import records


def test_upgrades_work_on_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    def edit_v0(entry: dict[str, Any]) -> dict[str, Any]:
        entry["schema"] = records.EDIT
        entry["frames"].append("upgraded")
        return entry

    monkeypatch.setitem(records.UPGRADES, "workbench.edit/0", edit_v0)
    old = {"schema": "workbench.edit/0", "frames": [0, 9]}
    new = records.upgraded(old)
    assert new == {"schema": records.EDIT, "frames": [0, 9, "upgraded"]}
    assert old == {"schema": "workbench.edit/0", "frames": [0, 9]}  # the entry as read stays
    current = {"schema": records.EDIT, "frames": [0, 9]}
    assert records.upgraded(current) == {"schema": records.EDIT, "frames": [0, 9]}
