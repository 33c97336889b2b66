"""Degradations synthesised on the fly from clean training crops (numpy + OpenCV only).

Every sample is drawn from a numpy Generator, so a run with the same seed and worker count sees
the same data. The same functions build the held-out evaluation sets (with their own seeds).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from workbench.tools import dust_repair
from workbench.tools.noise_estimate import estimate_noise_sigma

F32 = np.float32


class PatchSource:
    """Random crops (flips, 90-degree turns, mild rescaling) from a list of RGB uint8 images."""

    def __init__(self, images: list[np.ndarray]):
        self.images = images
        area = np.array([math.sqrt(i.shape[0] * i.shape[1]) for i in images], np.float64)
        self.p = area / area.sum()

    def crop(self, rng: np.random.Generator, size: int, rescale: bool = True) -> np.ndarray:
        img = self.images[int(rng.choice(len(self.images), p=self.p))]
        h, w = img.shape[:2]
        f = float(rng.uniform(0.5, 1.0)) if rescale and rng.random() < 0.5 else 1.0
        src = max(size, math.ceil(size / f))
        src = min(src, h, w)
        y, x = int(rng.integers(0, h - src + 1)), int(rng.integers(0, w - src + 1))
        c = img[y : y + src, x : x + src]
        if src != size:
            c = cv2.resize(c, (size, size), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            c = c[:, ::-1]
        c = np.rot90(c, int(rng.integers(0, 4)))
        return np.ascontiguousarray(c)


def to_f32(img: np.ndarray) -> np.ndarray:
    return img.astype(F32) / 255.0


def chw(img: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(img.transpose(2, 0, 1), dtype=F32)


def quantise(img: np.ndarray) -> np.ndarray:
    return np.round(np.clip(img, 0, 1) * 255.0).astype(F32) / 255.0


# ---- upscale ---------------------------------------------------------------------------------


def downscale(hr: np.ndarray, scale: int, method: str) -> np.ndarray:
    h, w = hr.shape[:2]
    interp = {"area": cv2.INTER_AREA, "bicubic": cv2.INTER_CUBIC, "bilinear": cv2.INTER_LINEAR}
    return cv2.resize(hr, (w // scale, h // scale), interpolation=interp[method])


def upscale_pair(
    rng: np.random.Generator,
    src: PatchSource,
    scale: int,
    lr_size: int,
    area: float = 0.5,
    blur: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """(low-res, high-res) float32 CHW: area (share ``area``), bicubic or bilinear (70:30 of
    the rest) downscaling, a mild blur first with probability ``blur``, usually 8-bit
    quantised (as a decoded frame would be)."""
    hr = to_f32(src.crop(rng, lr_size * scale))
    x = hr
    if rng.random() < blur:
        x = cv2.GaussianBlur(x, (0, 0), float(rng.uniform(0.3, 0.5 * scale)))
    r = rng.random()
    method = "area" if r < area else ("bicubic" if r < area + 0.7 * (1 - area) else "bilinear")
    lr = downscale(x, scale, method)
    if rng.random() < 0.8:
        lr = quantise(lr)
    return chw(np.clip(lr, 0, 1)), chw(hr)


# ---- noise -----------------------------------------------------------------------------------


def synth_noise(rng: np.random.Generator, clean: np.ndarray, sigma: float) -> np.ndarray:
    """Noise of overall level ``sigma`` (0-1 units): white Gaussian, signal-dependent
    (Poisson-Gaussian, like a sensor) or luminance-correlated film grain."""
    h, w = clean.shape[:2]
    kind = rng.random()
    if kind < 0.45:
        return rng.normal(0, sigma, clean.shape).astype(F32)
    if kind < 0.75:
        # variance a*x + b, scaled so that mid-grey has std sigma
        share = float(rng.uniform(0.3, 0.9))
        a = share * sigma**2 / 0.5
        b = (1 - share) * sigma**2
        std = np.sqrt(a * np.clip(clean, 0, 1) + b)
        return (rng.normal(0, 1, clean.shape) * std).astype(F32)
    blur = float(rng.uniform(0.4, 1.2))
    lum = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(F32), (0, 0), blur)
    lum /= lum.std() + 1e-6
    chroma = rng.normal(0, 1, clean.shape).astype(F32) * float(rng.uniform(0.1, 0.4))
    return ((lum[:, :, None] + chroma) * sigma).astype(F32)


def noise_level(noise: np.ndarray) -> float:
    """The level the model is told: the noise's standard deviation (RMS over the patch).

    The first recipe (``level="estimator"``, kept to reproduce the earlier training stages)
    told the model what the automatic estimator would read on the noise alone; the estimator
    reads correlated grain low, so a given level also meant "grain of about twice this", and
    the model over-smoothed white noise of that level (it lost to a tuned bilateral filter by
    2.4 dB at sigma 15). With the true standard deviation a level means one thing; the tool's
    automatic estimate reads grain low, which errs on the gentle side, and the artist's
    strength raises it.
    """
    return float(np.sqrt(np.mean(np.square(noise, dtype=np.float64))))


def estimator_level(noise: np.ndarray) -> float:
    """The first recipe's level: the automatic estimator's reading on the noise alone."""
    return estimate_noise_sigma(np.clip(0.5 + noise, 0, 1).astype(F32))


LEVELS = ("std", "estimator")


def denoise_pair(
    rng: np.random.Generator, src: PatchSource, size: int, level_kind: str = "std"
) -> tuple[np.ndarray, np.ndarray]:
    """(noisy RGB + level map, clean) float32 CHW."""
    clean = to_f32(src.crop(rng, size))
    r = rng.random()
    if r < 0.1:
        noisy = clean.copy()
        level = float(rng.uniform(0, 2.5 / 255))  # what the estimator reads on clean footage
    else:
        sigma = float(rng.uniform(1, 55)) / 255.0
        noise = synth_noise(rng, clean, sigma)
        noisy = clean + noise
        if level_kind == "estimator":
            level = estimator_level(noise)
            if rng.random() < 0.5:
                level *= float(rng.uniform(0.85, 1.15))
        else:
            level = noise_level(noise)
    noisy = quantise(noisy)
    inp = np.concatenate([noisy, np.full((size, size, 1), level, F32)], axis=2)
    return chw(inp), chw(clean)


# ---- deblock ---------------------------------------------------------------------------------


def jpeg_roundtrip(img: np.ndarray, quality: int) -> np.ndarray:
    """RGB float in, RGB float out: OpenCV's JPEG at ``quality`` (4:2:0 chroma)."""
    u8 = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)[:, :, ::-1]
    ok, buf = cv2.imencode(".jpg", u8, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return to_f32(cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1])


def deblock_pair(
    rng: np.random.Generator,
    src: PatchSource,
    size: int,
    h264: tuple[np.ndarray, np.ndarray] | None,
    h264_share: float = 0.4,
) -> tuple[np.ndarray, np.ndarray]:
    """(decoded, clean) float32 CHW: JPEG at quality 8-60, or (``h264_share`` of the time) an
    H.264 pair (CRF 26-40)."""
    if h264 is not None and rng.random() < h264_share:
        dec, cl = h264
        i = int(rng.integers(0, len(dec)))
        hh, ww = dec.shape[1:3]
        y, x = int(rng.integers(0, hh - size + 1)), int(rng.integers(0, ww - size + 1))
        d = to_f32(dec[i, y : y + size, x : x + size])
        c = to_f32(cl[i, y : y + size, x : x + size])
        k = int(rng.integers(0, 4))
        return chw(np.rot90(d, k)), chw(np.rot90(c, k))
    clean = to_f32(src.crop(rng, size + 8))
    oy, ox = int(rng.integers(0, 8)), int(rng.integers(0, 8))  # random block-grid phase
    q = int(np.clip(rng.triangular(8, 20, 60), 8, 60))
    dec = jpeg_roundtrip(clean, q)[oy : oy + size, ox : ox + size]
    return chw(dec), chw(clean[oy : oy + size, ox : ox + size])


# ---- dust ------------------------------------------------------------------------------------


def _blob(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Alpha (0-1) of one defect: a speck, a hair or a short scratch."""
    h, w = shape
    a = np.zeros((h, w), F32)
    x, y = float(rng.uniform(4, w - 4)), float(rng.uniform(4, h - 4))
    kind = rng.random()
    if kind < 0.5:  # speck: irregular blob
        for _ in range(int(rng.integers(1, 4))):
            r = float(rng.uniform(0.8, 4.5))
            cx, cy = x + rng.normal(0, r * 0.6), y + rng.normal(0, r * 0.6)
            ax = (max(1, int(r)), max(1, int(r * rng.uniform(0.5, 1.0))))
            cv2.ellipse(
                a,
                (int(cx * 16), int(cy * 16)),
                (ax[0] * 16, ax[1] * 16),
                float(rng.uniform(0, 180)),
                0,
                360,
                1.0,
                -1,
                cv2.LINE_AA,
                4,
            )
    elif kind < 0.8:  # hair: a thin wandering curve
        n = int(rng.integers(4, 12))
        ang = float(rng.uniform(0, 2 * math.pi))
        pts = [(x, y)]
        for _ in range(n):
            ang += float(rng.normal(0, 0.5))
            step = float(rng.uniform(3, 7))
            pts.append((pts[-1][0] + step * math.cos(ang), pts[-1][1] + step * math.sin(ang)))
        p = (np.array(pts) * 16).astype(np.int32)
        cv2.polylines(a, [p], False, 1.0, int(rng.integers(1, 3)), cv2.LINE_AA, 4)
    else:  # short scratch: near-vertical line
        length = float(rng.uniform(10, 70))
        dx = float(rng.normal(0, 0.08)) * length
        p = (np.array([[x, y - length / 2], [x + dx, y + length / 2]]) * 16).astype(np.int32)
        cv2.polylines(a, [p], False, 1.0, int(rng.integers(1, 3)), cv2.LINE_AA, 4)
    if rng.random() < 0.5:
        a = cv2.GaussianBlur(a, (0, 0), float(rng.uniform(0.3, 0.8)))
    return np.clip(a * float(rng.uniform(0.6, 1.0)), 0, 1)


def _sprite(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A small real object (colour, alpha): a ball, a bird-like blob or a bright highlight."""
    r = int(rng.integers(2, 9))
    s = 2 * r + 5
    alpha = np.zeros((s, s), F32)
    cv2.ellipse(
        alpha,
        (s // 2, s // 2),
        (r, max(1, int(r * rng.uniform(0.4, 1.0)))),
        float(rng.uniform(0, 180)),
        0,
        360,
        1.0,
        -1,
        cv2.LINE_AA,
    )
    colour = np.ones((s, s, 3), F32) * rng.uniform(0, 1, 3).astype(F32)
    colour += rng.normal(0, 0.05, (s, s, 3)).astype(F32)
    return np.clip(colour, 0, 1), alpha


def _paste(
    frame: np.ndarray, colour: np.ndarray, alpha: np.ndarray, x: float, y: float
) -> np.ndarray:
    s = alpha.shape[0]
    m = np.float32([[1, 0, x - s / 2], [0, 1, y - s / 2]])
    h, w = frame.shape[:2]
    a = cv2.warpAffine(alpha, m, (w, h))[:, :, None]
    c = cv2.warpAffine(colour, m, (w, h))
    frame *= 1 - a
    frame += a * c
    return a[:, :, 0]


def dust_sequence(
    rng: np.random.Generator,
    img: np.ndarray,
    size: tuple[int, int],
    n_defects: int,
    two_frame_p: float = 0.2,
    edge_hair_p: float = 0.0,
) -> dict[str, np.ndarray]:
    """A three-frame panning shot (float32 HxWx3 each) with real content that must survive --
    a fast small object, a static highlight, a persistent thin line -- and one- or two-frame
    defects in the middle frame. Returns clean and dirty frames, the defect mask and, in the
    middle frame outside the defects, the fast object's pixels and those of the highlight and
    the line (``static``). ``edge_hair_p``: the share of defects that are long hairs across a
    strong edge (:func:`_edge_hair`; 0, the held-out protocol, draws nothing extra)."""
    h, w = size
    ih, iw = img.shape[:2]
    pan = rng.uniform(-6, 6, 2)
    margin = 16
    x0 = float(rng.uniform(margin, iw - w - margin)) if iw > w + 2 * margin else 0.0
    y0 = float(rng.uniform(margin, ih - h - margin)) if ih > h + 2 * margin else 0.0
    base = to_f32(img)
    # static scene content (moves with the pan): a highlight and a thin persistent line
    scene = base.copy()
    sx, sy = x0 + float(rng.uniform(0, w)), y0 + float(rng.uniform(0, h))
    hc, ha = np.ones((9, 9, 3), F32), np.zeros((9, 9), F32)
    cv2.circle(ha, (4, 4), int(rng.integers(1, 4)), 1.0, -1, cv2.LINE_AA)
    _paste(scene, hc, cv2.GaussianBlur(ha, (0, 0), 0.7), sx, sy)
    lx = x0 + float(rng.uniform(0, w))
    p = np.array([[lx, y0 - 20], [lx + float(rng.normal(0, 20)), y0 + h + 20]]) * 16
    cv2.polylines(
        scene, [p.astype(np.int32)], False, rng.uniform(0, 1, 3).tolist(), 1, cv2.LINE_AA, 4
    )
    # where the highlight and the line are (scene coordinates), to check that they survive
    marked = (np.abs(scene - base).max(axis=2) > 0.1).astype(F32)
    sprite = _sprite(rng)
    speed = float(rng.uniform(8, 30))
    ang = float(rng.uniform(0, 2 * math.pi))
    ox, oy = float(rng.uniform(w * 0.3, w * 0.7)), float(rng.uniform(h * 0.3, h * 0.7))
    grain = float(rng.uniform(0, 2.0)) / 255
    clean, flicker = [], rng.uniform(-0.015, 0.015, 3)
    for t in (-1, 0, 1):
        m = np.float32([[1, 0, -(x0 + pan[0] * t)], [0, 1, -(y0 + pan[1] * t)]])
        f = cv2.warpAffine(scene, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        a = _paste(f, *sprite, ox + speed * math.cos(ang) * t, oy + speed * math.sin(ang) * t)
        if t == 0:
            obj = a > 0.5
            static = cv2.warpAffine(marked, m, (w, h), flags=cv2.INTER_NEAREST) > 0.5
            static &= ~obj
        f = f * (1 + float(flicker[t + 1])) + rng.normal(0, grain, f.shape).astype(F32)
        clean.append(quantise(f))
    dirty = [c.copy() for c in clean]
    mask = np.zeros((h, w), bool)
    for _ in range(n_defects):
        edge = edge_hair_p > 0 and rng.random() < edge_hair_p  # no draw at 0: protocols unchanged
        a = _edge_hair(rng, clean[1]) if edge else _blob(rng, (h, w))
        tone = float(rng.uniform(0.0, 0.15)) if rng.random() < 0.6 else float(rng.uniform(0.85, 1))
        frames = [1]
        if rng.random() < two_frame_p:  # a two-frame defect: also on the next or previous frame
            frames = [1, 2] if rng.random() < 0.5 else [0, 1]
        for t in frames:
            dirty[t] = dirty[t] * (1 - a[:, :, None]) + tone * a[:, :, None]
        mask |= a > 0.02
    dirty = [quantise(d) for d in dirty]
    mask &= np.abs(dirty[1] - clean[1]).max(axis=2) > 2.5 / 255
    return {
        "clean": np.stack(clean),
        "dirty": np.stack(dirty),
        "mask": mask,
        "object": obj & ~mask,
        "static": static & ~mask,
    }


def dust_sample(
    rng: np.random.Generator, src: PatchSource, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(9-channel aligned input, defect mask) for the detector, aligned with the app's code."""
    img = src.crop(rng, size + 64, rescale=True)
    seq = dust_sequence(rng, img, (size, size), int(rng.integers(1, 7)))
    d = seq["dirty"]
    wp, wn = dust_repair.align_neighbours(d[0], d[1], d[2])
    x = dust_repair.dust_model_input(d[1], wp, wn)
    return chw(x), seq["mask"][None].astype(F32)


# ---- dust, fifth session: hairs across strong edges, heavy grain, clean shots ------------------


def _edge_hair(rng: np.random.Generator, frame: np.ndarray) -> np.ndarray:
    """Alpha (0-1) of a long curved hair that crosses one of the strongest edges of ``frame``
    (a bright rim, a silhouette): where the shipped detector lost the demo's hair. The curve
    starts on an edge pixel and runs both ways, 30-110 px in all, bending as it goes."""
    h, w = frame.shape[:2]
    grey = cv2.cvtColor((np.clip(frame, 0, 1) * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    mag = cv2.magnitude(
        cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    )
    mag[:6], mag[-6:], mag[:, :6], mag[:, -6:] = 0, 0, 0, 0
    strong = np.argwhere(mag >= max(float(np.percentile(mag, 97)), 1.0))
    if len(strong) == 0:
        return _blob(rng, (h, w))
    y, x = (float(v) for v in strong[int(rng.integers(0, len(strong)))])
    ang = float(rng.uniform(0, 2 * math.pi))
    bend = float(rng.uniform(0.05, 0.35))
    halves = []
    for direction in (0.0, math.pi):
        a, pts = ang + direction, [(x, y)]
        for _ in range(int(rng.integers(4, 12))):
            a += float(rng.normal(0, bend))
            step = float(rng.uniform(3, 6))
            pts.append((pts[-1][0] + step * math.cos(a), pts[-1][1] + step * math.sin(a)))
        halves.append(pts)
    curve = halves[1][::-1] + halves[0][1:]
    alpha = np.zeros((h, w), F32)
    p = (np.array(curve) * 16).astype(np.int32)
    cv2.polylines(alpha, [p], False, 1.0, int(rng.integers(1, 3)), cv2.LINE_AA, 4)
    if rng.random() < 0.5:
        alpha = cv2.GaussianBlur(alpha, (0, 0), float(rng.uniform(0.3, 0.7)))
    return np.clip(alpha * float(rng.uniform(0.7, 1.0)), 0, 1)


def film_grain(
    rng: np.random.Generator, frame: np.ndarray, level: float, white: bool
) -> np.ndarray:
    """``frame`` with independent grain of about ``level`` (0-1 units): ``white``, or
    luminance-correlated and stronger in the shadows like the demo sample's."""
    if white:
        return frame + rng.normal(0, level, frame.shape).astype(F32)
    g = cv2.GaussianBlur(rng.normal(0, 1, frame.shape[:2]).astype(F32), (3, 3), 0.6)
    g /= g.std() + 1e-6
    shade = 0.7 + 0.6 * (1 - frame.mean(axis=2))
    out = frame + (g * shade)[:, :, None] * level
    return out + rng.normal(0, 0.3 * level, frame.shape).astype(F32)


def regrain(rng: np.random.Generator, seq: dict[str, np.ndarray], level: float) -> None:
    """Heavy grain on every frame of a :func:`dust_sequence` (each frame its own), the clean
    frames and the dirty ones alike, so the defects stay where they were. In place."""
    white = bool(rng.random() < 0.5)
    for t in range(3):
        noise = film_grain(rng, seq["clean"][t], level, white) - seq["clean"][t]
        seq["clean"][t] = quantise(seq["clean"][t] + noise)
        seq["dirty"][t] = quantise(seq["dirty"][t] + noise)


def dust_sample_edges(
    rng: np.random.Generator, src: PatchSource, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The fifth session's detector sample: as :func:`dust_sample`, but with a third of the
    hairs crossing strong edges (:func:`_edge_hair`), 30 % two-frame defects shared with
    either neighbour, heavy grain (up to 12/255) in 40 % of the shots, no defect at all in
    15 % (negatives: texture, grain, highlights, moving objects) and the neighbours aligned
    as the app aligns them for the detector (off-frame pixels filled from the other one)."""
    img = src.crop(rng, size + 64, rescale=True)
    n = 0 if rng.random() < 0.15 else int(rng.integers(1, 7))
    seq = dust_sequence(rng, img, (size, size), n, two_frame_p=0.3, edge_hair_p=0.35)
    if rng.random() < 0.4:
        regrain(rng, seq, float(rng.uniform(3, 12)) / 255)
    d = seq["dirty"]
    wp, wn = dust_repair.align_neighbours(d[0], d[1], d[2], fill=True)
    x = dust_repair.dust_model_input(d[1], wp, wn)
    return chw(x), seq["mask"][None].astype(F32)
