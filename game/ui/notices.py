"""What the player is told, for the terminal player: the engine's notices, rendered.

The rules live in ``game.engine.notices``; this module only re-exports them
for the screens and widgets (HUD flash, toasts, the transcript's log lines).
"""

from __future__ import annotations

from game.engine.notices import Notice, NoticeKind, Severity, notices, told

__all__ = ["Notice", "NoticeKind", "Severity", "notices", "told"]
