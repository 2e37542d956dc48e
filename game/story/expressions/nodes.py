"""The compiled expression tree: frozen, typed nodes.

The parser (``parser.py``) lowers a checked source to these nodes; the closure
compiler (``closures.py``), the analyses (``analysis.py``), the lock phrasing
(``phrasing.py``) and the authoring tools (lint, facts, playtest, the paper
edition) visit them. JSON appears only at the cache boundary: ``to_json`` gives
nested lists whose first item is a tag (``["bin", "+", ["v", "money"], ["c", 5]]``)
and ``from_json`` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

Value: TypeAlias = int | float | str | bool
"""What an expression evaluates to."""


class Node:
    """Base of every node: a frozen dataclass with a JSON tag."""

    __slots__ = ()
    TAG: ClassVar[str] = ""
    """The first item of the node's JSON form."""

    def children(self) -> tuple[Node, ...]:
        """The nodes directly inside this one, left to right."""
        return ()

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        """The same node with ``fn`` applied to each child (self if it has none)."""
        return self

    def to_json(self) -> list[Any]:
        """The node as nested lists of strings and numbers."""
        return [self.TAG]


# -- leaves ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Const(Node):
    """A literal: a number, a text or true/false (``5``, ``'late'``, ``true``)."""

    TAG: ClassVar[str] = "c"
    value: Value

    def __eq__(self, other: object) -> bool:
        # 1, 1.0 and true are equal in Python; as literals of a story they differ.
        if type(other) is not Const:
            return NotImplemented
        return type(self.value) is type(other.value) and self.value == other.value

    def __hash__(self) -> int:
        return hash((type(self.value).__name__, self.value))

    def to_json(self) -> list[Any]:
        return ["c", self.value]


@dataclass(frozen=True, slots=True)
class Var(Node):
    """A story var, read from the state (``money``)."""

    TAG: ClassVar[str] = "v"
    name: str

    def to_json(self) -> list[Any]:
        return ["v", self.name]


@dataclass(frozen=True, slots=True)
class Score(Node):
    """``score``: the player's rating."""

    TAG: ClassVar[str] = "score"


@dataclass(frozen=True, slots=True)
class Tier(Node):
    """``tier``: the id of the player's tier."""

    TAG: ClassVar[str] = "tier"


@dataclass(frozen=True, slots=True)
class TierLabel(Node):
    """``tier_label``: the label of the player's tier."""

    TAG: ClassVar[str] = "tier_label"


@dataclass(frozen=True, slots=True)
class TierRank(Node):
    """The rank of the player's tier (``tier`` where it is ordered against a tier id)."""

    TAG: ClassVar[str] = "tier_rank"


@dataclass(frozen=True, slots=True)
class Day(Node):
    """``day``: the story's day counter."""

    TAG: ClassVar[str] = "day"


@dataclass(frozen=True, slots=True)
class TierLiteral(Node):
    """A tier id in quotes compared with ``tier``: its rank (higher is better)."""

    TAG: ClassVar[str] = "trank"
    tier_id: str
    rank: int

    def to_json(self) -> list[Any]:
        return ["trank", self.tier_id, self.rank]


@dataclass(frozen=True, slots=True)
class IdCall(Node):
    """``listed/visited/visits/rating/can/recorded('id')``: a function of one declared id."""

    TAG: ClassVar[str] = "fn"
    function: str
    ident: str

    def to_json(self) -> list[Any]:
        return ["fn", self.function, self.ident]


# -- operations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """An operator on one operand (the base of ``Neg``, ``Pos`` and ``Not``)."""

    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return type(self)(fn(self.operand))

    def to_json(self) -> list[Any]:
        return [self.TAG, self.operand.to_json()]


@dataclass(frozen=True, slots=True)
class Neg(Unary):
    """``-x``."""

    TAG: ClassVar[str] = "neg"


@dataclass(frozen=True, slots=True)
class Pos(Unary):
    """``+x``."""

    TAG: ClassVar[str] = "pos"


@dataclass(frozen=True, slots=True)
class Not(Unary):
    """``not x``."""

    TAG: ClassVar[str] = "not"


BINARY_OPS = ("+", "-", "*", "/", "//", "%")
"""The arithmetic operators of ``Binary``."""


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """``left OP right``, OP one of ``BINARY_OPS``."""

    TAG: ClassVar[str] = "bin"
    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return Binary(self.op, fn(self.left), fn(self.right))

    def to_json(self) -> list[Any]:
        return ["bin", self.op, self.left.to_json(), self.right.to_json()]


Span: TypeAlias = tuple[int, int]
"""Start and end offsets of a part in the expression's source."""


@dataclass(frozen=True, slots=True)
class And(Node):
    """``a and b and ...``; ``spans`` are where each part is in the source."""

    TAG: ClassVar[str] = "and"
    values: tuple[Node, ...]
    spans: tuple[Span, ...]

    def children(self) -> tuple[Node, ...]:
        return self.values

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return type(self)(tuple(fn(v) for v in self.values), self.spans)

    def to_json(self) -> list[Any]:
        return [self.TAG, [v.to_json() for v in self.values], [list(s) for s in self.spans]]


@dataclass(frozen=True, slots=True)
class Or(Node):
    """``a or b or ...``; ``spans`` are where each part is in the source."""

    TAG: ClassVar[str] = "or"
    values: tuple[Node, ...]
    spans: tuple[Span, ...]

    def children(self) -> tuple[Node, ...]:
        return self.values

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return type(self)(tuple(fn(v) for v in self.values), self.spans)

    def to_json(self) -> list[Any]:
        return [self.TAG, [v.to_json() for v in self.values], [list(s) for s in self.spans]]


COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
"""The operators of ``Compare``."""


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """A comparison chain: ``a < b <= c`` has three operands and two ops."""

    TAG: ClassVar[str] = "cmp"
    operands: tuple[Node, ...]
    ops: tuple[str, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return Compare(tuple(fn(o) for o in self.operands), self.ops)

    def to_json(self) -> list[Any]:
        return ["cmp", [o.to_json() for o in self.operands], list(self.ops)]


@dataclass(frozen=True, slots=True)
class Seq(Node):
    """``('A', 'B')`` or ``[...]``: only right of ``in``."""

    TAG: ClassVar[str] = "seq"
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return Seq(tuple(fn(i) for i in self.items))

    def to_json(self) -> list[Any]:
        return ["seq", [i.to_json() for i in self.items]]


@dataclass(frozen=True, slots=True)
class Call(Node):
    """``random/min/max/abs/round(...)``: a function of values."""

    TAG: ClassVar[str] = "call"
    function: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args

    def rebuilt(self, fn: Callable[[Node], Node]) -> Node:
        return Call(self.function, tuple(fn(a) for a in self.args))

    def to_json(self) -> list[Any]:
        return ["call", self.function, *(a.to_json() for a in self.args)]


NODE_TYPES: tuple[type[Node], ...] = (
    Const, Var, Score, Tier, TierLabel, TierRank, Day, TierLiteral, IdCall,
    Neg, Pos, Not, Binary, And, Or, Compare, Seq, Call,
)
"""Every node class; a new one goes here, in ``from_json`` and in the closure compiler."""

ATOMS: tuple[type[Node], ...] = (Var, Score, Day, Tier, TierLabel, TierRank, IdCall)
"""Nodes whose value comes from the player's state."""

NUMERIC: tuple[type[Node], ...] = (Score, Day, TierRank, TierLiteral)
"""Nodes whose value is always a number."""


# -- visiting ---------------------------------------------------------------------------


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children, left to right."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def transform(node: Node, fn: Callable[[Node], Node | None]) -> Node:
    """A copy of a tree where ``fn`` replaced each node it gives a node for (top-down)."""
    swapped = fn(node)
    if swapped is not None:
        return swapped
    return node.rebuilt(lambda child: transform(child, fn))


# -- the JSON edge ------------------------------------------------------------------------


def _spans(data: Any) -> tuple[Span, ...]:
    return tuple((int(a), int(b)) for a, b in data)


_FROM_JSON: dict[str, Callable[[Any], Node]] = {
    "c": lambda d: Const(d[1]),
    "v": lambda d: Var(d[1]),
    "score": lambda d: Score(),
    "tier": lambda d: Tier(),
    "tier_label": lambda d: TierLabel(),
    "tier_rank": lambda d: TierRank(),
    "day": lambda d: Day(),
    "trank": lambda d: TierLiteral(d[1], d[2]),
    "fn": lambda d: IdCall(d[1], d[2]),
    "neg": lambda d: Neg(from_json(d[1])),
    "pos": lambda d: Pos(from_json(d[1])),
    "not": lambda d: Not(from_json(d[1])),
    "bin": lambda d: Binary(d[1], from_json(d[2]), from_json(d[3])),
    "and": lambda d: And(tuple(from_json(v) for v in d[1]), _spans(d[2])),
    "or": lambda d: Or(tuple(from_json(v) for v in d[1]), _spans(d[2])),
    "cmp": lambda d: Compare(tuple(from_json(o) for o in d[1]), tuple(d[2])),
    "seq": lambda d: Seq(tuple(from_json(i) for i in d[1])),
    "call": lambda d: Call(d[1], tuple(from_json(a) for a in d[2:])),
}


def from_json(data: Any) -> Node:
    """A node from its ``to_json`` form (lists or tuples); ValueError on an unknown tag."""
    if isinstance(data, Node):
        return data
    try:
        read = _FROM_JSON[data[0]]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"not a compiled expression node: {data!r:.80}") from None
    return read(data)


__all__ = [
    "ATOMS", "And", "BINARY_OPS", "Binary", "COMPARE_OPS", "Call", "Compare", "Const", "Day",
    "IdCall", "NODE_TYPES", "NUMERIC", "Neg", "Node", "Not", "Or", "Pos", "Score", "Seq",
    "Span", "Tier", "TierLabel", "TierLiteral", "TierRank", "Value", "Var", "from_json",
    "transform", "walk",
]
