"""A tracked region from the command line to the rendered file, the log and its verification."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support import tamper
from tools.tracking_clips import SIZE, make_moving_square, square_at
from workbench.cli import main
from workbench.disclosure import records
from workbench.editing import (
    CommandStack,
    EditRef,
    EditRequest,
    KeyRegion,
    ReplaceEdit,
    TrackRequest,
    parse_region_keys,
    plan_edit,
    read_region_keys,
    track_region,
)
from workbench.errors import UsageError
from workbench.project import Project

LAST = 23
KEYS = f"0:{square_at(0)[0]},{square_at(0)[1]},32,32;{LAST}:{square_at(LAST)[0]},{square_at(LAST)[1]},32,32"


def planes(path: Path) -> np.ndarray:
    """Every frame's Y'CbCr planes as ffmpeg decodes them (not our reader)."""
    w, h = SIZE
    data = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "yuv444p", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(data, np.uint8).reshape(-1, 3, h, w)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A project with a denoise edit on a tracked rectangle, rendered to FFV1."""
    folder = tmp_path_factory.mktemp("tracked")
    source = make_moving_square(folder / "square.mkv")
    project = folder / "p.wbproj"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(source)]) == 0
    assert (
        main(["apply", str(project), "1", "--tool", "denoise", "--param", "strength=1",
              "--frames", f"0-{LAST}", "--region-keys", KEYS, "--track"])
        == 0
    )  # fmt: skip
    out = folder / "out.mkv"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    return source, project, out


def test_the_tracked_rectangle_follows_the_square_and_nothing_outside_changes(
    rendered: tuple[Path, Path, Path],
) -> None:
    source, project, out = rendered
    with Project.open(project, readonly=True) as opened:
        (edit,) = opened.edits()
        tracked = opened.track(edit.region["sha256"])
        assert opened.verify().ok
    assert edit.region == tracked.region_record()
    assert edit.region["keyframes"] == [0, LAST] and edit.frames == (0, LAST)
    before, after = planes(source), planes(out)
    assert before.shape == after.shape
    changed_inside = 0
    for f in range(len(before)):
        outside = np.ones(before.shape[2:], bool)
        if f <= LAST:
            x, y, w, h = tracked.rects[f]
            tx, ty = square_at(f)
            assert max(abs(x - tx), abs(y - ty)) <= 2, f"frame {f}: the track left the square"
            outside[y : y + h, x : x + w] = False
            changed_inside += int((before[f][:, ~outside] != after[f][:, ~outside]).sum())
        assert np.array_equal(before[f][:, outside], after[f][:, outside]), f"frame {f}"
    assert changed_inside > 0  # the denoise did act inside the moving rectangle


def test_the_log_names_the_track_and_a_changed_track_is_caught(
    rendered: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, project, _ = rendered
    with Project.open(project, readonly=True) as opened:
        entry = next(e for e in opened.log.entries() if e["schema"] == records.EDIT)
        sha = entry["edit"]["region"]["sha256"]
        body = opened.conn.execute("SELECT body FROM tracks WHERE sha256 = ?", (sha,)).fetchone()
    import hashlib

    assert hashlib.sha256(body[0].encode()).hexdigest() == sha
    copy = tmp_path / "copy.wbproj"
    copy.write_bytes(project.read_bytes())
    moved = json.loads(body[0])
    moved["rects"][5][0] += 3  # one frame's rectangle moved by three pixels
    tamper(copy, ("UPDATE tracks SET body = ? WHERE sha256 = ?", (json.dumps(moved), sha)))
    capsys.readouterr()
    assert main(["log", "verify", str(copy)]) == 1
    assert "its track" in capsys.readouterr().err
    tamper(copy, ("DELETE FROM tracks", ()))
    assert main(["log", "verify", str(copy)]) == 1
    assert "is not in the project file" in capsys.readouterr().err
    assert main(["render", str(copy), "1", "-o", str(tmp_path / "x.mkv")]) != 0


def test_the_report_and_credentials_say_the_region_is_tracked(
    rendered: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, project, _ = rendered
    html = tmp_path / "r.html"
    assert main(["log", "export", str(project), "--format", "html", "-o", str(html)]) == 0
    assert f"tracked rectangle (keyframes 0, {LAST}; track" in html.read_text()
    from workbench.disclosure.credentials.manifest import edit_action

    with Project.open(project, readonly=True) as opened:
        entry = next(e for e in opened.log.entries() if e["schema"] == records.EDIT)
    assert "tracked rectangle" in edit_action(entry)["description"]


def test_undo_redo_and_replace_keep_the_stored_track(tmp_path: Path) -> None:
    source = make_moving_square(tmp_path / "square.mkv")
    with Project.create(tmp_path / "p.wbproj") as project:
        from workbench.editing import import_clip

        import_clip(project, source)
        keys = parse_region_keys("2:24,28,32,32;9:52,42,32,32")
        tracked = track_region(project, TrackRequest(1, keys, (2, 9)))
        stack = CommandStack()
        from workbench.editing import ApplyEdit

        request = EditRequest(1, "denoise", frames=(2, 9), track=tracked)
        apply = ApplyEdit(plan_edit(project, request))
        stack.push(apply, project)
        stack.undo(project)
        stack.redo(project)  # added again from the stored track
        edit = project.edit(apply.ref.require())
        assert edit.region == tracked.region_record()
        again = plan_edit(
            project, EditRequest(1, "denoise", {"strength": "0.5"}, frames=(2, 9), region=edit.region)
        )
        stack.push(ReplaceEdit.of(project, EditRef(edit.id), again), project)
        (now,) = project.edits()
        assert now.region == edit.region and now.parameters["strength"] == 0.5
        assert project.verify().ok
        assert project.conn.execute("SELECT COUNT(*) FROM tracks").fetchone()[0] == 1
        with pytest.raises(UsageError, match="the track covers frames 2–9"):
            plan_edit(project, EditRequest(1, "denoise", frames=(0, 9), track=tracked))


def test_keyframes_from_the_command_line_and_a_json_file(tmp_path: Path) -> None:
    keys = parse_region_keys(" 0:1,2,3,4 ; 10:5,6,7,8;")
    assert [(k.frame, k.region["x"]) for k in keys] == [(0, 1), (10, 5)]
    for bad in ("", "0-1,2,3,4", "x:1,2,3,4", "0:1,2,3"):
        with pytest.raises(UsageError):
            parse_region_keys(bad)
    spec = tmp_path / "keys.json"
    spec.write_text(
        json.dumps({"keyframes": [{"frame": 0, "x": 1, "y": 2, "w": 3, "h": 4},
                                  {"frame": 5, "mask": "m.png"}]})
    )  # fmt: skip
    read = read_region_keys(spec)
    assert read[0] == KeyRegion(0, {"kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4})
    assert read[1].mask == tmp_path / "m.png"
    spec.write_text("{}")
    with pytest.raises(UsageError, match="keyframes"):
        read_region_keys(spec)


def test_the_command_line_refuses_track_without_keyframes(
    rendered: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, project, _ = rendered
    assert main(["apply", str(project), "1", "--tool", "denoise", "--track"]) == 2
    assert "--region-keys" in capsys.readouterr().err
    assert (
        main(["apply", str(project), "1", "--tool", "denoise", "--region", "0,0,8,8",
              "--region-keys", "0:0,0,8,8"])
        == 2
    )  # fmt: skip


def test_a_tracked_region_previews_as_it_applies(tmp_path: Path) -> None:
    """Preview (and Preview range) of settings with a track in use follows the track, and
    after Apply the stack's frames are the previewed ones (the window's cache stays warm)."""
    from workbench.editing import (
        PendingEdit,
        ViewRequest,
        apply_edit,
        import_clip,
        view_stack,
    )
    from workbench.media import open_reader
    from workbench.progress import Progress
    from workbench.render.frame_cache import FrameCache
    from workbench.render.preview import Engines

    source = make_moving_square(tmp_path / "square.mkv")
    last = 11
    with Project.create(tmp_path / "p.wbproj") as project:
        clip = import_clip(project, source)
        keys = parse_region_keys(
            f"0:{square_at(0)[0]},{square_at(0)[1]},32,32;"
            f"{last}:{square_at(last)[0]},{square_at(last)[1]},32,32"
        )
        track = track_region(project, TrackRequest(clip.id, keys, (0, last)))
        params = {"strength": 1.0, "temporal": False}
        pending = PendingEdit("denoise", params, frames=(0, last), track=track)
        fixed = PendingEdit("denoise", params, frames=(0, last), region=track.region_at(0))
        preview = view_stack(clip, [], ViewRequest(pending), project_path=project.path)
        still = view_stack(clip, [], ViewRequest(fixed), project_path=project.path)
        request = EditRequest(clip.id, "denoise", params, frames=(0, last), track=track)
        apply_edit(project, plan_edit(project, request))
        edits = project.edits(clip.id)
        clip = project.clip(clip.id)
        applied = view_stack(clip, edits, project_path=project.path)
    assert preview.spec.edits[0].region == track.region_record()
    with open_reader(source) as reader:
        frames = [
            stack.frames(FrameCache(None), Engines()).frame(last, reader.read, Progress())
            for stack in (preview, still, applied)
        ]
        original = reader.read(last)
    assert np.array_equal(frames[0], frames[2])  # the preview is what Apply gives
    x, y, w, h = track.rects[last]
    moved = np.zeros(original.shape[:2], bool)
    moved[y : y + h, x : x + w] = True
    changed = np.any(frames[0] != original, axis=2)
    assert changed[moved].any() and not changed[~moved].any()  # only inside the tracked square
    assert not np.array_equal(frames[0], frames[1])  # a fixed rectangle stays behind
    with pytest.raises(UsageError, match="not all in it"):
        view_stack(
            clip, [], ViewRequest(PendingEdit("denoise", frames=(0, last + 2), track=track)),
            project_path=tmp_path / "p.wbproj",
        )  # fmt: skip
