"""``workbench`` commands: the render farm: render-segment, farm status | export-job | finish.

``workbench render … --cluster ADDRESS`` (in ``cli.render``) sends a render's segments to a Dask
farm; these commands are the farm's other doors: one segment of a saved plan (what any farm's
task runs), the finish of a render whose segments are stored, the workers and what each is
doing, and the render as an Open Job Description job.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def path_map(args: argparse.Namespace) -> Any:
    """``--path-map FROM=TO`` (repeatable) and ``--path-map-file RULES`` together."""
    from workbench.render.farm.pathmap import PathMap

    paths = PathMap.parse(args.path_map or [])
    if getattr(args, "path_map_file", None):
        paths = paths + PathMap.from_rules_file(Path(args.path_map_file))
    return paths


def add_path_map(p: argparse.ArgumentParser, rules_file: bool = False) -> None:
    p.add_argument(
        "--path-map",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="a machine that mounts the shared storage elsewhere finds FROM's files under TO "
        "(footage, project, masks, store); repeatable",
    )
    if rules_file:
        p.add_argument(
            "--path-map-file",
            metavar="RULES",
            help="an Open Job Description path mapping rules file (pathmapping-1.0)",
        )


def cmd_render_segment(args: argparse.Namespace) -> int:
    from workbench.progress import TerminalProgress
    from workbench.render.farm.offline import render_segment_file

    result = render_segment_file(
        Path(args.plan),
        int(args.segment),
        root=args.store,
        paths=path_map(args),
        provider=args.provider or "",
        progress=TerminalProgress(),
    )
    how = "already stored" if result.reused else f"rendered by {result.worker}"
    print(
        f"segment {result.index}: frames {result.first}-{result.last}, {how}, "
        f"on {result.provider or 'unknown provider'}"
    )
    return 0


def cmd_farm_status(args: argparse.Namespace) -> int:
    from workbench.cli.common import print_table
    from workbench.render.farm.status import farm_status

    status = farm_status(cluster_address(args.cluster))
    waiting = "unknown" if status.waiting is None else str(status.waiting)
    print(f"scheduler {status.scheduler}: {len(status.workers)} workers, {waiting} tasks waiting")
    rows = []
    for worker in status.workers:
        doing = list(worker.doing) or ["idle"]
        rows.append([worker.address, worker.name, worker.host, worker.threads, doing[0]])
        rows.extend(["", "", "", "", line] for line in doing[1:])
    if rows:
        print_table(rows, ["worker", "name", "host", "threads", "doing"])
    return 0


def cluster_address(given: str | None) -> str:
    """``--cluster``, else the farm in the preferences, else a usage error."""
    from workbench.config import farm_settings

    address = given or farm_settings().get("cluster")
    if not isinstance(address, str) or not address.strip():
        raise UsageError(
            "which render farm? give --cluster tcp://HOST:8786",
            hint="or set the farm's address in Preferences (settings.json: farm.cluster)",
        )
    return address


def cmd_export_job(args: argparse.Namespace) -> int:
    from workbench.render import RenderRequest, build_plan, materialize
    from workbench.render.farm.offline import default_root
    from workbench.render.farm.openjd import export_job

    request = RenderRequest(
        Path(args.project),
        int(args.clip),
        Path(args.render_output),
        args.codec,
        segment_frames=args.segment_frames,
    )
    plan = build_plan(request)
    provider = args.provider or materialize(plan).provider
    store = Path(args.store) if args.store else default_root(plan)
    job, plan_file = export_job(plan, Path(args.output), store, provider=provider)
    print(f"job  {job}: {len(plan.segments)} segment tasks, then finish and register")
    print(f"plan {plan_file}")
    print(f"run it: openjd run {job.name} --step RenderSegments, then --step FinishAndRegister")
    return 0


def cmd_farm_finish(args: argparse.Namespace) -> int:
    from workbench.progress import TerminalProgress
    from workbench.render.farm.offline import finish_plan_file

    result = finish_plan_file(
        Path(args.plan),
        root=args.store,
        paths=path_map(args),
        provider=args.provider,
        progress=TerminalProgress(),
    )
    print(f"rendered {result.output} ({result.frame_count} frames)")
    print(f"sha256 {result.sha256}  log entry {result.log_entry}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "render-segment",
        help="render one segment of a saved render plan into a segment store (a farm task)",
    )
    p.add_argument("plan", help="the render plan (JSON), as farm export-job writes it")
    p.add_argument("--segment", type=int, required=True, metavar="N")
    p.add_argument("--store", metavar="DIR", help="a folder every farm machine sees")
    p.add_argument("--provider", help="refuse unless the models run on this execution provider")
    add_path_map(p, rules_file=True)
    p.set_defaults(func=cmd_render_segment)

    farm = sub.add_parser("farm", help="the render farm: status, export-job, finish")
    commands = farm.add_subparsers(dest="farm_command", metavar="COMMAND", required=True)
    p = commands.add_parser("status", help="the farm's workers and what each is doing")
    p.add_argument("--cluster", metavar="ADDRESS", help="the scheduler, tcp://HOST:8786")
    p.set_defaults(func=cmd_farm_status)

    p = commands.add_parser(
        "export-job", help="the render as an Open Job Description job (Deadline Cloud, openjd)"
    )
    p.add_argument("project")
    p.add_argument("clip")
    p.add_argument("render_output", metavar="OUTPUT", help="the file the render makes")
    p.add_argument("-o", "--output", required=True, metavar="JOB.yaml")
    p.add_argument("--codec")
    p.add_argument("--segment-frames", type=int, default=48, metavar="N")
    p.add_argument("--store", metavar="DIR", help="a folder every farm machine sees")
    p.add_argument("--provider", help="the execution provider every task must run on")
    p.set_defaults(func=cmd_export_job)

    p = commands.add_parser(
        "finish", help="join a plan's stored segments, then sign, check and register the render"
    )
    p.add_argument("plan")
    p.add_argument("--store", metavar="DIR")
    p.add_argument("--provider", help="the execution provider the segments must share")
    add_path_map(p, rules_file=True)
    p.set_defaults(func=cmd_farm_finish)
