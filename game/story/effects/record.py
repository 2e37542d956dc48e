"""``record:``: the system registers a behaviour under a rule."""

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
    is_scalar,
    ref,
    suggest,
)
from game.story.expressions import Text

if TYPE_CHECKING:
    from game.story.yamlread import Node

RECORD_KEYS = ("rule", "note", "mistake")
"""The keys of ``record:`` written as a mapping."""


@dataclass(frozen=True, slots=True)
class Record:
    """``record:`` the system registers a behaviour under a rule."""

    rule: str
    note: Text | None
    location: Location
    mistake: bool = False
    """The story says this record is the system's mistake (shown as such in the class report)."""


class RecordSpec(EffectSpec):
    """``record: RULE`` or ``record: {rule: RULE, note: TEXT, mistake: BOOL}``."""

    keys = ("record",)
    types = (Record,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Record | None:
        r = build.reader
        mistake = False
        if is_scalar(vnode):
            rule, note = r.text(vnode, "record"), None
            rule_node = vnode
        else:
            sub = r.mapping(vnode, "record", RECORD_KEYS, required=("rule",))
            if not sub or "rule" not in sub:
                return None
            rule_node = sub["rule"][1]
            rule = r.text(rule_node, "rule")
            note = build.text(sub["note"][1], "note") if "note" in sub else None
            mistake = bool(r.boolean(sub["mistake"][1], "mistake")) if "mistake" in sub \
                else False
        rating = build.rating
        known = rating.rules if rating else {}
        if rule is not None and rule not in known:
            hint = "" if rating else " (the story has no rating:)"
            r.error(f"unknown rule '{rule}'{suggest(rule, known)}{hint}", rule_node)
            return None
        return Record(rule, note, r.at(knode), mistake) if rule else None

    def schema(self, key: str) -> Schema:
        return {
            "description": "The system registers a behaviour: apply the rule, write the ledger.",
            "anyOf": [
                ref("id"),
                closed({
                    "rule": ref("id"),
                    "note": ref("text"),
                    "mistake": {"type": "boolean",
                                "description": "The system's mistake: the class report shows it as one."},
                }, "A rule with a note for the ledger.", ("rule",)),
            ],
        }

    def texts(self, effect: Record) -> Iterator[Text]:
        if effect.note is not None:
            yield effect.note


SPEC = RecordSpec()
