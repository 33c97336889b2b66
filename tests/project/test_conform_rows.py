"""The conform's rows (schema 4): written with their entries, guarded, and checked against the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import TEST_KEY, new_project, tamper
from workbench.disclosure.entries import (
    ClipRef,
    DeliveryRecord,
    EditLink,
    Marker,
    OutputRef,
    RecipeStep,
    SequenceRecord,
    ShotRecord,
    SpanTC,
    TimelineRef,
)
from workbench.errors import NotFoundError, UsageError
from workbench.project import Project

SHA = "ab" * 32


def shot(name: str, clip: ClipRef | None, frames: tuple[int, int] | None) -> ShotRecord:
    return ShotRecord(
        id=0,
        position=0,
        name=name,
        track="V1",
        reel="A001C003",
        clip=clip,
        status="online" if clip else "offline",
        reason="reel A001C003" if clip else "no media has reel A001C003",
        source=SpanTC("30000/1001", True, "01:00:10;02", "01:00:12;02"),
        record=SpanTC("30000/1001", True, "01:00:00;00", "01:00:02;00"),
        handles=(8, 8),
        frames=frames,
        markers=(Marker("boom", "01:00:11;00", "RED", ""),),
        comments=("LOOK AT BOOM",),
    )


SEQUENCE = SequenceRecord(
    0,
    "SEQ_01",
    TimelineRef("/cuts/SEQ_01.edl", SHA, "cmx_3600"),
    "30000/1001",
    True,
    "01:00:00;00",
    8,
)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        clip = project.add_clip(
            "/footage/A001.mov", fingerprint="cd" * 32, media={"frame_count": 90}
        )
        ref = ClipRef(clip.id, "", "")  # the project fills in what it knows
        project.add_sequence(SEQUENCE, [shot("one", ref, (10, 81)), shot("two", None, None)])
        project.save_recipe("cleanup", [RecipeStep("dust", {})], source="spec")
        project.save_recipe("cleanup", [RecipeStep("denoise", {"strength": 0.5})], source="spec")
    return path


def test_sequence_shots_recipes_and_deliveries_are_logged_and_verify(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        (sequence,) = project.sequences()
        one, two = project.shots(sequence.id)
        assert (one.position, two.position) == (1, 2)
        assert one.online and not two.online and one.frames == (10, 81)
        assert one.source.tc_in == "01:00:10;02" and one.markers[0].name == "boom"
        assert project.recipe("cleanup").version == 2
        assert [r.version for r in project.recipes(all_versions=True)] == [1, 2]
        project.change_shot(
            two.id,
            {
                "name": "two (relinked)",
                "clip": {"id": 1, "path": "", "fingerprint": ""},
                "status": "online",
                "frames": [0, 40],
            },
        )
        render = project.register_render(
            1,
            output="/out/a.mov",
            sha256=SHA,
            codec="prores_ks",
            frame_count=72,
            frame_digest=SHA,
            plan=SHA,
            edits=[],
        )
        delivery = project.add_delivery(
            DeliveryRecord(
                0,
                one.id,
                0,
                1,
                OutputRef("/out/a.mov", SHA, "prores_ks"),
                EditLink(render.id, render.log_entry),
                ClipRef(1, "", ""),
                (10, 81),
                "01:00:09;24",
                "A001C003",
                "30000/1001",
                "passed",
            )
        )
        assert delivery.version == 1 and project.latest_delivery(one.id) == delivery
        changed = project.shot(two.id)
        assert changed.online and changed.clip_id == 1 and changed.name == "two (relinked)"
        report = project.verify()
        assert report.ok, report.problems
        kinds = [e["schema"] for e in project.log.entries()]
    assert kinds[-5:] == [
        "workbench.recipe/1",
        "workbench.recipe/1",
        "workbench.shot-change/1",
        "workbench.render/1",
        "workbench.delivery/1",
    ]


def test_a_shot_change_refuses_what_it_may_not_set(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        with pytest.raises(UsageError, match="cannot be changed"):
            project.change_shot(1, {"position": 5})
        with pytest.raises(UsageError, match="cannot be changed"):
            project.change_shot(1, {"status": "lost"})
        with pytest.raises(NotFoundError):
            project.change_shot(1, {"clip": {"id": 99, "path": "", "fingerprint": ""}})
        assert project.verify().ok


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE shots SET source_in = '01:00:00;00' WHERE id = 1",
        "UPDATE shots SET position = 3 WHERE id = 1",
        "DELETE FROM shots WHERE id = 2",
        "UPDATE sequences SET name = 'other' WHERE id = 1",
        "DELETE FROM recipes WHERE id = 1",
    ],
)
def test_guards_refuse_what_the_app_never_does(project_path: Path, sql: str) -> None:
    conn = sqlite3.connect(project_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("sql", "row", "says"),
    [
        ("UPDATE shots SET frame_first = 0 WHERE id = 1", "shot 1", "frame first"),
        ("UPDATE shots SET clip_id = NULL WHERE id = 1", "shot 1", "clip id"),
        ("UPDATE shots SET markers = '[]' WHERE id = 1", "shot 1", "markers"),
        ("DELETE FROM shots WHERE id = 2", "shot 2", "no row for it"),
        ("UPDATE sequences SET handles = 0", "sequence 1", "handles"),
        ("UPDATE recipes SET steps = '[]' WHERE id = 2", "recipe 2", "steps"),
        (
            "INSERT INTO recipes (name, version, steps, source, created, log_entry) "
            "VALUES ('x', 1, '[]', 'spec', 'now', 'e')",
            "recipe 3",
            "no log entry adds it",
        ),
    ],
)
def test_verify_names_the_row_that_disagrees_with_the_log(
    project_path: Path, sql: str, row: str, says: str
) -> None:
    tamper(project_path, (sql, ()))
    with Project.open(project_path, readonly=True) as project:
        report = project.verify()
    assert not report.ok
    found = [p for p in report.problems if p.kind == "stack"]
    assert any(p.row == row and says in p.message for p in found), found


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(
        st.sampled_from(
            [
                {"name": "renamed"},
                {"handles": [2, 3], "frames": [12, 79]},
                {"reason": "checked by hand"},
                {"markers": []},
                {"comments": ["a", "b"]},
                {"status": "offline", "clip": None, "frames": None},
            ]
        ),
        max_size=4,
    )
)
def test_any_run_of_shot_changes_leaves_rows_the_log_vouches_for(
    tmp_path_factory: pytest.TempPathFactory, changes: list[dict[str, object]]
) -> None:
    path = tmp_path_factory.mktemp("p") / "p.wbproj"
    with new_project(path) as project:
        project.add_clip("/footage/A001.mov", fingerprint="cd" * 32, media={"frame_count": 90})
        project.add_sequence(SEQUENCE, [shot("one", ClipRef(1, "", ""), (10, 81))])
        for change in changes:
            project.change_shot(1, change)
        assert project.verify().ok
