"""A real render signs its output through ``credentials.sign_output``; the log and file agree."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from media.media_clips import make_video
from support import project_with
from workbench.cli import main
from workbench.config import user_config_dir
from workbench.disclosure.credentials import TRUSTED, VALID, match_log, read_credentials
from workbench.project import Project

pytest.importorskip("c2pa")


def _audio(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(container.streams.audio[0]) if p.size]


def _title(path: Path) -> str:
    import json

    import c2pa

    with path.open("rb") as stream:
        reader = c2pa.Reader("video/quicktime", stream)
        try:
            store = json.loads(reader.json())
        finally:
            reader.close()
    return str(store["manifests"][store["active_manifest"]]["title"])


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    clip = make_video(
        tmp_path / "a001.mov",
        "prores_ks",
        "yuv422p10le",
        Fraction(24),
        frames=6,
        size=(64, 48),
        audio="pcm_s16le",
        options={"profile": "0"},
    )
    return project_with(tmp_path, clip, ["--tool", "denoise", "--region", "0,0,32,24"])


def test_rendered_mov_carries_credentials_matching_the_log(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mov"
    if main(["render", str(project), "1", "-o", str(out)]) != 0:
        pytest.skip("rendering is not available in this tree")
    report = read_credentials(out)
    assert report.state == VALID
    assert _title(out) == "out.mov"  # the output's name, not the pending file's it was signed as
    ca = user_config_dir() / "identity" / "studio-ca.pem"
    assert read_credentials(out, ca).state == TRUSTED
    assert [a.action for a in report.ai_actions] == ["c2pa.enhanced"]
    with Project.open(project, readonly=True) as p:
        data = p.log_data()
        render = [e for e in data.entries() if e["schema"] == "workbench.render/1"][-1]
    assert match_log(report, data) == []
    assert render["credentials"]["signed"] is True and render["credentials"]["embedded"] is True
    assert _audio(out) == _audio(tmp_path / "a001.mov")
    assert main(["credentials", str(out), "--trust", str(ca), "--project", str(project)]) == 0


def test_rendered_exr_sequence_gets_a_sidecar(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "exr" / "shot_%04d.exr"
    out.parent.mkdir()
    if main(["render", str(project), "1", "-o", str(out)]) != 0:
        pytest.skip("rendering EXR sequences is not available in this tree")
    assert (tmp_path / "exr" / "shot.c2pa").is_file()
    report = read_credentials(out)
    assert report.state == VALID and not report.embedded
    assert len(report.disclosure["frames"]) == 6  # type: ignore[index]
