"""``workbench preview``: fill the frame cache for a range, as the window's "Preview range" does.

The frames are computed exactly as a render computes them and kept in the user's frame cache,
so the window plays them at the clip's rate without computing them again (and a still of one
frame can be written to check a setting on a farm or over ssh).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_preview(args: argparse.Namespace) -> int:
    from workbench.cli.edit import _raw_params, _region
    from workbench.editing import PendingEdit, ViewRequest, parse_frames, preview_range
    from workbench.errors import UsageError
    from workbench.progress import TerminalProgress
    from workbench.render.frame_cache import shared_cache

    if args.clear_cache:
        shared_cache().clear()
        print("the frame cache is empty")
        return 0
    if not args.project or args.clip is None:
        raise UsageError("give a project and a clip (or --clear-cache)")
    frames = parse_frames(args.frames)
    pending = None
    if args.tool:
        region, mask = _region(args)
        pending = PendingEdit(
            args.tool,
            _raw_params(args.param),
            args.model,
            frames,
            region,
            _read_mask(mask) if mask is not None else None,
        )
    elif args.param or args.model or args.region or args.mask:
        raise UsageError("--param, --model, --region and --mask describe a --tool to preview")
    view = ViewRequest(pending=pending, solo=args.solo)
    report, processed = preview_range(
        Path(args.project), int(args.clip), frames, view, progress=TerminalProgress()
    )
    fps = report.computed / report.seconds if report.seconds > 0 and report.computed else 0.0
    print(
        f"frames {report.first}-{report.last} of clip {args.clip} ({processed.spec.label}): "
        f"{report.computed} computed, {report.found} already cached"
        + (f", {report.untouched} untouched by the stack" if report.untouched else "")
        + f", {report.seconds:.1f} s"
        + (f" ({fps:.2f} fps)" if fps else "")
    )
    if args.output:
        at = report.first if args.at is None else int(args.at)
        if not report.first <= at <= report.last:
            raise UsageError(f"--at {at} is outside the previewed frames")
        still = processed.cached(at)
        if still is None:  # no edit touches it: the source frame is the result
            from workbench.media import open_reader

            with open_reader(processed.spec.clip.path) as reader:
                still = reader.read(at)
        write_still(still, Path(args.output))
        print(f"frame {at} written to {args.output}")
    return 0


def _read_mask(path: Path) -> Any:
    import cv2
    import numpy as np

    from workbench.errors import UsageError

    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise UsageError(f"{path} is not an image a mask can be read from")
    return np.asarray(image, np.float32) / 255.0


def write_still(frame: Any, path: Path) -> None:
    """A 16-bit PNG (or TIFF) of a processed frame."""
    import cv2

    from workbench.errors import StorageError, UsageError
    from workbench.media.images import quantize

    if path.suffix.lower() not in (".png", ".tif", ".tiff"):
        raise UsageError("a preview still is written as .png or .tiff")
    if not cv2.imwrite(str(path), quantize(frame, 16)[:, :, ::-1]):
        raise StorageError(f"cannot write {path}")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "preview",
        help="compute a range of a clip's processed frames into the frame cache (the window "
        "then plays them at the clip's rate)",
    )
    p.add_argument("project", nargs="?")
    p.add_argument("clip", nargs="?", type=int)
    p.add_argument("--frames", help="A-B or N (default: the whole clip)")
    p.add_argument("--tool", help="preview these settings on top of the stack (not applied)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--model")
    p.add_argument("--region", metavar="X,Y,W,H")
    p.add_argument("--mask", metavar="FILE")
    p.add_argument("--solo", type=int, metavar="EDIT", help="one edit of the stack alone")
    p.add_argument("-o", "--output", help="also write one processed frame as a 16-bit PNG")
    p.add_argument("--at", type=int, help="which frame -o writes (default: the first)")
    p.add_argument("--clear-cache", action="store_true", help="empty the frame cache")
    p.set_defaults(func=cmd_preview)
