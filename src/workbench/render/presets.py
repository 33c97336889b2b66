"""Render presets (codec, naming pattern, folder) and "render all clips".

A preset says how a deliverable is written and named: its codec (None: the render's own choice,
which keeps the source's codec where it can), a naming pattern with ``{clip}``, ``{project}``,
``{date}``, ``{codec}`` and ``{preset}`` in it, and a folder (empty: beside the project; a
relative folder is taken from the project's). A few are built in; the user's own are kept in
the config folder (``render-presets.json``) and may replace a built-in of the same name. The
window's render queue and ``workbench render --preset`` read the same ones, and
:func:`render_all` is what both queue for "render all clips".
"""

from __future__ import annotations

import datetime
import json
import string
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.config import user_config_dir
from workbench.errors import NotFoundError, StorageError, UsageError
from workbench.fsutil import write_atomic
from workbench.render.request import RenderRequest

FILE_NAME = "render-presets.json"
FIELDS = ("clip", "project", "date", "codec", "preset")
VIDEO_ENDINGS = {"ffv1": ".mkv", "h264": ".mp4"}  # the other video codecs go in QuickTime
IMAGE_ENDINGS = {"png": ".png", "tiff": ".tif", "jpeg": ".jpg", "exr": ".exr", "dpx": ".dpx"}
SEQUENCE_FRAME = "_%06d"
DEFAULT_ENDING = ".mov"


def output_endings() -> dict[str, str]:
    """Every codec the writer offers, with the file ending a render to it gets (a suffix, or a
    frame pattern and suffix for an image sequence)."""
    from workbench.media import CODECS

    out: dict[str, str] = {}
    for name, spec in CODECS.items():
        if spec.kind == "video":
            out[name] = VIDEO_ENDINGS.get(name, DEFAULT_ENDING)
        else:
            out[name] = SEQUENCE_FRAME + IMAGE_ENDINGS.get(name, f".{name}")
    return out


@dataclass(frozen=True)
class RenderPreset:
    name: str
    codec: str | None = None
    pattern: str = "{clip}_workbench"
    folder: str = ""
    builtin: bool = False

    def check(self) -> RenderPreset:
        """The preset itself, or a UsageError saying what is wrong with it."""
        if not self.name.strip():
            raise UsageError("a render preset needs a name")
        if self.codec is not None and self.codec not in output_endings():
            raise UsageError(
                f"render preset {self.name!r}: unknown codec {self.codec!r}",
                hint="`workbench render --list-codecs` lists them",
            )
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(self.pattern) if f is not None}
        except ValueError as exc:
            raise UsageError(f"render preset {self.name!r}: its pattern is malformed: {exc}") from None
        unknown = sorted(names - set(FIELDS))
        if unknown:
            raise UsageError(
                f"render preset {self.name!r}: the pattern names {{{unknown[0]}}}",
                hint="a pattern may use " + ", ".join(f"{{{f}}}" for f in FIELDS),
            )
        if "/" in self.pattern or "\\" in self.pattern or not self.pattern.strip():
            raise UsageError(f"render preset {self.name!r}: the pattern is a file name, not a path")
        return self

    def output_for(
        self, clip_name: str, project_path: Path, *, today: datetime.date | None = None
    ) -> Path:
        """Where this preset writes the render of clip ``clip_name`` of ``project_path``."""
        stem = Path(clip_name).stem.split("%")[0].rstrip("_.-") or "clip"
        day = (today or datetime.date.today()).isoformat()
        name = self.pattern.format(
            clip=stem,
            project=Path(project_path).stem,
            date=day,
            codec=self.codec or "source",
            preset=self.name,
        )
        folder = Path(self.folder).expanduser() if self.folder else Path()
        if not folder.is_absolute():
            folder = Path(project_path).resolve().parent / folder
        ending = output_endings().get(self.codec or "", DEFAULT_ENDING)
        return folder / (name + ending)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("builtin")
        return data


BUILT_IN = (
    RenderPreset("Master: ProRes 422 HQ", "prores", "{clip}_workbench", "", True),
    RenderPreset("Same as source", None, "{clip}_workbench", "", True),
    RenderPreset("Archive: FFV1", "ffv1", "{clip}_{date}", "renders", True),
    RenderPreset("Review: H.264", "h264", "{clip}_review", "review", True),
)


def _file() -> Path:
    return user_config_dir() / FILE_NAME


def _saved() -> list[RenderPreset]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out: list[RenderPreset] = []
    for item in data.get("presets", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            codec = item.get("codec")
            out.append(
                RenderPreset(
                    item["name"],
                    codec if isinstance(codec, str) else None,
                    str(item.get("pattern") or "{clip}_workbench"),
                    str(item.get("folder") or ""),
                )
            )
    return out


def presets() -> list[RenderPreset]:
    """The built-in presets, then the user's (one of theirs replaces a built-in of its name)."""
    saved = _saved()
    mine = {p.name for p in saved}
    return [p for p in BUILT_IN if p.name not in mine] + saved


def find_preset(name: str) -> RenderPreset:
    for preset in presets():
        if preset.name == name:
            return preset
    raise NotFoundError(
        f"there is no render preset {name!r}",
        hint="the presets: " + ", ".join(repr(p.name) for p in presets()),
    )


def _write(saved: list[RenderPreset]) -> None:
    path = _file()
    data = {"presets": [p.to_dict() for p in saved]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data, indent=2).encode("utf-8"))
    except OSError as exc:
        raise StorageError(f"cannot save the render presets in {path}: {exc.strerror}") from None


def save_preset(preset: RenderPreset) -> RenderPreset:
    """Keep ``preset`` among the user's (replacing one of the same name)."""
    preset = RenderPreset(preset.name.strip(), preset.codec, preset.pattern, preset.folder).check()
    _write([p for p in _saved() if p.name != preset.name] + [preset])
    return preset


def delete_preset(name: str) -> None:
    saved = _saved()
    if not any(p.name == name for p in saved):
        raise NotFoundError(f"{name!r} is not one of your render presets (built-ins stay)")
    _write([p for p in saved if p.name != name])


def render_all(project: Any, preset: RenderPreset) -> list[RenderRequest]:
    """A render of every clip of ``project`` with an enabled edit, named by ``preset`` (clips
    without edits would only be copies of their footage)."""
    preset.check()
    requests = []
    for clip in project.clips():
        if any(e.enabled for e in project.edits(clip.id)):
            output = preset.output_for(clip.name, Path(project.path))
            requests.append(RenderRequest(Path(project.path), clip.id, output, preset.codec))
    return requests


__all__ = [
    "BUILT_IN",
    "FIELDS",
    "RenderPreset",
    "delete_preset",
    "find_preset",
    "output_endings",
    "presets",
    "render_all",
    "save_preset",
]
