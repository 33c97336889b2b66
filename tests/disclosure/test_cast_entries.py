"""The performers' log entries round-trip exactly and refuse malformed bodies; an edit's
classification maps to one kind of likeness alteration; a consent covers a kind until it
expires."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries import (
    ALTERATION_KINDS,
    TAG_SOURCES,
    CastEntry,
    CastMemberRecord,
    CastRef,
    LikenessConsentEntry,
    LikenessConsentRecord,
    ShotCastEntry,
    parse_entry,
)
from workbench.disclosure.likeness import alteration_kind, judge, parse_kinds
from workbench.errors import DisclosureError
from workbench.tools.registry import get_tool

text = st.text(max_size=12)
ints = st.integers(0, 2**31)
people = st.builds(CastRef, ints, text)
kinds = st.sets(st.sampled_from(ALTERATION_KINDS), min_size=1).map(
    lambda s: tuple(k for k in ALTERATION_KINDS if k in s)
)
entries = st.one_of(
    st.builds(CastEntry, st.builds(CastMemberRecord, ints, text, text)),
    st.builds(
        ShotCastEntry,
        st.sampled_from(["tag", "untag"]),
        people,
        ints,
        st.lists(ints, max_size=4).map(tuple),
        st.sampled_from(TAG_SOURCES),
        text,
    ),
    st.builds(
        LikenessConsentEntry,
        st.builds(
            LikenessConsentRecord, ints, people, kinds, text, text, st.none() | text, text, text
        ),
    ),
)


@given(entries)
def test_round_trip(entry: Any) -> None:
    data = entry.to_dict()
    assert type(entry).from_dict(data) == entry
    whole = {"schema": entry.SCHEMA, "seq": 1, "id": "x", "time": "t", "operator": "o",
             "project": "p", "app": {"name": "a", "version": "1"}, "prev": "0" * 64, **data}  # fmt: skip
    assert parse_entry(whole).body == entry
    assert canonical_bytes(type(entry).from_dict(data).to_dict()) == canonical_bytes(data)


@pytest.mark.parametrize(
    ("kind", "body", "says"),
    [
        (
            ShotCastEntry,
            {
                "action": "erase",
                "person": {"id": 1, "name": "A"},
                "sequence": 1,
                "shots": [1],
                "source": "hand",
                "note": "",
            },
            "not tag or untag",
        ),
        (
            ShotCastEntry,
            {
                "action": "tag",
                "person": {"id": 1, "name": "A"},
                "sequence": 1,
                "shots": [1],
                "source": "rumour",
                "note": "",
            },
            "rumour",
        ),
        (
            ShotCastEntry,
            {
                "action": "tag",
                "person": {"id": 1, "name": "A"},
                "sequence": 1,
                "shots": ["1"],
                "source": "hand",
                "note": "",
            },
            "list of integers",
        ),
        (
            LikenessConsentEntry,
            {
                "consent": {
                    "id": 1,
                    "person": {"id": 1, "name": "A"},
                    "kinds": ["morphing"],
                    "production": "",
                    "signed": "",
                    "expires": None,
                    "document_ref": "",
                    "document_sha256": "",
                }
            },
            "not kinds of alteration",
        ),
        (
            LikenessConsentEntry,
            {
                "consent": {
                    "id": 1,
                    "person": {"id": 1, "name": "A"},
                    "kinds": [],
                    "production": "",
                    "signed": "",
                    "expires": None,
                    "document_ref": "",
                    "document_sha256": "",
                }
            },
            "not kinds of alteration",
        ),
        (CastEntry, {"member": {"id": 1, "name": "A"}}, "'role' is missing"),
    ],
)
def test_malformed_bodies_are_refused(kind: Any, body: dict[str, Any], says: str) -> None:
    with pytest.raises(DisclosureError, match=says):
        kind.from_dict(body)


def test_every_tool_maps_to_a_kind_of_alteration() -> None:
    seen = {t: alteration_kind(get_tool(t).classification) for t in
            ("denoise", "dust", "deblock", "upscale", "regrain")}  # fmt: skip
    assert seen == {
        "denoise": "enhancement",
        "dust": "enhancement",
        "deblock": "enhancement",
        "upscale": "resize",
        "regrain": "generative",  # synthesised grain is generated picture content
    }
    assert alteration_kind({"c2pa_action": "c2pa.removed"}) == "removal"
    assert alteration_kind({"c2pa_action": "c2pa.redacted"}) == "removal"
    assert alteration_kind({"c2pa_action": "c2pa.color_adjustments"}) == "enhancement"
    # a generative model's upscale is generative, whatever its action
    generative = {"c2pa_action": "c2pa.resized", "digital_source_type": "trainedAlgorithmicMedia"}
    assert alteration_kind(generative) == "generative"
    assert alteration_kind({"c2pa_action": "c2pa.enhanced", "nature": "generative"}) == "generative"


def test_a_consent_covers_its_kinds_until_it_expires() -> None:
    ada = CastRef(1, "Ada")
    early = LikenessConsentRecord(1, ada, ("resize",), "F", "2025-01-01", "2025-06-30", "r", "a")
    later = LikenessConsentRecord(2, ada, ("enhancement",), "F", "2025-01-01", None, "r", "b")
    day = date(2025, 6, 30)
    assert judge("Ada", "resize", [early], day).consent == early  # through its last day
    late = judge("Ada", "resize", [early, later], date(2025, 7, 1))
    assert not late.covered and late.why == "their consent 1 covering resize expired on 2025-06-30"
    only = judge("Ada", "generative", [early, later], day)
    assert only.why == "their consent covers only enhancement, resize, not generative"
    assert judge("Ada", "removal", [], day).why == "no likeness consent of theirs is recorded"
    bad = LikenessConsentRecord(3, ada, ("removal",), "F", "2025-01-01", "someday", "r", "c")
    assert not judge("Ada", "removal", [bad], day).covered  # an unreadable expiry covers nothing


def test_kinds_as_people_type_them() -> None:
    assert parse_kinds("Resize, enhancement") == ("enhancement", "resize")
    assert parse_kinds("all") == ALTERATION_KINDS
    for bad in ("", "morph", "resize,x"):
        with pytest.raises(ValueError, match="not a kind of alteration"):
            parse_kinds(bad)
