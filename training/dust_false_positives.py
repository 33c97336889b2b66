"""What the dust detector takes for dust on footage with none, by kind, and which check stops it.

    python -m training.dust_false_positives [--onnx models/dust.onnx] [--out docs/models]

Runs the detector, as the tool runs it, over clean panning shots of the held-out photographs
(``training.eval_dust.evaluate_clean``'s shots: no defect, a fast object, a highlight and a thin
line) and over the demo sample's frames that carry no dust (film grain, H.264), and sorts every
detection (probability over 0.5, grown by 1 px) by what takes it back in
``workbench.tools.dust_repair.repair_frame``: a neighbour sampled off the frame (the pan brought
the content in), a moving object, or one of ``dust_regions.is_real_content``'s reasons; what
none takes back is still repaired. Prints the counts and writes a few crops of each kind
(``dust-false-positives.png``: the frame, both aligned neighbours, the detection in magenta).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from training import common, eval_dust, synth
from workbench.tools import dust_regions, dust_repair

KINDS = {
    "frame edge": "a pan brings in content one neighbour lacks (filled from the other)",
    "not detected once filled": "under 0.5 once off-frame pixels are filled (elsewhere)",
    "moving object": "found again in both neighbours at opposite offsets",
    "too small": "under 3 core pixels",
    "faint": "its repair would change it by under 8/255",
    "within the grain": "grain and fine texture: under 3.5-5x what the ring around it shows",
    "in both neighbours": "a highlight or an edge misaligned by a pixel or two",
    "in one neighbour, with the scene": "occlusion, or a neighbour's object projected here",
    "still repaired": "nothing takes it back",
}


def shots(quick: bool) -> list[tuple[str, np.ndarray]]:
    """(label, three frames) of the clean held-out shots and the demo's dust-free frames."""
    out = []
    rng = np.random.default_rng(11)
    size = (128, 160) if quick else (352, 448)
    for image_id, img in common.load_split("heldout"):
        for k in range(2 if quick else 8):
            out.append((f"{image_id} #{k}", synth.dust_sequence(rng, img, size, 0)["dirty"]))
    import av

    path = Path(__file__).resolve().parents[1] / "assets" / "sample.mp4"
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24").astype(np.float32) / 255 for f in container.decode(video=0)]  # fmt: skip
    dusty = {i for i in range(len(frames)) if i % 5 == 2} | {17, 18, 30}
    for i in range(1, len(frames) - 1):
        if i not in dusty and not (quick and i > 6):
            out.append((f"demo frame {i}", np.stack(frames[i - 1 : i + 2])))
    return out


def sort_detections(sess: Any, frames: np.ndarray) -> list[tuple[str, tuple[int, ...]]]:
    """(kind, bounding box x, y, w, h) of every detection in the middle frame."""
    prev, cur, nxt = frames
    plain = dust_repair.align_neighbours(prev, cur, nxt)
    aligned, flows = dust_repair.align_with_flows(prev, cur, nxt, None, True)
    detect = eval_dust.detector(sess, cur)
    prob = np.maximum(detect(*plain), detect(*aligned))
    core = prob > 0.5
    grown = dust_repair.grow_mask(core, 1)
    n, labels, stats = dust_regions.components(grown)
    if n <= 1:
        return []
    off = ~(dust_repair.inside_frame(flows[0]) & dust_repair.inside_frame(flows[1]))
    probability = detect(*aligned)
    kept = dust_repair.grow_mask(probability > 0.5, 1)
    spared = dust_regions.spare_moving_objects(
        kept, probability > 0.5, cur, *aligned, (prev, nxt), flows
    )
    ctx = None
    if spared.any():
        repaired, prev2, next2 = dust_repair.realigned_repair(prev, cur, nxt, aligned, spared)
        ctx = dust_regions.RegionContext(
            cur, prev, nxt, prev2, next2, spared, probability > 0.5, repaired
        )
        _, labels2, stats2 = dust_regions.components(spared)
    out = []
    for k in range(1, n):
        box = tuple(int(v) for v in stats[k, :4])
        region = labels == k
        if not kept[region].any():
            kind = "frame edge" if off[region].any() else "not detected once filled"
        elif not spared[region].any():
            kind = "moving object"
        else:
            assert ctx is not None
            j = int(np.bincount(labels2[region & spared]).argmax())
            why = dust_regions.is_real_content(dust_regions.region_facts(labels2, stats2, j, ctx))
            kind = why or "still repaired"
        out.append((kind, box))
    return out


def crop(frames: np.ndarray, box: tuple[int, ...], label: str) -> np.ndarray:
    """The frame, both aligned neighbours and the detection, 48 px around it, 3x."""
    prev, cur, nxt = frames
    aligned = dust_repair.align_neighbours(prev, cur, nxt, fill=True)
    x, y, w, h = box
    cy, cx = y + h // 2, x + w // 2
    hh, ww = cur.shape[:2]
    ya, xa = min(max(0, cy - 24), hh - 48), min(max(0, cx - 24), ww - 48)
    sl = (slice(ya, ya + 48), slice(xa, xa + 48))
    marked = cur.copy()
    edge = np.zeros(cur.shape[:2], np.uint8)
    cv2.rectangle(edge, (x - 1, y - 1), (x + w, y + h), 1, 1)
    marked[edge > 0] = (1.0, 0.0, 1.0)
    tiles = [cur[sl], aligned[0][sl], aligned[1][sl], marked[sl]]
    row = np.concatenate([np.pad(t, ((0, 0), (0, 2), (0, 0))) for t in tiles], axis=1)
    row = cv2.resize(row, None, fx=3, fy=3, interpolation=cv2.INTER_NEAREST)
    row = np.pad(row, ((16, 2), (0, 0), (0, 0)), constant_values=0.15)
    u8 = (np.clip(row, 0, 1) * 255).astype(np.uint8)
    cv2.putText(u8, label, (4, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
    return u8


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", type=Path, default=common.MODELS / "dust.onnx")
    ap.add_argument("--out", type=Path, default=common.ROOT / "docs" / "models")
    ap.add_argument("--per-kind", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    sess = common.ort_session(args.onnx)
    counts: Counter[str] = Counter()
    pixels: Counter[str] = Counter()
    examples: dict[str, list[np.ndarray]] = defaultdict(list)
    for label, frames in shots(args.quick):
        for kind, box in sort_detections(sess, frames):
            counts[kind] += 1
            pixels[kind] += box[2] * box[3]
            if len(examples[kind]) < args.per_kind:
                examples[kind].append(crop(frames, box, f"{kind}: {label}"))
    for kind, what in KINDS.items():
        print(f"{kind:34s} {counts[kind]:5d} detections  {pixels[kind]:7d} px (boxes)  {what}")
    rows = [r for kind in KINDS for r in examples[kind]]
    if rows:
        width = max(r.shape[1] for r in rows)
        rows = [np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0))) for r in rows]
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "dust-false-positives.png"
        cv2.imwrite(str(path), np.concatenate(rows, axis=0)[:, :, ::-1])
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
