"""The render child sends its error's class, hint and exit code; the parent raises the same."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import edit_request, project_with
from workbench.errors import (
    Cancelled,
    PolicyError,
    ProjectLockedError,
    UsageError,
    WorkbenchError,
)
from workbench.project import Policy, Project
from workbench.qc.errors import QcToolMissingError
from workbench.render import RenderRequest, error_from_event, render_in_worker
from workbench.render.events import Failed, event_from_dict, event_to_dict
from workbench.render.worker import error_record


def _event(exc: WorkbenchError) -> Failed:
    # through the JSON form, as a farm coordinator would read it
    return event_from_dict(event_to_dict(Failed(str(exc), error_record(exc))))  # type: ignore[return-value]


@pytest.mark.parametrize(
    "exc",
    [
        UsageError("the output folder does not exist", hint="make it first"),
        PolicyError("edit 3 needs sign-off", hint="a producer signs it off"),
        ProjectLockedError("p.wbproj is open in another window"),
        WorkbenchError("plain"),
    ],
)
def test_error_event_round_trips_class_hint_and_exit_code(exc: WorkbenchError) -> None:
    again = error_from_event(_event(exc))
    assert type(again) is type(exc)
    assert (again.message, again.hint, again.exit_code) == (exc.message, exc.hint, exc.exit_code)
    assert str(again) == str(exc)


def test_error_event_with_an_unusual_constructor_or_an_unknown_class() -> None:
    exc = QcToolMissingError("ffprobe")
    again = error_from_event(_event(exc))
    assert type(again) is QcToolMissingError
    assert (again.message, again.hint, again.exit_code) == (exc.message, exc.hint, exc.exit_code)

    foreign = error_from_event(
        {"type": "error", "message": "m",
         "error": {"type": "os.system", "message": "m", "hint": None, "exit_code": 9}}
    )
    assert type(foreign) is WorkbenchError and foreign.exit_code == 9  # nothing imported
    old_style = error_from_event({"type": "error", "message": "boom", "details": "Traceback"})
    assert type(old_style) is WorkbenchError and old_style.hint == "details: Traceback"
    assert type(error_from_event({"type": "cancelled"})) is Cancelled


def test_render_child_raises_its_error_class_in_the_parent(tmp_path: Path) -> None:
    from workbench.editing import apply_edit, plan_edit

    src = make_video(
        tmp_path / "a.mov", "prores_ks", "yuv422p10le", Fraction(24), frames=4, size=(64, 48)
    )
    project = project_with(tmp_path, src)
    with Project.open(project) as p:
        p.set_policy(Policy(signoff_required=["denoise"]))
        apply_edit(p, plan_edit(p, edit_request(1, ["--tool", "denoise"])))
    handle = render_in_worker(RenderRequest(project, 1, tmp_path / "o.mov"))
    deadline = time.monotonic() + 120
    while handle.finished is None and time.monotonic() < deadline:
        list(handle.events())
        time.sleep(0.05)
    handle.join(10)
    assert isinstance(handle.finished, Failed) and handle.finished.error is not None
    assert handle.finished.error.type == "workbench.errors.PolicyError"
    error = handle.error()
    assert isinstance(error, PolicyError) and error.exit_code == 5
    assert error.hint is not None and "signoff" in error.hint
    assert "needs sign-off" in error.message
    with pytest.raises(PolicyError, match="needs sign-off"):
        handle.raise_for_error()
