"""The log in words a producer reads: each entry described with what came before it.

:func:`records.summary` describes one entry alone, so a revert could only name the UUID of the
entry it reverts and a policy change could only say "policy changed". Read in order, the log
knows more: which edit a revert or a toggle is about (its tool, frames and clip), what a policy
change changed, and the clip's name. The window's log panel and ``workbench log show`` print
these lines; nothing here changes what is stored or exported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.disclosure import records

#: How the policy's fields read (the project layer owns the model; the log holds its JSON).
POLICY_DEFAULTS: dict[str, Any] = {
    "allowed_tools": None,
    "allowed_models": None,
    "allow_undisclosed": False,
    "signoff_required": [],
}
REVERTED = {"remove": "removed", "undo": "undid", "replace": "replaced"}


def region_words(region: Any) -> str:
    """``whole frame``, ``rectangle 120×80 at 10,20``, ``painted mask 1a2b3c4d`` or a tracked one."""
    region = region if isinstance(region, dict) else {}
    kind = region.get("kind", "full")
    if kind == "rect":
        return (
            f"rectangle {region.get('w')}×{region.get('h')} at {region.get('x')},{region.get('y')}"
        )
    if kind == "mask":
        return f"painted mask {str(region.get('sha256', ''))[:8]}"
    if kind == "tracked":
        shape = "rectangle" if region.get("shape") == "rect" else "mask"
        frames = region.get("keyframes")
        keys = ", ".join(str(k) for k in frames) if isinstance(frames, list) else "?"
        return f"tracked {shape} (keyframes {keys})"
    return "whole frame"


def _frames(frames: Any) -> str:
    if isinstance(frames, list | tuple) and len(frames) == 2:
        return f"frames {frames[0]}–{frames[1]}"
    return "frames ?"


def _names(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "none"


@dataclass
class _Context:
    """What the entries read so far tell about the ones to come."""

    clips: dict[Any, str] = field(default_factory=dict)  # clip id -> file name
    edits: dict[Any, dict[str, Any]] = field(default_factory=dict)  # edit id -> its edit entry
    policy: dict[str, Any] = field(default_factory=lambda: dict(POLICY_DEFAULTS))

    def clip_name(self, clip: Any) -> str:
        clip = clip if isinstance(clip, dict) else {"id": clip}
        name = self.clips.get(clip.get("id")) or clip.get("name")
        if not name and clip.get("path"):
            name = str(clip["path"]).replace("\\", "/").rsplit("/", 1)[-1]
        return str(name) if name else f"clip {clip.get('id', '?')}"

    def edit_words(self, edit_id: Any) -> str:
        """``edit #3 (denoise, frames 0–23 of A001.mov)``, or ``edit #3`` if it is not known."""
        entry = self.edits.get(edit_id)
        if entry is None:
            return f"edit #{edit_id}"
        edit = entry.get("edit") or {}
        tool = (edit.get("tool") or {}).get("id", "?")
        clip = self.clip_name(edit.get("clip"))
        return f"edit #{edit_id} ({tool}, {_frames(edit.get('frames'))} of {clip})"


def _edit(entry: dict[str, Any], ctx: _Context) -> str:
    edit = entry.get("edit") or {}
    ctx.edits[edit.get("id")] = entry
    tool = (edit.get("tool") or {}).get("id", "?")
    model = entry.get("model") or {}
    with_model = f", model {model.get('id')} {model.get('version', '')}".rstrip() if model else ""
    undisclosed = " (undisclosed model)" if model.get("consent") == "undisclosed" else ""
    held = ", awaiting sign-off" if entry.get("signoff") == "pending" else ""
    synthesis = (entry.get("classification") or {}).get("synthesis")
    made = f", {synthesis} (generated, not recovered)" if synthesis else ""
    return (
        f"edit #{edit.get('id', '?')}: {tool} on {ctx.clip_name(edit.get('clip'))}, "
        f"{_frames(edit.get('frames'))}, {region_words(edit.get('region'))}"
        f"{with_model}{undisclosed}{made}{held}"
    )


def _policy(entry: dict[str, Any], ctx: _Context) -> str:
    new = {**POLICY_DEFAULTS, **(entry.get("policy") or {})}
    old, ctx.policy = ctx.policy, new
    changes = []
    if new["allowed_tools"] != old["allowed_tools"]:
        tools = new["allowed_tools"]
        changes.append("any tool allowed" if tools is None else f"tools allowed: {_names(tools)}")
    if new["allowed_models"] != old["allowed_models"]:
        models = new["allowed_models"]
        changes.append(
            "any disclosed model allowed" if models is None else f"models allowed: {_names(models)}"
        )
    if new["allow_undisclosed"] != old["allow_undisclosed"]:
        changes.append(
            "undisclosed models allowed"
            if new["allow_undisclosed"]
            else "undisclosed models refused"
        )
    if new["signoff_required"] != old["signoff_required"]:
        added = [t for t in new["signoff_required"] if t not in old["signoff_required"]]
        dropped = [t for t in old["signoff_required"] if t not in new["signoff_required"]]
        if added:
            changes.append(f"sign-off now required for {_names(added)}")
        if dropped:
            changes.append(f"sign-off no longer required for {_names(dropped)}")
    for key in sorted(set(new) - set(POLICY_DEFAULTS)):
        if new[key] != old.get(key):
            changes.append(f"{key} set to {new[key]}")
    return "policy: " + ("; ".join(changes) if changes else "set again, unchanged")


def describe(entry: dict[str, Any], ctx: _Context) -> str:
    schema = entry.get("schema")
    if schema == records.IMPORT:
        clip = entry.get("clip") or {}
        ctx.clips[clip.get("id")] = ctx.clip_name(clip)
        return f"imported {ctx.clip_name(clip)} (clip {clip.get('id', '?')}): {clip.get('path')}"
    if schema == records.EDIT:
        return _edit(entry, ctx)
    if schema == records.REVERT:
        reason = str(entry.get("reason", ""))
        verb = REVERTED.get(reason, f"reverted ({reason})")
        return f"{verb} {ctx.edit_words(entry.get('edit'))}"
    if schema == records.TOGGLE:
        state = "enabled" if entry.get("enabled") else "disabled"
        return f"{ctx.edit_words(entry.get('edit'))} {state}"
    if schema == records.SIGNOFF:
        note = entry.get("note")
        return f"{ctx.edit_words(entry.get('edit'))} signed off" + (f": {note}" if note else "")
    if schema == records.POLICY:
        return _policy(entry, ctx)
    if schema == records.RENDER:
        clip = ctx.clip_name(entry.get("clip"))
        out = (entry.get("output") or {}).get("path", "?")
        qc = entry.get("qc")
        status = qc.get("status") if isinstance(qc, dict) else None
        verdict = f" (QC {status})" if status else ""
        return f"render of {clip} to {out}{verdict}"
    if schema == records.RELINK:
        return f"{ctx.clip_name(entry.get('clip'))} relinked to {entry.get('path')}"
    return records.summary(entry)


def describe_entries(entries: Iterable[dict[str, Any]]) -> list[str]:
    """One line per entry, each read in the light of the entries before it."""
    ctx = _Context()
    return [describe(entry, ctx) for entry in entries]
