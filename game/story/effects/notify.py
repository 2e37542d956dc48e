"""``notify:``: a phone notification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.errors import Location
from game.story.effects.base import Build, EffectSpec, Schema, described
from game.story.expressions import Text

if TYPE_CHECKING:
    from game.story.yamlread import Node


@dataclass(frozen=True, slots=True)
class Notify:
    """``notify:`` a phone notification."""

    text: Text
    location: Location


class NotifySpec(EffectSpec):
    """``notify: TEXT``."""

    keys = ("notify",)
    types = (Notify,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Notify | None:
        text = build.text(vnode, key)
        return Notify(text, build.reader.at(knode)) if text else None

    def schema(self, key: str) -> Schema:
        return described("text", "A phone notification.")

    def texts(self, effect: Notify) -> Iterator[Text]:
        yield effect.text


SPEC = NotifySpec()
