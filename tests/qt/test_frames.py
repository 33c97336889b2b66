"""The viewer's Result is what a render writes: the same stack evaluation, frame for frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qt.qt_helpers import make_clip
from workbench.catalog import Catalog
from workbench.media import open_reader, probe
from workbench.progress import Progress
from workbench.project import Project
from workbench.qt.frames import EngineCache, Step, apply_steps
from workbench.render import RenderRequest, run_render
from workbench.tools.registry import get_tool


def test_viewer_result_matches_the_rendered_frames(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mkv", frames=8, size=(96, 64))
    info = probe(clip)
    catalog = Catalog()
    with Project.create(tmp_path / "eq.wbproj", "eq") as project:
        c = project.add_clip(clip, fingerprint=info.fingerprint, media=info.to_dict())
        for tool_id, raw, region in (
            ("denoise", {"level": 25}, {"kind": "rect", "x": 10, "y": 8, "w": 60, "h": 40}),
            ("dust", {}, None),  # temporal: sees its neighbours after the denoise
        ):
            tool = get_tool(tool_id)
            params = tool.resolve(raw)
            project.add_edit(
                c.id,
                tool=tool,
                parameters=params,
                frames=(0, 7),
                region=region,
                model=catalog.find(tool.default_model(params)),
            )
        edits = project.edits(c.id)
    run_render(
        RenderRequest(tmp_path / "eq.wbproj", c.id, tmp_path / "out.mkv", "ffv1", sign=False)
    )
    steps = tuple(Step(e.tool, e.parameters, e.model_id, e.frames, e.region) for e in edits)
    engines = EngineCache()
    with open_reader(clip) as source, open_reader(tmp_path / "out.mkv") as rendered:
        for k in (0, 3, 7):
            shown = apply_steps(
                k, source.read(k), steps, source.read, engines, Progress(), len(source)
            )
            written = rendered.read(k)
            # the render's 8-bit 4:4:4 encode rounds; nothing else may differ
            assert np.abs(shown - written).mean() < 0.002
            assert np.abs(shown - written).max() < 0.04
