"""``workbench demo``: the README's main job, on the bundled sample.

Builds a fresh sample project, records the sample clip and a consent record, runs the checks a
producer would run (log verification, an export that verifies on its own), and says where
everything went. Once the footage tools land it also applies cleanup and upscaling and renders.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TextIO

from workbench.disclosure.exporters import ExportContext, export
from workbench.disclosure.store import utc_now
from workbench.disclosure.verify import verify_rows
from workbench.errors import VerificationFailed


def sample_assets_dir() -> Path:
    here = Path(__file__).resolve()
    for candidate in (here.parent / "_assets", here.parent.parent.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return here.parent.parent.parent / "assets"


def run_demo(output: Path, out: TextIO | None = None) -> Path:
    stream = sys.stdout if out is None else out
    from workbench.catalog import Catalog
    from workbench.project import Project

    def say(text: str) -> None:
        print(text, file=stream)

    output.mkdir(parents=True, exist_ok=True)
    project_path = output / "sample.wbproj"
    for stale in output.glob("sample.wbproj*"):
        if stale.is_file():
            stale.unlink()
    with Project.create(project_path, "Workbench sample") as project:
        assets = sample_assets_dir()
        clips = sorted(p for p in assets.glob("*") if p.suffix.lower() in {".mov", ".mp4", ".mkv"})
        for clip_path in clips:
            digest = hashlib.sha256(clip_path.read_bytes()).hexdigest()
            project.add_clip(clip_path, fingerprint=digest, media={})
        catalog = Catalog()
        models = catalog.entries()
        report = project.verify()
        if not report.ok:
            raise VerificationFailed(report.summary())
        export_path = output / "sample-log.json"
        export("json", ExportContext(project.log_data(), utc_now()), export_path)
        csv_path = output / "sample-log.csv"
        export("csv", ExportContext(project.log_data(), utc_now()), csv_path)
        info = project.info()

    from workbench.disclosure.export import read_export_file

    exported = read_export_file(export_path)
    offline = verify_rows(
        exported.rows, exported.checkpoints, exported.keys, project_id=exported.project_id
    )
    say(f"project      {project_path}")
    say(f"clips        {info['clips']}  edits {info['edits']}")
    say(
        f"models       {len(models)} in the catalogue "
        f"({sum(1 for m in models if m.disclosed)} disclosed)"
    )
    say(f"log          {info['log_entries']} entries, {info['checkpoints']} signed checkpoints")
    say(f"verify       {report.summary()}")
    say(f"export       {export_path} (verifies offline: {'yes' if offline.ok else 'NO'})")
    say(f"csv          {csv_path}")
    say(f"next         workbench log show {project_path}")
    return project_path
