"""C2SP signed notes and tlog checkpoints (https://c2sp.org/signed-note, /tlog-checkpoint).

A checkpoint is the note text ``<origin>\\n<tree size>\\n<base64 root hash>\\n``; a signed note
is that text, a blank line, and one line per signature: ``— <key name> base64(key ID ||
Ed25519 signature)``. The key ID is the first four bytes of ``SHA-256(key name || 0x0A || 0x01
|| public key)``; a verifier key is written ``<name>+<key ID, 8 hex digits>+base64(0x01 ||
public key)`` (the "vkey" Go's ``golang.org/x/mod/sumdb/note.NewVerifier`` reads).

The origin line of a Workbench log is ``workbench.project/<project id>`` and the key name is
the origin, as C2SP recommends for a log's own key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from workbench.disclosure.keys import SigningKey
from workbench.errors import DisclosureError

ORIGIN_PREFIX = "workbench.project/"
ED25519 = 0x01
_DASH = "\u2014 "
_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")
MAX_SIGNATURES = 16


class NoteError(DisclosureError):
    """A note or checkpoint that is malformed, or whose signature does not verify."""


def origin_for(project_id: str) -> str:
    return ORIGIN_PREFIX + project_id


def key_hash(name: str, public_raw: bytes) -> bytes:
    """The 4-byte signed-note key ID of an Ed25519 key under ``name``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_raw).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


@dataclass(frozen=True)
class VerifierKey:
    """A note verifier: key name and Ed25519 public key."""

    name: str
    public_raw: bytes

    @property
    def key_id(self) -> bytes:
        return key_hash(self.name, self.public_raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def vkey(self) -> str:
        body = base64.b64encode(bytes([ED25519]) + self.public_raw).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{body}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a vkey string (``name+hash+base64``), checking that its hash matches."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
            raise NoteError(f"not a note verifier key: {text.strip()[:60]!r}")
        raw = b64_strict(parts[2], "the verifier key")
        try:
            wanted = bytes.fromhex(parts[1])
        except ValueError:
            raise NoteError("the verifier key's hash is not hex") from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("the verifier key is not an Ed25519 key")
        key = cls(parts[0], raw[1:])
        if key.key_id != wanted:
            raise NoteError("the verifier key's hash does not match its name and key")
        return key

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_raw).verify(signature, text)
        except (InvalidSignature, ValueError):
            return False
        return True


def verifier_for(key: SigningKey, name: str) -> VerifierKey:
    return VerifierKey(name, key.public_raw)


@dataclass(frozen=True)
class Checkpoint:
    """The text of a tlog checkpoint: which log, how many entries, which root."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise NoteError("a checkpoint is an origin, a tree size and a root hash, one a line")
        if any(not line for line in lines[3:-1]):
            raise NoteError("a checkpoint's extension lines may not be empty")
        if not _DECIMAL.match(lines[1]):
            raise NoteError(f"the checkpoint's tree size {lines[1][:20]!r} is not a number")
        root = b64_strict(lines[2], "the checkpoint's root hash")
        if len(root) != 32:
            raise NoteError("the checkpoint's root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root)


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{_DASH}{self.name} {blob}\n"


@dataclass(frozen=True)
class SignedNote:
    """A note's text (with its final newline) and its signatures."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def encode(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    @classmethod
    def parse(cls, message: str) -> SignedNote:
        """Split a signed note into text and signature lines (not yet verified)."""
        if any(ord(c) < 0x20 and c != "\n" for c in message):
            raise NoteError("a signed note may not hold control characters")
        if not message.endswith("\n"):
            raise NoteError("a signed note ends with a newline")
        split = message.rfind("\n\n", 0, len(message) - 1)
        if split < 0:
            raise NoteError("a signed note has no blank line before its signatures")
        text, sigs = message[: split + 1], message[split + 2 :]
        signatures = [_parse_signature(line) for line in sigs.split("\n")[:-1]]
        if not signatures or len(signatures) > MAX_SIGNATURES:
            raise NoteError(f"a signed note carries 1 to {MAX_SIGNATURES} signatures")
        return cls(text, tuple(signatures))

    def verified_by(self, keys: list[VerifierKey]) -> VerifierKey:
        """The known key whose signature verifies; NoteError when none does (or one fails)."""
        good: VerifierKey | None = None
        for sig in self.signatures:
            for key in keys:
                if key.name == sig.name and key.key_id == sig.key_id:
                    if not key.verify(self.text.encode("utf-8"), sig.signature):
                        raise NoteError(f"the note's signature by {sig.name} does not verify")
                    good = good or key
        if good is None:
            names = ", ".join(sorted({s.name for s in self.signatures}))
            raise NoteError(f"the note is not signed by a known key (it names {names})")
        return good


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64_strict(text: str, what: str) -> bytes:
    """Standard base64 in its one canonical spelling (no stray padding bits, no whitespace),
    so that no two texts of a signed or hashed value decode to the same bytes."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not base64") from None
    if b64(data) != text:
        raise NoteError(f"{what} is not canonical base64")
    return data


def _parse_signature(line: str) -> NoteSignature:
    if not line.startswith(_DASH):
        raise NoteError("a note signature line starts with an em dash and a space")
    name, _, blob = line[len(_DASH) :].partition(" ")
    if not _valid_name(name) or " " in blob:
        raise NoteError("a note signature line is '— <key name> <base64>'")
    raw = b64_strict(blob, "a note signature")
    if len(raw) < 5:
        raise NoteError("a note signature is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def sign_note(text: str, key: SigningKey, name: str) -> SignedNote:
    """Sign ``text`` (ending in a newline) with the Ed25519 ``key`` under ``name``."""
    if not text.endswith("\n") or not _valid_name(name):
        raise NoteError("a note's text ends in a newline and its key name has no spaces or '+'")
    signature = key.private.sign(text.encode("utf-8"))
    return SignedNote(text, (NoteSignature(name, key_hash(name, key.public_raw), signature),))


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> SignedNote:
    """The checkpoint as a note signed by ``key`` under the log's origin as key name."""
    return sign_note(checkpoint.text(), key, checkpoint.origin)


def open_checkpoint(message: str, keys: list[VerifierKey]) -> tuple[Checkpoint, VerifierKey]:
    """Verify a signed checkpoint note against known keys; its checkpoint and the signer."""
    note = SignedNote.parse(message)
    signer = note.verified_by(keys)
    return Checkpoint.parse(note.text), signer


__all__ = [
    "ORIGIN_PREFIX",
    "Checkpoint",
    "NoteError",
    "NoteSignature",
    "SignedNote",
    "VerifierKey",
    "key_hash",
    "open_checkpoint",
    "origin_for",
    "sign_checkpoint",
    "sign_note",
    "verifier_for",
]
