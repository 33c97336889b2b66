"""The project's rows as typed records: a clip's media and an edit's region."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from support import new_project
from workbench.project import ClipMedia, Region
from workbench.tools.registry import get_tool


def test_clip_media_is_typed_and_keeps_the_probe_dict(tmp_path: Path) -> None:
    probe = {"width": 64, "height": 48, "frame_rate": "24/1", "frame_count": 8, "tags": {}}
    with new_project(tmp_path / "p.wbproj") as project:
        clip = project.add_clip("/footage/a.mov", fingerprint="ab" * 32, media=probe)
        again = project.add_clip(
            "/footage/b.mov", fingerprint="cd" * 32, media=ClipMedia.from_dict(probe)
        )
        for stored in (clip, again):
            assert isinstance(stored.media, ClipMedia)
            assert stored.media.to_dict() == probe
            assert stored.media.frame_rate == Fraction(24) and stored.media.pixels == 64 * 48
            assert stored.media.get("frame_count") == 8 and stored.media["tags"] == {}


def test_edit_region_reads_typed(tmp_path: Path) -> None:
    with new_project(tmp_path / "p.wbproj") as project:
        clip = project.add_clip("/f/a.mov", fingerprint="ab" * 32, media={"frame_count": 10})
        tool = get_tool("denoise")
        rect = project.add_edit(
            clip.id, tool=tool, parameters={}, frames=(0, 1), region=Region.rect(1, 2, 3, 4)
        )
        full = project.add_edit(clip.id, tool=tool, parameters={}, frames=(0, 1))
    assert rect.region == {"kind": "rect", "x": 1, "y": 2, "w": 3, "h": 4}
    assert rect.region_spec == Region.rect(1, 2, 3, 4)
    assert full.region_spec == Region()
