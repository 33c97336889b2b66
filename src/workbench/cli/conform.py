"""``workbench conform``: a whole film — import the cut, list its shots, render and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.conform import ImportRequest, import_sequence
    from workbench.media.timecode import parse_rate
    from workbench.project import Project

    if not args.media:
        raise UsageError("conform import needs at least one --media DIR with the camera originals")
    request = ImportRequest(
        Path(args.timeline),
        tuple(Path(m) for m in args.media),
        handles=args.handles,
        rate=parse_rate(args.rate) if args.rate else None,
    )
    with Project.open(Path(args.project)) as project:
        result = import_sequence(project, request)
    for line in result.lines:
        print(line.line())
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for tagged in result.cast:
        print(f"cast: {tagged.line()}", file=sys.stderr)
    online = len(result.lines) - result.offline
    print(
        f"sequence {result.sequence.id} {result.sequence.name!r}: {len(result.lines)} shots, "
        f"{online} matched, {result.offline} offline",
        file=sys.stderr,
    )
    return 0


def cmd_shots(args: argparse.Namespace) -> int:
    from workbench.cli.common import print_table
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        sequence = project.sequence(args.sequence)
        clips = {c.id: c for c in project.clips()}
        rows = []
        for shot in project.shots(sequence.id):
            delivered = project.latest_delivery(shot.id)
            edits = sum(
                1
                for e in (project.edits(shot.clip_id) if shot.clip_id else [])
                if shot.frames and e.frames[0] <= shot.frames[1] and e.frames[1] >= shot.frames[0]
            )
            rows.append(
                (
                    shot.id,
                    shot.reel or "",
                    f"{shot.source.tc_in}-{shot.source.tc_out}",
                    f"{shot.record.tc_in}-{shot.record.tc_out}",
                    Path(clips[shot.clip_id].path).name if shot.clip_id in clips else "OFFLINE",
                    f"{shot.handles[0]}/{shot.handles[1]}",
                    edits,
                    f"v{delivered.version:03d} {delivered.qc}" if delivered else "",
                )
            )
    print(f"sequence {sequence.id} {sequence.name!r} at {sequence.rate} fps")
    print_table(
        rows, ("shot", "reel", "source", "record", "media", "handles", "edits", "delivered")
    )
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from workbench.conform.delivery import DeliveryRequest, deliver
    from workbench.progress import TerminalProgress

    request = DeliveryRequest(
        Path(args.project),
        Path(args.output),
        codec=args.codec,
        name=args.name,
        every=args.all,
        shots=args.shots,
        sequence=int(args.sequence) if args.sequence else None,
        provider=args.provider,
    )
    results = _deliver(deliver, request, args, TerminalProgress())
    failed = 0
    for done in results:
        d = done.delivery
        if d is None:
            print(f"{done.shot.id}\t-\t{done.note}")
            continue
        failed += d.qc == "failed"
        print(
            f"{done.shot.id}\t{d.output}\tv{d.version:03d} TC {d.timecode} reel {d.reel or '-'} "
            f"frames {d.frames[0]}-{d.frames[1]} QC {d.qc}"
        )
    if failed:
        print(
            f"QC failed for {failed} delivered file(s): see the render entries in the log",
            file=sys.stderr,
        )
        return 1  # a check failed (the files and their entries are kept, QC verdict included)
    return 0


def _deliver(deliver: Any, request: Any, args: argparse.Namespace, progress: Any) -> Any:
    """On this machine, or (``--cluster``) every shot's segments on one Dask farm."""
    from workbench.render import DirectorySegmentStore

    store = DirectorySegmentStore(Path(args.store).resolve()) if args.store else None
    if not args.cluster:
        return deliver(request, progress, store=store)
    from workbench.cli.farm import path_map
    from workbench.render.farm import DaskExecutor

    with DaskExecutor(args.cluster, path_map=path_map(args)) as farm:
        return deliver(request, progress, executor=farm, store=store)


def cmd_relink(args: argparse.Namespace) -> int:
    from workbench.conform.shots import relink_shot
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        shot = relink_shot(project, int(args.shot), Path(args.media), note=args.note)
        clip = project.clip(shot.clip_id) if shot.clip_id is not None else None
    print(f"{shot.id}\t{clip.path if clip else 'MISSING'}\t{shot.reason}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.conform.export import export_timeline
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        result = export_timeline(
            project,
            args.format,
            Path(args.output),
            sequence_id=int(args.sequence) if args.sequence else None,
        )
    print(
        f"wrote {result.path} ({result.format}): {result.shots} shots, {result.delivered} "
        "pointing at delivered media"
    )
    return 0


def register(sub: Any) -> None:
    conform = sub.add_parser("conform", help="a whole film: the editor's cut, shot by shot")
    commands = conform.add_subparsers(dest="conform_command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "import",
        help="bring in a cut (EDL, FCP 7 XML, .otio/.otioz, AAF) and match it to the media",
    )
    p.add_argument("project")
    p.add_argument("timeline", help="the cut: .edl, .xml, .otio, .otioz or .aaf")
    p.add_argument(
        "--media",
        nargs="+",
        action="extend",
        default=[],
        metavar="DIR",
        help="folders (or files) holding the camera originals",
    )
    p.add_argument("--handles", type=int, default=0, help="frames added on each side of a shot")
    p.add_argument("--rate", help="the cut's frame rate for an EDL (25, 24000/1001, 29.97…)")
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("shots", help="the shots of a sequence in cut order")
    p.add_argument("project")
    p.add_argument("--sequence", help="which sequence (default: the last imported)")
    p.set_defaults(func=cmd_shots)

    p = commands.add_parser(
        "render", help="render shots as replacement media (source range plus handles)"
    )
    p.add_argument("project")
    p.add_argument("-o", "--output", required=True, help="the folder for the delivered files")
    p.add_argument("--codec", help="as for workbench render (default: the source's, in .mov)")
    p.add_argument(
        "--name",
        default="{shot}_{reel}_wb_v{version:03d}",
        help="file name template: {shot} {position} {reel} {clip} {name} {sequence} {version}",
    )
    p.add_argument("--all", action="store_true", help="every online shot, edited or not")
    p.add_argument("--shots", help="only these shots: all, 1,4-9 or reel:A001")
    p.add_argument("--sequence", help="which sequence (default: the last imported)")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="render every shot's segments on a Dask farm (tcp://HOST:8786); this machine "
        "finishes, checks and logs each delivery",
    )
    p.add_argument("--store", metavar="DIR", help="a folder every farm machine sees")
    from workbench.cli.edit import add_provider_argument
    from workbench.cli.farm import add_path_map

    add_path_map(p)
    add_provider_argument(p)
    p.set_defaults(func=cmd_render)

    p = commands.add_parser("export", help="write the cut pointing at the replacement media")
    p.add_argument("project")
    p.add_argument("--format", required=True, choices=["otio", "edl", "fcp7xml"])
    p.add_argument("-o", "--output", required=True, help="the timeline file to write")
    p.add_argument("--sequence", help="which sequence (default: the last imported)")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("relink", help="point an offline shot at the file that holds it")
    p.add_argument("project")
    p.add_argument("shot", help="the shot's id (as conform import printed it)")
    p.add_argument("media", help="the camera original")
    p.add_argument("--note", default="", help="why, for the log")
    p.set_defaults(func=cmd_relink)
