"""What the log's entries say, labelled with their schema and version.

Every entry is a JSON object with an envelope (``schema``, ``seq``, ``id``, ``time``,
``operator``, ``project``, ``app``, ``prev``) and the fields of its kind. Entries are never
rewritten once written — their hashes pin them — so reading an older version goes through the
small dict-to-dict functions in :data:`UPGRADES`, applied on the way out, never on disk.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from workbench import APP_NAME, __version__

PROJECT = "workbench.project/1"
IMPORT = "workbench.import/1"
EDIT = "workbench.edit/1"
REVERT = "workbench.revert/1"
TOGGLE = "workbench.edit-toggle/1"
CONSENT = "workbench.consent/1"
POLICY = "workbench.policy/1"
RENDER = "workbench.render/1"
RELINK = "workbench.clip-relink/1"
SIGNOFF = "workbench.signoff/1"
KEY_ROTATION = "workbench.key-rotation/1"
EDIT_MOVE = "workbench.edit-move/1"
CLIP_COLOUR = "workbench.clip-colour/1"
CHECKPOINT = "workbench.checkpoint/1"
# The conform (workbench.conform): a cut brought in, its shots changed, recipes, deliveries.
SEQUENCE_IMPORT = "workbench.sequence-import/1"
SHOT_CHANGE = "workbench.shot-change/1"
RECIPE = "workbench.recipe/1"
DELIVERY = "workbench.delivery/1"
CONFORM_SCHEMAS = frozenset({SEQUENCE_IMPORT, SHOT_CHANGE, RECIPE, DELIVERY})
# The performers: the cast, who appears in which shot, consent to alter their likeness.
CAST = "workbench.cast/1"
SHOT_CAST = "workbench.shot-cast/1"
LIKENESS_CONSENT = "workbench.likeness-consent/1"
CAST_SCHEMAS = frozenset({CAST, SHOT_CAST, LIKENESS_CONSENT})

ENTRY_SCHEMAS = frozenset(
    {
        PROJECT,
        IMPORT,
        EDIT,
        REVERT,
        TOGGLE,
        CONSENT,
        POLICY,
        RENDER,
        RELINK,
        SIGNOFF,
        KEY_ROTATION,
        EDIT_MOVE,
        CLIP_COLOUR,
    }
    | CONFORM_SCHEMAS
    | CAST_SCHEMAS
)
ENVELOPE = ("schema", "seq", "id", "time", "operator", "project", "app", "prev")
GENESIS_PREV = "0" * 64

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
# (schema label) -> function returning the entry at the next version; none exist yet: version 1
# is the first on-disk form. A future "workbench.edit/2" adds ("workbench.edit/1", fn) here.
UPGRADES: dict[str, Upgrade] = {}


def upgraded(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as the current code reads it; ``entry`` itself is never changed.

    An upgrade works on a copy; an entry already current comes back as it is (copying every
    entry was three quarters of the time of reading a 2,000-entry log).
    """
    current = entry
    seen = 0
    while current.get("schema") in UPGRADES and seen < 100:
        current = UPGRADES[current["schema"]](copy.deepcopy(current))
        seen += 1
    return current


def app_info() -> dict[str, str]:
    return {"name": APP_NAME, "version": __version__}


def onnxruntime_version() -> str | None:
    try:
        return version("onnxruntime")
    except PackageNotFoundError:
        return None


def runtime_info(
    provider: str | None = None, variant: tuple[str, str] | None = None
) -> dict[str, Any]:
    """ONNX Runtime version and the execution provider that actually ran; OpenVINO's version
    when its runtime ran, and the variant (name, SHA-256) when the model's main file did not."""
    from workbench.disclosure.entries.values import VariantRef
    from workbench.inference.providers import OPENVINO

    info: dict[str, Any] = {"onnxruntime": onnxruntime_version(), "provider": provider}
    if provider == OPENVINO:
        try:
            info["openvino"] = version("openvino")
        except PackageNotFoundError:
            info["openvino"] = None
    if variant is not None:
        info["variant"] = VariantRef(*variant)
    return info


def region_record(region: dict[str, Any] | None) -> dict[str, Any]:
    """Full frame, a rectangle, or a mask (by hash); normalised for the log."""
    from workbench.disclosure.entries.values import Region

    return Region.from_input(region).to_dict()


def summary(entry: dict[str, Any]) -> str:
    """One line a person can read, for tables and listings."""
    schema = entry.get("schema", "?")
    if schema == EDIT:
        edit = entry.get("edit", {})
        model = entry.get("model") or {}
        frames = edit.get("frames", ["?", "?"])
        synthesis = (entry.get("classification") or {}).get("synthesis")
        return (
            f"{edit.get('tool', {}).get('id', '?')} on clip {edit.get('clip', {}).get('id', '?')} "
            f"frames {frames[0]}-{frames[1]}"
            + (f" with {model.get('id')}" if model else "")
            + (f": {synthesis}" if synthesis else "")
        )
    if schema == REVERT:
        return f"revert edit {entry.get('edit')} ({entry.get('reason')}) of entry {entry.get('reverts')}"
    if schema == EDIT_MOVE:
        return (
            f"edit {entry.get('edit')} moved from #{entry.get('from')} to #{entry.get('to')} "
            f"in clip {entry.get('clip')}'s stack"
        )
    if schema == TOGGLE:
        return f"edit {entry.get('edit')} {'enabled' if entry.get('enabled') else 'disabled'}"
    if schema == IMPORT:
        return f"import clip {entry.get('clip', {}).get('id')}: {entry.get('clip', {}).get('path')}"
    if schema == PROJECT:
        return f"project created: {entry.get('name')}"
    if schema == POLICY:
        return "policy changed"
    if schema == CONSENT:
        return f"consent recorded for {entry.get('consent', {}).get('subject')}"
    if schema == RELINK:
        return f"clip {entry.get('clip')} relinked to {entry.get('path')}"
    if schema == SIGNOFF:
        return f"edit {entry.get('edit')} signed off"
    if schema == CLIP_COLOUR:
        space = entry.get("colour_space")
        return f"clip {entry.get('clip')} colour space " + (
            f"set to {space}" if space else "read from its tags"
        )
    if schema == KEY_ROTATION:
        return f"signing key {entry.get('key_id')} introduced by key {entry.get('previous_key_id')}"
    if schema in CONFORM_SCHEMAS:
        return _conform_summary(schema, entry)
    if schema in CAST_SCHEMAS:
        return _cast_summary(schema, entry)
    if schema == RENDER:
        text = f"render of clip {entry.get('clip', {}).get('id')} to {entry.get('output', {}).get('path')}"
        qc = entry.get("qc")
        if isinstance(qc, dict) and qc.get("status"):
            text += f" (QC {qc['status']})"
        return text
    return str(schema)


def _cast_summary(schema: str, entry: dict[str, Any]) -> str:
    if schema == CAST:
        member = entry.get("member") or {}
        role = f" ({member.get('role')})" if member.get("role") else ""
        return f"cast member {member.get('id')} added: {member.get('name')}{role}"
    if schema == SHOT_CAST:
        person = (entry.get("person") or {}).get("name")
        shots = ", ".join(str(s) for s in entry.get("shots") or [])
        if entry.get("action") == "untag":
            return f"{person} untagged from shot(s) {shots}"
        return f"shot(s) {shots} tagged with {person} (from {entry.get('source')})"
    consent = entry.get("consent") or {}
    kinds = ", ".join(str(k) for k in consent.get("kinds") or [])
    until = f" until {consent.get('expires')}" if consent.get("expires") else ""
    return (
        f"likeness consent recorded for {(consent.get('person') or {}).get('name')}: {kinds}{until}"
    )


def _conform_summary(schema: str, entry: dict[str, Any]) -> str:
    if schema == SEQUENCE_IMPORT:
        sequence = entry.get("sequence") or {}
        shots = entry.get("shots") or []
        offline = sum(1 for s in shots if isinstance(s, dict) and s.get("status") == "offline")
        return (
            f"sequence {sequence.get('id')} {sequence.get('name')!r} imported: {len(shots)} shots"
            + (f", {offline} offline" if offline else "")
        )
    if schema == SHOT_CHANGE:
        changed = ", ".join(sorted(entry.get("set") or {}))
        return f"shot {entry.get('shot')} changed: {changed}"
    if schema == RECIPE:
        recipe = entry.get("recipe") or {}
        return f"recipe {recipe.get('name')!r} v{recipe.get('version')} saved"
    delivery = entry.get("delivery") or {}
    return (
        f"shot {delivery.get('shot')} delivered as v{delivery.get('version')}: "
        f"{(delivery.get('output') or {}).get('path')} (QC {delivery.get('qc')})"
    )
