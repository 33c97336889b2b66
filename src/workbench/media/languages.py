"""ISO 639-2 language codes in the two spellings containers use.

ISO 639-2 has a bibliographic (B) and a terminology (T) code for twenty languages: German is
``ger`` and ``deu``. QuickTime stores a track's language as a Macintosh language code, and
FFmpeg's MOV muxer knows one spelling for each (German ``ger``, French ``fra``), so ``deu`` is
silently dropped from a .mov; MP4 and Matroska take either. Writers give MOV the spelling its
table knows; readers compare either as one.
"""

from __future__ import annotations

T_TO_B = {
    "sqi": "alb", "hye": "arm", "eus": "baq", "bod": "tib", "mya": "bur", "ces": "cze",
    "zho": "chi", "cym": "wel", "deu": "ger", "nld": "dut", "ell": "gre", "fas": "per",
    "fra": "fre", "kat": "geo", "isl": "ice", "mkd": "mac", "mri": "mao", "msa": "may",
    "ron": "rum", "slk": "slo",
}  # fmt: skip
B_TO_T = {b: t for t, b in T_TO_B.items()}

# FFmpeg's table of Macintosh language codes (libavformat/isom.c) spells some languages the B
# way and some the T way; a code spelled otherwise is dropped from a .mov.
_MOV_SPELLING = {
    "deu": "ger", "nld": "dut", "ell": "gre", "isl": "ice", "zho": "chi", "sqi": "alb",
    "rum": "ron", "cze": "ces", "slo": "slk", "mkd": "mac", "hye": "arm", "kat": "geo",
    "bod": "tib", "mya": "bur", "msa": "may", "cym": "wel", "eus": "baq", "fre": "fra",
}  # fmt: skip


def mov_spelling(code: str) -> str:
    """``code`` spelled as QuickTime's language table has it (German ``ger``, French ``fra``)."""
    return _MOV_SPELLING.get(code.lower(), code)


def canonical(code: str | None) -> str | None:
    """One spelling per language (the T code), None for none or undetermined."""
    if code in (None, "", "und"):
        return None
    return B_TO_T.get(code.lower(), code.lower())
