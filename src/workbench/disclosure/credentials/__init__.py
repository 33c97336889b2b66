"""Content Credentials (C2PA) on rendered media: sign what a render wrote, read it back.

A render calls :func:`sign_output` (with a :class:`SignRequest`) on its finished output before
registering it; :func:`sign_media` signs any file. The manifest's ``c2pa.actions.v2`` opens the
source clip as an ingredient (``c2pa.opened``) and lists every AI edit the render materialised,
one action each, with its IPTC digital source type, the software agent (Workbench, tool and model
with its SHA-256) and the parameters (frames, region, strength). A custom assertion,
``org.workbench.disclosure``, carries the project id, the log checkpoint (tree size, head hash,
Ed25519 signature and public key, with the exact signed bytes) and each model's training-data
disclosure, so a file alone says which log vouches for it.

MOV, MP4, JPEG, PNG and TIFF carry the manifest inside the file (written to a temp file beside
it, then renamed over it). EXR and DPX cannot, so they get a ``.c2pa`` sidecar: ``shot.exr`` ->
``shot.c2pa``; a numbered sequence gets one sidecar bound to its frames' bytes in order, with
each frame's SHA-256 listed so a reader can say which frame changed. Embeddable stills in a
sequence are each signed in place.

Everything here is offline: no timestamp authority unless the identity names one, no remote
manifests, no trust list fetched. ``c2pa`` is imported inside the functions that use it.

The modules: ``manifest`` builds the manifest from log entries and model cards, ``sign`` writes
it into or beside the file (and holds the render's hook), ``read`` reads and validates it back,
``match`` compares what a file claims with a project's log; ``common`` holds what they share.
"""

from __future__ import annotations

from workbench.disclosure.credentials.common import (
    ACTIONS_LABEL,
    DISCLOSURE_LABEL,
    DISCLOSURE_SCHEMA,
    EMBED_FORMATS,
    INVALID,
    IPTC,
    SIDECAR_FORMATS,
    SOURCE_INGREDIENT,
    TRUSTED,
    VALID,
    CredentialsError,
    NoCredentialsError,
    sidecar_path,
)
from workbench.disclosure.credentials.manifest import (
    build_manifest,
    checkpoint_for,
    checkpoint_record,
    default_action,
    edit_action,
    edit_nature,
    model_disclosure,
)
from workbench.disclosure.credentials.match import match_log
from workbench.disclosure.credentials.read import (
    CredentialAction,
    CredentialsReport,
    read_credentials,
)
from workbench.disclosure.credentials.sign import (
    SignRequest,
    SignResult,
    sign_media,
    sign_output,
)

__all__ = [
    "ACTIONS_LABEL",
    "DISCLOSURE_LABEL",
    "DISCLOSURE_SCHEMA",
    "EMBED_FORMATS",
    "INVALID",
    "IPTC",
    "SIDECAR_FORMATS",
    "SOURCE_INGREDIENT",
    "TRUSTED",
    "VALID",
    "CredentialAction",
    "CredentialsError",
    "CredentialsReport",
    "NoCredentialsError",
    "SignRequest",
    "SignResult",
    "build_manifest",
    "checkpoint_for",
    "checkpoint_record",
    "default_action",
    "edit_action",
    "edit_nature",
    "match_log",
    "model_disclosure",
    "read_credentials",
    "sidecar_path",
    "sign_media",
    "sign_output",
]
