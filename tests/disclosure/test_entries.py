"""Typed log entries: one golden file per schema label, exact round trips, and refusals.

A golden file changes only when the on-disk form of an entry does; regenerate them on purpose
with ``WORKBENCH_REGOLD=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support import new_project, populate
from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries import (
    SCHEMA_TYPES,
    CastEntry,
    CastMemberRecord,
    CastRef,
    CheckpointEntry,
    Classification,
    ClipColourEntry,
    ClipMedia,
    ClipRef,
    ColourRecord,
    ColourStep,
    ConsentEntry,
    ConsentRecord,
    DeliveryEntry,
    DeliveryRecord,
    EditEntry,
    EditLink,
    EditSpec,
    ImportedClip,
    ImportEntry,
    KeyRotationEntry,
    LikenessConsentEntry,
    LikenessConsentRecord,
    Marker,
    ModelRecord,
    MoveEntry,
    OutputRef,
    PolicyEntry,
    ProjectEntry,
    RecipeEntry,
    RecipeRecord,
    RecipeStep,
    Region,
    RelinkEntry,
    RenderedSegment,
    RenderEntry,
    RevertEntry,
    Runtime,
    SequenceImportEntry,
    SequenceRecord,
    ShotCastEntry,
    ShotChangeEntry,
    ShotRecord,
    SignoffEntry,
    SpanTC,
    TimelineRef,
    ToggleEntry,
    ToolRef,
    VariantRef,
    parse_checkpoint,
    parse_entry,
)
from workbench.disclosure.keys import SigningKey
from workbench.errors import DisclosureError

GOLDEN = Path(__file__).parent / "golden" / "entries"
SHA = "ab" * 32
CLIP = ClipRef(1, "/footage/A001.mov", "cd" * 32)


def _edit(model: ModelRecord | None = None) -> EditEntry:
    return EditEntry(
        edit=EditSpec(
            id=3,
            clip=CLIP,
            frames=(0, 23),
            region=Region.rect(10, 20, 64, 48),
            tool=ToolRef("denoise", "1.0"),
            parameters={"strength": 0.75, "model": "denoise"},
        ),
        model=model
        or ModelRecord("denoise", "1.0.0", SHA, "MIT", "consented", "ef" * 32, ("cc0",)),
        runtime=Runtime("1.20.0", "OpenVINO-CPU", "2026.4.1", VariantRef("int8", "9a" * 32)),
        classification=Classification("c2pa.enhanced", "algorithmicallyEnhanced", "assistive"),
        consent_ref=None,
        signoff="pending",
    )


def _shot(shot_id: int, clip: ClipRef | None) -> ShotRecord:
    return ShotRecord(
        id=shot_id,
        position=shot_id,
        name="A001C003_230101_R1AB",
        track="V1",
        reel="A001C003",
        clip=clip,
        status="online" if clip else "offline",
        reason="reel A001C003, source timecode inside the clip" if clip else "no media has reel B7",
        source=SpanTC("30000/1001", True, "01:00:10;02", "01:00:12;02"),
        record=SpanTC("30000/1001", True, "01:00:00;00", "01:00:02;00"),
        handles=(8, 3),
        frames=(12, 83) if clip else None,
        speed="1",
        markers=(Marker("boom in frame", "01:00:11;00", "RED", "paint out"),),
        comments=("COMMENT: LOOK AT BOOM",),
    )


EXAMPLES: dict[str, Any] = {
    records.PROJECT: ProjectEntry("Test project", "2026-01-01T00:00:00.000000Z", 3),
    records.IMPORT: ImportEntry(ImportedClip(1, "A001.mov", "/footage/A001.mov", "cd" * 32)),
    records.EDIT: _edit(),
    records.REVERT: RevertEntry("00000000-0000-4000-8000-000000000003", 3, "undo"),
    records.TOGGLE: ToggleEntry(3, "00000000-0000-4000-8000-000000000003", False),
    records.CONSENT: ConsentEntry(
        ConsentRecord(1, "Jane Doe", "likeness, this film", None, "contracts/jd.pdf", SHA)
    ),
    records.POLICY: PolicyEntry(
        {
            "allowed_tools": ["denoise"],
            "allowed_models": None,
            "allow_undisclosed": False,
            "signoff_required": ["upscale"],
        }
    ),
    records.RENDER: RenderEntry(
        render=1,
        clip=CLIP,
        output=OutputRef("/out/A001_clean.mov", SHA, "prores_ks"),
        frames=(0, 23),
        frame_digest="12" * 32,
        plan="34" * 32,
        edits=(EditLink(3, "00000000-0000-4000-8000-000000000003"),),
        qc={"status": "passed", "expected": []},
        extra={"credentials": {"manifest": "urn:c2pa:1", "signed": True}},
        segments=(
            RenderedSegment(0, 0, 11, "tcp://10.0.0.5:40331", "CPUExecutionProvider", "9a" * 32),
            RenderedSegment(1, 12, 23, "tcp://10.0.0.6:38117", "CPUExecutionProvider", "9b" * 32),
        ),
        runtime={
            "onnxruntime": "1.20.0",
            "openvino": "2026.4.1",
            "models": [
                {
                    "edit": 3,
                    "model": "denoise",
                    "provider": "OpenVINO-CPU",
                    "file": "int8",
                    "sha256": "9a" * 32,
                    "applied_with": "CPUExecutionProvider/main",
                }
            ],
        },
    ),
    records.RELINK: RelinkEntry(1, "/footage/A001.mov", "/media/A001.mov", "cd" * 32),
    records.SIGNOFF: SignoffEntry(3, "00000000-0000-4000-8000-000000000003", "approved"),
    records.EDIT_MOVE: MoveEntry(1, 5, "00000000-0000-4000-8000-000000000005", 3, 1, (5, 3, 4)),
    records.KEY_ROTATION: KeyRotationEntry.signed(
        "00000000-0000-4000-8000-00000000000p",
        SigningKey.from_seed(b"golden previous key"),
        SigningKey.from_seed(b"golden new key").public_b64,
        reason="this machine's key was rotated",
    ),
    records.CLIP_COLOUR: ClipColourEntry(
        1, "ARRI LogC4", None, "studio-config-v5.0.0_aces-v2.1_ocio-v2.6"
    ),
    records.SEQUENCE_IMPORT: SequenceImportEntry(
        SequenceRecord(
            1,
            "SEQ_01",
            TimelineRef("/cuts/SEQ_01.edl", SHA, "cmx_3600"),
            "30000/1001",
            True,
            "01:00:00;00",
            8,
        ),
        (_shot(1, CLIP), _shot(2, None)),
    ),
    records.SHOT_CHANGE: ShotChangeEntry(
        2,
        1,
        {"clip": CLIP.to_dict(), "status": "online", "frames": [0, 71]},
        {"clip": None, "status": "offline", "frames": None},
        "relinked to the camera original",
    ),
    records.RECIPE: RecipeEntry(
        RecipeRecord(
            1,
            "cleanup",
            2,
            (
                RecipeStep("dust", {}, None, Region()),
                RecipeStep("denoise", {"strength": 0.5}, "denoise", Region.rect(0, 0, 64, 36)),
            ),
            "clip 1",
        )
    ),
    records.DELIVERY: DeliveryEntry(
        DeliveryRecord(
            id=1,
            shot=1,
            sequence=1,
            version=3,
            output=OutputRef("/out/001_A001C003_wb_v003.mov", SHA, "prores_ks"),
            render=EditLink(4, "00000000-0000-4000-8000-000000000009"),
            clip=CLIP,
            frames=(12, 83),
            timecode="01:00:09;24",
            reel="A001C003",
            rate="30000/1001",
            qc="passed",
        )
    ),
    records.CAST: CastEntry(CastMemberRecord(1, "Ada Actor", "Detective Ivy")),
    records.SHOT_CAST: ShotCastEntry(
        "tag", CastRef(1, "Ada Actor"), 1, (1, 4, 5), "comment", "from the timeline"
    ),
    records.LIKENESS_CONSENT: LikenessConsentEntry(
        LikenessConsentRecord(
            id=1,
            person=CastRef(1, "Ada Actor"),
            kinds=("enhancement", "resize"),
            production="The Long Night",
            signed="2026-01-05",
            expires="2027-01-04",
            document_ref="releases/ada_actor.pdf",
            document_sha256=SHA,
        )
    ),
    records.CHECKPOINT: CheckpointEntry(
        seq=2,
        project="00000000-0000-4000-8000-00000000000p",
        tree_size=3,
        head="56" * 32,
        first=2,
        hashes=("78" * 32, "56" * 32),
        time="2026-01-01T00:00:05.000000Z",
        key_id="0123456789abcdef",
    ),
}


def test_every_schema_label_has_a_type_and_an_example() -> None:
    labels = {*records.ENTRY_SCHEMAS, records.CHECKPOINT}
    assert set(SCHEMA_TYPES) == labels == set(EXAMPLES)
    assert len(labels) == 21
    for label, example in EXAMPLES.items():
        assert type(example) is SCHEMA_TYPES[label]
        assert label == example.SCHEMA


@pytest.mark.parametrize("label", sorted(EXAMPLES))
def test_golden(label: str) -> None:
    entry = EXAMPLES[label]
    data = canonical_bytes(entry.to_dict())
    golden = GOLDEN / (label.replace("workbench.", "").replace("/", "-") + ".json")
    if os.environ.get("WORKBENCH_REGOLD"):
        golden.write_bytes(data + b"\n")
    assert data + b"\n" == golden.read_bytes(), f"the on-disk form of {label} changed"
    assert type(entry).from_dict(entry.to_dict()) == entry


def test_golden_tracked_region() -> None:
    """An edit on a tracked region: the track by its hash, its shape and keyframes."""
    tracked = Region.tracked("9a" * 32, "rect", (0, 24, 47))
    entry = _edit()
    entry = EditEntry(
        **{**entry.__dict__, "edit": EditSpec(**{**entry.edit.__dict__, "region": tracked})}
    )
    data = canonical_bytes(entry.to_dict())
    golden = GOLDEN / "edit-1-tracked-region.json"
    if os.environ.get("WORKBENCH_REGOLD"):
        golden.write_bytes(data + b"\n")
    assert data + b"\n" == golden.read_bytes(), "the on-disk form of a tracked region changed"
    assert EditEntry.from_dict(entry.to_dict()) == entry
    assert tracked.describe() == f"tracked rectangle (keyframes 0, 24, 47; track {'9a' * 6})"
    for bad in (
        {"kind": "tracked", "sha256": "9a" * 32, "shape": "circle", "keyframes": [0]},
        {"kind": "tracked", "sha256": "9a" * 32, "shape": "rect", "keyframes": []},
        {"kind": "tracked", "sha256": "9a" * 32, "shape": "rect", "keyframes": [True]},
        {"kind": "tracked", "shape": "rect", "keyframes": [0]},
    ):
        with pytest.raises(DisclosureError):
            Region.from_dict(bad)


def test_golden_render_with_its_colour_record() -> None:
    """A render since colour management names its transforms; one without them reads as before."""
    entry = RenderEntry(
        **{
            **EXAMPLES[records.RENDER].__dict__,
            "colour": ColourRecord(
                config="studio-config-v5.0.0_aces-v2.1_ocio-v2.6",
                ocio="2.6.0",
                input="ARRI LogC4",
                origin="set",
                steps=(ColourStep(3, "sRGB Encoded Rec.709 (sRGB)", True),),
            ),
        }
    )
    data = canonical_bytes(entry.to_dict())
    golden = GOLDEN / "render-1-colour.json"
    if os.environ.get("WORKBENCH_REGOLD"):
        golden.write_bytes(data + b"\n")
    assert data + b"\n" == golden.read_bytes(), "the on-disk form of a render's colour changed"
    assert RenderEntry.from_dict(entry.to_dict()) == entry
    assert "colour" not in EXAMPLES[records.RENDER].to_dict()
    broken = entry.to_dict()
    broken["colour"]["steps"] = {"edit": 3}
    with pytest.raises(DisclosureError, match="malformed"):
        RenderEntry.from_dict(broken)


def test_a_render_entry_from_before_farms_keeps_its_exact_bytes() -> None:
    """Segments are optional: an entry without them (every local render, and every render
    before farms) reads back to the same bytes, so its hash, and the log, still verify."""
    old = (Path(__file__).parent / "golden" / "render-1-before-segments.json").read_bytes()
    entry = RenderEntry.from_dict(json.loads(old))
    assert entry.segments == ()
    assert canonical_bytes(entry.to_dict()) + b"\n" == old


@pytest.mark.parametrize(
    "segments",
    [[], "no", [{"index": 0, "frames": [0], "worker": "w", "provider": "p", "frame_digest": ""}]],
)
def test_a_malformed_segment_list_is_refused(segments: Any) -> None:
    body = {**EXAMPLES[records.RENDER].to_dict(), "segments": segments}
    with pytest.raises(DisclosureError, match="segment"):
        RenderEntry.from_dict(body)


@pytest.mark.parametrize("label", sorted(records.ENTRY_SCHEMAS))
def test_parse_entry_dispatches_on_the_label(label: str) -> None:
    body = EXAMPLES[label]
    envelope = {
        "schema": label,
        "seq": 7,
        "id": "e7",
        "time": "2026-01-01T00:00:07.000000Z",
        "operator": "Test Operator",
        "project": "p",
        "app": {"name": "Workbench", "version": "0.0.0"},
        "prev": "0" * 64,
    }
    typed = parse_entry({**envelope, **body.to_dict(), "hash": "9" * 64})
    assert typed.body == body
    assert typed.envelope.seq == 7 and typed.id == "e7" and typed.hash == "9" * 64
    assert typed.to_dict() == {**envelope, **body.to_dict()}


def test_project_entries_read_back_to_their_exact_bytes(tmp_path: Path) -> None:
    """What the project writes through the dataclasses is exactly what they read back."""
    with new_project(tmp_path / "p.wbproj") as project:
        populate(project, edits=2)
        edit = project.edits()[0]
        project.set_edit_enabled(edit.id, False)
        project.revert_edit(edit.id)
        project.add_consent(subject="Jane", scope="likeness", document_ref="c.pdf")
        project.set_policy(project.policy().model_copy(update={"signoff_required": ["denoise"]}))
        rows = project.log.rows()
        checkpoints = project.log.checkpoint_rows()
        typed = project.log_data().typed_entries()
    assert len(rows) == 8
    assert [type(e.body).__name__ for e in typed] == [
        "ProjectEntry",
        "ImportEntry",
        "EditEntry",
        "EditEntry",
        "ToggleEntry",
        "RevertEntry",
        "ConsentEntry",
        "PolicyEntry",
    ]
    for row in rows:
        typed = parse_entry(row)
        assert canonical_bytes(typed.to_dict()) == row.body
        assert typed.hash == row.entry_hash
    for cp in checkpoints:
        signed = parse_checkpoint(json.loads(cp.body))
        assert canonical_bytes(signed.to_dict()) == cp.body


@pytest.mark.parametrize(
    ("label", "change"),
    [
        (records.EDIT, lambda d: d["edit"].pop("frames")),
        (records.EDIT, lambda d: d.update(signoff="maybe")),
        (records.EDIT, lambda d: d["edit"]["region"].update(kind="ellipse")),
        (records.REVERT, lambda d: d.update(edit="3")),
        (records.TOGGLE, lambda d: d.update(enabled=1)),
        (records.RENDER, lambda d: d.update(edits={"edit": 3})),
        (records.CONSENT, lambda d: d["consent"].update(id=True)),
        (records.CHECKPOINT, lambda d: d.update(hashes="56")),
    ],
)
def test_malformed_bodies_are_refused(label: str, change: Any) -> None:
    data = EXAMPLES[label].to_dict()
    change(data)
    with pytest.raises(DisclosureError, match="malformed"):
        SCHEMA_TYPES[label].from_dict(data)


def test_from_dict_refuses_another_kind_and_upgrades_older_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(DisclosureError, match="not a"):
        RevertEntry.from_dict({"schema": records.TOGGLE, **EXAMPLES[records.TOGGLE].to_dict()})

    def revert_v0(entry: dict[str, Any]) -> dict[str, Any]:
        entry["schema"] = records.REVERT
        entry["reason"] = entry.pop("why")
        return entry

    monkeypatch.setitem(records.UPGRADES, "workbench.revert/0", revert_v0)
    old = {"schema": "workbench.revert/0", "reverts": "e3", "edit": 3, "why": "remove"}
    assert RevertEntry.from_dict(old) == RevertEntry("e3", 3, "remove")
    assert old["why"] == "remove"  # the entry as read is not changed


def test_older_entries_without_later_fields_still_read() -> None:
    data = EXAMPLES[records.EDIT].to_dict()
    data["classification"] = {"c2pa_action": "c2pa.enhanced"}
    data["model"] = {k: v for k, v in data["model"].items() if k != "training_data"}
    data["edit"].pop("region")
    entry = EditEntry.from_dict(data)
    assert entry.edit.region == Region()
    assert entry.model is not None and entry.model.training_data is None
    assert entry.classification.to_dict() == {"c2pa_action": "c2pa.enhanced"}
    render = EXAMPLES[records.RENDER].to_dict()
    render.pop("qc")
    render.pop("runtime")
    assert "qc" not in RenderEntry.from_dict(render).to_dict()
    assert RenderEntry.from_dict(render).runtime is None


def test_an_edit_run_on_the_main_file_by_onnx_runtime_records_what_it_always_did() -> None:
    """The runtime's later fields (OpenVINO's version, the variant) are absent unless they
    apply, so an edit run as before writes exactly the bytes it wrote before."""
    runtime = Runtime("1.20.0", "CPUExecutionProvider")
    assert runtime.to_dict() == {"onnxruntime": "1.20.0", "provider": "CPUExecutionProvider"}
    assert Runtime.from_dict(runtime.to_dict()) == runtime
    with pytest.raises(DisclosureError):
        Runtime.from_dict({"onnxruntime": "1", "provider": "x", "variant": {"name": "int8"}})
    bad = EXAMPLES[records.RENDER].to_dict() | {"runtime": {"models": "all"}}
    with pytest.raises(DisclosureError):
        RenderEntry.from_dict(bad)


def test_region() -> None:
    assert Region.from_dict(None) == Region.from_dict({}) == Region()
    assert Region.from_input({"kind": "rect", "x": "1", "y": 2, "w": 3, "h": 4}) == Region.rect(
        1, 2, 3, 4
    )
    assert Region.mask(SHA).to_dict() == {"kind": "mask", "sha256": SHA}
    with pytest.raises(ValueError, match="unknown region kind"):
        Region.from_input({"kind": "ellipse"})
    assert records.region_record({"kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4}) == {
        "kind": "rect",
        "x": 1,
        "y": 2,
        "w": 3,
        "h": 4,
    }


def test_clip_media_keeps_what_the_probe_wrote() -> None:
    stored = {
        "width": 1920,
        "height": 1080,
        "frame_rate": "24000/1001",
        "frame_count": 48,
        "field_order": 0,
        "codec": "prores",
        "timecode": None,
        "bit_depth": 10,
        "audio": [{"codec": "pcm_s24le"}],
        "profile": None,
    }
    media = ClipMedia.from_dict(stored)
    assert media.to_dict() == stored
    assert media.frame_rate == Fraction(24000, 1001) and media.pixels == 1920 * 1080
    assert media.get("frame_count") == 48 and media["codec"] == "prores"
    assert media.get("missing", "x") == "x" and dict(media) == stored
    odd = {"width": "wide", "frame_rate": "24", "frame_count": 12}
    lenient = ClipMedia.from_dict(odd)
    assert lenient.to_dict() == odd
    assert lenient.width is None and lenient.frame_rate == 24 and lenient.frame_count == 12
    assert ClipMedia.from_dict(None) == ClipMedia()


# -- property: from_dict(to_dict(x)) == x ------------------------------------------------------
text = st.text(max_size=12)
ints = st.integers(min_value=0, max_value=2**31)
opt_text = st.none() | text
json_scalar = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | text
json_obj = st.dictionaries(text, json_scalar, max_size=4)
regions = st.one_of(
    st.just(Region()),
    st.builds(Region.rect, ints, ints, ints, ints),
    st.builds(Region.mask, text),
)
clip_refs = st.builds(ClipRef, ints, text, text)
pairs = st.tuples(ints, ints)
models = st.builds(
    ModelRecord,
    text,
    opt_text,
    text,
    opt_text,
    text,
    opt_text,
    st.none() | st.lists(text, max_size=3).map(tuple),
)
edits = st.builds(
    EditEntry,
    edit=st.builds(
        EditSpec, ints, clip_refs, pairs, regions, st.builds(ToolRef, text, text), json_obj
    ),
    model=st.none() | models,
    runtime=st.builds(Runtime, opt_text, opt_text),
    classification=st.builds(Classification, text, opt_text, opt_text),
    consent_ref=st.none() | ints,
    signoff=st.sampled_from(["pending", "not-required"]),
    action=text,
)
reserved = RenderEntry.KNOWN | set(records.ENVELOPE) | {"hash"}
renders = st.builds(
    RenderEntry,
    render=ints,
    clip=clip_refs,
    output=st.builds(OutputRef, text, text, text),
    frames=pairs,
    frame_digest=text,
    plan=text,
    edits=st.lists(st.builds(EditLink, ints, text), max_size=3).map(tuple),
    qc=st.none() | json_obj,
    extra=st.dictionaries(text.filter(lambda k: k not in reserved), json_scalar, max_size=3),
)
any_entry = st.one_of(
    st.builds(ProjectEntry, text, text, ints),
    st.builds(ImportEntry, st.builds(ImportedClip, ints, text, text, text)),
    edits,
    st.builds(RevertEntry, text, ints, text),
    st.builds(ToggleEntry, ints, text, st.booleans()),
    st.builds(ConsentEntry, st.builds(ConsentRecord, ints, text, text, opt_text, text, opt_text)),
    st.builds(PolicyEntry, json_obj),
    renders,
    st.builds(RelinkEntry, ints, text, text, text),
    st.builds(SignoffEntry, ints, text, text),
    st.builds(
        CheckpointEntry,
        ints,
        text,
        ints,
        text,
        ints,
        st.lists(text, max_size=3).map(tuple),
        text,
        text,
    ),
)


@given(any_entry)
def test_round_trip(entry: Any) -> None:
    assert type(entry).from_dict(entry.to_dict()) == entry
    canonical_bytes(entry.to_dict())  # and it is always canonical JSON


media_values = st.builds(
    ClipMedia,
    width=st.none() | ints,
    height=st.none() | ints,
    frame_count=st.none() | ints,
    frame_rate=st.none() | st.fractions(min_value=Fraction(1, 1000), max_value=1000),
    field_order=st.none() | st.integers(0, 5),
    codec=opt_text,
    timecode=opt_text,
    bit_depth=st.none() | st.integers(1, 32),
    extra=st.dictionaries(text.filter(lambda k: k not in ClipMedia.TYPED), json_scalar, max_size=3),
)


@given(media_values)
def test_clip_media_round_trip(media: ClipMedia) -> None:
    assert ClipMedia.from_dict(media.to_dict()) == media
