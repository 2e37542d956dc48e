"""What a story's names can be: the values each var, the score, the day, lists,
visits and services can take in any play of the story, worked out without
playing it.

Used by the lint (a condition is "never true" only when these values make it
false) and by ``test`` (which scenes' visit counts matter). The reasoning is
sound, never guessing: a value set is exact while small, else an interval of
numbers, else "anything"; an ``add`` inside a loop that can change a value
makes it unbounded that way; several ``add``s along one path add up; an
expression whose names all have few exact values is evaluated on every
combination by the real evaluator, so correlations (``x == 1 and x == 2``)
are seen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product

from game.errors import Location, StandingError
from game.story import effects as effect_kinds
from game.story import model as m
from game.story.models import spec_of
from game.story.expressions import Expr, Text, format_value
from game.story.expressions.nodes import (
    ATOMS, And, Binary, Call, Compare, Const, Day, IdCall, Neg, Node, Not, Or, Pos, Score, Seq,
    Tier, TierLabel, TierLiteral, TierRank, Var, transform, walk)

INF = math.inf
MAX_EXACT = 48
"""Largest set of values kept exactly; bigger sets become an interval (or anything)."""
MAX_PRODUCT = 512
"""Most combinations tried when evaluating a node on exact values."""
ROUNDS = 6
"""Passes of the var fixpoint before unstable vars widen to 'any value'."""


# --- the story as a graph ------------------------------------------------------------


def successors(scene: m.Scene) -> Iterator[tuple[m.Choice | None, str]]:
    """Where a scene can lead: (choice, target) pairs; choice is None for a goto."""
    if scene.goto is not None:
        yield None, scene.goto
    for choice in scene.choices:
        yield choice, choice.goto


def reachable(story: m.Story, blocked: frozenset[int] = frozenset()) -> set[str]:
    """Scenes reachable from start, not following choices whose id() is in ``blocked``."""
    seen = {story.start}
    todo = [story.start]
    while todo:
        scene = story.scenes[todo.pop()]
        for choice, target in successors(scene):
            if choice is not None and id(choice) in blocked:
                continue
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def can_end(story: m.Story, blocked: frozenset[int] = frozenset()) -> set[str]:
    """Scenes from which some ending can be reached."""
    back: dict[str, list[str]] = {}
    for sid, scene in story.scenes.items():
        for choice, target in successors(scene):
            if choice is None or id(choice) not in blocked:
                back.setdefault(target, []).append(sid)
    good = {sid for sid, scene in story.scenes.items() if scene.ending is not None}
    todo = list(good)
    while todo:
        for source in back.get(todo.pop(), ()):
            if source not in good:
                good.add(source)
                todo.append(source)
    return good


# --- walking expressions ------------------------------------------------------------------


def _texts_of_effects(effects: Iterable[m.Effect]) -> Iterator[Text]:
    # What each effect holds is in its declaration (game/story/effects/).
    return effect_kinds.texts(effects)


def _exprs_of_effects(effects: Iterable[m.Effect]) -> Iterator[Expr]:
    return effect_kinds.expressions(effects)


def expressions(story: m.Story) -> Iterator[Expr]:
    """Every expression in the story, including those inside texts."""
    texts: list[Text] = []
    ratings = (story.rating, *(v.rating for v in story.variants.values())) \
        if story.rating is not None else ()
    for rating in ratings:  # the story's, then each variant's (``variants:``)
        yield from spec_of(rating).expressions(rating)
        for service in rating.services.values():
            if service.requires is not None:
                yield service.requires
            if service.refusal is not None:
                texts.append(service.refusal)
    for expectation in story.expect:
        yield expectation.that
    for scene in story.scenes.values():
        for expectation in scene.expect:
            yield expectation.that
        for block in scene.text:
            texts.append(block.text)
            if block.condition is not None:
                yield block.condition
        if scene.ending is not None:
            texts.append(scene.ending.title)
        yield from _exprs_of_effects(scene.effects)
        texts.extend(_texts_of_effects(scene.effects))
        for choice in scene.choices:
            texts.append(choice.text)
            if choice.locked is not None:
                texts.append(choice.locked)
            for expr in (choice.condition, choice.requires):
                if expr is not None:
                    yield expr
            yield from _exprs_of_effects(choice.effects)
            texts.extend(_texts_of_effects(choice.effects))
    for text in texts:
        for part in text.parts:
            if isinstance(part, Expr):
                yield part


def reads(story: m.Story) -> dict[str, set[str]]:
    """What the story's expressions read.

    'vars': var names; 'score': which of score, tier, tier_label, tier_rank;
    'listed', 'visits', 'visited', 'rating', 'can', 'recorded': the ids those functions name.
    """
    out: dict[str, set[str]] = {"vars": set(), "score": set()}
    for expr in expressions(story):
        out["vars"] |= expr.names
        for node in walk(expr.tree):
            if type(node) is IdCall:
                out.setdefault(node.function, set()).add(node.ident)
            elif type(node) in _SCORE_READS:
                out["score"].add(node.TAG)
    return out


# --- abstract values -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vals:
    """What an expression can evaluate to: an exact set, a number interval, or anything.

    ``exact`` holds (kind, value) pairs so that true and 1 stay apart; kinds are
    'b' (true/false), 'n' (number) and 's' (text).
    """

    exact: frozenset | None = None
    lo: float = -INF
    hi: float = INF
    top: bool = False

    @property
    def is_number_range(self) -> bool:
        """True for an interval of numbers."""
        return self.exact is None and not self.top

    def numbers(self) -> tuple[float, float] | None:
        """The interval holding every value, when all values are numbers."""
        if self.top:
            return None
        if self.exact is None:
            return self.lo, self.hi
        if not self.exact or any(kind != "n" for kind, _ in self.exact):
            return None
        values = [v for _, v in self.exact]
        return min(values), max(values)

    def truths(self) -> set[bool]:
        """Which truth values the expression can have."""
        if self.top:
            return {True, False}
        if self.exact is not None:
            return {bool(v) for _, v in self.exact}
        out = set()
        if self.lo <= 0 <= self.hi:
            out.add(False)
        if not (self.lo == 0 == self.hi):
            out.add(True)
        return out

    def values(self) -> list | None:
        """The exact values, when there are few enough."""
        return None if self.exact is None else [v for _, v in self.exact]

    def describe(self) -> str:
        """Words for the values, for a warning."""
        if self.top:
            return "can be anything"
        if self.exact is not None:
            shown = sorted((_show(v) for _, v in self.exact))
            if len(shown) == 1:
                return f"is always {shown[0]}"
            if len(shown) <= 5:
                return "is one of " + ", ".join(shown)
            return f"is one of {len(shown)} values"
        if self.lo == -INF and self.hi == INF:
            return "can be any number"
        if self.lo == -INF:
            return f"is at most {_show(self.hi)}"
        if self.hi == INF:
            return f"is {_show(self.lo)} or more"
        return f"is between {_show(self.lo)} and {_show(self.hi)}"


TOP = Vals(top=True)
ANY_NUMBER = Vals()
BOOLS = None  # set below


def _type_tag(value: object) -> str:
    # 1 and True are equal in a set: tag each value with its type so both can be held.
    if type(value) is bool:
        return "b"
    if type(value) in (int, float):
        return "n"
    return "s"


def _show(value: object) -> str:
    if type(value) is str:
        return repr(value)
    if type(value) is float and math.isinf(value):
        return "infinity" if value > 0 else "-infinity"
    return format_value(value)  # type: ignore[arg-type]


def exact(values: Iterable) -> Vals:
    """Vals holding exactly these values (widening to an interval when too many)."""
    pairs = frozenset((_type_tag(v), v) for v in values)
    if len(pairs) <= MAX_EXACT:
        return Vals(exact=pairs)
    numbers = [v for k, v in pairs if k == "n"]
    if len(numbers) == len(pairs):
        return Vals(lo=min(numbers), hi=max(numbers))
    return TOP


def between(lo: float, hi: float) -> Vals:
    """Any number from lo to hi."""
    return Vals(lo=lo, hi=hi)


BOOLS = exact([True, False])


def join(a: Vals, b: Vals) -> Vals:
    """Values either can take."""
    if a.top or b.top:
        return TOP
    if a.exact is not None and b.exact is not None:
        both = a.exact | b.exact
        return Vals(exact=both) if len(both) <= MAX_EXACT else exact(v for _, v in both)
    na, nb = a.numbers(), b.numbers()
    if na is None or nb is None:
        return TOP
    return between(min(na[0], nb[0]), max(na[1], nb[1]))


_HERE = Location("<lint>", 1, 1)


def _run_constant(tree: Node) -> tuple[bool, object]:
    """Evaluate a tree of constants with the real evaluator: (ok, value)."""
    try:
        return True, Expr("", _HERE, tree).evaluate(None)  # type: ignore[arg-type]
    except StandingError:
        return False, None


# --- the story's facts: what every name can be ----------------------------------------------


class Facts:
    """The values each name can take in any play of the story, from its effects."""

    def __init__(self, story: m.Story, live: set[str], blocked: frozenset[int]) -> None:
        self.story = story
        self.live = live
        """Scenes that can be reached."""
        self.blocked = blocked
        """id()s of choices that can never be taken."""
        self.vars: dict[str, Vals] = {k: exact([v]) for k, v in story.vars.items()}
        self.listed: set[str] = set()
        self.people_rated: set[str] = set()
        self.rated = False
        self.recorded = False
        self.service_cache: dict[str, set[bool]] = {}
        self._collect()

    # -- where effects run

    def _units(self) -> Iterator[tuple[str, m.Choice | None, tuple[m.Effect, ...]]]:
        """(scene, choice or None, effects) for each effect list that can run."""
        for sid in self.live:
            scene = self.story.scenes[sid]
            # Both sides of a conditional effect count as possible (a safe widening).
            yield sid, None, tuple(m.walk(scene.effects))
            for choice in scene.choices:
                if id(choice) not in self.blocked:
                    yield sid, choice, tuple(m.walk(choice.effects))

    def _collect(self) -> None:
        story = self.story
        for _sid, _choice, effects in self._units():
            for effect in effects:
                if isinstance(effect, m.ListChange) and effect.on:
                    self.listed.add(effect.list)
                elif isinstance(effect, m.Rate):
                    self.people_rated.update(pid for pid, _ in effect.stars)
                elif isinstance(effect, m.Rated):
                    self.rated = True
                elif isinstance(effect, m.Record):
                    self.recorded = True
        advances = any(isinstance(e, m.Advance) for _, _, fx in self._units() for e in fx)
        # The day first as 'any day from 1' (vars may read it), then exactly once
        # the vars are known (an advance may read them).
        self.day = between(1, INF) if advances else exact([1])
        self.solved = False
        """Whether the vars' values are known yet (a model that reads them waits)."""
        self.score = self._score()
        rating = story.rating
        self.tiers = self._tiers() if rating and rating.tiers else None
        self._solve_vars()
        self.solved = True
        if rating is not None and spec_of(rating).expressions(rating):
            # The score reads the state (risk): narrow it now the vars are known.
            self.score = self._score()
            self.tiers = self._tiers() if rating.tiers else None
        if advances:
            self.day = self._day()

    # -- sums along paths

    def _path_bounds(self, weight) -> tuple[float, float]:
        """Least and greatest sum of ``weight`` over any stretch of any path.

        ``weight(effects)`` gives the (low, high) change one effect list can make.
        A cycle that can change the sum makes that side unbounded.
        """
        story = self.story
        node_w: dict[str, tuple[float, float]] = {}
        edges: dict[str, list[tuple[str, tuple[float, float]]]] = {}
        for sid in self.live:
            scene = story.scenes[sid]
            node_w[sid] = weight(tuple(m.walk(scene.effects)))
            out = edges.setdefault(sid, [])
            for choice, target in successors(scene):
                if choice is not None and id(choice) in self.blocked:
                    continue
                out.append((target, weight(tuple(m.walk(choice.effects))) if choice else (0.0, 0.0)))
        if all(w == (0.0, 0.0) for w in node_w.values()) and all(
                w == (0.0, 0.0) for out in edges.values() for _, w in out):
            return 0.0, 0.0
        comps, order = _sccs(self.live, {k: [t for t, _ in v] for k, v in edges.items()})
        cyclic_up: dict[int, bool] = {}
        cyclic_down: dict[int, bool] = {}
        for index, members in enumerate(order):
            inside = set(members)
            looped = len(members) > 1 or any(t == members[0] for t, _ in edges[members[0]])
            up = down = False
            if looped:
                for sid in members:
                    low, high = node_w[sid]
                    up |= high > 0
                    down |= low < 0
                    for target, (low, high) in edges[sid]:
                        if target in inside:
                            up |= high > 0
                            down |= low < 0
            cyclic_up[index], cyclic_down[index] = up, down
        # Kadane over the DAG of components, in topological order (order is reversed).
        best_hi: dict[str, float] = {}
        best_lo: dict[str, float] = {}
        incoming_hi: dict[str, float] = {sid: 0.0 for sid in self.live}
        incoming_lo: dict[str, float] = {sid: 0.0 for sid in self.live}
        top_hi, top_lo = 0.0, 0.0
        for index in range(len(order) - 1, -1, -1):
            members = order[index]
            entry_hi = max(incoming_hi[s] for s in members)
            entry_lo = min(incoming_lo[s] for s in members)
            gain_hi = max(node_w[s][1] for s in members)
            gain_lo = min(node_w[s][0] for s in members)
            if len(members) > 1:
                # Inside a loop-free-of-change component the stretch can pass several
                # members: bound by the sum of their positive (negative) parts.
                gain_hi = sum(max(0.0, node_w[s][1]) for s in members)
                gain_lo = sum(min(0.0, node_w[s][0]) for s in members)
            hi = INF if cyclic_up[index] else max(0.0, entry_hi) + gain_hi
            lo = -INF if cyclic_down[index] else min(0.0, entry_lo) + gain_lo
            for sid in members:
                best_hi[sid], best_lo[sid] = hi, lo
            top_hi, top_lo = max(top_hi, hi), min(top_lo, lo)
            for sid in members:
                for target, (low, high) in edges[sid]:
                    if comps[target] == index:
                        continue
                    incoming_hi[target] = max(incoming_hi[target], hi + high)
                    incoming_lo[target] = min(incoming_lo[target], lo + low)
        return top_lo, top_hi

    # -- the day, the score

    def _day(self) -> Vals:
        def weight(effects):
            low = high = 0.0
            for effect in effects:
                if isinstance(effect, m.Advance):
                    days = self.values_of(effect.days).numbers()
                    if days is None:
                        return 0.0, INF
                    low += max(0.0, days[0])
                    high += max(0.0, days[1])
            return low, high

        _low, high = self._path_bounds(weight)
        return between(1, 1 + high)

    def _score(self) -> Vals | None:
        rating = self.story.rating
        if rating is None:
            return None
        span = spec_of(rating).score_bounds(rating, _Reach(self, rating))
        if span is None:
            return exact([rating.start])
        return between(*span)

    def _tiers(self) -> list[m.Tier]:
        """Tiers the score can fall in."""
        rating = self.story.rating
        assert rating is not None and self.score is not None
        tiers = rating.tiers
        span = self.score.numbers()
        assert span is not None
        lo, hi = span
        out = []
        for index, tier in enumerate(tiers):
            band_lo = tier.min if index < len(tiers) - 1 else -INF
            band_hi = tiers[index - 1].min if index > 0 else INF
            if band_lo <= hi and lo < band_hi:
                out.append(tier)
        return out

    # -- vars

    def _solve_vars(self) -> None:
        units = list(self._units())
        assigned: dict[str, list[Expr]] = {}
        added: set[str] = set()
        for _sid, _choice, effects in units:
            for effect in effects:
                if isinstance(effect, m.SetVars):
                    for var, expr in effect.values:
                        assigned.setdefault(var, []).append(expr)
                elif isinstance(effect, m.AddVars):
                    for var, _expr in effect.values:
                        added.add(var)
        changing = set(assigned) | added
        for var in changing:
            self.vars.setdefault(var, exact([]))
        initial = dict(self.vars)
        for _round in range(ROUNDS):
            new = dict(initial)
            for var, exprs in assigned.items():
                for expr in exprs:
                    new[var] = join(new[var], self.values_of(expr))
            for var in added:
                new[var] = self._with_adds(var, new[var])
            if new == self.vars:
                break
            self.vars = new
        else:
            for var in changing:
                self.vars[var] = TOP

    def _with_adds(self, var: str, base: Vals) -> Vals:
        broken = False

        def weight(effects):
            nonlocal broken
            low = high = 0.0
            for effect in effects:
                if isinstance(effect, m.AddVars):
                    for name, expr in effect.values:
                        if name != var:
                            continue
                        amount = self.values_of(expr).numbers()
                        if amount is None:
                            broken = True
                            return -INF, INF
                        low += min(0.0, amount[0])
                        high += max(0.0, amount[1])
            return low, high

        lo_sum, hi_sum = self._path_bounds(weight)
        span = base.numbers()
        if span is None:
            return TOP
        if broken:
            return ANY_NUMBER
        if lo_sum == 0 and hi_sum == 0:
            return base
        return join(base, between(span[0] + lo_sum, span[1] + hi_sum))

    # -- evaluation

    def can(self, service_id: str) -> set[bool]:
        """Whether a service can be open / closed."""
        if service_id in self.service_cache:
            return self.service_cache[service_id]
        rating = self.story.rating
        service = rating.services.get(service_id) if rating else None
        self.service_cache[service_id] = {True, False}  # while recursing
        if service is None or service.requires is None:
            out = {True}
        else:
            out = self.values_of(service.requires).truths()
        self.service_cache[service_id] = out
        return out

    def atom(self, node: Node) -> Vals:
        """The values of a leaf that reads the state."""
        kind = type(node)
        story = self.story
        if isinstance(node, Const):
            return exact([node.value])
        if isinstance(node, Var):
            return self.vars.get(node.name, TOP)
        if kind is Score:
            return self.score or TOP
        if kind is Day:
            return self.day
        if kind in (Tier, TierLabel, TierRank):
            if self.tiers is None:
                return TOP
            rating = story.rating
            assert rating is not None
            if kind is Tier:
                return exact([t.id for t in self.tiers])
            if kind is TierLabel:
                return exact([t.label for t in self.tiers])
            return exact([rating.tier_rank(t.id) for t in self.tiers])
        if isinstance(node, TierLiteral):
            return exact([node.rank])
        if isinstance(node, IdCall):
            name, ident = node.function, node.ident
            if name == "listed":
                return BOOLS if ident in self.listed else exact([False])
            if name in ("visited", "visits"):
                if ident not in self.live:
                    return exact([False] if name == "visited" else [0])
                if ident == story.start:
                    return exact([True]) if name == "visited" else between(1, INF)
                return BOOLS if name == "visited" else between(0, INF)
            if name == "can":
                return exact(self.can(ident))
            if name == "rating":
                return self._person(ident)
            if name == "recorded":
                return between(0, INF)
        return TOP

    def _person(self, pid: str) -> Vals:
        person = self.story.people.get(pid)
        first = person.rating if person and person.rating is not None else None
        if pid not in self.people_rated:
            return exact([first if first is not None else 0])
        rating = self.story.rating
        low, high = spec_of(rating).stars_range(rating)
        low = -INF if low is None else low
        high = INF if high is None else high
        if first is not None:
            low, high = min(low, first), max(high, first)
        return between(low, high)

    def values_of(self, expr: Expr) -> Vals:
        """The values an expression can take (its evaluation errors are left out).

        When every name it reads has few exact values, every combination is
        evaluated by the real evaluator, so ``x == 1 and x == 2`` is seen to be
        false; otherwise the tree is evaluated node by node.
        """
        tree = expr.tree
        whole = self._enumerate(tree)
        return whole if whole is not None else self.node(tree)

    def _enumerate(self, tree: Node) -> Vals | None:
        atoms: dict[Node, list] = {}
        for node in walk(tree):
            if type(node) is Call and node.function == "random":
                return None
            if isinstance(node, ATOMS) and node not in atoms:
                values = self.atom(node).values()
                if values is None:
                    return None
                atoms[node] = values
        if not atoms or math.prod(len(v) for v in atoms.values()) > MAX_PRODUCT:
            return None
        keys = list(atoms)
        out = []
        for combo in product(*(atoms[k] for k in keys)):
            ok, value = _run_constant(_substitute(tree, dict(zip(keys, combo))))
            if ok:
                out.append(value)
        return exact(out)

    def node(self, node: Node) -> Vals:
        """Abstract evaluation of one compiled node."""
        if isinstance(node, (Neg, Pos, Not, Binary)):
            return self._combine(node)
        if isinstance(node, (And, Or)):
            return self._boolean(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Seq):
            return TOP
        return self.atom(node)

    def _combine(self, node: Neg | Pos | Not | Binary) -> Vals:
        """Exact when every child is exact and few; intervals for + - * and -x."""
        children = [self.node(child) for child in node.children()]
        result = self._exactly(node, children)
        if result is not None:
            return result
        if isinstance(node, Not):
            return exact({not t for t in children[0].truths()})
        spans = [c.numbers() for c in children]
        if any(s is None for s in spans):
            return TOP
        if isinstance(node, Pos):
            return between(*spans[0])
        if isinstance(node, Neg):
            lo, hi = spans[0]
            return between(-hi, -lo)
        (a, b), (c, d) = spans
        op = node.op
        if op == "+":
            return between(a + c, b + d)
        if op == "-":
            return between(a - d, b - c)
        if op == "*":
            corners = [_mul(x, y) for x in (a, b) for y in (c, d)]
            return between(min(corners), max(corners))
        return ANY_NUMBER

    def _exactly(self, node: Node, children: list[Vals]) -> Vals | None:
        """Every value of ``node`` when each child takes each of its few exact values."""
        pools = [c.values() for c in children]
        if any(p is None for p in pools):
            return None
        if math.prod(len(p) for p in pools) > MAX_PRODUCT:  # type: ignore[arg-type]
            return None
        out = []
        for combo in product(*pools):  # type: ignore[arg-type]
            given = iter(combo)
            ok, value = _run_constant(node.rebuilt(lambda _child: Const(next(given))))
            if ok:
                out.append(value)
        return exact(out)

    def _boolean(self, node: And | Or) -> Vals:
        truths = [self.node(child).truths() for child in node.values]
        if isinstance(node, And):
            can_true = all(True in t for t in truths)
            can_false = any(False in t for t in truths)
        else:
            can_true = any(True in t for t in truths)
            can_false = all(False in t for t in truths)
        return exact([v for v, ok in ((True, can_true), (False, can_false)) if ok])

    def _compare(self, node: Compare) -> Vals:
        operands, ops = node.operands, node.ops
        values: list[Vals] = []
        for operand in operands:
            if isinstance(operand, Seq):
                items = [self.node(item) for item in operand.items]
                pools = [i.values() for i in items]
                if any(p is None for p in pools) or math.prod(
                        len(p) for p in pools) > MAX_PRODUCT:  # type: ignore[arg-type]
                    return BOOLS
                values.append(Vals(exact=frozenset(
                    ("q", tuple(combo)) for combo in product(*pools))))  # type: ignore[arg-type]
            else:
                values.append(self.node(operand))
        pools = [v.values() for v in values]
        if all(p is not None for p in pools) and math.prod(
                len(p) for p in pools) <= MAX_PRODUCT:  # type: ignore[arg-type]
            out = []
            for combo in product(*pools):  # type: ignore[arg-type]
                tree = Compare(tuple(_as_const(v) for v in combo), ops)
                ok, value = _run_constant(tree)
                if ok:
                    out.append(value)
            return exact(out)
        if len(ops) != 1 or ops[0] not in ("<", "<=", ">", ">=", "==", "!="):
            return BOOLS
        left, right = values[0].numbers(), values[1].numbers()
        if left is None or right is None:
            return BOOLS
        return exact(_interval_compare(ops[0], left, right))

    def _call(self, node: Call) -> Vals:
        name = node.function
        args = [self.node(a) for a in node.args]
        if name != "random":
            result = self._exactly(node, args)
            if result is not None:
                return result
        spans = [a.numbers() for a in args]
        if any(s is None for s in spans):
            return TOP
        if name == "random":
            return between(math.ceil(spans[0][0]), math.floor(spans[1][1]))  # type: ignore[index]
        if name == "min":
            return between(min(s[0] for s in spans), min(s[1] for s in spans))  # type: ignore[index]
        if name == "max":
            return between(max(s[0] for s in spans), max(s[1] for s in spans))  # type: ignore[index]
        if name == "abs":
            lo, hi = spans[0]  # type: ignore[misc]
            if lo >= 0:
                return between(lo, hi)
            if hi <= 0:
                return between(-hi, -lo)
            return between(0, max(-lo, hi))
        if name == "round" and len(spans) == 1:
            lo, hi = spans[0]  # type: ignore[misc]
            return between(math.floor(lo), math.ceil(hi))
        return ANY_NUMBER


_SCORE_READS = (Score, Tier, TierLabel, TierRank)
"""Nodes that read the rating."""


def _substitute(tree: Node, values: dict[Node, object]) -> Node:
    """A copy of a tree with its atoms (the nodes that read the state) replaced by constants."""
    return transform(tree, lambda node: Const(values[node]) if isinstance(  # type: ignore[arg-type]
        node, ATOMS) else None)


def _as_const(value: object) -> Node:
    if type(value) is tuple:
        return Seq(tuple(Const(item) for item in value))
    return Const(value)  # type: ignore[arg-type]


def _mul(x: float, y: float) -> float:
    if x == 0 or y == 0:
        return 0.0
    return x * y


def _interval_compare(op: str, left: tuple[float, float], right: tuple[float, float]) -> set[bool]:
    (a, b), (c, d) = left, right
    out = set()
    if op == "<":
        if a < d:
            out.add(True)
        if b >= c:
            out.add(False)
    elif op == "<=":
        if a <= d:
            out.add(True)
        if b > c:
            out.add(False)
    elif op == ">":
        return _interval_compare("<", right, left)
    elif op == ">=":
        return _interval_compare("<=", right, left)
    elif op == "==":
        if a <= d and c <= b:
            out.add(True)
        if not (a == b == c == d):
            out.add(False)
    elif op == "!=":
        return {not t for t in _interval_compare("==", left, right)}
    return out


def _sccs(nodes: set[str], edges: dict[str, list[str]]) -> tuple[dict[str, int], list[list[str]]]:
    """Strongly connected components (iterative Tarjan), in reverse topological order."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comps: dict[str, int] = {}
    order: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index_of:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for target in it:
                if target not in nodes:
                    continue
                if target not in index_of:
                    index_of[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges.get(target, ()))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index_of[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                members = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    comps[item] = len(order)
                    members.append(item)
                    if item == node:
                        break
                order.append(members)
    return comps, order


class _Reach:
    """What the analysis knows, as a rating model's ``score_bounds`` asks it."""

    def __init__(self, facts, rating: m.Rating) -> None:
        self._facts = facts
        self._rating = rating
        self.recorded = bool(facts.recorded)
        self.rated = bool(facts.rated)

    def rule_span(self) -> tuple[float, float]:
        rules = self._rating.rules

        def weight(effects):
            low = high = 0.0
            for effect in effects:
                if isinstance(effect, m.Record):
                    change = rules[effect.rule].change
                    low += min(0.0, change)
                    high += max(0.0, change)
            return low, high

        return self._facts._path_bounds(weight)

    def value_span(self, expr) -> tuple[float, float] | None:
        if not self._facts.solved:
            return None
        values = self._facts.values_of(expr)
        return _number_span(values)


def _number_span(values: Vals) -> tuple[float, float] | None:
    """The interval of a feature's value, true and false counted as 1 and 0."""
    if values.top:
        return None
    if values.exact is None:
        return values.lo, values.hi
    if not values.exact or any(kind == "s" for kind, _ in values.exact):
        return None
    numbers = [float(v) for _, v in values.exact]
    return min(numbers), max(numbers)
