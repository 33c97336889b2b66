"""Matching a file's credentials against a project's log: does the log vouch for this file?

The file must name the project, carry a checkpoint the log has (same head hash at that size,
signed with one of the project's keys), and each AI action must be an edit entry of the log with
the same hash, action, source type and frames, not reverted since. When the file carries
transparency-log evidence, its note must be signed by one of the project's keys and each
inclusion proof must lead from the log's own entry bytes to the note's root.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.disclosure import records
from workbench.disclosure.credentials.manifest import edit_action

if TYPE_CHECKING:
    from workbench.disclosure.credentials.read import CredentialAction, CredentialsReport
    from workbench.disclosure.export import LogData


def _checkpoint_problems(
    disclosure: dict[str, Any], entries: list[dict[str, Any]], data: LogData
) -> list[str]:
    by_seq = {e.get("seq"): e for e in entries}
    cp = disclosure.get("checkpoint") or {}
    head_entry = by_seq.get(cp.get("tree_size"))
    if not cp:
        return ["the file carries no log checkpoint"]
    if head_entry is None or head_entry.get("hash") != cp.get("head"):
        return [
            f"the log has no entry {cp.get('tree_size')} with head hash {str(cp.get('head'))[:12]}…"
        ]
    if cp.get("public_key") not in {k.public_key for k in data.keys}:
        return ["the checkpoint's public key is not one of the project's keys"]
    if "tlog" in disclosure:
        from workbench.disclosure.tlog.evidence import evidence_problems

        return evidence_problems(
            disclosure["tlog"],
            tree_size=cp.get("tree_size"),
            keys=data.keys,
            project_id=data.project_id,
            rows=data.rows,
        )
    return []


def _action_problems(
    action: CredentialAction, entry: dict[str, Any], revoked: set[Any]
) -> list[str]:
    entry_id = action.entry_id
    problems: list[str] = []
    if entry.get("hash") != action.parameters.get("org.workbench.entry_hash"):
        problems.append(f"entry {entry_id}: its hash in the file differs from the log's")
    expected = edit_action(entry)
    for key in ("action", "digitalSourceType"):
        seen = action.action if key == "action" else action.digital_source_type
        if expected[key] != seen:
            problems.append(f"entry {entry_id}: {key} {seen!r}, the log says {expected[key]!r}")
    if expected["parameters"]["frames"] != action.parameters.get("frames"):
        problems.append(f"entry {entry_id}: frames differ from the log's")
    if entry_id in revoked:
        problems.append(f"entry {entry_id} was reverted in the log after this render")
    return problems


def match_log(report: CredentialsReport, data: LogData) -> list[str]:
    """Where the file's credentials disagree with a project's log; empty when they match."""
    problems: list[str] = []
    disclosure = report.disclosure or {}
    project_id = (disclosure.get("project") or {}).get("id")
    if data.project_id and project_id != data.project_id:
        problems.append(f"the file names project {project_id}, not {data.project_id}")
    entries = data.entries()
    problems += _checkpoint_problems(disclosure, entries, data)
    by_id = {e.get("id"): e for e in entries}
    revoked = {e.get("reverts") for e in entries if e.get("schema") == records.REVERT}
    for action in report.ai_actions:
        entry = by_id.get(action.entry_id)
        if entry is None:
            problems.append(f"action {action.action} names entry {action.entry_id}, not in the log")
            continue
        problems += _action_problems(action, entry, revoked)
    listed = {e.get("entry") for e in disclosure.get("edits") or []}
    in_actions = {a.entry_id for a in report.ai_actions}
    if listed != in_actions:
        problems.append("the disclosure's edits and the manifest's actions list different entries")
    return problems
