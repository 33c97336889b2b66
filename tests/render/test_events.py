"""Render events are typed, and their JSON form reads back as the same event."""

from __future__ import annotations

import json

import pytest

from workbench.render.events import (
    Advanced,
    Done,
    ErrorRecord,
    Failed,
    Started,
    Stopped,
    Warned,
    event_from_dict,
    event_to_dict,
)


@pytest.mark.parametrize(
    "event",
    [
        Started(48, "/tmp/work"),
        Advanced(12, 48, 2.5, 14.4),
        Warned("qc: the audio is 2 ms shorter"),
        Done("/out/a.mov", "ab" * 32, 3),
        Failed("no", ErrorRecord("workbench.errors.PolicyError", "no", "sign it off", 5)),
        Failed("internal error", None, "Traceback …"),
        Stopped(),
    ],
)
def test_event_json_round_trip(event: object) -> None:
    data = event_to_dict(event)  # type: ignore[arg-type]
    assert event_from_dict(json.loads(json.dumps(data))) == event


def test_unknown_events_are_refused() -> None:
    with pytest.raises(ValueError, match="not a render event"):
        event_from_dict({"type": "explode"})
    with pytest.raises(TypeError):
        event_from_dict({"type": "progress", "done": 1, "total": 2, "colour": "red"})
