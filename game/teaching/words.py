"""How long a story is to read, for the lesson plan: the engine's count
(``game.engine.paths``), the same one ``test --words`` reports, with the choices
and polls on screen included (a class reads those too)."""

from __future__ import annotations

from game.engine.paths import PathLength, path_length, play_words

__all__ = ["PathLength", "path_length", "play_words"]
