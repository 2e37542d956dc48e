"""Why a locked choice is locked: a false conjunct put in the player's words.

Each phrase is a closure built once from the conjunct's node, so asking again on
every view reads the state only. A conjunct that cannot be put in words (never
expression syntax) gives None, and the lock's own words stand alone.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

from game.story.expressions.language import Context, format_value, format_var
from game.story.expressions.nodes import (
    Compare, Const, Day, IdCall, Node, Not, Score, TierLiteral, TierRank, Value, Var)
from game.story.expressions.runtime import NUM

Phrase = Callable[[Context], "str | None"]
"""Words for a false conjunct in a state, or None."""

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


_BOUNDS = {
    ">=": "{} or more", ">": "more than {}", "<=": "{} or less", "<": "less than {}",
    "==": "exactly {}", "!=": "other than {}",
}
_DAY_BOUNDS = {
    ">=": "day {} or later", ">": "a day after day {}", "<=": "day {} or earlier",
    "<": "a day before day {}", "==": "day {}", "!=": "a day other than day {}",
}
_TIER_BOUNDS = {
    ">=": "tier {} or higher", ">": "a tier above {}", "<=": "tier {} or lower",
    "<": "a tier below {}", "==": "tier {}", "!=": "a tier other than {}",
}
_TESTS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
          "==": operator.eq, "!=": operator.ne}


def shown_against(value: Value, op: str, bound: float) -> str:
    """``value`` as a player reads it beside a comparison it fails: never a number that
    would pass. Scores are kept at their shown precision (``Rating.decimals``), so this
    only matters for vars: 99.999 against ``>= 100`` reads 99.99, not 100."""
    text = format_value(value)
    if type(value) in NUM and op in _TESTS:
        try:
            passes = _TESTS[op](float(text), bound)
        except ValueError:
            return text
        if passes:  # round toward the side the value is on, at the shown precision
            down = op in (">=", ">")
            cents = math.floor(value * 100) if down else math.ceil(value * 100)
            text = format_value(cents / 100)
            if _TESTS[op](float(text), bound):  # float noise at the edge: step once more
                text = format_value((cents - 1 if down else cents + 1) / 100)
    return text



def no_phrase(ctx: Context) -> None:
    """The phrase of a conjunct that cannot be put in words."""
    return None


def phrase_for(tree: Node) -> Phrase:
    """Words for one conjunct when it is false (a closure: the tree is read once), or
    a closure giving None to fall back to its source."""
    kind = type(tree)
    if kind is Not and type(tree.operand) is IdCall and tree.operand.function == "listed":  # type: ignore[attr-defined]
        on = tree.operand.ident  # type: ignore[attr-defined]

        def on_list(ctx: Context) -> str | None:
            # A silent list (``announce: false``) stays secret here too: the player
            # finds out when a service refuses them in the story's own words.
            if on in (getattr(ctx, "secret_lists", None) or ()):
                return None
            return f"you are on the list: {ctx.list_label(on)}"

        return on_list
    if kind is IdCall and tree.function == "listed":  # type: ignore[attr-defined]
        off = tree.ident  # type: ignore[attr-defined]
        return lambda ctx: f"you are not on the list: {ctx.list_label(off)}"
    if kind is IdCall and tree.function == "can":  # type: ignore[attr-defined]
        service = tree.ident  # type: ignore[attr-defined]
        return lambda ctx: f"needs access to {ctx.service_label(service)}"
    if kind is not Compare or len(tree.ops) != 1:  # type: ignore[attr-defined]
        return no_phrase
    subject, bound = tree.operands  # type: ignore[attr-defined]
    op = tree.ops[0]  # type: ignore[attr-defined]
    if op not in _FLIPPED:
        return no_phrase
    if type(subject) in (Const, TierLiteral):
        subject, bound, op = bound, subject, _FLIPPED[op]
    if type(subject) is TierRank and type(bound) is TierLiteral:
        tier_id, tier_bound = bound.tier_id, _TIER_BOUNDS[op]

        def tier(ctx: Context) -> str:
            # Labels only: a tier's id is the author's word, not the player's.
            want = tier_bound.format(ctx.tier_label_of(tier_id))
            return f"needs {want}, your tier is {ctx.tier_label}"

        return tier
    if type(bound) is not Const or type(bound.value) not in NUM:
        return no_phrase
    limit = bound.value
    number = format_value(limit)
    if type(subject) is Score:
        wanted = _BOUNDS[op].format(number)
        return lambda ctx: (f"needs {ctx.score_name} {wanted}, you have "
                            f"{shown_against(ctx.score, op, limit)}")
    if type(subject) is Var:
        name = subject.name
        wanted = f"needs {name} {_BOUNDS[op].format(number)}, you have "

        def var(ctx: Context) -> str | None:
            if name not in ctx.vars:
                return None
            value = ctx.vars[name]
            have = shown_against(value, op, limit)
            how = (getattr(ctx, "var_formats", None) or {}).get(name)
            if how and have == format_value(value):  # shown in the var's own format
                bound_text = _BOUNDS[op].format(format_var(limit, how))
                return f"needs {name} {bound_text}, you have {format_var(value, how)}"
            return wanted + have

        return var
    if type(subject) is Day:
        wanted = f"needs {_DAY_BOUNDS[op].format(number)}, it is day "
        return lambda ctx: wanted + format_value(ctx.day)
    if type(subject) is IdCall and subject.function == "rating":
        person_id, wanted = subject.ident, _BOUNDS[op].format(number)

        def rating(ctx: Context) -> str:
            person = ctx.person_name(person_id)
            have = shown_against(ctx.rating_of(person_id), op, limit)
            return f"needs {person} at {wanted}, {person} is {have}"

        return rating
    return no_phrase
