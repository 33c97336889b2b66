"""Text from a project (clip names, operators, model cards) shown, never obeyed.

One table of the characters a terminal, a PDF renderer or a browser would act on rather than
show: C0 and C1 controls (tab and newline kept), DEL, the line and paragraph separators, and the
bidirectional embeddings, overrides and isolates that reorder what a reader sees. Each becomes
its escape (``\\x1b``, ``\\u202e``).
"""

from __future__ import annotations

_BIDI_AND_SEPARATORS = (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

CONTROL_ESCAPES: dict[int, str] = {
    **{
        c: f"\\x{c:02x}"
        for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
        if c not in (0x09, 0x0A)
    },
    **{c: f"\\u{c:04x}" for c in _BIDI_AND_SEPARATORS},
}


def shown(text: str, *, keep: str = "") -> str:
    """``text`` with every character of :data:`CONTROL_ESCAPES` escaped, except those in
    ``keep`` (the terminal keeps its progress bar's carriage return)."""
    table = CONTROL_ESCAPES
    if keep:
        table = {c: e for c, e in CONTROL_ESCAPES.items() if chr(c) not in keep}
    return text.translate(table)
