"""Story rules as instructions a reader follows with a pencil and a score sheet.

Conditions become questions about the sheet ("your Civic Score is below 960"),
effects become instructions ("Subtract 10 from your Civic Score"). Where paper
cannot do what the computer does (random draws, rater-weighted averages), the
instruction says what to do instead and a ``Gap`` is noted for the front matter
and for ``gamebook``'s warnings. Nothing is dropped: an effect kind without a
handler is a bug (``EFFECT_HANDLERS`` is checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from game.story import model as m
from game.story.models import spec_of
from game.story.expressions import Expr, Text, format_value
from game.story.expressions.nodes import (
    And, Binary, Call, Compare, Const, Day, IdCall, Neg, Node, Not, Or, Pos, Score, Seq, Tier,
    TierLabel, TierLiteral, TierRank, Var)

OPS = {"<": "is below", "<=": "is at most", ">": "is above", ">=": "is at least",
       "==": "is", "!=": "is not", "in": "is one of", "not in": "is none of"}
BIN = {"+": "plus", "-": "minus", "*": "times", "/": "divided by", "//": "divided by (rounded down)",
       "%": "remainder after dividing by"}


@dataclass(frozen=True, slots=True)
class Gap:
    """Something paper does differently from the computer, said in the front matter."""

    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction; ``then``/``otherwise`` hold a branch's instructions."""

    text: str
    then: tuple["Step", ...] = ()
    otherwise: tuple["Step", ...] = ()
    branch: bool = False


@dataclass(slots=True)
class Paper:
    """Turns one story's expressions and effects into reader instructions."""

    story: m.Story
    numbers: dict[str, int]
    """Section number of each scene."""
    gaps: dict[str, Gap] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """Hidden rule or list id -> the code the reader writes (R1, L1)."""
    tallied: set[str] = field(default_factory=set)
    """Scenes whose visits the reader counts (``visited``/``visits`` ask about them)."""

    # -- names on the sheet ------------------------------------------------------------

    @property
    def score_name(self) -> str:
        """What the sheet calls the score."""
        rating = self.story.rating
        return rating.name if rating else "score"

    def gap(self, kind: str, message: str) -> None:
        """Note something paper cannot do faithfully (once per kind)."""
        self.gaps.setdefault(kind, Gap(kind, message))

    def code(self, key: str, prefix: str) -> str:
        """The sheet's code for a hidden rule or list (its meaning is at the back)."""
        if key not in self.codes:
            count = sum(1 for c in self.codes.values() if c.startswith(prefix))
            self.codes[key] = f"{prefix}{count + 1}"
        return self.codes[key]

    def list_name(self, list_id: str) -> str:
        """A list's box on the sheet: its label, or a code when the story keeps it secret."""
        rating = self.story.rating
        found = rating.lists[list_id] if rating else None
        # An announced list is named (the player is told when put on it, whatever
        # ``explain`` says); a secret one is a code until the back page.
        if found is None or found.announce:
            return found.label if found else list_id
        return f"box {self.code('list:' + list_id, 'L')}"

    def list_box(self, list_id: str) -> str:
        """The list's box as a sentence names it: ``box L1`` or ``the box “Label”``."""
        name = self.list_name(list_id)
        return name if name.startswith("box ") else f"the box “{name}”"

    def person(self, person_id: str) -> str:
        """A person's name."""
        person = self.story.people.get(person_id)
        return person.name if person else person_id

    def tier_words(self, tier_id: str) -> str:
        """A grade with its label: ``B (Adequate)``."""
        rating = self.story.rating
        for tier in rating.tiers if rating else ():
            if tier.id == tier_id:
                return f"{tier.id} ({tier.label})" if tier.label != tier.id else tier.id
        return tier_id

    # -- expressions -------------------------------------------------------------------

    def condition(self, expr: Expr) -> str:
        """A condition as a question about the sheet, e.g. "your Civic Score is below 960"."""
        tree = expr.tree
        if isinstance(tree, (And, Or)):  # no brackets round the whole condition
            word = " and " if isinstance(tree, And) else " or "
            return word.join(self._node(part, expr) for part in tree.values)
        return self._node(tree, expr)

    def value(self, expr: Expr) -> str:
        """A value the reader works out, e.g. "2" or "your money plus 500"."""
        return self._node(expr.tree, expr)

    def _node(self, node: Node, expr: Expr) -> str:
        if isinstance(node, Const):
            return _constant(node.value)
        if isinstance(node, Var):
            return f"the number in box “{node.name}”" if not isinstance(
                self.story.vars.get(node.name), (bool, str)) else f"box “{node.name}”"
        if isinstance(node, Score):
            return f"your {self.score_name}"
        if isinstance(node, (Tier, TierRank)):
            return "your grade"
        if isinstance(node, TierLabel):
            return "the name of your grade"
        if isinstance(node, Day):
            return "the day (on your sheet)"
        if isinstance(node, TierLiteral):
            return self.tier_words(node.tier_id)
        if isinstance(node, Neg):
            return f"minus {self._node(node.operand, expr)}"
        if isinstance(node, Pos):
            return self._node(node.operand, expr)
        if isinstance(node, Not):
            return self._negate(node.operand, expr)
        if isinstance(node, Binary):
            return f"({self._node(node.left, expr)} {BIN[node.op]} {self._node(node.right, expr)})"
        if isinstance(node, (And, Or)):
            word = " and " if isinstance(node, And) else " or "
            return "(" + word.join(self._node(part, expr) for part in node.values) + ")" if len(
                node.values) > 1 else self._node(node.values[0], expr)
        if isinstance(node, Compare):
            return self._compare(node, expr)
        if isinstance(node, Seq):
            return ", ".join(self._node(part, expr) for part in node.items)
        if isinstance(node, IdCall):
            return self._function(node.function, node.ident, expr)
        if isinstance(node, Call):
            return self._call(node.function, node.args, expr)
        # A node this module does not know: say what the computer checks, never drop it.
        self.gap("expression", "Some conditions are printed as the story wrote them "
                 "(marked “the computer checks”): the teacher can rule on them.")
        return f"the computer checks “{expr.source}”"

    def _negate(self, node: Node, expr: Expr) -> str:
        if isinstance(node, IdCall) and node.function == "listed":
            return f"{self.list_box(node.ident)} is not ticked"
        if isinstance(node, IdCall) and node.function == "visited":
            return f"you have not been to section {self.numbers[node.ident]}"
        if isinstance(node, IdCall) and node.function == "can":
            return f"{self._service(node.ident)} is closed to you"
        if isinstance(node, Var):
            return f"box “{node.name}” is not ticked"
        return f"it is not true that {self._node(node, expr)}"

    def _compare(self, node: Compare, expr: Expr) -> str:
        operands, ops = node.operands, node.ops
        parts = []
        for index, op in enumerate(ops):
            left, right = operands[index], operands[index + 1]
            if isinstance(left, (Tier, TierRank)) and isinstance(right, TierLiteral):
                words = {">=": "{} or better", ">": "better than {}", "<=": "{} or below",
                         "<": "below {}", "==": "exactly {}", "!=": "anything but {}"}
                parts.append("your grade is " + words[op].format(self.tier_words(right.tier_id)))
                continue
            if isinstance(left, Var) and isinstance(right, Const) and op in ("==", "!="):
                sheet = f"box “{left.name}”"
                if isinstance(right.value, bool):
                    ticked = right.value == (op == "==")
                    parts.append(f"{sheet} is {'ticked' if ticked else 'not ticked'}")
                    continue
                parts.append(f"{sheet} holds {'' if op == '==' else 'anything but '}"
                             f"{_constant(right.value)}")
                continue
            parts.append(f"{self._node(left, expr)} {OPS[op]} {self._node(right, expr)}")
        return " and ".join(parts)

    def _service(self, service_id: str) -> str:
        rating = self.story.rating
        service = rating.services.get(service_id) if rating else None
        return f"“{service.label}”" if service else service_id

    def service_rule(self, service_id: str) -> str | None:
        """When a service is open, in words (None: always open)."""
        rating = self.story.rating
        service = rating.services.get(service_id) if rating else None
        if service is None or service.requires is None:
            return None
        return self.condition(service.requires)

    def _function(self, name: str, arg: str, expr: Expr) -> str:
        if name == "listed":
            return f"{self.list_box(arg)} is ticked"
        if name == "visited":
            self.tallied.add(arg)
            return f"you have been to section {self.numbers[arg]} (its tally box is marked)"
        if name == "visits":
            self.tallied.add(arg)
            return f"the number of tally marks for section {self.numbers[arg]}"
        if name == "rating":
            self.gap("people", "People's ratings are kept in the people table on the score "
                     "sheet: work each one out as the sheet says (the computer does it exactly).")
            return f"{self.person(arg)}'s rating (people table)"
        if name == "recorded":
            rating = self.story.rating
            rule = rating.rules[arg] if rating else None
            if rule is not None and rule.explain:
                return f"the number of “{rule.label}” lines in your ledger"
            return f"the number of {self.code('rule:' + arg, 'R')} lines in your ledger"
        if name == "can":
            rule = self.service_rule(arg)
            return f"{self._service(arg)} is open to you" + (f" (it is open when {rule})"
                                                               if rule else "")
        self.gap("expression", "Some conditions are printed as the story wrote them.")
        return f"the computer checks “{expr.source}”"

    def _call(self, name: str, args: tuple[Node, ...], expr: Expr) -> str:
        words = [self._node(arg, expr) for arg in args]
        if name == "random":
            self.gap("random", "Random draws: where the computer picks a number at random, "
                     "draw a numbered slip (or roll a die and roll again when the number is "
                     "out of range). The computer's draws are seeded; yours are not, so paper "
                     "games differ from screen games at these points.")
            return f"a number you draw at random from {words[0]} to {words[1]} (see “Chance”)"
        if name in ("min", "max"):
            return f"the {'smaller' if name == 'min' else 'larger'} of {' and '.join(words)}"
        if name == "abs":
            return f"{words[0]} without its minus sign"
        if name == "round":
            return f"{words[0]} rounded" + (f" to {words[1]} decimals" if len(words) > 1 else "")
        self.gap("expression", "Some values are printed as the story wrote them.")
        return f"the computer works out “{expr.source}”"

    def text(self, text: Text) -> str:
        """Story text with each ``{expression}`` turned into what to read off the sheet."""
        out = []
        for part in text.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(f"[{self.value(part)}]")
        return "".join(out)

    # -- effects -----------------------------------------------------------------------

    def steps(self, effects: tuple[m.Effect, ...]) -> tuple[Step, ...]:
        """Every effect as instructions, in order."""
        out: list[Step] = []
        for effect in effects:
            out.extend(EFFECT_HANDLERS[type(effect)](self, effect))
        return tuple(out)

    def _set(self, effect: m.SetVars) -> list[Step]:
        out = []
        for var, expr in effect.values:
            if expr.constant is True:
                out.append(Step(f"Tick box “{var}”."))
            elif expr.constant is False:
                out.append(Step(f"Clear box “{var}” (rub out any tick)."))
            else:
                out.append(Step(f"Write {self.value(expr)} in box “{var}” (replacing what "
                                "is there)."))
        return out

    def _add(self, effect: m.AddVars) -> list[Step]:
        out = []
        for var, expr in effect.values:
            amount = expr.constant
            if isinstance(amount, (int, float)) and not isinstance(amount, bool):
                verb = "Add" if amount >= 0 else "Subtract"
                into = "to" if amount >= 0 else "from"
                out.append(Step(f"{verb} {format_value(abs(amount))} {into} box “{var}”."))
            else:
                out.append(Step(f"Add {self.value(expr)} to box “{var}”."))
        return out

    def _record(self, effect: m.Record) -> list[Step]:
        rating = self.story.rating
        rule = rating.rules[effect.rule]
        change = format_value(abs(rule.change))
        bounds = self._bounds()
        if spec_of(rating).by_hand == "averages":
            move = (f"{'Add' if rule.change >= 0 else 'Subtract'} {change} "
                    f"{'to' if rule.change >= 0 else 'from'} your adjustment box, then work "
                    f"out your {self.score_name} again{bounds}.")
        elif spec_of(rating).by_hand == "formula":
            # A model this module does not know (a formula): say so, never guess.
            self.gap("model", f"Your {self.score_name} is worked out by a formula on the "
                     "computer: the teacher works out your new score when a rule applies.")
            move = f"Ask your teacher for your new {self.score_name}."
        else:
            move = (f"{'Add' if rule.change >= 0 else 'Subtract'} {change} "
                    f"{'to' if rule.change >= 0 else 'from'} your {self.score_name}{bounds}.")
        signed = f"{'+' if rule.change >= 0 else '−'}{change}"
        if rule.explain:
            source = rating.sources.get(rule.source or "", rule.source or "")
            ledger = (f"In your ledger write: “{rule.label}”, {signed}"
                      + (f", source: {source}." if source else "."))
        else:
            ledger = (f"In your ledger write: {self.code('rule:' + rule.id, 'R')}, {signed}, "
                      "reason not disclosed.")
        note = f" ({self.text(effect.note)})" if effect.note else ""
        return [Step(move + " " + ledger + note)]

    def _bounds(self) -> str:
        rating = self.story.rating
        low, high = rating.min, rating.max
        if low is None and high is None:
            return ""
        if low is not None and high is not None:
            return f" (it stays between {format_value(low)} and {format_value(high)})"
        return (f" (it never goes below {format_value(low)})" if low is not None
                else f" (it never goes above {format_value(high)})")

    def _list(self, effect: m.ListChange) -> list[Step]:
        rating = self.story.rating
        box = self.list_box(effect.list)
        source = rating.sources.get(effect.source or "", effect.source or "")
        hidden = box.startswith("box ")
        if effect.on:
            text = f"Tick {box} on your sheet."
        else:
            text = f"Rub out the tick in {box}."
        if not hidden and source:
            text += f" In your ledger write the list and the source: {source}."
        elif hidden:
            text += " (You are not told what this box means. It is explained at the back.)"
        return [Step(text)]

    def _rate(self, effect: m.Rate) -> list[Step]:
        self.gap("people", "People's ratings are kept in the people table on the score "
                 "sheet: work each one out as the sheet says (the computer does it exactly).")
        return [Step(f"You rate {self.person(pid)}: write {self.value(stars)} stars in "
                     f"{self.person(pid)}'s row of the people table.")
                for pid, stars in effect.stars]

    def _rated(self, effect: m.Rated) -> list[Step]:
        rating = self.story.rating
        who = self.person(effect.by)
        stars = self.value(effect.stars)
        if rating is None or not spec_of(rating).rated_moves_score:
            return [Step(f"{who} rates you {stars} stars. Write it in your ledger (it does not "
                         f"change your {self.score_name}).")]
        if rating.weight == "rater":
            self.gap("weighted", "Ratings count by the rater's own rating on the computer. On "
                     "paper, each rating's weight is the rater's rating from the people table "
                     "(the sheet shows how); small differences from the screen are normal.")
            weight = f", with weight {who}'s rating from the people table"
        else:
            weight = ""
        return [Step(f"{who} rates you {stars} stars: write it in your ratings column{weight}, "
                     f"then work out your {self.score_name} again.")]

    def _notify(self, effect: m.Notify) -> list[Step]:
        return [Step(f"Your phone shows: “{self.text(effect.text)}”")]

    def _advance(self, effect: m.Advance) -> list[Step]:
        days = effect.days.constant
        if isinstance(days, int) and not isinstance(days, bool):
            return [Step(f"{days} day{'s' * (days != 1)} pass: add {days} to the Day box.")]
        return [Step(f"Time passes: add {self.value(effect.days)} to the Day box.")]

    def _branch(self, effect: m.Branch) -> list[Step]:
        return [Step(f"If {self.condition(effect.condition)}:", self.steps(effect.then),
                     self.steps(effect.otherwise), branch=True)]


def _constant(value: Any) -> str:
    if isinstance(value, bool):
        return "ticked" if value else "not ticked"
    if isinstance(value, str):
        return f"“{value}”"
    return format_value(value)


EFFECT_HANDLERS: dict[type, Callable[[Paper, Any], list[Step]]] = {
    m.SetVars: Paper._set,
    m.AddVars: Paper._add,
    m.Record: Paper._record,
    m.ListChange: Paper._list,
    m.Rate: Paper._rate,
    m.Rated: Paper._rated,
    m.Notify: Paper._notify,
    m.Advance: Paper._advance,
    m.Branch: Paper._branch,
}
"""One handler per effect kind of the story model (a test fails if one is missing)."""
