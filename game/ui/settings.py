"""The player's settings (theme, reduced motion), kept as JSON beside the saves."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from game.engine.saves import default_folder
from game.files import write_atomic

DEFAULT_THEME = "textual-dark"
HIGH_CONTRAST = "standing-high-contrast"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the player chose in the Settings screen."""

    theme: str = DEFAULT_THEME
    reduced_motion: bool = False
    """No HUD flashes, no animated scrolling (also on when TEXTUAL_ANIMATIONS=none)."""

    def with_theme(self, theme: str) -> Settings:
        """A copy with another theme."""
        return replace(self, theme=theme)


def settings_file() -> Path:
    """Where settings live: beside the saves folder ($STANDING_DATA_DIR honoured)."""
    return default_folder().parent / "settings.json"


def load_settings(path: Path | None) -> Settings:
    """The saved settings; defaults when the file is missing or unreadable."""
    if path is None:
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    theme = data.get("theme")
    motion = data.get("reduced_motion")
    return Settings(
        theme=theme if isinstance(theme, str) and theme else DEFAULT_THEME,
        reduced_motion=motion if isinstance(motion, bool) else False,
    )


def save_settings(path: Path | None, settings: Settings) -> str | None:
    """Write the settings atomically; the problem in one line, or None when saved."""
    if path is None:
        return None
    try:
        write_atomic(path, json.dumps(asdict(settings), indent=1))
    except OSError as exc:
        return f"cannot save settings to {path} ({exc.strerror or exc})"
    return None


def motion_reduced(settings: Settings) -> bool:
    """Reduced motion when the player asked for it or TEXTUAL_ANIMATIONS=none."""
    return settings.reduced_motion or os.environ.get("TEXTUAL_ANIMATIONS", "").lower() == "none"
