"""A render never replaces an existing file without being asked (issue 14, item 2), and an
interrupted render of the same output still resumes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import project_with
from workbench.cli import main
from workbench.errors import Cancelled, UsageError
from workbench.progress import Progress
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.render.overwrite import existing_output


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(
        tmp_path_factory.mktemp("src") / "a001.mkv",
        "ffv1",
        "yuv420p",
        Fraction(24),
        frames=14,
        size=(64, 48),
    )


def test_a_render_refuses_to_replace_a_file_unless_told(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_with(tmp_path, source, ["--tool", "deblock"])
    out = tmp_path / "out.mkv"
    out.write_bytes(b"the editor's own cut")
    with pytest.raises(UsageError, match="already exists") as info:
        run_render(RenderRequest(project, 1, out))
    assert info.value.exit_code == 2 and "--overwrite" in (info.value.hint or "")
    assert out.read_bytes() == b"the editor's own cut"
    assert not list(tmp_path.glob(".out.mkv.wbrender-*"))  # refused before a frame was decoded
    assert main(["render", str(project), "1", "-o", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert out.read_bytes() == b"the editor's own cut"
    with Project.open(project, readonly=True) as p:
        assert p.renders() == []
    assert main(["render", str(project), "1", "-o", str(out), "--overwrite"]) == 0
    assert out.read_bytes() != b"the editor's own cut"
    with Project.open(project, readonly=True) as p:
        assert len(p.renders()) == 1
    # rendering again to the finished output is refused too: it is a file now
    assert main(["render", str(project), "1", "-o", str(out)]) == 2


class _StopBeforeRegistering(Progress):
    """Cancels once the sequence's frames are in place, before the render is registered (as a
    crash there, or a project locked for longer than the render waits, would stop it)."""

    def update(self, fraction: float, message: str | None = None) -> None:
        if message and message.startswith("registering"):
            self.cancel()
        super().update(fraction, message)


def test_an_interrupted_sequence_resumes_without_overwrite(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "deblock"])
    pattern = tmp_path / "frames" / "shot_%04d.png"
    pattern.parent.mkdir()
    with pytest.raises(Cancelled):
        run_render(RenderRequest(project, 1, pattern, codec="png"), _StopBeforeRegistering())
    assert existing_output(pattern) is not None  # the interrupted render's own frames
    result = run_render(RenderRequest(project, 1, pattern, codec="png"))
    assert result.frame_count == 14
    assert len(list(pattern.parent.glob("shot_*.png"))) == 14
    # a finished sequence is not replaced by another render without --overwrite
    with pytest.raises(UsageError, match="already exists"):
        run_render(RenderRequest(project, 1, pattern, codec="png"))


def test_existing_output_finds_a_frame_of_a_pattern(tmp_path: Path) -> None:
    assert existing_output(tmp_path / "shot_%04d.png") is None
    (tmp_path / "shot_0007.png").write_bytes(b"x")
    (tmp_path / "other_0001.png").write_bytes(b"x")
    assert existing_output(tmp_path / "shot_%04d.png") == tmp_path / "shot_0007.png"
    assert existing_output(tmp_path / "shot_%04d.tif") is None


def test_a_second_render_of_the_same_output_is_refused(tmp_path: Path, source: Path) -> None:
    from workbench.errors import ProjectLockedError
    from workbench.render.output_lock import OutputLock

    project = project_with(tmp_path, source, ["--tool", "deblock"])
    out = tmp_path / "out.mkv"
    with OutputLock(out.resolve()), pytest.raises(ProjectLockedError, match="being rendered"):
        run_render(RenderRequest(project, 1, out))  # another render of it is running
    assert not out.exists()
    assert run_render(RenderRequest(project, 1, out)).frame_count == 14  # once it is done
