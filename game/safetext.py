"""The one boundary between untrusted text and a terminal: :func:`clean`.

Story files, class records, saves and file names are written by strangers.
Their text reaches terminals (the player, the picker, every student's browser
under ``class serve``, the teacher's console) and a terminal obeys what it is
sent: ``ESC [2J`` clears the screen, ``ESC ]52`` writes the clipboard,
``ESC ]8`` makes a link, ``ESC ]0`` sets the window title, a C1 control
(U+0080-U+009F) is an escape on many terminals, and bidirectional overrides
and isolates (U+202A-U+202E, U+2066-U+2069) make text read differently from
what it is ("Trojan Source").

:func:`clean` removes all of them. Newline and tab stay; every other control
character goes, and so does a whole escape sequence (its parameters too, so
``ESC[2J`` leaves nothing behind rather than ``[2J``). Lone surrogates go as
well: they cannot be encoded, and printing one would crash the program.

Kept on purpose: the left-to-right and right-to-left marks (U+200E, U+200F)
and the Arabic letter mark (U+061C). Writers of Arabic, Hebrew or Persian
need them, and they only set the direction of the neutral characters next to
them: unlike overrides and isolates, they cannot reorder a span of text.
Zero-width joiners stay too (emoji and many scripts need them).

Importable from every layer (like ``game.errors``): it imports nothing of ours.
"""

from __future__ import annotations

import re

__all__ = ["clean", "is_clean", "one_line"]

_UNSAFE = re.compile(
    # CSI (colours, cursor moves, clears), brought by ESC [ or by the C1 control
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
    # OSC, DCS, SOS, PM, APC strings (titles, clipboard, links), by ESC or by C1
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"                  # any other escape sequence
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"     # C0 (but tab, newline), DEL, C1
    r"|[\u202a-\u202e\u2066-\u2069]"      # bidi embeddings, overrides, isolates
    r"|[\ud800-\udfff]"                   # lone surrogates (unprintable)
)

_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The first character of anything ``_UNSAFE`` removes: one class, a fast scan."""


def clean(text: str) -> str:
    """``text`` without escape sequences, control characters (newline and tab stay),
    bidirectional overrides or isolates: safe to write to any terminal."""
    if _ANY.search(text) is None:  # the usual case: no copy
        return text
    return _UNSAFE.sub("", text)


def is_clean(text: str) -> bool:
    """Whether :func:`clean` would leave ``text`` as it is."""
    return _ANY.search(text) is None


def one_line(text: str) -> str:
    """``text`` cleaned and on one line (newlines and tabs become spaces): for a
    message that quotes untrusted text and must not forge a second line."""
    return clean(text).replace("\n", " ").replace("\t", " ")
