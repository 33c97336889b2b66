"""Canonical JSON (RFC 8785): the one byte form that every hash and signature covers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

from workbench.errors import DisclosureError


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value; refuses what JSON cannot carry exactly."""
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise DisclosureError(
            f"a log record holds a value JSON cannot carry exactly: {exc}"
        ) from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_json_object(data: bytes) -> dict[str, Any] | None:
    """The object held in ``data``, or None if it is not a JSON object."""
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None
