"""Importing a 200-shot cut, against importing its media one clip at a time; and the report.

Makes ``--files`` camera originals with the ffmpeg command line (64×36 ProRes, PCM, each with
its own timecode and reel) and an Avid-style EDL of ``--shots`` events over them (two or more
shots per file, 8-frame handles), then times in one run:

- ``workbench conform import`` of the whole cut (probe every file in one child process, read and
  match the EDL through OpenTimelineIO, add the clips, write the sequence and its entry);
- the baseline: the same files imported one by one through ``editing.import_clip`` (a child
  process per file, as the command line's ``import`` does), which is what a conform would cost
  without the batch probe;
- the film's report: a denoise recipe applied to every shot (each shot its own edit), two
  performers tagged on a quarter of the shots with their likeness consent, ``--deliver`` shots
  delivered (rendered, QC'd, registered), then the HTML and PDF reports built as ``log export``
  builds them (with the sequence view, every shot's picture through its stack and every edit's
  before/after), against the same report without the sequence view (the clips-only report the
  project had before, same log, same thumbnails) built in the same run.

Targets: the import under 10 s, the report under 30 s. Run:
``.venv/bin/python bench/bench_conform.py [--shots 200] [--size 64x36] [--skip-baseline]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path


def make_media(folder: Path, files: int, size: str = "64x36") -> list[tuple[str, int]]:
    """``files`` originals; (name, first frame's timecode in frames) each."""
    folder.mkdir()
    made = []
    for n in range(files):
        name = f"A{n // 10 + 1:03d}C{n % 10 + 1:03d}"
        hours = 1 + n % 20
        start = hours * 3600 * 25 + (n // 20) * 250
        tc = f"{hours:02d}:{(n // 20) * 10 // 60:02d}:{(n // 20) * 10 % 60:02d}:00"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
             "-f", "lavfi", "-i", "sine=sample_rate=48000", "-map", "0:v", "-map", "1:a",
             "-frames:v", "100", "-t", "4", "-c:v", "prores_ks", "-profile:v", "0",
             "-c:a", "pcm_s16le", "-timecode", tc, "-metadata:s:v:0", f"reel_name={name}",
             str(folder / f"{name}.mov")],
            check=True,
        )
        made.append((name, start))
    return made


def tc(frames: int) -> str:
    s, f = divmod(frames, 25)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{f:02d}"


def write_edl(path: Path, media: list[tuple[str, int]], shots: int) -> None:
    lines = ["TITLE: BENCH_200", "FCM: NON-DROP FRAME", ""]
    record = 3600 * 25
    for n in range(shots):
        name, start = media[n % len(media)]
        first = start + 10 + (n // len(media)) * 40 % 60
        length = 20
        lines += [
            f"{n + 1:03d}  {name:8} V     C        {tc(first)} {tc(first + length)} "
            f"{tc(record)} {tc(record + length)}",
            f"* FROM CLIP NAME:  {name}_CAM",
            "",
        ]
        record += length
    path.write_text("\n".join(lines), encoding="utf-8")


def film_report(folder: Path, project: Path, shots: int, deliver: int) -> None:
    """Edit, tag, consent and deliver, then time the reports (see the module docstring)."""
    import dataclasses

    from workbench.cli import main as cli
    from workbench.conform.cast import tag_shots
    from workbench.conform.delivery import DeliveryRequest
    from workbench.conform.delivery import deliver as deliver_shots
    from workbench.conform.recipes import apply_recipe, parse_step, save_recipe, select_shots
    from workbench.disclosure.exporters.html_report import render_html
    from workbench.disclosure.exporters.pdf_report import render_pdf
    from workbench.disclosure.report_model import build_report
    from workbench.editing import LikenessRequest, add_likeness_consent, export_context, load_log
    from workbench.project import Project

    release = folder / "release.pdf"
    release.write_bytes(b"%PDF-1.4 signed")
    began = time.perf_counter()
    with Project.open(project) as opened:
        recipe = save_recipe(opened, "cleanup", [parse_step("denoise")], "spec")
        for name in ("Ada Actor", "Ben Bloggs"):
            opened.add_cast_member(name)
            add_likeness_consent(opened, LikenessRequest(name, "enhancement", release))
        tagged = select_shots(opened, f"1-{max(1, shots // 4)}")
        tag_shots(opened, tagged, ["Ada Actor", "Ben Bloggs"])
        applied = apply_recipe(opened, recipe, select_shots(opened, "all"))
    edits = sum(len(a.edits) for a in applied)
    print(f"recipe applied      {edits} edits over {shots} shots: "
          f"{time.perf_counter() - began:6.2f} s (not the report's time)")
    out = folder / "deliver"
    out.mkdir()
    began = time.perf_counter()
    done = deliver_shots(DeliveryRequest(project, out, shots=f"1-{deliver}")) if deliver else []
    print(f"delivered           {len(done)} shots in {time.perf_counter() - began:6.2f} s "
          "(not the report's time)")
    for fmt in ("html", "pdf"):
        target = folder / f"report.{fmt}"
        began = time.perf_counter()
        cli(["log", "export", str(project), "--format", fmt, "-o", str(target)])
        film = time.perf_counter() - began
        # the baseline: the same log and thumbnails, the report without its sequence view
        began = time.perf_counter()
        data, _ = load_log(project)
        context = export_context(project, data, fmt)
        report = dataclasses.replace(build_report(context), sequences=())
        (render_html if fmt == "html" else render_pdf)(report, context.thumbnails)
        clips_only = time.perf_counter() - began
        print(f"film report ({fmt})  {film:6.2f} s ({target.stat().st_size // 1024} KiB)  "
              f"target < 30 s; clips-only report {clips_only:6.2f} s; "
              f"film / clips-only: {film / clips_only:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shots", type=int, default=200)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--size", default="64x36", help="the originals' picture size")
    parser.add_argument("--deliver", type=int, default=10, help="shots to deliver first")
    parser.add_argument("--skip-baseline", action="store_true", help="no one-by-one import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("CONFIG", "DATA", "CACHE"):
            os.environ.setdefault(f"WORKBENCH_{name}_DIR", str(folder / name.lower()))
        from workbench.conform import ImportRequest, import_sequence
        from workbench.editing import import_clip
        from workbench.project import Project

        began = time.perf_counter()
        media = make_media(folder / "media", args.files, args.size)
        edl = folder / "cut.edl"
        write_edl(edl, media, args.shots)
        print(f"made {args.files} originals and a {args.shots}-event EDL in "
              f"{time.perf_counter() - began:.1f} s (ffmpeg; not timed below)")

        project = folder / "film.wbproj"
        Project.create(project).close()
        began = time.perf_counter()
        with Project.open(project) as opened:
            result = import_sequence(opened, ImportRequest(edl, (folder / "media",), handles=8))
        conform = time.perf_counter() - began
        print(f"conform import      {args.shots} shots, {args.files} files: {conform:6.2f} s "
              f"({result.offline} offline)  target < 10 s")

        if not args.skip_baseline:
            baseline_project = folder / "baseline.wbproj"
            Project.create(baseline_project).close()
            began = time.perf_counter()
            with Project.open(baseline_project) as opened:
                for path in sorted((folder / "media").iterdir()):
                    import_clip(opened, path)
            baseline = time.perf_counter() - began
            print(f"baseline            {args.files} clips imported one by one: {baseline:6.2f} s")
            print(f"conform import / one-by-one clip import: {conform / baseline:.2f}x")

        film_report(folder, project, args.shots, args.deliver)


if __name__ == "__main__":
    main()
