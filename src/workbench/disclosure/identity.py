"""Who signs the Content Credentials: a certificate chain and its private key.

C2PA refuses a self-signed signing certificate, so ``workbench identity init`` makes two: a local
*studio CA* (kept beside the key, handed to whoever should trust this studio's files) and a
signing certificate issued by it with the usages C2PA asks of a claim signer (digital signature,
e-mail protection and document signing EKUs, no "any" usage). An organisation with its own
certificate (from a C2PA-recognised CA, or its own PKI) imports it instead.

ES256 (ECDSA on P-256) is the default because every C2PA validator accepts it; imported keys may
also be P-384/P-521, RSA (PS256) or Ed25519. The keys never enter a project or a signed file;
only the certificate chain does.

Everything lives under ``user_config_dir()/identity/``::

    identity.json        which files, which algorithm, optional timestamp authority URL
    signing-chain.pem    the signing certificate, then its issuers (leaf first)
    signing-key.pem      the private key (mode 0600)
    studio-ca.pem        the local CA certificate: the trust anchor to hand out (init only)
    studio-ca-key.pem    the CA's private key (mode 0600; init only)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from workbench.config import user_config_dir
from workbench.errors import SigningKeyError
from workbench.fsutil import write_atomic

IDENTITY_SCHEMA = "workbench.identity/1"
META_FILE = "identity.json"
CHAIN_FILE = "signing-chain.pem"
KEY_FILE = "signing-key.pem"
CA_FILE = "studio-ca.pem"
CA_KEY_FILE = "studio-ca-key.pem"

# id-kp-documentSigning (RFC 9336), which C2PA lists beside e-mail protection.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ANY_EKU = ObjectIdentifier("2.5.29.37.0")
C2PA_EKUS = {
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    DOCUMENT_SIGNING,
    ObjectIdentifier("1.3.6.1.4.1.62558.2.1"),  # c2pa-kp-claimSigning
    ExtendedKeyUsageOID.TIME_STAMPING,
    ExtendedKeyUsageOID.OCSP_SIGNING,
}


class IdentityError(SigningKeyError):
    """No usable signing identity (missing, unreadable, or not acceptable to C2PA)."""


@dataclass(frozen=True)
class SigningIdentity:
    """A certificate chain (leaf first) and its private key, ready for a C2PA signer."""

    chain_pem: bytes
    key_pem: bytes = field(repr=False)
    algorithm: str
    ca_pem: bytes | None = None
    timestamp_url: str | None = None
    kind: str = "local"
    directory: Path | None = None

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificates(self.chain_pem)[0]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "issuer": self.issuer,
            "algorithm": self.algorithm,
            "sha256": self.fingerprint,
            "not_after": self.not_after.isoformat(),
            "timestamp_url": self.timestamp_url,
            "directory": str(self.directory) if self.directory else None,
            "trust_anchor": str(self.directory / CA_FILE)
            if self.directory and self.ca_pem
            else None,
        }


def identity_dir() -> Path:
    return user_config_dir() / "identity"


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    write_atomic(path, data, mode=mode)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )


def make_studio_chain(
    organisation: str, *, days: int = 3650, now: dt.datetime | None = None
) -> tuple[bytes, bytes, bytes, bytes]:
    """A fresh CA and a C2PA claim-signing certificate it issued: (ca, ca_key, leaf, leaf_key)."""
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{organisation} Studio CA", organisation)
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days + 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organisation} Content Credentials", organisation))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return ca.public_bytes(pem), _key_pem(ca_key), leaf.public_bytes(pem), _key_pem(leaf_key)


def _algorithm_for(key: Any) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        curves = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        try:
            return curves[key.curve.name]
        except KeyError:
            raise IdentityError(
                f"the key's curve {key.curve.name} is not one C2PA accepts",
                hint="use a P-256, P-384 or P-521 key, RSA (2048 bits or more) or Ed25519",
            ) from None
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise IdentityError(f"the RSA key has {key.key_size} bits; C2PA needs 2048 or more")
        return "ps256"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise IdentityError(
        f"a {type(key).__name__} cannot sign Content Credentials",
        hint="use an ECDSA (P-256/384/521), RSA or Ed25519 key",
    )


def check_chain(chain_pem: bytes, key_pem: bytes) -> str:
    """Refuse, with the reason, what C2PA validators would refuse; return the algorithm."""
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as exc:
        raise IdentityError(f"the certificate file holds no PEM certificate: {exc}") from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise IdentityError(
            f"cannot read the private key: {exc}",
            hint="give an unencrypted PEM (PKCS#8 or traditional) private key",
        ) from None
    leaf = chain[0]
    algorithm = _algorithm_for(key)
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.PEM, pub
    ) != leaf.public_key().public_bytes(serialization.Encoding.PEM, pub):
        raise IdentityError(
            "the private key does not belong to the first certificate in the file",
            hint="put the signing certificate first, then its issuing CAs",
        )
    if leaf.issuer == leaf.subject:
        raise IdentityError(
            "the signing certificate is self-signed, which C2PA rejects",
            hint="use a certificate issued by a CA (`workbench identity init` makes one)",
        )
    try:
        ekus = set(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        ekus = set()
    if ANY_EKU in ekus or not ekus & C2PA_EKUS:
        raise IdentityError(
            "the signing certificate lacks an extended key usage C2PA accepts",
            hint="it needs e-mail protection, document signing or C2PA claim signing "
            "(and not 'any extended key usage')",
        )
    now = dt.datetime.now(dt.UTC)
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise IdentityError(
            f"the signing certificate is not valid now (valid {leaf.not_valid_before_utc:%Y-%m-%d}"
            f" to {leaf.not_valid_after_utc:%Y-%m-%d})",
            hint="renew it, or run `workbench identity init --force` for a new local one",
        )
    return algorithm


def _save(
    directory: Path,
    *,
    chain_pem: bytes,
    key_pem: bytes,
    algorithm: str,
    kind: str,
    ca_pem: bytes | None,
    ca_key_pem: bytes | None,
    timestamp_url: str | None,
) -> SigningIdentity:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        _write_private(directory / KEY_FILE, key_pem)
        _write_private(directory / CHAIN_FILE, chain_pem, 0o644)
        for name in (CA_FILE, CA_KEY_FILE):
            (directory / name).unlink(missing_ok=True)
        if ca_pem is not None:
            _write_private(directory / CA_FILE, ca_pem, 0o644)
        if ca_key_pem is not None:
            _write_private(directory / CA_KEY_FILE, ca_key_pem)
        meta = {
            "schema": IDENTITY_SCHEMA,
            "kind": kind,
            "algorithm": algorithm,
            "timestamp_url": timestamp_url,
        }
        _write_private(directory / META_FILE, json.dumps(meta, indent=2).encode(), 0o644)
    except OSError as exc:
        raise IdentityError(f"cannot write the identity in {directory}: {exc.strerror}") from None
    return SigningIdentity(chain_pem, key_pem, algorithm, ca_pem, timestamp_url, kind, directory)


def init_identity(
    organisation: str,
    *,
    directory: Path | None = None,
    force: bool = False,
    days: int = 3650,
    timestamp_url: str | None = None,
) -> SigningIdentity:
    """Make a local studio CA and a signing certificate issued by it."""
    directory = directory or identity_dir()
    if (directory / CHAIN_FILE).exists() and not force:
        raise IdentityError(
            f"a signing identity already exists in {directory}",
            hint="files signed with it stay verifiable only while you keep its CA; "
            "pass --force to replace it anyway",
        )
    if not organisation.strip():
        raise IdentityError("the organisation name is empty", hint="pass --name 'Studio name'")
    ca, ca_key, leaf, leaf_key = make_studio_chain(organisation.strip(), days=days)
    return _save(
        directory,
        chain_pem=leaf,
        key_pem=leaf_key,
        algorithm="es256",
        kind="local",
        ca_pem=ca,
        ca_key_pem=ca_key,
        timestamp_url=timestamp_url,
    )


def import_identity(
    cert: Path,
    key: Path,
    *,
    directory: Path | None = None,
    force: bool = False,
    timestamp_url: str | None = None,
) -> SigningIdentity:
    """Use an organisation's own certificate chain (leaf first) and private key."""
    directory = directory or identity_dir()
    if (directory / CHAIN_FILE).exists() and not force:
        raise IdentityError(
            f"a signing identity already exists in {directory}",
            hint="pass --force to replace it (keep a copy of the old one's CA first)",
        )
    try:
        chain_pem, key_pem = cert.read_bytes(), key.read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read {exc.filename}: {exc.strerror}") from None
    algorithm = check_chain(chain_pem, key_pem)
    return _save(
        directory,
        chain_pem=chain_pem,
        key_pem=key_pem,
        algorithm=algorithm,
        kind="imported",
        ca_pem=None,
        ca_key_pem=None,
        timestamp_url=timestamp_url,
    )


def load_identity(directory: Path | None = None) -> SigningIdentity:
    """The identity in ``directory`` (default: the user's), checked for C2PA use."""
    directory = directory or identity_dir()
    if not (directory / CHAIN_FILE).exists():
        raise IdentityError(
            f"no signing identity in {directory}",
            hint="run `workbench identity init --name 'Studio name'` or "
            "`workbench identity import CERT.pem KEY.pem`",
        )
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        chain_pem = (directory / CHAIN_FILE).read_bytes()
        key_pem = (directory / KEY_FILE).read_bytes()
        ca_path = directory / CA_FILE
        ca_pem = ca_path.read_bytes() if ca_path.exists() else None
    except (OSError, ValueError) as exc:
        raise IdentityError(
            f"the signing identity in {directory} is damaged: {exc}",
            hint="restore it from a backup, or run `workbench identity init --force`",
        ) from None
    algorithm = check_chain(chain_pem, key_pem)
    timestamp = meta.get("timestamp_url") if isinstance(meta, dict) else None
    kind = meta.get("kind", "local") if isinstance(meta, dict) else "local"
    return SigningIdentity(
        chain_pem,
        key_pem,
        algorithm,
        ca_pem,
        timestamp if isinstance(timestamp, str) and timestamp else None,
        str(kind),
        directory,
    )


def load_or_init_identity(organisation: str = "Workbench") -> SigningIdentity:
    """The user's identity, made on first use (as the log's Ed25519 key is)."""
    directory = identity_dir()
    if (directory / CHAIN_FILE).exists():
        return load_identity(directory)
    return init_identity(organisation, directory=directory)


def certificate_sha256(pem: bytes) -> str:
    """SHA-256 of the first certificate's DER bytes (how a reader names a signer)."""
    cert = x509.load_pem_x509_certificates(pem)[0]
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
