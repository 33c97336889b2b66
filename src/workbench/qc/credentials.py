"""What a delivered file says it changed on purpose, read from its own Content Credentials.

A Workbench render signs, inside the file's C2PA manifest, the expectations its QC used (an
upscale ×2, a ProRes master of an H.264 source). ``workbench qc OUT --against SRC`` without
``--expect`` reads them back with c2pa's own Reader, so a file can be judged on its signed
claims alone, with no project at hand. A manifest that does not validate is not believed.
"""

from __future__ import annotations

import json
import os
from typing import Any

from workbench.qc.expectations import Expectations

DISCLOSURE_LABEL = "org.workbench.disclosure"


def expectations_from_credentials(path: str | os.PathLike[str]) -> tuple[Expectations, str] | None:
    """(the expectations, who signed them), or None when the file carries none we can trust."""
    try:
        import c2pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    try:
        reader = c2pa.Reader(os.fspath(path))
        store: dict[str, Any] = json.loads(reader.json())
    except Exception:  # no manifest, or one c2pa cannot read: nothing to believe
        return None
    if str(store.get("validation_state", "")).lower() == "invalid":
        return None
    manifest = (store.get("manifests") or {}).get(store.get("active_manifest") or "", {})
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label") != DISCLOSURE_LABEL:
            continue
        delivery = (assertion.get("data") or {}).get("delivery") or {}
        data = delivery.get("expectations")
        if isinstance(data, dict):
            try:
                expect = Expectations.from_dict(_int_lists(data))
            except (KeyError, TypeError, ValueError):
                return None
            signer = (manifest.get("signature_info") or {}).get("issuer") or "an unknown signer"
            return expect, str(signer)
    return None


def _int_lists(data: dict[str, Any]) -> dict[str, Any]:
    """The expectations with their lists of numbers as lists again: c2pa stores a JSON list of
    small integers (``[2, 42]``, ``[1]``) as CBOR bytes, which it reads back as base64 text."""
    import base64
    import binascii
    import contextlib
    import dataclasses

    numbers = {f.name for f in dataclasses.fields(Expectations) if "tuple[int" in str(f.type)}
    out = dict(data)
    for key in numbers & set(out):
        value = out[key]
        if isinstance(value, str):
            with contextlib.suppress(binascii.Error, ValueError):
                out[key] = list(base64.b64decode(value, validate=True))
    return out
