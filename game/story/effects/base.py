"""What every kind of effect declares, on the story floor.

An effect kind is two halves on two floors, as a rating model is. This half
is its model class (a frozen dataclass) and an ``EffectSpec``: the YAML keys
it owns under ``do:``, how the loader reads and checks them, its JSON Schema,
and the expressions and texts it holds (read by the type checker, lint, facts
and the playtest). How it applies in play, and what it writes to the ledger
and the event stream, lives beside the engine (``game.engine.effects``).

Nothing here imports YAML: the compiled cache builds effects without it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from game.story.expressions import Expr, Text

if TYPE_CHECKING:  # only annotations: a cached story is built without YAML
    from game.story.yamlread import Node, Reader

Schema = dict[str, Any]
Want = Literal["truth", "number", "value"]
"""What an expression of an effect must give: a truth value, a number, anything."""


@dataclass(frozen=True, slots=True)
class Use:
    """One expression an effect holds, what it must give, and what to call it in errors."""

    expr: Expr
    want: Want
    what: str
    var: str | None = None
    """The var it is assigned to (``set:``, want "value") or added to (``add:``, "number")."""


class Build(Protocol):
    """What an effect's ``parse`` may ask of the loader."""

    reader: Reader
    rating: Any
    """The story's ``m.Rating`` (None without ``rating:``)."""
    vars: Collection[str]
    people: Collection[str]

    def expr(self, node: Node, what: str) -> Expr | None: ...
    def text(self, node: Node, what: str) -> Text | None: ...
    def effects(self, node: Node) -> tuple[Any, ...]: ...
    def refuse_ratings(self, key: str) -> str | None:
        """The rating model's error for ``rate:``/``rated:``, None when it takes them."""


class EffectSpec:
    """An effect kind's declaration. Subclasses set ``keys`` and ``types`` and
    override what they hold."""

    keys: ClassVar[tuple[str, ...]] = ()
    """The keys under ``do:`` it reads (``- record: ...``), in the order the docs list them."""
    types: ClassVar[tuple[type, ...]] = ()
    """The model classes it builds."""

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Any | None:
        """Read one ``- KEY: VALUE`` of ``do:`` (errors go to ``build.reader``; None then)."""
        raise NotImplementedError

    def schema(self, key: str) -> Schema:
        """The JSON Schema of the value under ``key``."""
        raise NotImplementedError

    def uses(self, effect: Any) -> Iterator[Use]:
        """Every expression it holds (nested effects' excepted), with what it must give."""
        return iter(())

    def texts(self, effect: Any) -> Iterator[Text]:
        """Every text it holds (nested effects' excepted)."""
        return iter(())

    def nested(self, effect: Any) -> tuple[tuple[Any, ...], ...]:
        """The lists of effects it holds (a branch's two sides)."""
        return ()


# --- JSON Schema pieces (the schema command's definitions: expression, text, id) ---------


def ref(name: str) -> Schema:
    """A reference to one of the schema's definitions."""
    return {"$ref": f"#/definitions/{name}"}


def described(name: str, description: str) -> Schema:
    """A reference with a description (draft 7 ignores keywords beside ``$ref``)."""
    return {"allOf": [ref(name)], "description": description}


def closed(properties: dict[str, Schema], description: str,
           required: tuple[str, ...] = ()) -> Schema:
    """A mapping with only these keys: unknown keys are errors, as in the loader."""
    out: Schema = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    return out


def map_of(value: Schema, description: str, names: Schema | None = None) -> Schema:
    """A mapping from ids to values; empty (nothing after the colon) is allowed."""
    return {
        "type": ["object", "null"],
        "description": description,
        "propertyNames": names or ref("id"),
        "additionalProperties": value,
    }


def is_scalar(node: Node) -> bool:
    """Whether a YAML node is a plain value (not a mapping or a list)."""
    return type(node).__name__ == "ScalarNode"


def suggest(word: str, options: Collection[str]) -> str:
    """A "did you mean" suffix (the reader's, imported when an error is worded)."""
    from game.story.yamlread import suggest as close  # noqa: PLC0415 - only on an error

    return close(word, options)
