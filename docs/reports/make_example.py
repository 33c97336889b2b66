"""Rebuild the example report in docs/reports: a textured 2 s clip, three live edits, one undone.

.venv/bin/python docs/reports/make_example.py /tmp/footage/night-shift
"""

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from workbench.catalog import Catalog
from workbench.disclosure.exporters import ExportContext, export
from workbench.disclosure.report_thumbs import project_thumbnailer
from workbench.media import probe
from workbench.project import Project

out = Path(sys.argv[1])
out.mkdir(exist_ok=True, parents=True)
clip = out / "A001_C003.mov"
if not clip.exists():
    # a textured clip so the edits show: gradient + noise
    c = av.open(str(clip), "w")
    s = c.add_stream("prores_ks", rate=24)
    s.width, s.height, s.pix_fmt = 192, 108, "yuv422p10le"
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:108, 0:192]
    for i in range(48):
        base = np.stack([(xx / 192), (yy / 108), 0.5 + 0.3 * np.sin((xx + i * 4) / 12)], -1)
        img = np.clip(base + rng.normal(0, 0.08, base.shape), 0, 1)
        f = av.VideoFrame.from_ndarray((img * 65535).astype(np.uint16), format="rgb48le")
        f.pts = i
        f.time_base = Fraction(1, 24)
        for p in s.encode(f):
            c.mux(p)
    for p in s.encode(None):
        c.mux(p)
    c.close()
proj = out / "demo.wbproj"
proj.unlink(missing_ok=True)
cat = Catalog()
with Project.create(proj, "Night Shift <short>", operator="Dana O'Neil") as p:
    info = probe(clip)
    media = {
        "width": info.width,
        "height": info.height,
        "frame_rate": str(info.frame_rate),
        "frame_count": info.frame_count,
    }
    c1 = p.add_clip(clip, fingerprint=info.fingerprint, media=media, name="A001_C003 <b>night</b>")
    c2 = p.add_clip(
        "/footage/B002.mov",
        fingerprint="cd" * 32,
        media={"width": 1920, "height": 1080, "frame_rate": "24000/1001", "frame_count": 240},
    )
    den = cat.find("denoise")
    up = cat.find("upscale-x2")
    dust = cat.find("dust")

    def cls(e):
        return e.card.classification.model_dump()

    p.add_edit(
        c1.id,
        tool="denoise",
        tool_version="1",
        parameters={"strength": 0.8},
        frames=(0, 47),
        classification=cls(den),
        model=den,
    )
    p.add_edit(
        c1.id,
        tool="dust",
        tool_version="1",
        parameters={"strength": 1.0},
        frames=(12, 30),
        region={"kind": "rect", "x": 40, "y": 20, "w": 160, "h": 100},
        classification=cls(dust),
        model=dust,
    )
    e = p.add_edit(
        c1.id,
        tool="denoise",
        tool_version="1",
        parameters={"strength": 0.3},
        frames=(0, 10),
        classification=cls(den),
        model=den,
    )
    p.revert_edit(e.id)
    p.add_edit(
        c2.id,
        tool="upscale",
        tool_version="1",
        parameters={"strength": 1.0},
        frames=(0, 239),
        classification=cls(up),
        model=up,
    )
    data = p.log_data()
    clips = tuple({"id": c.id, "name": c.name, "path": c.path, "media": c.media} for c in p.clips())
cards = {e.sha256: e.card for e in cat.entries() if e.card}
ctx = ExportContext(
    data=data,
    exported="2026-11-28T12:00:00Z",
    clips=clips,
    cards=cards,
    thumbnails=project_thumbnailer(cat),
)
for fmt, ext in [("html", "html"), ("pdf", "pdf"), ("ledger", "csv"), ("credits", "txt")]:
    export(fmt, ctx, out / f"report.{ext}")
print((out / "report.txt").read_text())
