"""Third-party tools through the ``workbench.tools`` entry point: found, applied, logged, rendered.

The example tool (``plugin_tool/wb_invert_tool.py``) is installed as a distribution for each
test (a ``*.dist-info`` folder on ``sys.path``); its model and card are generated here and
imported into the catalogue the way a user imports any third-party model.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tools.plugin_tool.plugin_support import (
    activate,
    install_invert_tool,
    write_distribution,
    write_invert_model,
)
from workbench.cli import main
from workbench.tools.plugins import PluginWarning
from workbench.tools.registry import BUILTIN, all_tools, get_tool, origin

BUILTIN_IDS = [t.id for t in BUILTIN]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def ffmpeg_clip(path: Path) -> Path:
    source = "testsrc2=size=64x48:rate=24"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-frames:v", "12"]
    subprocess.run([*command, "-c:v", "ffv1", "-y", str(path)], check=True)
    return path


def rgb_frames(path: Path, width: int = 64, height: int = 48) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def test_a_plugin_tool_is_listed_applied_logged_and_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    install_invert_tool(monkeypatch, tmp_path / "site")
    model = write_invert_model(tmp_path / "plugin-data")
    run(capsys, "models", "import", str(model), "--card", str(model.with_suffix(".card.json")))
    assert "invert" in run(capsys, "models", "verify", "invert")

    listed = run(capsys, "tools", "list")
    assert "invert  (Invert (example plugin), v1.0)" in listed
    assert "c2pa.color_adjustments" in listed
    assert "wb-invert-tool 1.0" in origin("invert")

    clip = ffmpeg_clip(tmp_path / "clip.mkv")
    project = tmp_path / "film.wbproj"
    run(capsys, "new", str(project))
    clip_id = run(capsys, "import", str(project), str(clip)).split("\t")[0].strip()
    applied = run(capsys, "apply", str(project), clip_id, "--tool", "invert")
    assert "invert" in applied

    entries = json.loads(run(capsys, "log", "show", str(project), "--json"))
    (edit,) = [e for e in entries if e["schema"] == "workbench.edit/1"]
    assert edit["edit"]["tool"] == {"id": "invert", "version": "1.0"}
    card = json.loads(model.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert edit["model"]["id"] == "invert" and edit["model"]["sha256"] == card["sha256"]
    assert edit["classification"]["c2pa_action"] == "c2pa.color_adjustments"

    output = tmp_path / "out.mkv"
    run(capsys, "render", str(project), clip_id, "-o", str(output))
    source, rendered = rgb_frames(clip).astype(int), rgb_frames(output).astype(int)
    assert rendered.shape == source.shape == (12, 48, 64, 3)
    error = np.abs(rendered - (255 - source))  # the negative, up to 4:2:0 chroma rounding
    assert np.median(error) <= 2 and error.mean() < 6
    assert np.abs(rendered - source).mean() > 40
    run(capsys, "log", "verify", str(project))


def test_without_the_distribution_the_tool_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    activate(monkeypatch, tmp_path)
    assert [t.id for t in all_tools()] == BUILTIN_IDS


def _plugin_module(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(body, encoding="utf-8")


FAKE_DENOISE = """
from wb_invert_tool import Invert

class Denoise(Invert):
    id = "denoise"
    name = "A denoiser that inverts"
"""


def test_broken_and_clashing_plugins_are_left_out_with_their_distribution_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.plugin_tool.plugin_support import PLUGIN_DIR

    site, code = tmp_path / "site", tmp_path / "code"
    _plugin_module(code, "wb_fake_denoise", FAKE_DENOISE)
    _plugin_module(code, "wb_not_a_tool", "VALUE = 42\n")
    points = {
        "broken": "wb_no_such_module:Tool",
        "denoise": "wb_fake_denoise:Denoise",
        "value": "wb_not_a_tool:VALUE",
        "renamed": "wb_invert_tool:Invert",
    }
    for n, (name, value) in enumerate(points.items()):
        write_distribution(site, f"wb-bad-{n}", "0.1", {"workbench.tools": {name: value}})
    write_distribution(
        site, "wb-invert-tool", "1.0", {"workbench.tools": {"invert": "wb_invert_tool:Invert"}}
    )
    write_distribution(
        site, "wb-invert-again", "2.0", {"workbench.tools": {"invert": "wb_fake_denoise:Denoise"}}
    )
    activate(monkeypatch, site, code, PLUGIN_DIR, modules=("wb_invert_tool", "wb_fake_denoise"))
    with pytest.warns(PluginWarning) as caught:
        ids = [t.id for t in all_tools()]
    messages = [str(w.message) for w in caught]
    assert ids == [*BUILTIN_IDS, "invert"]
    assert type(get_tool("denoise")).__module__ == "workbench.tools.denoise"  # never replaced

    def said(name: str) -> str:
        (found,) = [m for m in messages if f"entry point {name!r}" in m]
        return found

    assert "wb-bad-0 0.1" in said("broken") and "ModuleNotFoundError" in said("broken")
    assert "wb-bad-1 0.1" in said("denoise") and "of a built-in tool" in said("denoise")
    assert "wb-bad-2 0.1" in said("value") and "not a workbench.tools.base.Tool" in said("value")
    assert "wb-bad-3 0.1" in said("renamed") and "its tool id is 'invert'" in said("renamed")
    again = [m for m in messages if "wb-invert-again" in m]
    assert again and "is named 'invert' but its tool id is 'denoise'" in again[0]
    assert all("it is left out" in m for m in messages)


def test_the_same_id_from_two_distributions_keeps_the_first_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.plugin_tool.plugin_support import PLUGIN_DIR

    first, second, code = tmp_path / "first", tmp_path / "second", tmp_path / "code"
    other = "from wb_invert_tool import Invert\n\n\nclass Other(Invert):\n    pass\n"
    _plugin_module(code, "wb_other_invert", other)
    tools_group = "workbench.tools"
    write_distribution(
        first, "wb-invert-tool", "1.0", {tools_group: {"invert": "wb_invert_tool:Invert"}}
    )
    write_distribution(
        second, "wb-other", "3.0", {tools_group: {"invert": "wb_other_invert:Other"}}
    )
    activate(
        monkeypatch, first, second, code, PLUGIN_DIR, modules=("wb_invert_tool", "wb_other_invert")
    )
    with pytest.warns(PluginWarning, match=r"wb-other 3\.0.*takes the id 'invert' of the tool"):
        tools = all_tools()
    assert [t.id for t in tools] == [*BUILTIN_IDS, "invert"]
    assert "wb-invert-tool 1.0" in origin("invert")


def test_a_builtin_declared_as_an_entry_point_is_not_registered_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder
) -> None:
    site = tmp_path / "site"
    write_distribution(
        site,
        "workbench-extra",
        "0.1",
        {"workbench.tools": {"denoise": "workbench.tools.denoise:Denoise"}},
    )
    activate(monkeypatch, site)
    assert [t.id for t in all_tools()] == BUILTIN_IDS
    assert not [w for w in recwarn if issubclass(w.category, PluginWarning)]
    assert origin("denoise") == "built in"
