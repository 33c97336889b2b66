"""``workbench``: the headless entry point. The same core calls as the GUI, for batches.

Errors a user can act on (:class:`~workbench.errors.WorkbenchError`) print ``error: …`` and exit
with the error's code; anything else is a bug and prints a short notice (the traceback with
``--debug``). Exit codes: 0 ok, 1 verification failed, 2 usage, 3 project, 4 locked, 5 policy,
6 model, 7 disclosure, 8 storage, 130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.errors import UsageError, VerificationFailed, WorkbenchError

Handler = Callable[[argparse.Namespace], int]


def _print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


# -- project -------------------------------------------------------------------------------
def cmd_new(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.create(Path(args.project), args.name) as project:
        print(f"created {project.path} (project {project.id})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        info = project.info()
        if args.json:
            print(json.dumps(info, indent=2))
            return 0
        print(f"project   {info['name']}  ({info['path']})")
        print(f"id        {info['id']}")
        print(f"created   {info['created']}   schema {info['schema_version']}")
        print(f"clips     {info['clips']}")
        for clip in project.clips():
            media = clip.media
            size = f"{media.get('width', '?')}x{media.get('height', '?')}"
            print(f"  {clip.id}\t{clip.name}\t{size}\t{media.get('frame_count', '?')} frames")
        print(f"edits     {info['edits']}")
        pending = project.edits_pending_signoff()
        for edit in project.edits():
            state = "on " if edit.enabled else "off"
            waiting = "  (awaiting sign-off: workbench signoff)" if edit.id in pending else ""
            print(
                f"  {edit.id}\t[{state}] clip {edit.clip_id} {edit.tool} "
                f"frames {edit.frames[0]}-{edit.frames[1]} model {edit.model_id or '-'}{waiting}"
            )
        print(f"log       {info['log_entries']} entries, {info['checkpoints']} checkpoints")
        print(f"verify    {info['verification']}")
    return 0


# -- footage -------------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    from workbench.media import safe_probe
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        for media in args.media:
            # in a child process with a time limit, first and last frame decoded: a broken or
            # hostile file is refused here, not half-way through a render
            info = safe_probe(media, timeout=60.0)
            path = str(Path(info.path).resolve())
            clip = project.add_clip(path, fingerprint=info.fingerprint, media=info.to_dict())
            print(f"{clip.id}\t{clip.path}")
    return 0


def cmd_tools_list(args: argparse.Namespace) -> int:
    from workbench.tools.registry import all_tools

    for tool in all_tools():
        c = tool.classification
        print(f"{tool.id}  ({tool.name}, v{tool.version}) — {tool.description}")
        print(f"    disclosed as {c.c2pa_action}, {c.digital_source_type}, {c.nature}")
        for param in tool.all_params():
            print(f"    --param {param.describe()}")
    return 0


def _parse_frames(text: str | None, count: int) -> tuple[int, int]:
    if not text:
        return (0, max(0, count - 1))
    try:
        start_text, _, end_text = text.partition("-")
        start = int(start_text)
        end = int(end_text) if end_text else start
    except ValueError:
        raise UsageError(
            f"--frames takes A-B (e.g. 0-47) or one frame number; got {text!r}"
        ) from None
    return (start, end)


def _parse_region(args: argparse.Namespace, project_path: Path) -> dict[str, Any] | None:
    if args.region and args.mask:
        raise UsageError("give --region or --mask, not both")
    if args.region:
        try:
            x, y, w, h = (int(v) for v in args.region.split(","))
        except ValueError:
            raise UsageError(f"--region takes X,Y,W,H in pixels; got {args.region!r}") from None
        if w <= 0 or h <= 0:
            raise UsageError("--region needs a positive width and height")
        return {"kind": "rect", "x": x, "y": y, "w": w, "h": h}
    if args.mask:
        return {"kind": "mask", "sha256": store_mask(Path(args.mask), project_path)}
    return None


def store_mask(mask: Path, project_path: Path) -> str:
    """Keep a copy of a mask image beside the project, named by its hash (the log pins it)."""
    import hashlib

    import cv2
    import numpy as np

    try:
        image = cv2.imdecode(np.fromfile(mask, np.uint8), cv2.IMREAD_GRAYSCALE)
    except OSError as exc:
        raise UsageError(f"cannot read the mask {mask}: {exc.strerror}") from None
    if image is None:
        raise UsageError(f"{mask} is not an image a mask can be read from")
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise UsageError(f"cannot store the mask {mask}")
    data = encoded.tobytes()
    digest = hashlib.sha256(data).hexdigest()
    folder = project_path.with_name(project_path.name + ".masks")
    folder.mkdir(exist_ok=True)
    (folder / f"{digest}.png").write_bytes(data)
    return digest


def cmd_apply(args: argparse.Namespace) -> int:
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions, get_engine
    from workbench.project import Project
    from workbench.tools.base import check_edit_range
    from workbench.tools.registry import get_tool

    tool = get_tool(args.tool)
    raw: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param takes KEY=VALUE; got {item!r}")
        raw[key.strip()] = value.strip()
    params = tool.resolve(raw)
    project_path = Path(args.project)
    with Project.open(project_path) as project:
        clip = project.clip(args.clip)
        count = int(clip.media.get("frame_count") or 1)
        frames = _parse_frames(args.frames, count)
        check_edit_range(
            tool, params, frames, count, field_order=int(clip.media.get("field_order") or 0)
        )
        region = _parse_region(args, project_path)
        catalog = Catalog()
        entry = catalog.find(args.model or tool.default_model(params))
        if entry.card is not None and entry.card.task != tool.task:
            raise UsageError(f"model {entry.id} is a {entry.card.task} model, not for {tool.id}")
        engine = get_engine(catalog.load_checked(entry.id), SessionOptions.from_settings())
        edit = project.add_edit(
            clip.id,
            tool=tool,
            parameters=params,
            frames=frames,
            region=region,
            model=entry,
            provider=engine.provider,
        )
        print(
            f"edit {edit.id}: {tool.id} on clip {clip.id} frames {frames[0]}-{frames[1]} "
            f"with {entry.id} (log entry {edit.log_entry})"
        )
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from workbench.progress import TerminalProgress
    from workbench.render import RenderRequest, run_render

    if args.list_codecs:
        from workbench.media.formats import ALIASES, codec_table

        for name, extensions, what in codec_table():
            also = sorted(a for a, target in ALIASES.items() if target == name)
            aka = f"  (also: {', '.join(also)})" if also else ""
            print(f"{name:<14} {extensions:<22} {what}{aka}")
        return 0
    if not (args.project and args.clip and args.output):
        raise UsageError(
            "render needs PROJECT CLIP -o OUTPUT", hint="or --list-codecs to see the codecs"
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
        drop_streams=tuple(args.drop_stream),
        convert_audio=tuple(convert),
        convert_all_audio="pcm" in args.convert_audio,
        smart=not args.re_encode_all,
    )
    result = run_render(request, TerminalProgress())
    resumed = f", resumed at frame {result.resumed_from}" if result.resumed_from else ""
    print(
        f"rendered {result.output} ({result.frame_count} frames, {result.seconds:.1f} s{resumed})"
    )
    print(f"sha256 {result.sha256}  log entry {result.log_entry}")
    from workbench.render.delivery_qc import warn_lines

    qc = result.extra.get("qc") or {}
    print(f"qc     {qc.get('status', 'not run')} (ffprobe, MediaInfo against the source)")
    for line in warn_lines(qc):
        print(line, file=sys.stderr)
    return 0


def cmd_qc(args: argparse.Namespace) -> int:
    """``workbench qc``; with ``--project`` the render's own expectations from the log."""
    import json

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


def cmd_relink(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        clip = project.relink_clip(int(args.clip), Path(args.path))
        print(f"{clip.id}\t{clip.path}")
    return 0


def cmd_signoff(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project)) as project:
        edit = project.sign_off(int(args.edit), note=args.note or "")
        print(f"edit {edit.id} ({edit.tool}) signed off by {project.operator}")
    return 0


# -- policy --------------------------------------------------------------------------------
def _names(value: str, *, everything: str) -> list[str] | None:
    """``a,b`` -> ["a", "b"]; the word ``everything`` ("any" / "none") -> None / []."""
    if value.strip().lower() == everything:
        return None if everything == "any" else []
    return [v.strip() for v in value.split(",") if v.strip()]


def _print_policy(policy: Any) -> None:
    tools = "any" if policy.allowed_tools is None else ", ".join(policy.allowed_tools) or "none"
    models = "any" if policy.allowed_models is None else ", ".join(policy.allowed_models) or "none"
    print(f"allowed tools:       {tools}")
    print(f"allowed models:      {models}")
    print(f"undisclosed models:  {'allowed' if policy.allow_undisclosed else 'refused'}")
    print(f"sign-off required:   {', '.join(policy.signoff_required) or 'none'}")


def cmd_policy_show(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        policy = project.policy()
    if args.json:
        print(policy.model_dump_json(indent=2))
    else:
        _print_policy(policy)
    return 0


def cmd_policy_set(args: argparse.Namespace) -> int:
    from workbench.project import Project
    from workbench.tools.registry import all_tools

    known = {t.id for t in all_tools()}
    with Project.open(Path(args.project)) as project:
        change: dict[str, Any] = {}
        if args.tools is not None:
            change["allowed_tools"] = _names(args.tools, everything="any")
        if args.models is not None:
            change["allowed_models"] = _names(args.models, everything="any")
        if args.undisclosed is not None:
            change["allow_undisclosed"] = args.undisclosed == "allow"
        if args.signoff is not None:
            change["signoff_required"] = _names(args.signoff, everything="none")
        for tool in (change.get("allowed_tools") or []) + change.get("signoff_required", []):
            if tool not in known:
                raise UsageError(
                    f"unknown tool {tool!r}", hint=f"the tools are: {', '.join(sorted(known))}"
                )
        if not change:
            raise UsageError(
                "nothing to change", hint="give --tools, --models, --undisclosed or --signoff"
            )
        policy = project.policy().model_copy(update=change)
        project.set_policy(policy)
        print(f"policy of {project.name} changed (logged):")
    _print_policy(policy)
    return 0


# -- log -----------------------------------------------------------------------------------
def _load_log(target: Path) -> tuple[Any, str]:
    """A LogData from a project or an export file, plus a label."""
    from workbench.disclosure.export import is_export_file, read_export_file
    from workbench.project import Project

    if is_export_file(target):
        return read_export_file(target), f"export {target.name}"
    with Project.open(target, readonly=True) as project:
        return project.log_data(), f"project {project.name}"


def cmd_log_verify(args: argparse.Namespace) -> int:
    from workbench.disclosure.export import is_export_file
    from workbench.disclosure.verify import verify_rows
    from workbench.project import Project

    target = Path(args.target)
    if is_export_file(target):
        if args.against:
            raise UsageError("--against compares a project with an export; give the project")
        data, label = _load_log(target)
        report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    else:
        with Project.open(target, readonly=True) as project:
            label = f"project {project.name}"
            report = project.verify(Path(args.against) if args.against else None)
    if report.ok:
        print(f"{label}: {report.summary()}")
        if args.against:
            print(f"everything {Path(args.against).name} vouched for is still in the log")
        return 0
    for problem in report.problems[: args.max_problems]:
        print(f"  {problem}", file=sys.stderr)
    raise VerificationFailed(f"{label}: {report.summary()}")


def cmd_log_show(args: argparse.Namespace) -> int:
    from workbench.disclosure import records

    data, label = _load_log(Path(args.target))
    entries = data.entries()
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    rows = []
    for entry in entries:
        model = entry.get("model") or {}
        rows.append(
            (
                entry.get("seq"),
                str(entry.get("time", ""))[:19].replace("T", " "),
                entry.get("operator"),
                str(entry.get("schema", "")).removeprefix("workbench."),
                records.summary(entry),
                model.get("id", "") if isinstance(model, dict) else "",
                str(entry.get("hash", ""))[:12],
            )
        )
    print(f"{label}: {len(entries)} entries")
    _print_table(rows, ("seq", "time (UTC)", "operator", "kind", "what", "model", "hash"))
    return 0


def cmd_log_export(args: argparse.Namespace) -> int:
    from workbench.disclosure.exporters import export

    data, _label = _load_log(Path(args.target))
    out = Path(args.output)
    export(args.format, _export_context(Path(args.target), data, args.format), out)
    print(f"wrote {out} ({args.format}, {len(data.rows)} entries)")
    return 0


# -- identity and Content Credentials -------------------------------------------------------
def _export_context(target: Path, data: Any, fmt: str) -> Any:
    """The producer exports also want clip sizes, model cards and (HTML/PDF) thumbnails."""
    from workbench.disclosure.export import is_export_file
    from workbench.disclosure.exporters import ExportContext
    from workbench.disclosure.store import utc_now

    if fmt in ("json", "csv"):
        return ExportContext(data=data, exported=utc_now())
    from workbench.catalog import Catalog
    from workbench.disclosure.report_thumbs import project_thumbnailer
    from workbench.project import Project

    clips: tuple[dict[str, Any], ...] = ()
    if not is_export_file(target):
        with Project.open(target, readonly=True) as project:
            clips = tuple(
                {"id": c.id, "name": c.name, "path": c.path, "media": c.media}
                for c in project.clips()
            )
    catalog = Catalog()
    cards = {e.sha256: e.card for e in catalog.entries() if e.card is not None}
    thumbs = project_thumbnailer(catalog) if fmt in ("html", "pdf") else None
    return ExportContext(data=data, exported=utc_now(), clips=clips, cards=cards, thumbnails=thumbs)


def cmd_identity_init(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import init_identity

    identity = init_identity(args.name, force=args.force, timestamp_url=args.timestamp_url)
    info = identity.describe()
    print(f"created a studio CA and signing certificate for {info['subject']}")
    print(f"  trust anchor (give this to whoever checks your files): {info['trust_anchor']}")
    return 0


def cmd_identity_import(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import import_identity

    identity = import_identity(
        Path(args.cert), Path(args.key), force=args.force, timestamp_url=args.timestamp_url
    )
    print(f"imported {identity.subject} ({identity.algorithm}), issued by {identity.issuer}")
    return 0


def cmd_identity_show(args: argparse.Namespace) -> int:
    from workbench.disclosure.identity import load_identity

    info = load_identity().describe()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for key, value in info.items():
        print(f"{key:<14}{'-' if value is None else value}")
    return 0


def cmd_credentials(args: argparse.Namespace) -> int:
    from workbench.disclosure.credentials import match_log, read_credentials
    from workbench.disclosure.report_model import printable

    report = read_credentials(Path(args.file), Path(args.trust) if args.trust else None)
    print(f"{printable(report.path.name)}: {printable(report.label)}")
    where = "embedded" if report.embedded else f"sidecar {report.manifest_path}"
    signer = report.signer
    print(
        f"  credentials  {where}; signed by {printable(signer.get('common_name', '?'))}"
        f" (issuer {printable(signer.get('issuer', '?'))})"
    )
    disclosure = report.disclosure or {}
    if disclosure:
        cp = disclosure.get("checkpoint") or {}
        state = {True: "signature ok", False: "BAD signature", None: "not checkable"}
        print(f"  project      {printable((disclosure.get('project') or {}).get('id'))}")
        print(
            f"  checkpoint   {cp.get('tree_size')} entries, head {str(cp.get('head'))[:16]}…, "
            f"{state[report.checkpoint_valid]}"
        )
    print(f"  AI edits     {len(report.ai_actions)}")
    for action in report.ai_actions:
        source = str(action.digital_source_type or "").rsplit("/", 1)[-1]
        print(f"    {action.action:<15} {source:<24} {printable(action.description or '')}")
    if report.changed_frames:
        print(f"  changed frames: {', '.join(report.changed_frames)}")
    problems: list[str] = []
    if args.project:
        data, label = _load_log(Path(args.project))
        problems = match_log(report, data)
        if problems:
            for problem in problems:
                print(f"  mismatch: {printable(problem)}", file=sys.stderr)
        else:
            print(f"  matches the log of {printable(label)}")
    if not report.ok:
        raise VerificationFailed(f"{report.path.name}: {report.label}")
    if problems:
        raise VerificationFailed(f"{report.path.name} does not match {args.project}")
    return 0


# -- models --------------------------------------------------------------------------------
def cmd_models_list(args: argparse.Namespace) -> int:
    from workbench.catalog import Catalog

    catalog = Catalog()
    entries = catalog.entries()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "sha256": e.sha256,
                        "path": str(e.path),
                        "disclosed": e.disclosed,
                        "problem": e.problem,
                        "task": e.card.task if e.card else None,
                    }
                    for e in entries
                ],
                indent=2,
            )
        )
        return 0
    rows = [
        (
            e.id,
            e.card.task if e.card else "?",
            e.card.version if e.card else "",
            e.card.weights_licence if e.card else "",
            "disclosed" if e.disclosed else f"UNDISCLOSED ({e.problem})",
            e.sha256[:12],
        )
        for e in entries
    ]
    if not rows:
        print("no models found in: " + ", ".join(str(d) for d in catalog.dirs))
        return 0
    _print_table(rows, ("id", "task", "version", "licence", "card", "sha256"))
    return 0


def cmd_models_show(args: argparse.Namespace) -> int:
    from workbench.catalog import Catalog

    entry = Catalog().find(args.model)
    if entry.card is None:
        print(f"{entry.id}: UNDISCLOSED — {entry.problem}")
        print(f"file    {entry.path}\nsha256  {entry.sha256}")
        return 0
    if args.json:
        print(json.dumps(entry.card.to_json_dict(), indent=2))
        return 0
    card = entry.card
    print(f"{card.name} ({card.id} {card.version}) — {card.task} x{card.scale}")
    print(f"file          {entry.path}\nsha256        {entry.sha256}")
    print(
        f"architecture  {card.architecture}, {card.parameters:,} parameters, "
        f"{card.flops_per_output_pixel:,.0f} FLOPs per output pixel"
    )
    print(f"licence       {card.weights_licence}")
    print(
        f"disclosure    {card.classification.c2pa_action}, "
        f"{card.classification.digital_source_type}, {card.classification.nature}"
    )
    print("training data:")
    for s in card.training_data:
        print(f"  - {s.name}: {s.items} items, {s.licence}, {s.consent_basis}; {s.attribution}")
    print("contributors:")
    for c in card.contributors:
        print(f"  - {c.name} ({c.role}): share {c.share:.3f} by {c.basis}")
    if card.metrics:
        print("metrics:")
        for m in card.metrics:
            base = f" vs {m.baseline} {m.baseline_value}" if m.baseline else ""
            print(f"  - {m.name}: {m.value:g} {m.unit}{base} on {m.dataset}")
    print(f"intended use  {card.intended_use}")
    print(f"limitations   {card.limitations}")
    return 0


def cmd_models_verify(args: argparse.Namespace) -> int:
    from workbench.catalog import Catalog
    from workbench.catalog.catalog import load_checked_path
    from workbench.errors import ModelError

    catalog = Catalog()
    entries = [catalog.find(args.model)] if args.model else catalog.entries()
    failures = 0
    for entry in entries:
        try:
            load_checked_path(entry.path, entry=entry)
        except ModelError as exc:
            failures += 1
            print(f"FAIL  {entry.id}: {exc}")
            continue
        if entry.card is None:
            failures += 1
            print(f"FAIL  {entry.id}: undisclosed — {entry.problem}")
        else:
            print(f"ok    {entry.id}: checks pass, card matches SHA-256 {entry.sha256[:12]}…")
    if failures:
        raise VerificationFailed(f"{failures} of {len(entries)} models failed verification")
    return 0


# -- demo ----------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import run_demo

    run_demo(Path(args.output))
    return 0


# -- desktop app ---------------------------------------------------------------------------
def _qt_app() -> Any:
    """The desktop app's module, loaded only here: the CLI itself never imports Qt (and
    ``workbench.qt`` sits above the CLI in the layers, so it is looked up by name)."""
    import importlib

    return importlib.import_module("workbench.qt.app")


def cmd_gui(args: argparse.Namespace) -> int:
    return int(_qt_app().run())


def cmd_open(args: argparse.Namespace) -> int:
    project = Path(args.project)
    if not project.exists():
        raise UsageError(f"no project at {project}")
    screenshot = Path(args.screenshot) if args.screenshot else None
    return int(_qt_app().run(project, screenshot=screenshot, mode=args.viewer_mode))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Augmentative AI tools for footage, with a tamper-evident disclosure log.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("new", help="create a project")
    p.add_argument("project")
    p.add_argument("--name")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("info", help="clips, edits, log size and verification state")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("import", help="add footage to a project (prints: clip id TAB path)")
    p.add_argument("project")
    p.add_argument("media", nargs="+")
    p.set_defaults(func=cmd_import)

    tools = sub.add_parser("tools", help="the augmentative tools").add_subparsers(
        dest="tools_command", metavar="ACTION", required=True
    )
    p = tools.add_parser("list", help="every tool with its parameters")
    p.set_defaults(func=cmd_tools_list)

    p = sub.add_parser("apply", help="add an edit (and its log entry) to a clip")
    p.add_argument("project")
    p.add_argument("clip")
    p.add_argument("--tool", required=True)
    p.add_argument("--model", help="model id or SHA-256 (default: the tool's shipped model)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--frames", metavar="A-B", help="frame range (default: the whole clip)")
    p.add_argument(
        "--region", metavar="X,Y,W,H", help="a rectangle; pixels outside stay as they are"
    )
    p.add_argument("--mask", metavar="FILE", help="a mask image; white = edit, black = keep")
    p.set_defaults(func=cmd_apply)

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

    p = sub.add_parser("relink", help="point an offline clip at where its footage is now")
    p.add_argument("project")
    p.add_argument("clip")
    p.add_argument("path")
    p.set_defaults(func=cmd_relink)

    p = sub.add_parser("signoff", help="approve an edit the project policy holds for sign-off")
    p.add_argument("project")
    p.add_argument("edit")
    p.add_argument("--note", help="why it was approved")
    p.set_defaults(func=cmd_signoff)

    pol = sub.add_parser("policy", help="which tools and models a project allows").add_subparsers(
        dest="policy_command", metavar="ACTION", required=True
    )
    p = pol.add_parser("show", help="the project's policy")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_policy_show)
    p = pol.add_parser("set", help="change the policy (the change is logged)")
    p.add_argument("project")
    p.add_argument("--tools", metavar="a,b|any", help="the tools allowed")
    p.add_argument("--models", metavar="a,b|any", help="model ids or SHA-256 digests allowed")
    p.add_argument("--undisclosed", choices=("allow", "refuse"), help="models without a card")
    p.add_argument("--signoff", metavar="a,b|none", help="tools whose edits need sign-off")
    p.set_defaults(func=cmd_policy_set)

    log = sub.add_parser("log", help="the disclosure log").add_subparsers(
        dest="log_command", metavar="ACTION", required=True
    )
    p = log.add_parser("verify", help="check the log (a project or an exported JSON)")
    p.add_argument("target", help="PROJECT.wbproj or EXPORT.json")
    p.add_argument(
        "--against", metavar="EXPORT.json", help="also check nothing it vouched for is gone"
    )
    p.add_argument("--max-problems", type=int, default=20)
    p.set_defaults(func=cmd_log_verify)
    p = log.add_parser("show", help="the log as a table")
    p.add_argument("target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log_show)
    p = log.add_parser("export", help="export the log")
    p.add_argument("target")
    p.add_argument("--format", default="json", help="json, csv, html, pdf, ledger, credits")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_log_export)

    models = sub.add_parser("models", help="the model catalogue").add_subparsers(
        dest="models_command", metavar="ACTION", required=True
    )
    p = models.add_parser("list", help="every model found, disclosed or not")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_list)
    p = models.add_parser("show", help="a model's card")
    p.add_argument("model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models_show)
    p = models.add_parser("verify", help="safety checks and card hashes")
    p.add_argument("model", nargs="?")
    p.set_defaults(func=cmd_models_verify)

    ident = sub.add_parser("identity", help="the signing identity for Content Credentials")
    ident_sub = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    p = ident_sub.add_parser("init", help="make a local studio CA and signing certificate")
    p.add_argument("--name", default="Workbench Studio", help="organisation name")
    p.add_argument("--force", action="store_true", help="replace an existing identity")
    p.add_argument("--timestamp-url", help="an RFC 3161 timestamp authority (optional)")
    p.set_defaults(func=cmd_identity_init)
    p = ident_sub.add_parser("import", help="use your organisation's certificate and key")
    p.add_argument("cert", help="PEM: the signing certificate first, then its issuers")
    p.add_argument("key", help="PEM: its private key (unencrypted)")
    p.add_argument("--force", action="store_true", help="replace an existing identity")
    p.add_argument("--timestamp-url", help="an RFC 3161 timestamp authority (optional)")
    p.set_defaults(func=cmd_identity_import)
    p = ident_sub.add_parser("show", help="the current signing identity")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_identity_show)

    p = sub.add_parser("credentials", help="check a file's Content Credentials (C2PA)")
    p.add_argument("file", help="a signed render (MOV, MP4, PNG, JPEG, TIFF; EXR/DPX sidecar)")
    p.add_argument("--trust", metavar="CA.pem", help="trust anchor, e.g. your studio CA")
    p.add_argument("--project", metavar="PROJECT", help="check the edits against this log")
    p.set_defaults(func=cmd_credentials)

    p = sub.add_parser("demo", help="build and check the sample project")
    p.add_argument("-o", "--output", default="demo-output", help="folder for the demo's files")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("open", help="open a project in the desktop app")
    p.add_argument("project")
    p.add_argument(
        "--screenshot", metavar="FILE", help="save a screenshot of the window once drawn, then exit"
    )
    p.add_argument(
        "--viewer-mode",
        choices=["original", "result", "split", "side", "difference"],
        help="the viewer mode to show",
    )
    p.set_defaults(func=cmd_open)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if argv is None and len(sys.argv) <= 1:
            args.func = cmd_gui  # plain `workbench`: the desktop app
        else:
            parser.print_help()
            return 0
    handler: Handler = args.func
    try:
        return handler(args)
    except WorkbenchError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # Damage that only shows when a page is read (quick_check passed on open).
        if args.debug:
            traceback.print_exc()
        print(f"error: the project file is damaged: {exc}", file=sys.stderr)
        print(
            "  hint: open the most recent backup (*.backup.wbproj) or an exported log",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        if args.debug:
            traceback.print_exc()
        else:
            print(
                "error: an internal error occurred (this is a bug in Workbench); "
                "run again with --debug for details",
                file=sys.stderr,
            )
        return 70


if __name__ == "__main__":
    sys.exit(main())
