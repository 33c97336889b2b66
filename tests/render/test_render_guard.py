"""What renders is what the log vouches for, and a render registers only where it started.

Each test tampers as an attacker would — sqlite3 on the file, its triggers dropped; the
project file replaced while the render runs — and checks that nothing is rendered from rows the
log does not vouch for, and that nothing is signed or registered into a project the render did
not start from.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import project_with, tamper
from workbench.cli import main
from workbench.disclosure.credentials.common import CredentialsError
from workbench.errors import VerificationFailed
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.render.events import Advanced, RenderEvent
from workbench.render.guard import ProjectChangedError


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "a001.mov"
    return make_video(path, "prores_ks", "yuv422p10le", Fraction(24), frames=8, size=(64, 48))


def leftovers(folder: Path) -> list[str]:
    """Whatever a render left in the output folder besides the project and its source."""
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith((".out", "out")) or "render" in p.name
    )


def renders_in(path: Path) -> int:
    with Project.open(path, readonly=True) as project:
        return len(project.renders())


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE edits SET parameters = '{\"strength\": 1.0}' WHERE id = 1",
        "INSERT INTO edits (clip_id, position, tool, tool_version, parameters, frame_start, "
        "frame_end, region, created, log_entry) SELECT clip_id, 5, 'dust', tool_version, '{}', "
        "0, 7, region, created, 'forged' FROM edits WHERE id = 1",
        "UPDATE edits SET enabled = 1 WHERE id = 2",
        "UPDATE edits SET frame_end = 7 WHERE id = 1",
    ],
    ids=["parameters", "inserted", "enabled", "frames"],
)
def test_a_tampered_stack_is_refused_before_anything_is_written(
    tmp_path: Path, source: Path, statement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_with(
        tmp_path,
        source,
        ["--tool", "denoise", "--frames", "0-3", "--param", "strength=0.2"],
        ["--tool", "dust"],
    )
    with Project.open(project) as opened:
        opened.set_edit_enabled(2, False)
    tamper(project, (statement, ()))
    capsys.readouterr()
    out = tmp_path / "out.mov"
    code = main(["render", str(project), "1", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "vouches for" in err and "edit " in err
    assert leftovers(tmp_path) == []  # no output, no pending file, no segment folder
    with pytest.raises(VerificationFailed, match=r"rendering out\.mov is refused"):
        run_render(RenderRequest(project, 1, out))
    assert renders_in(project) == 0


def _swap_after_first_progress(project: Path, replacement: Path) -> Callable[[RenderEvent], None]:
    """An ``on_event`` that moves the project aside and puts ``replacement`` in its place."""
    swapped: list[bool] = []

    def on_event(event: RenderEvent) -> None:
        if isinstance(event, Advanced) and not swapped:
            swapped.append(True)
            os.replace(project, project.with_name("original.wbproj"))
            os.replace(replacement, project)

    return on_event


@pytest.mark.parametrize("sign", [True, False], ids=["before-signing", "before-registering"])
def test_a_project_swapped_mid_render_registers_nothing(
    tmp_path: Path, source: Path, sign: bool
) -> None:
    project = project_with(tmp_path, source, ["--tool", "denoise"])
    other = tmp_path / "other"
    other.mkdir()
    replacement = project_with(other, source)  # same footage, another project, no edits
    out = tmp_path / "out.mov"
    request = RenderRequest(project, 1, out, sign=sign, segment_frames=4)
    with pytest.raises(ProjectChangedError) as caught:
        run_render(request, on_event=_swap_after_first_progress(project, replacement))
    pending = tmp_path / ".out.rendering.mov"
    message = str(caught.value)
    assert "changed while the render ran" in message and "the file was replaced" in message
    assert str(pending) in message
    assert pending.is_file() and not out.exists()  # kept under its pending name
    assert not pending.with_suffix(".c2pa").exists()
    assert renders_in(project) == 0  # the replacement
    assert renders_in(tmp_path / "original.wbproj") == 0


def test_a_stack_changed_mid_render_registers_nothing(tmp_path: Path, source: Path) -> None:
    """The same project, its log grown: the render's edit is now off, so it is not registered."""
    project = project_with(tmp_path, source, ["--tool", "denoise"], ["--tool", "dust"])

    def on_event(event: RenderEvent) -> None:
        if isinstance(event, Advanced) and event.done == event.total:
            with Project.open(project) as opened:
                opened.set_edit_enabled(2, False)

    out = tmp_path / "out.mov"
    with pytest.raises(ProjectChangedError, match=r"enabled edits are now 1 \(denoise\)"):
        run_render(RenderRequest(project, 1, out, sign=False), on_event=on_event)
    assert (tmp_path / ".out.rendering.mov").is_file() and renders_in(project) == 0


def test_a_log_that_grew_elsewhere_still_registers(tmp_path: Path, source: Path) -> None:
    """Another clip's edit joins the log mid-render: the plan's head is still there."""
    from support import edit_request
    from workbench.editing import apply_edit, import_clip, plan_edit

    project = project_with(tmp_path, source, ["--tool", "denoise"])
    second = make_video(tmp_path / "b.mov", "prores_ks", "yuv422p10le", Fraction(24), frames=2)

    def on_event(event: RenderEvent) -> None:
        if isinstance(event, Advanced) and event.done == event.total:
            with Project.open(project) as opened:
                clip = import_clip(opened, second)
                apply_edit(opened, plan_edit(opened, edit_request(clip.id, ["--tool", "dust"])))

    result = run_render(RenderRequest(project, 1, tmp_path / "out.mov"), on_event=on_event)
    with Project.open(project, readonly=True) as opened:
        assert [r.id for r in opened.renders()] == [result.render_id]
        assert opened.verify().ok


def test_a_project_replaced_by_one_with_the_same_id_but_another_log(
    tmp_path: Path, source: Path
) -> None:
    """A copy with the same project id whose log no longer holds the plan's head."""
    from support import TEST_KEY
    from workbench.editing import import_clip

    project = project_with(tmp_path, source, ["--tool", "denoise"])
    with Project.open(project, readonly=True) as opened:
        project_id = opened.id
    other = tmp_path / "other"
    other.mkdir()
    replacement = other / "p.wbproj"
    with Project.create(replacement, project_id=project_id, key=TEST_KEY) as opened:
        import_clip(opened, source)
    with pytest.raises(ProjectChangedError, match="no longer holds entry"):
        run_render(
            RenderRequest(project, 1, tmp_path / "out.mov", sign=False),
            on_event=_swap_after_first_progress(project, replacement),
        )
    assert renders_in(project) == 0


def test_a_source_signing_cannot_read_is_named_and_leaves_nothing(tmp_path: Path) -> None:
    """Footage that decodes but whose container C2PA cannot parse: the source is named."""
    good = make_video(tmp_path / "a.mov", "prores_ks", "yuv422p10le", Fraction(24), frames=4)
    damaged = tmp_path / "damaged.mov"
    # A trailing box that claims to run far past the end of the file.
    damaged.write_bytes(good.read_bytes() + struct.pack(">I", 0xFFFFFF) + b"free" + b"x" * 8)
    project = project_with(tmp_path, damaged, ["--tool", "denoise"])
    out = tmp_path / "out.mov"
    with pytest.raises(CredentialsError) as caught:
        run_render(RenderRequest(project, 1, out))
    message = str(caught.value)
    assert "damaged.mov is damaged" in message and "signing identity" not in message
    assert not out.exists()
    assert not [
        p.name for p in tmp_path.iterdir() if ".rendering" in p.name or ".signing" in p.name
    ]
    assert not out.with_suffix(".c2pa").exists()
    assert renders_in(project) == 0
