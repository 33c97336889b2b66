"""Synthesised grain is disclosed as what it is: in the log, the report and the C2PA manifest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.disclosure.credentials import read_credentials
from workbench.project import Project

pytest.importorskip("c2pa")


@pytest.fixture(scope="module")
def regrained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("regrain")
    clip = tmp / "grainy.mov"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi",
            "-i", "testsrc2=size=160x96:rate=24:duration=0.25",
            "-vf", "noise=alls=24:allf=t", "-c:v", "prores_ks", "-profile:v", "2",
            "-pix_fmt", "yuv422p10le", str(clip),
        ],
        check=True,
    )  # fmt: skip
    project = tmp / "p.wbproj"
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(clip)]) == 0
    assert main(["apply", str(project), "1", "--tool", "denoise", "--param", "amount=2"]) == 0
    assert main(["apply", str(project), "1", "--tool", "regrain", "--frames", "1-4"]) == 0
    out = tmp / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 0
    report = tmp / "report.html"
    assert main(["log", "export", str(project), "--format", "html", "-o", str(report)]) == 0
    return {"project": project, "out": out, "report": report}


def test_the_log_says_synthesised_grain(
    regrained: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(regrained["project"], readonly=True) as project:
        edits = [e for e in project.log.entries() if e["schema"] == "workbench.edit/1"]
        regrain = project.edit(2)
    assert edits[1]["classification"] == {
        "c2pa_action": "c2pa.filtered",
        "digital_source_type": "compositeSynthetic",
        "nature": "generative",
        "synthesis": "synthesised grain",
    }
    assert edits[1]["model"] is None and regrain.model_id is None
    assert "synthesis" not in edits[0]["classification"]
    assert main(["log", "show", str(regrained["project"])]) == 0
    shown = capsys.readouterr().out
    assert "edit #2: regrain on grainy.mov, frames 1–4, whole frame" in shown
    assert "synthesised grain (generated, not recovered)" in shown


def test_the_credentials_say_synthesised_grain(regrained: dict[str, Path]) -> None:
    import c2pa

    manifest_store = json.loads(c2pa.Reader(str(regrained["out"])).json())
    manifest = manifest_store["manifests"][manifest_store["active_manifest"]]
    actions = [
        action
        for assertion in manifest["assertions"]
        if assertion["label"].startswith("c2pa.actions")
        for action in assertion["data"]["actions"]
    ]
    regrain = next(a for a in actions if a["action"] == "c2pa.filtered")
    assert regrain["digitalSourceType"].endswith("/compositeSynthetic")
    assert "synthesised grain" in regrain["description"]
    assert regrain["parameters"]["org.workbench.synthesis"] == "synthesised grain"
    assert [a.action for a in read_credentials(regrained["out"]).ai_actions] == [
        "c2pa.enhanced",
        "c2pa.filtered",
    ]


def test_the_report_says_synthesised_grain(regrained: dict[str, Path]) -> None:
    html = regrained["report"].read_text(encoding="utf-8")
    assert "synthesised grain" in html and "includes generative edits" in html
    assert "Colour" in html  # the delivered file's colour transforms


def test_regrain_takes_no_model(
    regrained: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["apply", str(regrained["project"]), "1", "--tool", "regrain", "--model", "denoise"]
    )
    assert code == 2 and "runs no model" in capsys.readouterr().err
