"""Who signed a log: the keys behind its valid checkpoints, the operators they covered, and the
key-rotation entries that hand a project from one key to the next.

Verification (:mod:`workbench.disclosure.verify`) finds these facts; trust
(:mod:`workbench.disclosure.trust`) decides whether this machine believes them. Everything here
is plain data, so a report, the CLI and the GUI badge describe a signer the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from workbench.disclosure.keys import fingerprint

SignerStatus = Literal["unchecked", "trusted", "yours", "known", "rotated", "first-seen", "unknown"]


@dataclass(frozen=True)
class Signature:
    """A checkpoint whose signature verified: by which key, over which entries."""

    checkpoint: int
    key_id: str
    first: int
    last: int


@dataclass(frozen=True)
class Rotation:
    """A valid key-rotation entry: ``previous`` vouched for ``key`` at entry ``entry``."""

    entry: int
    previous: str
    key: str


@dataclass(frozen=True)
class Signer:
    """One key that signed the log, and what this machine knows of it (``status``)."""

    key_id: str
    public_key: str
    operators: tuple[str, ...]
    checkpoints: int
    first_checkpoint: int
    status: SignerStatus = "unchecked"
    name: str | None = None
    since: str | None = None
    via: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_id)

    @property
    def who(self) -> str:
        """The trusted name when there is one, else the operators its checkpoints covered."""
        return self.name or ", ".join(self.operators) or "an unnamed operator"

    @property
    def note(self) -> str:
        notes: dict[str, str] = {
            "unchecked": "",
            "trusted": "trusted",
            "yours": "this machine's own key",
            "known": "seen on this machine" + (f" since {self.since[:10]}" if self.since else ""),
            "rotated": f"handed over by key {fingerprint(self.via or '?')} in the log",
            "first-seen": "first seen on this machine",
            "unknown": "NOT a key this machine knows for this project",
        }
        return notes[self.status]

    def describe(self) -> str:
        """``Alice (key 1a2b 3c4d 5e6f 7a8b, trusted)``."""
        note = f", {self.note}" if self.note else ""
        return f"{self.who} (key {self.fingerprint}{note})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "fingerprint": self.fingerprint,
            "public_key": self.public_key,
            "operators": list(self.operators),
            "checkpoints": self.checkpoints,
            "status": self.status,
            "name": self.name,
            "since": self.since,
            "via": self.via,
        }


def signers_of(
    signatures: Sequence[Signature],
    public_keys: Mapping[str, str],
    operators: Mapping[int, str],
) -> list[Signer]:
    """The signers, in the order they first signed; ``operators``: entry position -> operator."""
    order: dict[str, list[Signature]] = {}
    for signature in signatures:
        order.setdefault(signature.key_id, []).append(signature)
    out = []
    for key_id, signed in order.items():
        names: dict[str, None] = {}
        for s in signed:
            for position in range(s.first, s.last + 1):
                name = operators.get(position)
                if name:
                    names.setdefault(name, None)
        out.append(
            Signer(
                key_id=key_id,
                public_key=public_keys.get(key_id, ""),
                operators=tuple(names),
                checkpoints=len(signed),
                first_checkpoint=signed[0].checkpoint,
            )
        )
    return out


def vouched(base: Iterable[str], rotations: Iterable[Rotation]) -> dict[str, str | None]:
    """Every key reachable from ``base`` through rotations: key -> the key that handed over
    to it (None for a key of ``base``)."""
    reached: dict[str, str | None] = dict.fromkeys(base)
    pending = list(rotations)
    grew = True
    while grew:
        grew = False
        for rotation in pending:
            if rotation.previous in reached and rotation.key not in reached:
                reached[rotation.key] = rotation.previous
                grew = True
    return reached


def describe_signers(signers: Sequence[Signer]) -> str:
    """One line: ``signed by Alice (key …, trusted); Bob (key …)``."""
    if not signers:
        return "signed by no valid checkpoint"
    return "signed by " + "; ".join(s.describe() for s in signers)


__all__ = [
    "Rotation",
    "Signature",
    "Signer",
    "SignerStatus",
    "describe_signers",
    "fingerprint",
    "signers_of",
    "vouched",
]
