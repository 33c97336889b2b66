"""The log in a producer's words (issue 14, item 8): an edit says its region, a revert names the
edit it reverts (tool, frames, clip) and not a UUID, a policy change says what changed."""

from __future__ import annotations

from pathlib import Path

from support import new_project
from workbench.cli import main
from workbench.disclosure.describe import describe_entries, region_words
from workbench.project import Policy
from workbench.tools.registry import get_tool


def _story(path: Path) -> list[dict[str, object]]:
    with new_project(path) as project:
        clip = project.add_clip(
            "/footage/A001_C002.mov", fingerprint="ab" * 32, media={"frame_count": 48}
        )
        rect = {"kind": "rect", "x": 10, "y": 20, "w": 120, "h": 80}
        first = project.add_edit(
            clip.id, tool=get_tool("denoise"), parameters={}, frames=(0, 23), region=rect
        )
        project.add_edit(clip.id, tool=get_tool("dust"), parameters={}, frames=(5, 9))
        project.set_edit_enabled(first.id, False)
        project.set_policy(Policy(signoff_required=["deblock", "dust"], allow_undisclosed=True))
        project.set_policy(Policy(signoff_required=["dust"], allowed_tools=["dust", "denoise"]))
        project.revert_edit(first.id, reason="remove")
        return project.log.entries()


def test_each_entry_is_described_with_what_came_before(tmp_path: Path) -> None:
    entries = _story(tmp_path / "p.wbproj")
    lines = describe_entries(entries)
    assert lines[0].startswith("project created")
    assert lines[1] == "imported A001_C002.mov (clip 1): /footage/A001_C002.mov"
    assert lines[2].startswith(
        "edit #1: denoise on A001_C002.mov, frames 0–23, rectangle 120×80 at 10,20"
    )
    assert lines[3].startswith("edit #2: dust on A001_C002.mov, frames 5–9, whole frame")
    assert lines[4] == "edit #1 (denoise, frames 0–23 of A001_C002.mov) disabled"
    assert lines[5] == (
        "policy: undisclosed models allowed; sign-off now required for deblock, dust"
    )
    assert lines[6] == (
        "policy: tools allowed: dust, denoise; undisclosed models refused; "
        "sign-off no longer required for deblock"
    )
    assert lines[7] == "removed edit #1 (denoise, frames 0–23 of A001_C002.mov)"
    revert = entries[7]
    assert str(revert["reverts"]) not in lines[7]  # no UUID


def test_the_command_line_shows_the_same_words(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    _story(tmp_path / "p.wbproj")
    assert main(["log", "show", str(tmp_path / "p.wbproj")]) == 0
    out = capsys.readouterr().out
    assert "removed edit #1 (denoise, frames 0–23 of A001_C002.mov)" in out
    assert "sign-off now required for deblock, dust" in out


def test_region_words() -> None:
    assert region_words({"kind": "full"}) == "whole frame"
    assert region_words({"kind": "mask", "sha256": "1a2b3c4d5e6f"}) == "painted mask 1a2b3c4d"
    assert region_words(None) == "whole frame"
