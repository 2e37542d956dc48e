"""Types before play: what ``check`` knows about each value without playing.

Each var has the type of its value under ``vars:`` (a number, text or
true/false); ``score``, ``day`` and counts are numbers; ``tier`` is text.
From these the type of every expression is worked out, and the mistakes that
``test`` would otherwise find only when a run reaches them are reported at
the expression: adding to a text or true/false var, ``set`` of a value of
another type, ``+`` between text and a number, comparing text with a number
(never equal, and ``<`` fails). A number or text where a condition wants
true/false is a warning: it works (0 and '' are false) but is often a slip.

The rules are the expression language's own (``game.story.expressions``):
only what always fails, or is always false, when evaluated is an error.
"""

from __future__ import annotations


from game.authoring.diagnostic import Diagnostic
from game.errors import Location
from game.story import effects as effect_kinds
from game.story import model as m
from game.story.expressions import COUNTING_FUNCTIONS, Expr, Text
from game.story.expressions.nodes import (
    NUMERIC, And, Binary, Call, Compare, Const, IdCall, Neg, Node, Not, Or, Pos, Seq, Tier,
    TierLabel, Var)

NUMBER, TEXT, BOOL = "number", "text", "true/false"
_NAMES = {NUMBER: "a number", TEXT: "text", BOOL: "true/false"}


def type_of_value(value: object) -> str:
    """The type of a plain value."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    return TEXT


class _Checker:
    """Infers the types in one story's expressions and collects what is wrong."""

    def __init__(self, story: m.Story) -> None:
        self.story = story
        self.vars = {name: type_of_value(value) for name, value in story.vars.items()}
        self.found: list[Diagnostic] = []
        self._known: dict[str, tuple[str | None, list[str]]] = {}
        """Type and mistakes by expression source: a repeated condition is worked out once."""

    def error(self, where: Location, message: str, code: str = "type-error",
              severity: str = "error") -> None:
        self.found.append(Diagnostic(where.file, where.line, where.column, severity, code,
                                     message))

    # -- expressions

    def expr(self, expr: Expr) -> str | None:
        """The type of an expression (None: unknown); its mistakes are reported."""
        known = self._known.get(expr.source)
        if known is None:
            problems: list[str] = []
            known = self._known[expr.source] = (
                self._infer(expr.tree, problems), problems)
        kind, problems = known
        for problem in problems[:1]:  # the first mistake; the rest often follow from it
            self.error(expr.location, f"{problem} (in `{expr.source.strip()}`)")
        return kind

    def _infer(self, node: Node, problems: list[str]) -> str | None:
        if isinstance(node, Const):
            return type_of_value(node.value)
        if isinstance(node, Var):
            return self.vars.get(node.name)
        if isinstance(node, NUMERIC):
            return NUMBER
        if isinstance(node, (Tier, TierLabel)):
            return TEXT
        if isinstance(node, (Neg, Pos)):
            inner = self._infer(node.operand, problems)
            if inner not in (None, NUMBER):
                problems.append(f"'{'-' if isinstance(node, Neg) else '+'}' before "
                                f"{_NAMES[inner]} needs a number")
            return NUMBER
        if isinstance(node, (Not, And, Or)):
            for item in node.children():
                self._infer(item, problems)
            return BOOL
        if isinstance(node, Binary):
            return self._binary(node.op, self._infer(node.left, problems),
                                self._infer(node.right, problems), problems)
        if isinstance(node, Compare):
            return self._compare(node, problems)
        if isinstance(node, Seq):
            for item in node.items:
                self._infer(item, problems)
            return None
        if isinstance(node, IdCall):
            return NUMBER if node.function in COUNTING_FUNCTIONS else BOOL
        if isinstance(node, Call):
            kinds = [self._infer(arg, problems) for arg in node.args]
            wrong = [k for k in kinds if k not in (None, NUMBER)]
            if wrong and node.function != "max" and node.function != "min":
                problems.append(f"{node.function}() takes numbers, not {_NAMES[wrong[0]]}")
            return NUMBER if not wrong else None
        return None

    @staticmethod
    def _binary(op: str, left: str | None, right: str | None, problems: list[str]) -> str | None:
        if left is None or right is None:
            return NUMBER if op in ("-", "/", "//", "%") else None
        pair = f"{_NAMES[left]} and {_NAMES[right]}"
        if op == "+":
            if left == right and left in (NUMBER, TEXT):
                return left
            if {left, right} == {NUMBER, TEXT}:
                problems.append(f"'+' adds two numbers or joins two texts, not {pair}: to show "
                                "a number in text, write it in the text as {...} instead")
            else:
                problems.append(f"'+' adds two numbers or joins two texts, not {pair}")
            return None
        if op == "*":
            if left == right == NUMBER:
                return NUMBER
            if {left, right} == {NUMBER, TEXT}:
                return TEXT
            problems.append(f"'*' multiplies numbers (or repeats text), not {pair}")
            return None
        if left != NUMBER or right != NUMBER:
            problems.append(f"'{op}' needs two numbers, not {pair}")
        return NUMBER

    def _compare(self, node: Compare, problems: list[str]) -> str:
        operands, ops = node.operands, node.ops
        kinds = [self._infer(o, problems) for o in operands]
        for index, op in enumerate(ops):
            left, right = kinds[index], kinds[index + 1]
            if op in ("in", "not in") or left is None or right is None or left == right:
                continue
            pair = f"{_NAMES[left]} with {_NAMES[right]}"
            if op in ("==", "!="):
                hint = (": put the number in quotes to compare text ('3'), or compare a "
                        "number var" if {left, right} == {NUMBER, TEXT} else "")
                result = "always false" if op == "==" else "always true"
                problems.append(f"comparing {pair} with '{op}' is {result}{hint}")
            else:
                problems.append(f"'{op}' compares two numbers or two texts, not {pair}")
        for index, op in enumerate(ops):
            if op in ("<", "<=", ">", ">=") and BOOL in (kinds[index], kinds[index + 1]):
                problems.append(f"'{op}' cannot order true/false values")
        return BOOL

    def condition(self, expr: Expr | None, key: str) -> None:
        """A condition: its mistakes, and a warning when it is not true/false."""
        if expr is None:
            return
        kind = self.expr(expr)
        source = expr.source.strip()
        if kind == NUMBER:
            self.error(expr.location,
                       f"{key}: `{source}` is a number, not true/false (it holds when it is not "
                       f"0); if that is meant, write it: `{source} != 0`", "truth-of-number",
                       "warning")
        elif kind == TEXT:
            self.error(expr.location,
                       f"{key}: `{source}` is text, not true/false (it holds when it is not "
                       f"empty); if that is meant, write it: `{source} != ''`", "truth-of-text",
                       "warning")

    def text(self, text: Text | None) -> None:
        """The expressions shown in a text."""
        if text is None:
            return
        for part in text.parts:
            if isinstance(part, Expr):
                self.expr(part)

    def number(self, expr: Expr, what: str) -> None:
        """An expression that must give a number (stars, days)."""
        kind = self.expr(expr)
        if kind not in (None, NUMBER):
            self.error(expr.location, f"{what} should be a number, not {_NAMES[kind]} "
                                      f"(in `{expr.source.strip()}`)")

    # -- effects and the story

    def effects(self, effects: tuple[m.Effect, ...]) -> None:
        # What each effect holds, and what it must give, is in its declaration.
        for effect in effect_kinds.walk(effects):
            spec = effect_kinds.spec_for(effect)
            for use in spec.uses(effect):
                if use.var is not None:
                    self.assignment(use.var, use.expr, adding=use.want == "number")
                elif use.want == "truth":
                    self.condition(use.expr, use.what)
                elif use.want == "number":
                    self.number(use.expr, use.what)
                else:
                    self.expr(use.expr)
            for text in spec.texts(effect):
                self.text(text)

    def assignment(self, var: str, expr: Expr, adding: bool) -> None:
        """A value given to a var (``set:``) or added to it (``add:``)."""
        declared = self.vars.get(var)
        kind = self.expr(expr)
        if adding and declared is not None and declared != NUMBER:
            self.error(expr.location,
                       f"add: works on number vars, and '{var}' is {_NAMES[declared]} "
                       f"(its value under vars:); use set: to give it a new value")
        elif adding and kind not in (None, NUMBER):
            self.error(expr.location,
                       f"add: to '{var}' needs a number, not {_NAMES[kind]} "
                       f"(in `{expr.source.strip()}`)")
        elif not adding and declared is not None and kind is not None and kind != declared:
            hint = (f"; text is written in quotes inside quotes: \"'{expr.source.strip()}'\""
                    if declared == TEXT and kind != TEXT else "")
            self.error(expr.location,
                       f"set: '{var}' is {_NAMES[declared]} (its value under vars:), but "
                       f"`{expr.source.strip()}` is {_NAMES[kind]}{hint}")

    def story_(self) -> list[Diagnostic]:
        story = self.story
        for scene in story.scenes.values():
            for block in scene.text:
                self.text(block.text)
                self.condition(block.condition, "if")
            self.effects(scene.effects)
            for choice in scene.choices:
                self.text(choice.text)
                self.condition(choice.condition, "if")
                self.condition(choice.requires, "requires")
                self.text(choice.locked)
                self.effects(choice.effects)
            if scene.ending is not None:
                self.text(scene.ending.title)
        if story.rating is not None:
            for service in story.rating.services.values():
                self.condition(service.requires, "requires")
                self.text(service.refusal)
        return sorted(set(self.found), key=lambda d: (d.file, d.line, d.column, d.message))


def check_types(story: m.Story) -> list[Diagnostic]:
    """Type errors (and truth warnings) in a story that loads, in file order."""
    return _Checker(story).story_()
