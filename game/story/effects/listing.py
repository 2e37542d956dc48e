"""``list:`` and ``unlist:``: put the player on a blacklist, or take them off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.errors import Location
from game.story.effects.base import (
    Build,
    EffectSpec,
    Schema,
    closed,
    described,
    is_scalar,
    ref,
    suggest,
)
from game.story.expressions import Text

if TYPE_CHECKING:
    from game.story.yamlread import Node

LIST_KEYS = ("list", "source", "note", "mistake")
"""The keys of ``list:``/``unlist:`` written as a mapping."""


@dataclass(frozen=True, slots=True)
class ListChange:
    """``list:`` / ``unlist:`` put on or take off a blacklist."""

    list: str
    on: bool
    location: Location
    source: str | None = None
    """Which linked database put the player on (or took them off) the list, if the story says."""
    note: Text | None = None
    mistake: bool = False
    """The story says this listing is the system's mistake (shown as such in the class report)."""


class ListSpec(EffectSpec):
    """``list: LIST`` or ``list: {list: LIST, source: SOURCE, note: TEXT, mistake: BOOL}``."""

    keys = ("list", "unlist")
    types = (ListChange,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> ListChange | None:
        r = build.reader
        rating = build.rating
        source, note, mistake, list_node = None, None, False, vnode
        if is_scalar(vnode):
            lid = r.text(vnode, key)
        else:
            sub = r.mapping(vnode, key, LIST_KEYS, required=("list",))
            if not sub or "list" not in sub:
                return None
            list_node = sub["list"][1]
            lid = r.text(list_node, "list")
            if "source" in sub:
                source = r.text(sub["source"][1], "source")
                sources = rating.sources if rating else {}
                if source is not None and source not in sources:
                    r.error(f"unknown source '{source}'{suggest(source, sources)}",
                            sub["source"][1])
                    source = None
            note = build.text(sub["note"][1], "note") if "note" in sub else None
            mistake = bool(r.boolean(sub["mistake"][1], "mistake")) if "mistake" in sub \
                else False
        known = rating.lists if rating else {}
        if lid is not None and lid not in known:
            r.error(f"unknown list '{lid}'{suggest(lid, known)}", list_node)
            return None
        on = key == self.keys[0]
        return ListChange(lid, on, r.at(knode), source, note, mistake) if lid else None

    def schema(self, key: str) -> Schema:
        return {
            "description": ("Put the player on a list." if key == self.keys[0]
                            else "Take the player off a list."),
            "anyOf": [
                ref("id"),
                closed({
                    "list": ref("id"),
                    "source": described("id", "Which source reports it."),
                    "note": ref("text"),
                    "mistake": {"type": "boolean",
                                "description": "The system's mistake: the class report shows it as one."},
                }, "A list change with its source and a note for the ledger.", ("list",)),
            ],
        }

    def texts(self, effect: ListChange) -> Iterator[Text]:
        if effect.note is not None:
            yield effect.note


SPEC = ListSpec()
