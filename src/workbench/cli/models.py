"""``workbench`` commands: The model catalogue: list, show, verify, import."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.cli.common import print_table
from workbench.errors import VerificationFailed


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
    print_table(rows, ("id", "task", "version", "licence", "card", "sha256"))
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
    print(f"working space {card.colour_space or 'source (not stated)'}")
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
    for v in card.variants or ():
        use = "chosen where faster" if v.eligible else "not chosen automatically"
        points = f", {v.quality_loss_points:+.2f} points" if v.quality_loss_points else ""
        print(
            f"variant {v.name:5s} {v.file}, sha256 {v.sha256[:12]}…, {v.precision}; held-out "
            f"loss {v.quality_loss_db:+.3f} dB{points} ({use})"
        )
        for m in v.metrics:
            print(f"  - {m.name}: {m.value:g} {m.unit}")
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
            continue
        print(f"ok    {entry.id}: checks pass, card matches SHA-256 {entry.sha256[:12]}…")
        for variant in entry.card.variants or ():
            try:
                catalog.load_checked(entry.sha256, variant=variant.name)
            except ModelError as exc:
                failures += 1
                print(f"FAIL  {entry.id} ({variant.name}): {exc}")
                continue
            print(f"ok    {entry.id} ({variant.name}): card matches {variant.sha256[:12]}…")
    if failures:
        raise VerificationFailed(f"{failures} of {len(entries)} models failed verification")
    return 0


def cmd_models_bench(args: argparse.Namespace) -> int:
    """Time each model's backends here, remember them, and say which one runs it."""
    from dataclasses import replace

    from workbench.catalog import Catalog
    from workbench.editing import session_options
    from workbench.inference import measure_backends
    from workbench.inference.profile import machine, measure_side, profile_path

    catalog = Catalog()
    entries = [catalog.find(m) for m in args.model] or [e for e in catalog if e.disclosed]
    options = session_options(args.provider)
    if args.tile:
        options = replace(options, tile_size=args.tile)
    side = measure_side(options)
    print(f"{machine()}; one {side}-px tile, best of 3, alternating")
    rows = []
    for entry in entries:
        seconds, chosen = measure_backends(catalog.load_checked(entry.sha256), options)
        base = seconds.get("CPUExecutionProvider/main") or min(seconds.values())
        for label, t in seconds.items():
            mark = "  <- runs it here" if label == chosen.label else ""
            rows.append((entry.id, label, f"{t:.4f}", f"{base / t:.2f}x{mark}"))
    print_table(rows, ("model", "backend", "s/tile", "vs ORT CPU main"))
    print(f"remembered in {profile_path()}")
    return 0


def cmd_models_import(args: argparse.Namespace) -> int:
    from workbench.editing import import_model

    target = import_model(Path(args.model), Path(args.card) if args.card else None)
    print(f"imported {target}" + ("" if args.card else " (no card: undisclosed)"))
    return 0


def register(sub: Any) -> None:
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
    p = models.add_parser(
        "bench", help="time each model's providers and files here; the fastest that qualifies runs"
    )
    p.add_argument("model", nargs="*", help="model ids (default: every disclosed model)")
    p.add_argument("--tile", type=int, help="tile side in pixels (default: the preferences')")
    p.add_argument("--provider", metavar="NAME", help="time only this provider")
    p.set_defaults(func=cmd_models_bench)
    p = models.add_parser("import", help="check a model file and its card, then add them")
    p.add_argument("model", metavar="MODEL.onnx")
    p.add_argument("--card", metavar="CARD.json", help="its model card (it must name these bytes)")
    p.set_defaults(func=cmd_models_import)
