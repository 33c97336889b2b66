"""The key-rotation entry: a new signing key joins a project, vouched for by one that signs it.

A machine that has seen a project remembers the keys that signed it (trust on first use, see
:mod:`workbench.disclosure.trust`) and refuses a project whose checkpoints are suddenly signed
by a key it has never seen. A legitimate change of key says so in the log itself: a
``workbench.key-rotation/1`` entry carries the new public key and the *previous* key's
Ed25519 signature over :meth:`KeyRotationEntry.statement` (the project id, both key ids and the
new public key). The signature is proof on its own, whichever key signs the checkpoint that
covers the entry, and it names one project, so it cannot be replayed into another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries.fields import JsonObject, req_str
from workbench.disclosure.keys import SigningKey, public_key_id, verify_signature


@dataclass(frozen=True)
class KeyRotationEntry:
    """``key_id``/``public_key`` (the new key), introduced by ``previous_key_id``'s signature."""

    SCHEMA: ClassVar[str] = records.KEY_ROTATION
    key_id: str
    public_key: str
    previous_key_id: str
    signature: str
    algorithm: str = "Ed25519"
    reason: str = ""

    def to_dict(self) -> JsonObject:
        return {
            "key_id": self.key_id,
            "algorithm": self.algorithm,
            "public_key": self.public_key,
            "previous_key_id": self.previous_key_id,
            "signature": self.signature,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Any) -> KeyRotationEntry:
        from workbench.disclosure.entries.kinds import body_of

        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            key_id=req_str(d, "key_id", what),
            public_key=req_str(d, "public_key", what),
            previous_key_id=req_str(d, "previous_key_id", what),
            signature=req_str(d, "signature", what),
            algorithm=req_str(d, "algorithm", what),
            reason=req_str(d, "reason", what),
        )

    @staticmethod
    def statement_for(project: str, previous_key_id: str, key_id: str, public_key: str) -> bytes:
        """The bytes the previous key signs."""
        return canonical_bytes(
            {
                "schema": records.KEY_ROTATION,
                "project": project,
                "previous_key_id": previous_key_id,
                "key_id": key_id,
                "algorithm": "Ed25519",
                "public_key": public_key,
            }
        )

    def statement(self, project: str) -> bytes:
        return self.statement_for(project, self.previous_key_id, self.key_id, self.public_key)

    @classmethod
    def signed(
        cls, project: str, previous: SigningKey, new_public_key: str, reason: str = ""
    ) -> KeyRotationEntry:
        """The entry handing ``project`` from ``previous`` to the key ``new_public_key``."""
        key_id = public_key_id(new_public_key)
        if key_id is None:
            raise ValueError("the new public key is not base64")
        message = cls.statement_for(project, previous.key_id, key_id, new_public_key)
        return cls(key_id, new_public_key, previous.key_id, previous.sign(message), reason=reason)

    def problem(self, project: str, keys: dict[str, str]) -> str | None:
        """Why this entry does not vouch for its key (``keys``: the project's key table)."""
        if self.algorithm != "Ed25519":
            return f"introduces a key of unknown algorithm {self.algorithm!r}"
        if public_key_id(self.public_key) != self.key_id:
            return "the new key does not match its id"
        previous = keys.get(self.previous_key_id)
        if previous is None:
            return f"signed by key {self.previous_key_id!r}, which is not one of the project's"
        if not verify_signature(previous, self.signature, self.statement(project)):
            return f"the signature of key {self.previous_key_id} does not verify"
        return None
