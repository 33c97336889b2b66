"""The performers' rows as frozen records: cast members, shot tags, likeness consents.

Each says what its log entry's record is (``record``), so the writer and the check
(``project.cast_check``) compare the same things.
"""

from __future__ import annotations

import json
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Any

from workbench.disclosure.entries import CastMemberRecord, CastRef, LikenessConsentRecord
from workbench.errors import DisclosureError
from workbench.project.records import DamagedRow

CAST_COLUMNS = "id, name, role, added, log_entry"
SHOT_CAST_COLUMNS = "shot_id, cast_id, source, added, log_entry"
LIKENESS_COLUMNS = (
    "id, cast_id, kinds, production, signed, expires, document_ref, document_sha256, "
    "recorded, log_entry"
)


@dataclass(frozen=True)
class CastMember:
    id: int
    name: str
    role: str
    added: str
    log_entry: str

    @property
    def ref(self) -> CastRef:
        return CastRef(self.id, self.name)

    @property
    def record(self) -> CastMemberRecord:
        return CastMemberRecord(self.id, self.name, self.role)

    @classmethod
    def from_row(cls, r: Seq[Any]) -> CastMember:
        return cls(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))


@dataclass(frozen=True)
class ShotCast:
    """One performer appearing in one shot, and where the tag came from."""

    shot_id: int
    cast_id: int
    source: str
    added: str
    log_entry: str

    @classmethod
    def from_row(cls, r: Seq[Any]) -> ShotCast:
        return cls(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]))


@dataclass(frozen=True)
class LikenessConsent:
    """A performer's consent to AI alteration of their likeness (see
    :class:`~workbench.disclosure.entries.LikenessConsentRecord`)."""

    id: int
    cast_id: int
    person: str
    kinds: tuple[str, ...]
    production: str
    signed: str
    expires: str | None
    document_ref: str
    document_sha256: str
    recorded: str
    log_entry: str

    @property
    def record(self) -> LikenessConsentRecord:
        return LikenessConsentRecord(
            self.id,
            CastRef(self.cast_id, self.person),
            self.kinds,
            self.production,
            self.signed,
            self.expires,
            self.document_ref,
            self.document_sha256,
        )

    @classmethod
    def from_row(cls, r: Seq[Any], person: str) -> LikenessConsent:
        try:
            kinds = json.loads(r[2])
            if not isinstance(kinds, list):
                raise ValueError("not a list")
            consent = cls(
                int(r[0]),
                int(r[1]),
                person,
                tuple(str(k) for k in kinds),
                str(r[3]),
                str(r[4]),
                None if r[5] is None else str(r[5]),
                str(r[6]),
                str(r[7]),
                str(r[8]),
                str(r[9]),
            )
            consent.record  # noqa: B018 - the kinds must be kinds of alteration
        except (TypeError, ValueError, DisclosureError) as exc:
            raise DamagedRow(f"likeness consent {r[0]} cannot be read ({exc})") from None
        return consent


def kinds_json(kinds: Seq[str]) -> str:
    return json.dumps(list(kinds))


__all__ = [
    "CAST_COLUMNS",
    "LIKENESS_COLUMNS",
    "SHOT_CAST_COLUMNS",
    "CastMember",
    "LikenessConsent",
    "ShotCast",
    "kinds_json",
]
