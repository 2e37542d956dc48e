"""Our own high-contrast theme, and which themes are safe to offer.

Under ``NO_COLOR`` Textual draws its ``ansi-*`` themes with black text, so
those are never offered nor applied then.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.theme import Theme

from game.ui.settings import DEFAULT_THEME, HIGH_CONTRAST

HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF5F5F",
    success="#00FF87",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    dark=True,
    luminosity_spread=0.1,
    text_alpha=1.0,
    variables={
        "text-muted": "#E0E0E0",
        "text-disabled": "#B0B0B0",
        "foreground-muted": "#E0E0E0",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#606000",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "border": "#FFFFFF",
        "border-blurred": "#B0B0B0",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
    },
)
"""White on black, yellow cursor: readable on projectors and by low-vision players."""


def usable(name: str, no_color: bool) -> bool:
    """Whether a theme may be offered and applied (no ``ansi-*`` under NO_COLOR)."""
    return not (no_color and name.startswith("ansi-"))


def choose_theme(wanted: str, available: Iterable[str], no_color: bool) -> str:
    """The theme to apply: the wanted one if it exists and is usable, else ours."""
    names = set(available)
    if wanted in names and usable(wanted, no_color):
        return wanted
    return DEFAULT_THEME
