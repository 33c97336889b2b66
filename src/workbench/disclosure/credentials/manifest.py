"""The manifest a signed output carries: its actions, its disclosure assertion, its checkpoint.

The disclosure assertion also carries the log's transparency-log evidence (``tlog``: a signed
C2SP checkpoint note and each edit's RFC 6962 inclusion proof, see ``disclosure.tlog.evidence``)
when the signing user's key is one of the project's, and the manifest a ``cawg.training-mining``
assertion saying what each model's training data licences allow (``training_mining``).

Everything about an *edit* (its C2PA action, IPTC digital source type, and whether it is
assistive or generative) is read from the edit's log entry, where the project recorded it once
when the edit was made. The model card is read only for what it says about the model itself:
its licence, its training data and who is owed for it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import APP_NAME, __version__
from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes, parse_json_object
from workbench.disclosure.credentials.common import (
    ACTIONS_LABEL,
    DISCLOSURE_LABEL,
    DISCLOSURE_SCHEMA,
    IPTC,
    SOURCE_INGREDIENT,
    CredentialsError,
)
from workbench.disclosure.credentials.training_mining import TRAINING_MINING_LABEL, training_mining
from workbench.disclosure.entries.values import Region
from workbench.disclosure.keys import SigningKey, default_key_path, load_or_create_signing_key
from workbench.disclosure.store import as_bytes
from workbench.disclosure.tlog.evidence import manifest_evidence
from workbench.errors import DisclosureError

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard
    from workbench.disclosure.export import LogData

_CHECKPOINT_BODY_KEYS = ("schema", "seq", "project", "tree_size", "head", "first", "hashes")


def _frames_record(frames: Any) -> dict[str, int] | None:
    # Arrays of small integers become CBOR byte strings on the way in; objects survive.
    if isinstance(frames, list | tuple) and len(frames) == 2:
        first, last = int(frames[0]), int(frames[1])
        return {"first": first, "last": last, "count": last - first + 1}
    return None


def _iptc(source_type: Any) -> str:
    text = str(source_type or "algorithmicallyEnhanced")
    return text if text.startswith("http") else IPTC + text


def default_action(tool: str) -> str:
    return "c2pa.resized" if tool.startswith("upscale") else "c2pa.enhanced"


def edit_nature(entry: dict[str, Any]) -> str:
    """Assistive or generative, as the edit's log entry records it (assistive when it is silent)."""
    return str((entry.get("classification") or {}).get("nature") or "assistive")


def _entry_model_sha(entry: dict[str, Any]) -> str:
    return str((entry.get("model") or {}).get("sha256"))


def _region_words(region: Any) -> str:
    """The region as the action's description says it (a tracked one with its keyframes)."""
    try:
        spec = Region.from_dict(region)
    except DisclosureError:
        return "region"
    if spec.kind == "full":
        return "full frame"
    if spec.kind == "tracked":
        return spec.describe()
    return f"{spec.kind} region"


def _describe_edit(entry: dict[str, Any]) -> str:
    edit = entry.get("edit") or {}
    tool = (edit.get("tool") or {}).get("id", "?")
    params = edit.get("parameters") or {}
    frames: dict[str, Any] = _frames_record(edit.get("frames")) or {"first": "?", "last": "?"}
    where = _region_words(edit.get("region"))
    model = entry.get("model") or {}
    text = f"{tool} on frames {frames['first']}-{frames['last']}, {where}"
    synthesis = (entry.get("classification") or {}).get("synthesis")
    if synthesis:
        text += f", {synthesis}"
    if "strength" in params:
        text += f", strength {params['strength']}"
    if model:
        text += f", model {model.get('id')} {model.get('version') or ''}".rstrip()
    return text


def _software_agent(entry: dict[str, Any]) -> dict[str, Any]:
    tool = (entry.get("edit") or {}).get("tool") or {}
    model = entry.get("model") or {}
    agent: dict[str, Any] = {
        "name": f"{APP_NAME} {tool.get('id', '?')}"
        + (f" with model {model.get('id')}" if model else ""),
        "version": str(entry.get("app", {}).get("version") or __version__),
        "org.workbench.tool": f"{tool.get('id', '?')} {tool.get('version', '')}".strip(),
    }
    if model:
        agent["org.workbench.model"] = f"{model.get('id')} {model.get('version') or ''}".strip()
        agent["org.workbench.model_sha256"] = str(model.get("sha256"))
    return agent


def edit_action(entry: dict[str, Any]) -> dict[str, Any]:
    """The ``c2pa.actions.v2`` action for one ``workbench.edit/1`` entry."""
    edit = entry.get("edit") or {}
    tool = edit.get("tool") or {}
    classification = entry.get("classification") or {}
    params = edit.get("parameters") or {}
    parameters: dict[str, Any] = {
        "org.workbench.entry": entry.get("id"),
        "org.workbench.entry_hash": entry.get("hash"),
        "org.workbench.clip": str((edit.get("clip") or {}).get("id")),
        "frames": _frames_record(edit.get("frames")),
        "region": edit.get("region") or {"kind": "full"},
        # The tool's own parameters as JSON text: faithful whatever their shape.
        "org.workbench.parameters": json.dumps(params, sort_keys=True, ensure_ascii=False),
    }
    if isinstance(params.get("strength"), int | float):
        parameters["strength"] = float(params["strength"])
    if classification.get("synthesis"):
        # what the tool generated rather than recovered ("synthesised grain"), in words
        parameters["org.workbench.synthesis"] = str(classification["synthesis"])
    action: dict[str, Any] = {
        "action": str(classification.get("c2pa_action") or default_action(str(tool.get("id", "")))),
        "digitalSourceType": _iptc(classification.get("digital_source_type")),
        "softwareAgent": _software_agent(entry),
        "description": _describe_edit(entry),
        "parameters": parameters,
    }
    if entry.get("time"):
        action["when"] = str(entry["time"])
    return action


def _model_nature(card: ModelCard, edits: Sequence[dict[str, Any]]) -> str:
    """The nature of the edits this model made, from their log entries.

    Generative if any of them was; the card's own word only when no edit here used the model
    (a manifest signed without edits), since then there is no edit to read it from.
    """
    natures = {edit_nature(e) for e in edits if _entry_model_sha(e) == card.sha256}
    if not natures:
        return str(card.classification.nature)
    return "generative" if "generative" in natures else "assistive"


def model_disclosure(card: ModelCard, edits: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """What a file tells about a model that touched it: training data and who is owed.

    ``edits`` are the log entries of the edits signed; the ``nature`` of this model's edits is
    taken from them (see :func:`edit_nature`), the rest from the card.
    """
    return {
        "id": card.id,
        "name": card.name,
        "version": card.version,
        "sha256": card.sha256,
        "card_sha256": card.digest(),
        "weights_licence": card.weights_licence,
        "nature": _model_nature(card, edits),
        "training_data": [
            {
                "name": s.name,
                "licence": s.licence,
                "author": s.author,
                "attribution": s.attribution,
                "consent_basis": s.consent_basis,
                "items": s.items,
            }
            for s in card.training_data
        ],
        "contributors": [
            {"name": c.name, "role": c.role, "share": float(c.share), "basis": c.basis}
            for c in card.contributors
        ],
    }


def checkpoint_record(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint as the file carries it, with the exact bytes its signature covers."""
    missing = [k for k in ("tree_size", "head", "signature", "public_key") if k not in checkpoint]
    if missing:
        raise CredentialsError(
            f"the checkpoint given for signing lacks {', '.join(missing)}",
            hint="pass the latest signed checkpoint (see checkpoint_for(log_data))",
        )
    body = checkpoint.get("body")
    if isinstance(body, bytes):
        body_text: str | None = body.decode("utf-8")
    elif isinstance(body, str):
        body_text = body
    elif all(k in checkpoint for k in _CHECKPOINT_BODY_KEYS):
        signed = {
            k: v
            for k, v in checkpoint.items()
            if k not in ("signature", "public_key", "body", "algorithm")
        }
        body_text = canonical_bytes(signed).decode("utf-8")
    else:
        body_text = None
    return {
        "tree_size": int(checkpoint["tree_size"]),
        "head": str(checkpoint["head"]),
        "time": checkpoint.get("time"),
        "key_id": checkpoint.get("key_id"),
        "algorithm": "Ed25519",
        "public_key": str(checkpoint["public_key"]),
        "signature": str(checkpoint["signature"]),
        "signed_body": body_text,
    }


@dataclass(frozen=True)
class TlogSource:
    """What the manifest needs to add transparency-log evidence: the log and a signer of it."""

    data: LogData
    key: SigningKey


def _signer_of(data: LogData, key: SigningKey | None) -> SigningKey | None:
    """``key``, else the user's own key if it exists; only when it is one of the log's keys
    (a note signed by another key would vouch for nothing a reader can check)."""
    if key is None and default_key_path().exists():
        key = load_or_create_signing_key()
    if key is None or key.key_id not in {str(k.key_id) for k in data.keys}:
        return None
    return key


def checkpoint_for(data: LogData, key: SigningKey | None = None) -> dict[str, Any]:
    """The latest signed checkpoint of a log, in the form :func:`sign_media` takes.

    With ``key`` (by default the user's signing key), when it is one of the project's, the
    manifest also gets the checkpoint note and inclusion proofs (``tlog``)."""
    if not data.checkpoints:
        raise CredentialsError("the log has no signed checkpoint yet; nothing can vouch for it")
    row = data.checkpoints[-1]
    body_bytes = as_bytes(row.body)
    body = parse_json_object(body_bytes)
    if body is None:
        raise CredentialsError(f"checkpoint {row.seq} is not valid JSON; verify the log")
    keys = {k.key_id: k.public_key for k in data.keys}
    public = keys.get(row.key_id)
    if public is None:
        raise CredentialsError(f"the log lacks the public key {row.key_id} of its checkpoint")
    out: dict[str, Any] = {
        **body,
        "signature": row.signature,
        "public_key": public,
        "body": body_bytes.decode("utf-8"),
    }
    signer = _signer_of(data, key)
    if signer is not None:
        out["tlog"] = TlogSource(data, signer)
    return out


def _check_edits(edits: Sequence[dict[str, Any]]) -> None:
    for entry in edits:
        if entry.get("schema") != records.EDIT:
            raise CredentialsError(
                f"entry {entry.get('id')} is a {entry.get('schema')}, not an edit",
                hint="pass the workbench.edit/1 entries the render materialised",
            )


def shot_words(shot: Any) -> str:
    """A delivered shot as people name it: ``shot 3 (reel A001C003, source TC 01:00:10:10-
    01:00:11:10) of sequence SEQ_01``; empty for a clip render."""
    if not isinstance(shot, dict):
        return ""
    sequence: dict[str, Any] = shot.get("sequence") or {}
    source: dict[str, Any] = shot.get("source") or {}
    facts = [f"reel {shot['reel']}"] if shot.get("reel") else []
    if source.get("in"):
        facts.append(f"source TC {source.get('in')}-{source.get('out')}")
    text = f"shot {shot.get('id')}" + (f" ({', '.join(facts)})" if facts else "")
    if sequence:
        text += f" of sequence {sequence.get('name')}"
    return text


def _actions(
    source: Path, edits: Sequence[dict[str, Any]], shot: Any = None
) -> list[dict[str, Any]]:
    words = shot_words(shot)
    opened: dict[str, Any] = {
        "action": "c2pa.opened",
        "parameters": {"ingredientIds": [SOURCE_INGREDIENT]},
        "description": f"source clip {source.name}" + (f", delivered as {words}" if words else ""),
    }
    return [opened, *(edit_action(entry) for entry in edits)]


def _edit_summary(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "entry": entry.get("id"),
        "hash": entry.get("hash"),
        "seq": entry.get("seq"),
        "operator": entry.get("operator"),
        "tool": ((entry.get("edit") or {}).get("tool") or {}).get("id"),
        "model_sha256": (entry.get("model") or {}).get("sha256"),
    }


def _disclosure(
    *,
    source: Path,
    project: dict[str, Any],
    edits: Sequence[dict[str, Any]],
    checkpoint: dict[str, Any],
    models: Sequence[ModelCard],
    frames: Sequence[tuple[str, str]],
    delivery: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``org.workbench.disclosure`` assertion: which log vouches for the file, and how."""
    used = {_entry_model_sha(e) for e in edits}
    disclosure: dict[str, Any] = {
        "schema": DISCLOSURE_SCHEMA,
        "project": {"id": str(project.get("id")), "name": str(project.get("name") or "")},
        "source": {"name": source.name},
        "checkpoint": checkpoint_record(checkpoint),
        "edits": [_edit_summary(e) for e in edits],
        "models": [
            model_disclosure(card, edits) for card in models if card.sha256 in used or not used
        ],
        "assistive_only": all(edit_nature(e) == "assistive" for e in edits),
    }
    clip = next(((e.get("edit") or {}).get("clip") for e in edits), None)
    if isinstance(clip, dict) and clip.get("fingerprint"):
        disclosure["source"]["fingerprint"] = str(clip["fingerprint"])
    if frames:
        disclosure["frames"] = [{"file": name, "sha256": digest} for name, digest in frames]
    if delivery:
        disclosure["delivery"] = delivery
    source_log = checkpoint.get("tlog")
    if isinstance(source_log, TlogSource):
        size = int(checkpoint["tree_size"])
        disclosure["tlog"] = manifest_evidence(source_log.data, size, edits, source_log.key)
    return disclosure


def build_manifest(
    *,
    title: str,
    source: Path,
    project: dict[str, Any],
    edits: Sequence[dict[str, Any]],
    checkpoint: dict[str, Any],
    models: Sequence[ModelCard],
    frames: Sequence[tuple[str, str]] = (),
    delivery: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest definition (c2pa Builder JSON) for a signed output.

    ``delivery`` (the render's QC expectations: which differences from the source it made on
    purpose) lets ``workbench qc --against`` judge the file from its own signed claims; for a
    conformed shot it also holds ``shot`` (its id, reel, timecodes and sequence), which the
    title and the source's ``c2pa.opened`` action name too.
    """
    _check_edits(edits)
    disclosure = _disclosure(
        source=source,
        project=project,
        edits=edits,
        checkpoint=checkpoint,
        models=models,
        frames=frames,
        delivery=delivery,
    )
    shot = (delivery or {}).get("shot")
    assertions: list[dict[str, Any]] = [
        {"label": ACTIONS_LABEL, "data": {"actions": _actions(source, edits, shot)}},
        {"label": DISCLOSURE_LABEL, "data": disclosure},
    ]
    mining = training_mining(models, edits)
    if mining is not None:
        assertions.append({"label": TRAINING_MINING_LABEL, "data": mining})
    words = shot_words(shot)
    return {
        "claim_generator_info": [{"name": APP_NAME, "version": __version__}],
        "title": f"{title} — {words}" if words else title,
        "assertions": assertions,
    }
