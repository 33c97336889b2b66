"""``workbench demo``: the README's main job, on the bundled sample clip.

Builds a fresh project from ``assets/sample.mp4`` (a grainy, dusty, low-resolution pan whose
provenance sits beside it), applies cleanup and upscaling with the shipped models, renders a
ProRes deliverable with the audio carried over, verifies the disclosure log, exports it, and
says where everything went. It calls the same core as the CLI and the GUI.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from workbench.errors import UsageError, VerificationFailed

Say = Callable[[str], None]


def sample_assets_dir() -> Path:
    here = Path(__file__).resolve()
    for candidate in (here.parent / "_assets", here.parent.parent.parent / "assets"):
        if (candidate / "sample.mp4").is_file():
            return candidate
    raise UsageError("the bundled sample clip (assets/sample.mp4) is missing from this install")


def _save_still(frame: object, path: Path) -> None:
    import cv2
    import numpy as np

    image = np.clip(np.asarray(frame)[:, :, ::-1] * 255.0 + 0.5, 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), image)


def _build_project(project_path: Path, sample: Path, say: Say, provider: str | None = None) -> int:
    """A fresh project with the sample clip and the demo's three edits; returns the clip id."""
    from workbench.catalog import Catalog
    from workbench.editing import EditRequest, add_probed_clip, apply_edit, plan_edit
    from workbench.media import probe
    from workbench.project import Project

    catalog = Catalog()
    info = probe(sample)
    say(
        f"sample       {sample} ({info.width}x{info.height}, {info.frame_count} frames "
        f"at {info.frame_rate} fps, audio {', '.join(a.codec for a in info.audio) or 'none'})"
    )
    with Project.create(project_path, "Workbench sample") as project:
        clip = add_probed_clip(project, info)
        # cleanup first (on the source's own pixels), then enlarge
        for tool_id, params in (("dust", {}), ("denoise", {}), ("upscale", {"scale": 2})):
            request = EditRequest(clip.id, tool_id, params, provider=provider)
            planned = plan_edit(project, request, catalog=catalog)
            edit = apply_edit(project, planned)
            entry = planned.model
            licence = entry.card.weights_licence if entry and entry.card else "undisclosed"
            ran = f"{planned.provider}" + (f", {planned.variant} file" if planned.variant else "")
            say(
                f"edit {edit.id}       {planned.tool.name} with model {edit.model_id} "
                f"({licence}; {ran})"
            )
        return clip.id


def _say_render(result: Any, rendered: Path, sample: Path, project_path: Path, say: Say) -> None:
    say(
        f"rendered     {rendered} ({result.frame_count} frames in {result.seconds:.1f} s, "
        f"sha256 {result.sha256[:16]}…)"
    )
    credentials = result.extra.get("credentials") or {}
    if credentials.get("signed"):
        say(
            f"credentials  Content Credentials embedded, signed by {credentials.get('signer')} "
            f"(check: workbench credentials {rendered.name} --project {project_path.name})"
        )
    qc = result.extra.get("qc") or {}
    say(
        f"qc           {qc.get('status', 'not run')}: ffprobe and MediaInfo against "
        f"{sample.name} (check: workbench qc {rendered.name} --against {sample})"
    )


def run_demo(output: Path, out: TextIO | None = None, *, provider: str | None = None) -> Path:
    from workbench.disclosure.export import read_export_file
    from workbench.disclosure.verify import verify_rows
    from workbench.editing import export_log
    from workbench.media import open_reader
    from workbench.progress import TerminalProgress
    from workbench.project import Project
    from workbench.render import RenderRequest, run_render

    stream = sys.stdout if out is None else out

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    sample = sample_assets_dir() / "sample.mp4"
    output = output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    project_path = output / "sample.wbproj"
    for stale in output.glob("sample.wbproj*"):
        if stale.is_file():
            stale.unlink()
    clip_id = _build_project(project_path, sample, say, provider)
    rendered = output / "sample-restored.mov"
    say("render       decode → dust → denoise → upscale ×2 → ProRes 422 HQ …")
    # the demo's folder is its own: a second run replaces its render as it replaces its project
    request = RenderRequest(project_path, clip_id, rendered, overwrite=True, provider=provider)
    result = run_render(request, TerminalProgress(stream))
    with Project.open(project_path, readonly=True) as project:
        report = project.verify()
        if not report.ok:
            raise VerificationFailed(report.summary())
        info_summary = project.info()
    export_path = export_log(project_path, "json", output / "sample-log.json").path
    csv_path = export_log(project_path, "csv", output / "sample-log.csv").path
    exported = read_export_file(export_path)
    offline = verify_rows(
        exported.rows, exported.checkpoints, exported.keys, project_id=exported.project_id
    )
    before, after = output / "frame17-before.png", output / "frame17-after.png"
    with open_reader(sample) as reader:
        _save_still(reader.read(17), before)
    with open_reader(rendered) as reader:
        _save_still(reader.read(17), after)
    _say_render(result, rendered, sample, project_path, say)
    say(f"stills       {before.name} / {after.name} (frame 17, before and after)")
    say(
        f"project      {project_path}  ({info_summary['edits']} edits, "
        f"{info_summary['renders']} render)"
    )
    say(f"log          {report.summary()}")
    say(f"export       {export_path} (verifies offline: {'yes' if offline.ok else 'NO'})")
    say(f"csv          {csv_path}")
    say(f"next         workbench log show {project_path}")
    return project_path
