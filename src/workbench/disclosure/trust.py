"""Which signing keys this machine believes, per project: trust on first use, and keys trusted
by hand.

A log proves only that whoever holds its keys wrote it; anyone can make a key, re-sign every
checkpoint and store their own public key in the project. So this machine keeps, in the user's
config (``trusted-keys.json``), the keys it has seen sign each project id, recorded the first
time that project verifies here, and the studio keys a user trusted with ``workbench identity
trust``. Afterwards a project signed by any other key fails verification, unless a key-rotation
entry signed by a key already believed hands the project over to it
(:class:`~workbench.disclosure.entries.KeyRotationEntry`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from workbench.config import user_config_dir
from workbench.disclosure.keys import fingerprint, local_key_id, public_key_id
from workbench.disclosure.signers import Signer, describe_signers, vouched
from workbench.disclosure.store import utc_now
from workbench.disclosure.verify import Problem, Report, verify_rows
from workbench.errors import DisclosureError

if TYPE_CHECKING:
    from workbench.disclosure.export import LogData
    from workbench.disclosure.keys import SigningKey
    from workbench.disclosure.store import LogStore

TRUST_SCHEMA = "workbench.trusted-keys/1"
TRUST_FILE = "trusted-keys.json"


def trust_path() -> Path:
    return user_config_dir() / TRUST_FILE


class TrustStore:
    """The trusted-keys file: ``trusted`` (keys trusted by hand, for every project or one) and
    ``projects`` (per project id, the keys seen signing it and when)."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.data.setdefault("schema", TRUST_SCHEMA)
        self.data.setdefault("trusted", [])
        self.data.setdefault("projects", {})

    @classmethod
    def load(cls, path: Path | None = None) -> TrustStore:
        path = path or trust_path()
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls(path, {})
        except (OSError, ValueError) as exc:
            raise DisclosureError(
                f"cannot read the trusted keys at {path}: {exc}",
                hint="restore the file from a backup, or move it away (this machine then "
                "forgets which keys it has seen sign each project)",
            ) from None
        if not isinstance(data, dict) or data.get("schema") != TRUST_SCHEMA:
            raise DisclosureError(f"{path} is not a Workbench trusted-keys file ({TRUST_SCHEMA})")
        return cls(path, data)

    def save(self) -> None:
        from workbench.fsutil import write_atomic

        payload = json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, payload.encode("utf-8"))
        except OSError as exc:
            raise DisclosureError(
                f"cannot save the trusted keys at {self.path}: {exc.strerror}"
            ) from None

    # -- reading ---------------------------------------------------------------------------
    def project(self, project_id: str) -> dict[str, Any]:
        found = self.data["projects"].get(project_id)
        return found if isinstance(found, dict) else {}

    def seen(self, project_id: str) -> dict[str, dict[str, Any]]:
        """key id -> what this machine recorded of it, for the keys seen signing the project."""
        keys = self.project(project_id).get("keys")
        return (
            {k: v for k, v in keys.items() if isinstance(v, dict)} if isinstance(keys, dict) else {}
        )

    def trusted(self, project_id: str | None = None) -> dict[str, dict[str, Any]]:
        """key id -> record, for keys trusted by hand for every project (and ``project_id``)."""
        out: dict[str, dict[str, Any]] = {}
        for item in self.data["trusted"]:
            if isinstance(item, dict) and item.get("project") in (None, project_id):
                out[str(item.get("key_id"))] = item
        return out

    def knows(self, project_id: str) -> bool:
        """Whether this machine has any belief about the project (seen, or trusted for it)."""
        return bool(self.seen(project_id)) or any(
            isinstance(t, dict) and t.get("project") == project_id for t in self.data["trusted"]
        )

    # -- writing ---------------------------------------------------------------------------
    def trust(self, public_key: str, *, name: str | None, project_id: str | None) -> str:
        """Trust a key by hand (for every project, or one); returns its key id."""
        key_id = public_key_id(public_key)
        if key_id is None:
            raise DisclosureError("not an Ed25519 public key")
        self.data["trusted"] = [
            t
            for t in self.data["trusted"]
            if not (
                isinstance(t, dict) and t.get("key_id") == key_id and t.get("project") == project_id
            )
        ]
        self.data["trusted"].append(
            {
                "key_id": key_id,
                "public_key": public_key,
                "name": name,
                "project": project_id,
                "added": utc_now(),
            }
        )
        return key_id

    def remember(self, project_id: str, name: str, signers: Sequence[Signer]) -> bool:
        """Record the signers as seen for the project; whether anything was new."""
        record = self.data["projects"].setdefault(project_id, {"name": name, "keys": {}})
        record["name"] = name
        keys = record.setdefault("keys", {})
        changed = False
        for signer in signers:
            if signer.key_id in keys or not signer.public_key:
                continue
            keys[signer.key_id] = {
                "public_key": signer.public_key,
                "operators": list(signer.operators),
                "seen": utc_now(),
                "how": {"rotated": "key rotation", "first-seen": "first use"}.get(
                    signer.status, signer.status
                ),
                **({"via": signer.via} if signer.via else {}),
            }
            changed = True
        return changed


@dataclass(frozen=True)
class SignerSummary:
    """Who signed a log and whether this machine believes them; ``report`` includes any
    ``signer-changed`` problem."""

    project_id: str | None
    project_name: str
    signers: tuple[Signer, ...]
    report: Report
    first_seen: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok

    def line(self) -> str:
        return describe_signers(self.signers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "signers": [s.to_dict() for s in self.signers],
            "first_seen": self.first_seen,
            "verified": self.report.ok,
            "verification": self.report.summary(),
        }


def _judge(
    signer: Signer,
    *,
    explicit: Mapping[str, Mapping[str, Any]],
    seen: Mapping[str, Mapping[str, Any]],
    reached: Mapping[str, str | None],
    local: str | None,
    known_project: bool,
) -> Signer:
    """The signer with its status: how this machine comes to believe it (or that it does not)."""
    by_hand = explicit.get(signer.key_id)
    if by_hand is not None and by_hand.get("public_key") == signer.public_key:
        name = by_hand.get("name")
        return replace(signer, status="trusted", name=name if isinstance(name, str) else None)
    if signer.key_id == local:
        return replace(signer, status="yours")
    record = seen.get(signer.key_id)
    if record is not None and record.get("public_key") == signer.public_key:
        since = record.get("seen")
        return replace(signer, status="known", since=since if isinstance(since, str) else None)
    if reached.get(signer.key_id) is not None:
        return replace(signer, status="rotated", via=reached[signer.key_id])
    return replace(signer, status="unknown" if known_project else "first-seen")


def _changed_problem(
    signer: Signer, project_id: str, name: str, seen: Mapping[str, Mapping[str, Any]]
) -> Problem:
    known = ", ".join(fingerprint(k) for k in seen) or "other keys (trusted by hand)"
    dates = sorted(str(v.get("seen", ""))[:10] for v in seen.values() if v.get("seen"))
    since = f" (first seen {dates[0]})" if dates else ""
    return Problem(
        "signer-changed",
        f"project {name!r} ({project_id}) is now signed by key {signer.fingerprint} "
        f"({signer.who}), but this machine knows it signed by key {known}{since}, and no "
        "key-rotation entry signed by the previous key introduces the new one. The project "
        "may have been re-signed by someone else. If the studio really changed keys, confirm "
        f"the new key with them, then: workbench identity trust {signer.public_key} "
        f"--project-id {project_id}",
        None,
        signer.first_checkpoint,
    )


def check_signers(
    data: LogData, report: Report, *, store: TrustStore | None = None, record: bool = True
) -> SignerSummary:
    """Judge the signers of a verified log against this machine's beliefs.

    A signer nobody vouches for, in a project this machine already knows, becomes a
    ``signer-changed`` problem in ``report``. With ``record``, a log that verifies (first use,
    or a new key handed over by rotation) is remembered.
    """
    project_id = data.project_id
    name = str(data.project.get("name") or project_id or "?")
    signers = report.signers
    if project_id is None:
        return SignerSummary(None, name, tuple(signers), report)
    store = store or TrustStore.load()
    explicit = store.trusted(project_id)
    seen = store.seen(project_id)
    local = local_key_id()
    known_project = store.knows(project_id)
    believed = [k for k, v in explicit.items() if v.get("public_key") == report.public_keys.get(k)]
    believed += [k for k, v in seen.items() if v.get("public_key") == report.public_keys.get(k)]
    reached = vouched([*believed, *([local] if local else [])], report.rotations)
    judged = [
        _judge(
            s,
            explicit=explicit,
            seen=seen,
            reached=reached,
            local=local,
            known_project=known_project,
        )
        for s in signers
    ]
    for signer in judged:
        if signer.status == "unknown":
            report.problems.append(_changed_problem(signer, project_id, name, seen))
    first = not known_project and bool(judged)
    if record and report.ok and store.remember(project_id, name, judged):
        store.save()
    return SignerSummary(project_id, name, tuple(judged), report, first_seen=first)


class HasLogData(Protocol):
    def log_data(self) -> LogData: ...


def signer_summary(source: LogData | HasLogData, *, record: bool = False) -> SignerSummary:
    """Verify a log (a :class:`LogData`, or a project: anything with ``log_data()``) and say
    who signed it, as this machine sees it: what the GUI's badge shows.

    ``record`` remembers a first-seen project's keys (``log verify`` and ``info`` do).
    """
    from workbench.disclosure.export import LogData

    data = source if isinstance(source, LogData) else source.log_data()
    report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    return check_signers(data, report, record=record)


def hand_over(log: LogStore, key: SigningKey, operator: str) -> dict[str, Any] | None:
    """Inside a transaction that ``key`` will sign: when the project is signed by a key this
    machine has retired (``workbench identity rotate``) and not yet by ``key``, append the
    key-rotation entry, signed by the retired key, that hands the project over.

    One indexed lookup when there is nothing to do. Returns the appended entry, or None.
    """
    from workbench.disclosure.entries import KeyRotationEntry
    from workbench.disclosure.keys import retired_key

    conn = log.conn
    if conn.execute("SELECT 1 FROM signing_keys WHERE key_id = ?", (key.key_id,)).fetchone():
        return None
    last = conn.execute("SELECT key_id FROM checkpoints ORDER BY seq DESC LIMIT 1").fetchone()
    candidates = [str(last[0])] if last else []
    candidates += [
        str(r[0]) for r in conn.execute("SELECT key_id FROM signing_keys ORDER BY added")
    ]
    for key_id in dict.fromkeys(candidates):
        previous = retired_key(key_id)
        if previous is not None:
            entry = KeyRotationEntry.signed(
                log.project_id, previous, key.public_b64, reason="this machine's key was rotated"
            )
            return log.append_entry(entry, operator=operator)
    return None


__all__ = [
    "TRUST_SCHEMA",
    "HasLogData",
    "SignerSummary",
    "TrustStore",
    "check_signers",
    "hand_over",
    "signer_summary",
    "trust_path",
]
