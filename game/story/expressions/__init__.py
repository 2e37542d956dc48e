"""The story format's expression language: parsed once, evaluated many times.

Story text is untrusted, so nothing here calls ``eval``, ``exec`` or
``compile``. The package, in the order a source goes through it:

- ``language``: the values and limits; the ``Scope`` a story declares and the
  ``Context`` (the engine's state) evaluation reads;
- ``functions``: the functions an expression may call, each value function
  declared once (its arguments and its operation);
- ``parser``: a source -> a checked tree of frozen nodes, or one
  :class:`~game.errors.StoryError` at the offending character;
- ``nodes``: the tree's classes, visited by everything below and by the
  authoring tools, with one JSON codec (``to_json``/``from_json``) for the cache;
- ``closures`` (with ``runtime``, the operations' slow paths): a tree -> nested
  closures, specialised for the common shapes;
- ``analysis``: what a tree reads, whether it draws, whether it is safe;
- ``phrasing``: why a locked choice is locked, in the player's words;
- ``expr`` and ``compiler``: the public ``Expr`` and ``Text``, and
  ``compile_expr``/``compile_text``.

Evaluation-time failures raise :class:`~game.errors.StoryRuntimeError` and
nothing else. Everything the rest of the game imports is re-exported here.
"""

from __future__ import annotations

from game.story.expressions.compiler import Memo, compile_expr, compile_text
from game.story.expressions.expr import Expr, Text
from game.story.expressions.functions import (
    BUILTIN_NAMES, COUNTING_FUNCTIONS, FUNCTIONS, ID_FUNCTIONS, VALUE_FUNCTIONS)
from game.story.expressions.language import (
    MAX_DEPTH, MAX_NUMBER, MAX_RENDERED, MAX_SOURCE, MAX_TEXT, VAR_FORMATS, Context, Locate,
    Scope, format_value, format_var)
from game.story.expressions.nodes import Node, Value
from game.story.expressions.phrasing import shown_against

__all__ = [
    "BUILTIN_NAMES",
    "COUNTING_FUNCTIONS",
    "Context",
    "Expr",
    "FUNCTIONS",
    "ID_FUNCTIONS",
    "Locate",
    "MAX_DEPTH",
    "MAX_NUMBER",
    "MAX_RENDERED",
    "MAX_SOURCE",
    "MAX_TEXT",
    "Memo",
    "Node",
    "Scope",
    "Text",
    "VALUE_FUNCTIONS",
    "VAR_FORMATS",
    "Value",
    "compile_expr",
    "compile_text",
    "format_value",
    "format_var",
    "shown_against",
]
