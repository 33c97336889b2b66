"""The operator's Ed25519 signing key, kept in the user's config directory.

The private key never enters a project: the project stores only public keys and their ids, so a
project file can be handed to anyone without handing over the means to forge its checkpoints.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workbench.config import user_config_dir
from workbench.errors import SigningKeyError

KEY_FILE = "ed25519-signing-key.pem"


def key_id_for(public_raw: bytes) -> str:
    """Short, stable id of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def fingerprint(key_id: str) -> str:
    """A key id as people read it aloud and compare it: ``1a2b 3c4d 5e6f 7a8b``."""
    return " ".join(key_id[i : i + 4] for i in range(0, len(key_id), 4))


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_raw)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """A deterministic key (tests and golden files only)."""
        return cls(Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest()))


def verify_signature(public_b64: str, signature_b64: str, message: bytes) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_id(public_b64: str) -> str | None:
    try:
        return key_id_for(base64.b64decode(public_b64, validate=True))
    except ValueError:
        return None


def default_key_path() -> Path:
    return user_config_dir() / "keys" / KEY_FILE


def load_or_create_signing_key(path: Path | None = None) -> SigningKey:
    """The user's key, created (mode 0600) on first use."""
    path = path or default_key_path()
    if path.exists():
        try:
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise SigningKeyError(
                f"cannot read the signing key at {path}: {exc}",
                hint="restore the key from a backup, or move the file away to create a new key "
                "(projects signed with the old key still verify)",
            ) from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise SigningKeyError(f"the signing key at {path} is not an Ed25519 key")
        return SigningKey(loaded)
    key = SigningKey.generate()
    pem = key.private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise SigningKeyError(f"cannot create the signing key at {path}: {exc.strerror}") from None
    return key


RETIRED_DIR = "retired"


def retired_key_path(key_id: str, folder: Path | None = None) -> Path:
    return (folder or default_key_path().parent) / RETIRED_DIR / f"{key_id}.pem"


def retired_key(key_id: str, folder: Path | None = None) -> SigningKey | None:
    """A key this machine used before :func:`rotate_signing_key`, if it still holds it."""
    path = retired_key_path(key_id, folder)
    if not path.is_file():
        return None
    key = load_or_create_signing_key(path)
    return key if key.key_id == key_id else None


def local_key_id(path: Path | None = None) -> str | None:
    """The id of this machine's signing key, without creating one; None when there is none."""
    path = path or default_key_path()
    if not path.is_file():
        return None
    try:
        return load_or_create_signing_key(path).key_id
    except SigningKeyError:
        return None


def rotate_signing_key(path: Path | None = None) -> tuple[SigningKey, SigningKey]:
    """Retire this machine's key (kept under ``retired/``) and make a new one: (old, new).

    The old key is kept, not deleted: it is what signs the key-rotation entry that hands each
    project over to the new key, now or when the project is next changed on this machine.
    """
    path = path or default_key_path()
    old = load_or_create_signing_key(path)
    retired = retired_key_path(old.key_id, path.parent)
    try:
        retired.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, retired)
    except OSError as exc:
        raise SigningKeyError(f"cannot retire the signing key at {path}: {exc.strerror}") from None
    return old, load_or_create_signing_key(path)


def public_key_from_text(text: str) -> str | None:
    """An Ed25519 public key written as 64 hex digits, base64, or PEM; its base64, or None."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return public_key_from_bytes(text.encode("ascii", "replace"))
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return base64.b64encode(raw).decode("ascii") if len(raw) == 32 else None


def public_key_from_bytes(data: bytes) -> str | None:
    """A key file: a PEM (or DER) public key, a PEM private key's public half, or 32 raw bytes."""
    if len(data) == 32:
        return base64.b64encode(data).decode("ascii")
    public: object = None
    for load in (serialization.load_pem_public_key, serialization.load_der_public_key):
        try:
            public = load(data)
            break
        except (ValueError, TypeError):
            continue
    if public is None:
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            return None
        public = private.public_key()
    if not isinstance(public, Ed25519PublicKey):
        return None
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")
