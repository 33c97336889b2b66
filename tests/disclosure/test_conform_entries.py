"""The conform's log entries: exact round trips for any value, refusals of malformed bodies, and
a shot change that can only set what a shot change may."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries import (
    SCHEMA_TYPES,
    ClipRef,
    DeliveryEntry,
    DeliveryRecord,
    EditLink,
    Marker,
    OutputRef,
    RecipeEntry,
    RecipeRecord,
    RecipeStep,
    Region,
    SequenceImportEntry,
    SequenceRecord,
    ShotChangeEntry,
    ShotRecord,
    SpanTC,
    TimelineRef,
)
from workbench.errors import DisclosureError

text = st.text(max_size=10)
ints = st.integers(0, 2**31)
pairs = st.tuples(ints, ints)
spans = st.builds(SpanTC, text, st.booleans(), text, text)
clips = st.builds(ClipRef, ints, text, text)
shots = st.builds(
    ShotRecord,
    id=ints,
    position=ints,
    name=text,
    track=text,
    reel=st.none() | text,
    clip=st.none() | clips,
    status=st.sampled_from(["online", "offline"]),
    reason=text,
    source=spans,
    record=spans,
    handles=pairs,
    frames=st.none() | pairs,
    speed=text,
    markers=st.lists(st.builds(Marker, text, text, text, text), max_size=2).map(tuple),
    comments=st.lists(text, max_size=2).map(tuple),
)
entries = st.one_of(
    st.builds(
        SequenceImportEntry,
        st.builds(
            SequenceRecord,
            ints,
            text,
            st.builds(TimelineRef, text, text, text),
            text,
            st.booleans(),
            text,
            ints,
        ),
        st.lists(shots, max_size=3).map(tuple),
    ),
    st.builds(
        RecipeEntry,
        st.builds(
            RecipeRecord,
            ints,
            text,
            ints,
            st.lists(
                st.builds(
                    RecipeStep,
                    text,
                    st.dictionaries(text, ints, max_size=2),
                    st.none() | text,
                    st.just(Region.rect(1, 2, 3, 4)),
                ),
                max_size=2,
            ).map(tuple),
            text,
        ),
    ),
    st.builds(
        DeliveryEntry,
        st.builds(
            DeliveryRecord,
            ints,
            ints,
            ints,
            ints,
            st.builds(OutputRef, text, text, text),
            st.builds(EditLink, ints, text),
            clips,
            pairs,
            text,
            st.none() | text,
            text,
            text,
        ),
    ),
    st.builds(
        ShotChangeEntry,
        ints,
        ints,
        st.dictionaries(st.sampled_from(["name", "reason"]), text, max_size=2),
        st.dictionaries(st.sampled_from(["name", "reason"]), text, max_size=2),
        text,
    ),
)


@given(entries)
def test_round_trip(entry: Any) -> None:
    assert type(entry).from_dict(entry.to_dict()) == entry
    canonical_bytes(entry.to_dict())


@pytest.mark.parametrize(
    ("label", "body"),
    [
        (records.SEQUENCE_IMPORT, {"sequence": {}, "shots": []}),
        (
            records.SHOT_CHANGE,
            {"shot": 1, "sequence": 1, "set": {"position": 2}, "was": {}, "note": ""},
        ),
        (records.SHOT_CHANGE, {"shot": "1", "sequence": 1, "set": {}, "was": {}, "note": ""}),
        (
            records.RECIPE,
            {"recipe": {"id": 1, "name": "x", "version": 1, "steps": {}, "source": "spec"}},
        ),
        (records.DELIVERY, {"delivery": {"id": 1}}),
    ],
)
def test_malformed_bodies_are_refused(label: str, body: dict[str, Any]) -> None:
    with pytest.raises(DisclosureError, match="malformed"):
        SCHEMA_TYPES[label].from_dict(body)


def test_a_shot_change_sets_only_what_it_may_and_reads_back_typed() -> None:
    with pytest.raises(ValueError, match="cannot set"):
        ShotChangeEntry(1, 1, {"record": {}}, {})
    shot = ShotRecord(
        1,
        1,
        "a",
        "V1",
        None,
        None,
        "offline",
        "lost",
        SpanTC("25/1", False, "01:00:00:00", "01:00:01:00"),
        SpanTC("25/1", False, "00:00:00:00", "00:00:01:00"),
        (0, 0),
        None,
    )
    change = ShotChangeEntry(
        1,
        1,
        {"status": "online", "frames": [3, 40], "clip": ClipRef(2, "/a.mov", "f").to_dict()},
        {},
    )
    after = change.applied_to(shot)
    assert after.status == "online" and after.frames == (3, 40)
    assert after.clip == ClipRef(2, "/a.mov", "f")
    with pytest.raises(DisclosureError):
        ShotChangeEntry(1, 1, {"frames": "3-40"}, {}).applied_to(shot)
