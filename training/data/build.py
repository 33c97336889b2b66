"""Rebuild the training data set from its origins and check every hash.

    python -m training.data.build            # images -> training/data/cache/images/*.png
    python -m training.data.build --h264     # plus H.264 training pairs (needs PyAV)
    python -m training.data.build --h264-large   # plus the larger H.264 pair set

The H.264 round trips are not bit-reproducible on this machine: libx264 through PyAV gave
slightly different bitstreams for about 6 % of clips from run to run (even with one thread),
which moves the deblock evaluation by about 0.0003 dB. The pixels of the images are exact.

Needs, installed beforehand (this script installs nothing): the Debian package
``lomiri-wallpapers-16.04`` (photographs under /usr/share/backgrounds), the Python packages
``scikit-image`` (bundled sample images), ``opencv-python-headless`` and ``numpy``; ``av`` (PyAV,
with libx264) for ``--h264``. Every source file's SHA-256 must match the manifest, or the build
stops: a changed source is a different data set, and its licence must be checked again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
CACHE = HERE / "cache"
ALLOWED_LICENCES = {"CC0-1.0", "CC-BY-4.0", "LicenseRef-PublicDomain"}
ALLOWED_BASES = {"public-domain", "cc0", "cc-by", "generated"}


def load_manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_path(item: dict[str, Any]) -> Path:
    if item["kind"] == "python-package":
        import skimage.data

        return Path(os.path.dirname(skimage.data.__file__)) / Path(item["path"]).name
    return Path(item["path"])


def procedural_image(seed: int, size: tuple[int, int] = (1024, 1024)) -> np.ndarray:
    """Smooth gradients, soft and hard shapes, thin lines and fine texture, from one seed."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        a, b, k = rng.uniform(-1, 1, 3)
        img[:, :, c] = 0.5 + 0.25 * np.sin(a * xx / 97.0 + b * yy / 131.0 + k * 3)
    for _ in range(int(rng.integers(40, 80))):
        colour = tuple(float(v) for v in rng.uniform(0, 1, 3))
        kind = rng.integers(0, 4)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if kind == 0:
            cv2.circle(img, (x, y), int(rng.integers(4, 120)), colour, -1, cv2.LINE_AA)
        elif kind == 1:
            x2, y2 = x + int(rng.integers(8, 200)), y + int(rng.integers(8, 200))
            cv2.rectangle(img, (x, y), (x2, y2), colour, -1, cv2.LINE_AA)
        elif kind == 2:
            x2, y2 = int(rng.integers(0, w)), int(rng.integers(0, h))
            cv2.line(img, (x, y), (x2, y2), colour, int(rng.integers(1, 4)), cv2.LINE_AA)
        else:
            steps = rng.normal(0, 12, (int(rng.integers(3, 12)), 2))
            pts = np.cumsum(steps, axis=0) + np.array((x, y))
            cv2.polylines(
                img, [pts.astype(np.int32)], False, colour, int(rng.integers(1, 3)), cv2.LINE_AA
            )
    tex = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.5)
    img += 0.03 * tex[:, :, None]
    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)[:, :, ::-1].copy()  # BGR


def build_item(item: dict[str, Any]) -> np.ndarray:
    """The item's preprocessed pixels, BGR uint8 (what training reads)."""
    import cv2

    if item["kind"] == "generated":
        return procedural_image(int(item["seed"]), tuple(item["size"]))
    path = source_path(item)
    digest = sha256_file(path)
    if digest != item["sha256"]:
        raise SystemExit(f"{item['id']}: SHA-256 mismatch for {path}: {digest} != {item['sha256']}")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"{item['id']}: cannot read {path}")
    if item["kind"] == "debian-package":
        h, w = img.shape[:2]
        long_side = max(h, w)
        target = min(1536.0, long_side / 1.5)
        f = target / long_side
        img = cv2.resize(img, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    return img


def check_manifest(manifest: dict[str, Any]) -> None:
    ids = set()
    for item in manifest["items"]:
        assert item["id"] not in ids, item["id"]
        ids.add(item["id"])
        if item["licence"] not in ALLOWED_LICENCES:
            raise SystemExit(f"{item['id']}: licence {item['licence']} is not accepted")
        if item["consent_basis"] not in ALLOWED_BASES:
            raise SystemExit(f"{item['id']}: consent basis {item['consent_basis']} not accepted")
        if item["split"] not in ("train", "heldout"):
            raise SystemExit(f"{item['id']}: split must be train or heldout")


def image_path(item_id: str) -> Path:
    return CACHE / "images" / f"{item_id}.png"


def build_images(manifest: dict[str, Any]) -> dict[str, str]:
    import cv2

    out_dir = CACHE / "images"
    out_dir.mkdir(parents=True, exist_ok=True)
    pixel_hashes = {}
    for item in manifest["items"]:
        img = build_item(item)
        cv2.imwrite(str(image_path(item["id"])), img, [cv2.IMWRITE_PNG_COMPRESSION, 3])
        pixel_hashes[item["id"]] = hashlib.sha256(np.ascontiguousarray(img).tobytes()).hexdigest()
        print(f"  {item['id']:40s} {item['split']:8s} {img.shape[1]}x{img.shape[0]}")
    (CACHE / "pixel_hashes.json").write_text(json.dumps(pixel_hashes, indent=1))
    return pixel_hashes


def load_split(split: str) -> list[tuple[str, np.ndarray]]:
    """(id, RGB uint8) of every cached image in ``split`` ("train" or "heldout")."""
    import cv2

    out = []
    for item in load_manifest()["items"]:
        if item["split"] == split:
            img = cv2.imread(str(image_path(item["id"])), cv2.IMREAD_COLOR)
            if img is None:
                raise SystemExit(
                    f"missing {image_path(item['id'])}: run python -m training.data.build"
                )
            out.append((item["id"], img[:, :, ::-1].copy()))
    return out


def encode_h264_roundtrip(frames: list[np.ndarray], crf: int) -> list[np.ndarray]:
    """Encode RGB uint8 frames with libx264 (yuv420p, given CRF) and decode them again."""
    import io

    import av

    h, w = frames[0].shape[:2]
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium"}
        for f in frames:
            for pkt in stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(pkt)
        for pkt in stream.encode():
            out.mux(pkt)
    buf.seek(0)
    with av.open(buf, "r") as inp:
        return [fr.to_ndarray(format="rgb24") for fr in inp.decode(video=0)]


def pan_clip(img: np.ndarray, rng: np.random.Generator, size: int, n: int) -> list[np.ndarray]:
    """``n`` crops of ``img`` that pan by a random sub-pixel velocity (a panning shot)."""
    import cv2

    h, w = img.shape[:2]
    vx, vy = rng.uniform(-4, 4, 2)
    x0 = rng.uniform(8 * n, max(8 * n + 1, w - size - 8 * n))
    y0 = rng.uniform(8 * n, max(8 * n + 1, h - size - 8 * n))
    frames = []
    for t in range(n):
        m = np.float32([[1, 0, -(x0 + vx * t)], [0, 1, -(y0 + vy * t)]])
        frames.append(cv2.warpAffine(img, m, (size, size), flags=cv2.INTER_LINEAR))
    return frames


#: The H.264 pair sets: name -> (clips per training image, crop side, frames used, seed).
#: ``h264_pairs`` is what the first deblock stages trained on; ``h264_pairs_large`` (ten times
#: the pixels, all five inter frames of each clip) what the H.264 fine-tune trained on.
H264_SETS = {
    "h264_pairs": (8, 160, (1, 3), 264),
    "h264_pairs_large": (32, 160, (1, 2, 3, 4, 5), 265),
}


def build_h264(name: str = "h264_pairs") -> None:
    """Training pairs (decoded, clean) from H.264 round trips of panning clips, CRF 26-40."""
    per_image, size, used, seed = H264_SETS[name]
    rng = np.random.default_rng(seed)
    decoded, clean = [], []
    for _id, img in load_split("train"):
        if min(img.shape[:2]) < size + 64:
            continue
        for _ in range(per_image):
            frames = pan_clip(img, rng, size, max(used) + 1)
            crf = int(rng.integers(26, 41))
            out = encode_h264_roundtrip(frames, crf)
            for t in used:  # inter frames (P and B), not the first (I) frame
                decoded.append(out[t])
                clean.append(frames[t])
    np.savez_compressed(CACHE / f"{name}.npz", decoded=np.stack(decoded), clean=np.stack(clean))
    print(f"  {name}: {len(decoded)} pairs of {size}x{size}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--h264", action="store_true", help="also build H.264 training pairs (PyAV)")
    ap.add_argument(
        "--h264-large", action="store_true", help="also build the larger H.264 pair set"
    )
    args = ap.parse_args(argv)
    manifest = load_manifest()
    check_manifest(manifest)
    print(f"building {len(manifest['items'])} items into {CACHE}")
    build_images(manifest)
    if args.h264:
        build_h264()
    if args.h264_large:
        build_h264("h264_pairs_large")
    print("all source hashes match the manifest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
