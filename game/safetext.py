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

:func:`one_line` is ``clean`` for a single line (a log line of either class server,
an error quoting a file name, a header): line breaks and tabs become spaces, it can be
shortened, and for an output that is not UTF-8 what it cannot encode becomes "?".

Importable from every layer (like ``game.errors``): it imports nothing of ours.
"""

from __future__ import annotations

import re

__all__ = ["ELLIPSIS", "clean", "is_clean", "one_line"]

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


_SPACES = re.compile(r"[ \t\n\u2028\u2029]+")
"""Spaces, tabs and line breaks (the only ones ``clean`` keeps, and the Unicode line and
paragraph separators): one run of them becomes one space on one line."""
ELLIPSIS = "…"


def one_line(text: object, limit: int | None = None, *, encoding: str | None = None) -> str:
    """``text`` cleaned and on one line: for a log line, a header or a message that quotes
    untrusted text (a codename, a story title, a browser's words) and must not forge a
    second line nor send an escape code.

    Runs of spaces, tabs and line breaks become one space, and the ends are trimmed.
    Letters of every script stay. Args:
        text: Anything; it is ``str()``-ed first (an exception, a header value).
        limit: At most this many characters, the last an ellipsis when cut (None: any).
        encoding: What the line will be written as (a terminal's, or ``"latin-1"`` for an
            HTTP header): a character it cannot encode becomes "?", so writing the line
            never fails (None: any, as for UTF-8).
    """
    flat = _SPACES.sub(" ", clean(str(text))).strip(" ")
    mark = ELLIPSIS
    if encoding is not None:
        try:
            flat = flat.encode(encoding, "replace").decode(encoding)
            mark = mark.encode(encoding, "replace").decode(encoding)
        except LookupError:  # an encoding Python does not know: be as strict as ASCII
            flat = flat.encode("ascii", "replace").decode("ascii")
            mark = "?"
        if mark != ELLIPSIS:
            mark = "..."
    if limit is not None and len(flat) > limit:
        flat = (flat[:max(0, limit - len(mark))].rstrip(" ") + mark)[:max(0, limit)]
    return flat
