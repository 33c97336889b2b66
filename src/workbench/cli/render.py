"""``workbench`` commands: Rendering and delivery checks: render, qc."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def cmd_render(args: argparse.Namespace) -> int:
    from workbench.render import RenderRequest

    if args.list_codecs:
        from workbench.media.formats import ALIASES, codec_table

        for name, extensions, what in codec_table():
            also = sorted(a for a, target in ALIASES.items() if target == name)
            aka = f"  (also: {', '.join(also)})" if also else ""
            print(f"{name:<14} {extensions:<22} {what}{aka}")
        return 0
    if args.list_presets:
        return _list_presets()
    if args.project and (args.all or (args.clip and args.preset and not args.output)):
        return _render_with_preset(args)
    if not (args.project and args.clip and args.output):
        raise UsageError(
            "render needs PROJECT CLIP -o OUTPUT (or --preset NAME), or PROJECT --all",
            hint="--list-codecs and --list-presets say what there is",
        )
    convert: list[int] = []
    for item in args.convert_audio:
        if item == "pcm":
            continue
        if not item.isdigit():
            raise UsageError(f"--convert-audio takes pcm or a stream number; got {item!r}")
        convert.append(int(item))
    request = RenderRequest(
        Path(args.project),
        int(args.clip),
        Path(args.output),
        args.codec,
        segment_frames=_segment_frames(args),
        drop_streams=tuple(args.drop_stream),
        convert_audio=tuple(convert),
        convert_all_audio="pcm" in args.convert_audio,
        smart=not args.re_encode_all,
        overwrite=args.overwrite,
        provider=args.provider,
    )
    _run_one(request, args)
    return 0


def _list_presets() -> int:
    from workbench.render.presets import presets

    for preset in presets():
        where = preset.folder or "(beside the project)"
        origin = "built in" if preset.builtin else "yours"
        print(
            f"{preset.name}\t{preset.codec or 'source'}\t{preset.pattern}\t{where}\t{origin}"
        )
    return 0


def _render_with_preset(args: argparse.Namespace) -> int:
    """``render PROJECT CLIP --preset NAME`` or ``render PROJECT --all [--preset NAME]``."""
    import dataclasses

    from workbench.project import Project
    from workbench.render import RenderRequest
    from workbench.render.presets import find_preset, render_all

    preset = find_preset(args.preset or "Same as source")
    if args.codec:
        preset = dataclasses.replace(preset, codec=args.codec)
    with Project.open(Path(args.project), readonly=True) as project:
        if args.all:
            requests = render_all(project, preset)
        else:
            clip = project.clip(args.clip)
            output = preset.check().output_for(clip.name, Path(project.path))
            requests = [RenderRequest(Path(project.path), clip.id, output, preset.codec)]
    if not requests:
        raise UsageError("no clip of the project has an enabled edit: there is nothing to render")
    for request in requests:
        request.output.parent.mkdir(parents=True, exist_ok=True)
        _run_one(
            dataclasses.replace(
                request,
                smart=not args.re_encode_all,
                overwrite=args.overwrite,
                segment_frames=_segment_frames(args),
                provider=args.provider,
            ),
            args,
        )
    return 0


def _run_one(request: Any, args: argparse.Namespace) -> None:
    """One render, on this machine or (``--cluster``) on a Dask farm; the same core path."""
    from workbench.progress import TerminalProgress
    from workbench.render import DirectorySegmentStore, run_render

    store = DirectorySegmentStore(Path(args.store).resolve()) if args.store else None
    warn = _print_warnings
    if args.cluster:
        from workbench.cli.farm import path_map
        from workbench.render.farm import DaskExecutor

        with DaskExecutor(args.cluster, path_map=path_map(args)) as farm:
            result = run_render(
                request, TerminalProgress(), store=store, executor=farm, on_event=warn
            )
    else:
        result = run_render(request, TerminalProgress(), store=store, on_event=warn)
    resumed = f", resumed at frame {result.resumed_from}" if result.resumed_from else ""
    print(
        f"rendered {result.output} ({result.frame_count} frames, {result.seconds:.1f} s{resumed})"
    )
    print(f"sha256 {result.sha256}  log entry {result.log_entry}")
    qc = result.extra.get("qc") or {}  # what QC found is on standard error already (Warned)
    print(f"qc     {qc.get('status', 'not run')} (ffprobe, MediaInfo against the source)")


def _print_warnings(event: Any) -> None:
    """A render's warnings (a model run otherwise than it was applied, a worker's refusal) on
    standard error, as they come; the render's other events are the progress bar's."""
    from workbench.render.events import Warned

    if isinstance(event, Warned):
        print(event.message, file=sys.stderr)


def _segment_frames(args: argparse.Namespace) -> int:
    from workbench.render.farm.dask_executor import FARM_SEGMENT_FRAMES
    from workbench.render.request import SEGMENT_FRAMES

    if args.segment_frames is None:
        return FARM_SEGMENT_FRAMES if args.cluster else SEGMENT_FRAMES
    if args.segment_frames < 1:
        raise UsageError(f"--segment-frames must be at least 1; got {args.segment_frames}")
    return int(args.segment_frames)


def cmd_qc(args: argparse.Namespace) -> int:
    """``workbench qc``; with ``--project`` the render's own expectations from the log."""

    from workbench.disclosure.records import RENDER
    from workbench.fsutil import sha256_file
    from workbench.project import Project
    from workbench.qc.command import run

    if args.project and not args.expect:
        digest = sha256_file(Path(args.output))
        with Project.open(Path(args.project), readonly=True) as project:
            for entry in reversed(project.log.entries()):
                output = entry.get("output") or {}
                if entry.get("schema") == RENDER and output.get("sha256") == digest:
                    expectations = (entry.get("qc") or {}).get("expectations")
                    if expectations:
                        args.expect = json.dumps(expectations)
                    break
            else:
                raise UsageError(
                    f"{Path(args.output).name} is not a render recorded in {args.project}",
                    hint="give the project the file was rendered from, or --expect",
                )
    return run(args)


def register(sub: Any) -> None:
    p = sub.add_parser("render", help="render a clip's edits (resumes an interrupted render)")
    p.add_argument("project", nargs="?")
    p.add_argument("clip", nargs="?")
    p.add_argument("-o", "--output")
    p.add_argument(
        "--codec",
        help="prores (422 HQ), prores_422, prores_4444, dnxhr_hq, dnxhr_hqx, ffv1, h264, png, "
        "tiff, exr, dpx…; default: the source's own codec where the container holds it",
    )
    p.add_argument("--list-codecs", action="store_true", help="say what each codec writes")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a file already at the output (without it the render refuses, exit 2; "
        "an interrupted render of the same output resumes either way)",
    )
    p.add_argument(
        "--preset",
        metavar="NAME",
        help="name and place the output by a render preset (and use its codec); no -o needed",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="render every clip with an enabled edit, named by --preset (default: Same as source)",
    )
    p.add_argument(
        "--list-presets",
        action="store_true",
        help="the render presets: name, codec, naming pattern, folder",
    )
    p.add_argument(
        "--re-encode-all",
        action="store_true",
        help="encode every frame again, even those no edit touches (no smart rendering)",
    )
    p.add_argument(
        "--drop-stream",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="leave the source's stream #N out of the deliverable",
    )
    p.add_argument(
        "--convert-audio",
        action="append",
        default=[],
        metavar="pcm|N",
        help="re-encode audio the container cannot hold as PCM (all such tracks, or stream #N)",
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="render the segments on a Dask farm (tcp://HOST:8786, started with `dask "
        "scheduler`; workers: `dask worker tcp://HOST:8786`); this machine finishes and logs",
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="keep the segments in DIR/<plan digest> (a folder every farm machine sees); "
        "default: beside the output",
    )
    p.add_argument(
        "--segment-frames",
        type=int,
        metavar="N",
        help="frames per segment (default 12; on a farm 48, one task each)",
    )
    from workbench.cli.edit import add_provider_argument
    from workbench.cli.farm import add_path_map

    add_path_map(p)
    add_provider_argument(p)
    p.set_defaults(func=cmd_render)

    from workbench.qc.command import add_parser as add_qc_parser

    add_qc_parser(sub)
    p = sub.choices["qc"]
    p.add_argument(
        "--project",
        metavar="PROJECT",
        help="take the expected differences (an upscale, a new codec) from the render of this "
        "file recorded in the project's log",
    )
    p.set_defaults(func=cmd_qc)
