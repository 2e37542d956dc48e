"""The story format's expression language: parsed once, evaluated many times.

Story text is untrusted, so nothing here calls ``eval``, ``exec`` or
``compile``. A source is parsed with ``ast.parse(mode="eval")``, checked
against a whitelist of node types and the story's declared names, and lowered
to a small tree of tuples (the *compiled form*, JSON-able for a cache). That
tree is then turned into nested closures, specialised for the common shapes
(``money >= 50`` is one closure: a ``ctx.vars`` lookup, a type check and a
comparison), with no name lookups beyond ``ctx.vars``.

Load-time mistakes raise one :class:`~game.errors.StoryError` at the offending
character; evaluation-time failures raise
:class:`~game.errors.StoryRuntimeError` and nothing else.
"""

from __future__ import annotations

import ast
import decimal
import difflib
import math
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from game.errors import Location, StoryError, StoryRuntimeError

Value: TypeAlias = int | float | str | bool
"""What an expression evaluates to."""

Locate: TypeAlias = Callable[[int], Location]
"""Maps a 0-based character offset in a source to a place in the story file."""

MAX_SOURCE = 2000
"""Longest expression source, in characters."""
MAX_NUMBER = 2**53
"""Largest magnitude of a number literal or arithmetic result (exact in a float)."""
MAX_TEXT = 10_000
"""Longest string literal or string result, in characters."""
MAX_DEPTH = 50
"""Deepest nesting of expression nodes or brackets."""
MAX_RENDERED = 100_000
"""Longest text once its ``{...}`` are filled in, in characters: one paragraph,
choice or title the player is shown (the loader refuses longer plain text)."""

ID_FUNCTIONS = ("listed", "visited", "visits", "rating", "can", "recorded")
COUNTING_FUNCTIONS = frozenset({"visits", "rating", "recorded"})
"""The id functions that give a number; the others give true/false."""
"""Functions taking one declared id in quotes, checked at load time."""
VALUE_FUNCTIONS = ("random", "min", "max", "abs", "round")
"""Functions taking expressions."""
FUNCTIONS = ID_FUNCTIONS + VALUE_FUNCTIONS
"""Every function an expression may call."""
BUILTIN_NAMES = frozenset(
    {"score", "tier", "tier_label", "day", "true", "false", "True", "False", *FUNCTIONS}
)
"""Names the language defines; a story var cannot use them."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What names a story declares; used to check expressions at load time."""

    vars: frozenset[str] = frozenset()
    scenes: frozenset[str] = frozenset()
    lists: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    """Rule ids (``recorded('rule')``)."""
    tiers: tuple[str, ...] = ()
    """Tier ids, highest first."""
    has_rating: bool = False
    """Whether ``score`` is allowed."""


class Context(Protocol):
    """What the engine's state offers to evaluation."""

    vars: Mapping[str, Value]
    score: float
    tier_id: str
    tier_label: str
    tier_rank: int
    """Same ranking as ``Scope.tiers``: ``len(tiers) - index``, higher is better."""
    day: int
    score_name: str
    """The rating's name for players, e.g. "Civic Score" (used by ``Expr.unmet``)."""

    def is_listed(self, list_id: str) -> bool: ...
    def visits(self, scene_id: str) -> int: ...
    def rating_of(self, person_id: str) -> float: ...
    def can(self, service_id: str) -> bool: ...
    def recorded(self, rule_id: str) -> int: ...
    def random(self, a: int, b: int) -> int: ...
    def tier_label_of(self, tier_id: str) -> str: ...
    def list_label(self, list_id: str) -> str: ...
    def service_label(self, service_id: str) -> str: ...
    def person_name(self, person_id: str) -> str: ...


# A compiled node is a tuple (or, coming back from JSON, a list) whose first
# item is a tag:
#   ("c", value)                 constant          ("v", name)      var
#   ("score",) ("tier",) ("tier_label",) ("day",) ("tier_rank",)
#   ("trank", tier_id, rank)     a tier literal compared by rank
#   ("neg", x) ("pos", x) ("not", x)
#   ("bin", op, left, right)     op in + - * / // %
#   ("and", (x, ...), ((start, end), ...))   and "or": spans are source offsets
#   ("cmp", (operand, ...), (op, ...))       op in == != < <= > >= in "not in"
#   ("seq", (x, ...))            a (...) or [...] right of "in"
#   ("fn", name, id)             listed/visited/visits/rating/can/recorded('id')
#   ("call", name, x, ...)       random/min/max/abs/round
Node: TypeAlias = Sequence[Any]
Fn: TypeAlias = Callable[[Context], Any]


# ---------------------------------------------------------------------------
# formatting


def format_value(value: Value) -> str:
    """Format a value for players: 4.0 -> "4", 4.3333 -> "4.33", True -> "true"."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):  # type: ignore[comparison-overlap]
            return str(value)
        if value.is_integer():  # type: ignore[union-attr]
            return str(int(value))
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


VAR_FORMATS = ("plain", "thousands")
"""What a var's ``format:`` may say: ``thousands`` groups digits (5,400 yuan)."""


def format_var(value: Value, how: str | None) -> str:
    """A var's value as the player reads it, by its ``format:`` (``format_value`` if none)."""
    if how == "thousands" and type(value) in (int, float):
        text = format_value(value)
        head, dot, tail = text.partition(".")
        sign = "-" if head.startswith("-") else ""
        return f"{sign}{int(head.lstrip('-') or 0):,}{dot}{tail}"
    return format_value(value)


# ---------------------------------------------------------------------------
# compiling: source -> checked tree


class Memo:
    """Compiled expressions of one load, by source: a repeated condition is checked once.

    Only successes are kept, so every mistake is still reported where it is.
    Valid for one scope only (one story load).
    """

    __slots__ = ("_compiled",)

    def __init__(self) -> None:
        self._compiled: dict[str, Expr] = {}

    def expr(self, source: str, scope: Scope, locate: Locate) -> Expr:
        """Like compile_expr, reusing the tree and closures of an earlier identical source."""
        done = self._compiled.get(source)
        if done is not None:
            return done.moved(locate(0))
        tree = _Compiler(source, scope, locate).compile()
        made = Expr(source, locate(0), tree)
        self._compiled[source] = made
        return made


def compile_expr(source: str, scope: Scope, locate: Locate, memo: Memo | None = None) -> Expr:
    """Parse and check one expression; raise one StoryError at the mistake."""
    if memo is not None:
        return memo.expr(source, scope, locate)
    tree = _Compiler(source, scope, locate).compile()
    return Expr(source, locate(0), tree)


_BRACE = re.compile(r"[{}]")


def compile_text(source: str, scope: Scope, locate: Locate, memo: Memo | None = None) -> Text:
    """Compile text with ``{EXPR}`` interpolation; ``{{`` and ``}}`` are literal braces."""
    base = locate(0)
    if "{" not in source and "}" not in source:
        return Text(source, base, (source,))
    parts: list[str | Expr] = []
    buf: list[str] = []
    pos = 0
    for match in _BRACE.finditer(source):
        i = match.start()
        if i < pos:
            continue  # inside an expression or an escape already consumed
        buf.append(source[pos:i])
        brace = source[i]
        if source.startswith(brace * 2, i):
            buf.append(brace)
            pos = i + 2
            continue
        if brace == "}":
            raise StoryError("unmatched '}': write '}}' for a literal brace", locate(i))
        end = _closing_brace(source, i + 1)
        if end < 0:
            raise StoryError(
                "unmatched '{': close it with '}', or write '{{' for a literal brace",
                locate(i),
            )
        inner = source[i + 1 : end]
        if not inner.strip():
            raise StoryError(
                "empty '{}': put an expression inside, or write '{{}}' for literal braces",
                locate(i),
            )
        start = i + 1
        inner_locate = lambda off, s=start: locate(s + off)  # noqa: E731
        if memo is not None:
            made = memo.expr(inner, scope, inner_locate)
        else:
            made = Expr(inner, locate(start), _Compiler(inner, scope, inner_locate).compile())
        literal = "".join(buf)
        buf.clear()
        if literal:
            parts.append(literal)
        parts.append(made)
        pos = end + 1
    buf.append(source[pos:])
    tail = "".join(buf)
    if tail or not parts:
        parts.append(tail)
    return Text(source, base, tuple(parts))


def _closing_brace(source: str, start: int) -> int:
    """Index of the '}' closing an interpolation that starts at ``start``, or -1."""
    quote = ""
    i = start
    n = len(source)
    while i < n:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "}":
            return i
        elif ch == "{":
            return -1  # braces never nest: dicts and sets are not allowed
        i += 1
    return -1


def _suggest(word: str, choices: Iterable[str]) -> str:
    """A "; did you mean 'x'?" suffix, or a short list of the choices, or ''."""
    pool = sorted(choices)
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if 0 < len(pool) <= 6:
        return "; known: " + ", ".join(pool)
    return ""


_SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
    ast.Mod: "%",
}
_COMPARE: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
    ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in",
}
_ORDERING = frozenset({"<", "<=", ">", ">="})
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_BIT_OPS = (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)
_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access (the '.' in 'x.y') is not allowed",
    ast.Subscript: "indexing (x[...]) is not allowed",
    ast.Slice: "slices (x[a:b]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions (... for ... in ...) are not allowed",
    ast.SetComp: "comprehensions (... for ... in ...) are not allowed",
    ast.DictComp: "comprehensions (... for ... in ...) are not allowed",
    ast.GeneratorExp: "comprehensions (... for ... in ...) are not allowed",
    ast.JoinedStr: "f-strings are not allowed; in text, {expr} already interpolates",
    ast.FormattedValue: "f-strings are not allowed; in text, {expr} already interpolates",
    ast.NamedExpr: "':=' is not allowed: use '==' to compare, or a 'set:' effect to assign",
    ast.IfExp: "'A if C else B' is not allowed: use an 'if:' block in the story",
    ast.Dict: "dictionaries ({...}) are not allowed",
    ast.Set: "sets ({...}) are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}


class _Compiler:
    """Checks one source against the whitelist and the scope, producing a tree."""

    def __init__(self, source: str, scope: Scope, locate: Locate) -> None:
        self.source = source
        self.scope = scope
        self.locate = locate
        self.shift = 0  # offset of the parsed text within source
        self.encoded = b""

    # -- errors and offsets

    def fail(self, message: str, where: ast.AST | int) -> StoryError:
        """Build the StoryError for a node or a character offset (the caller raises)."""
        offset = where if isinstance(where, int) else self.offset(where)
        return StoryError(message, self.locate(max(0, min(offset, len(self.source)))))

    def offset(self, node: ast.AST) -> int:
        """Character offset of a node in the source (ast counts UTF-8 bytes)."""
        col = getattr(node, "col_offset", 0) or 0
        return self.shift + len(self.encoded[:col].decode("utf-8", "ignore"))

    def end_offset(self, node: ast.AST) -> int:
        """Character offset just past a node."""
        col = getattr(node, "end_col_offset", None)
        if col is None:
            return len(self.source)
        return self.shift + len(self.encoded[:col].decode("utf-8", "ignore"))

    def after(self, node: ast.AST) -> int:
        """Offset of the operator following a node: skip spaces and closing brackets."""
        i = self.end_offset(node)
        source = self.source
        while i < len(source) and source[i] in " \t\r\n)":
            i += 1
        return i

    # -- entry

    def compile(self) -> tuple[Any, ...]:
        """Parse, check limits and lower the whole source."""
        source = self.source
        if len(source) > MAX_SOURCE:
            raise self.fail(
                f"expression too long ({len(source)} characters; the limit is {MAX_SOURCE})",
                0,
            )
        self._prescan()
        # Newlines (from YAML block scalars) become spaces: same offsets, one line.
        flat = source.replace("\r", " ").replace("\n", " ")
        text = flat.lstrip()
        self.shift = len(flat) - len(text)
        self.encoded = text.encode("utf-8", "surrogatepass")
        if not text.strip():
            raise self.fail("empty expression", 0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. '\d' escapes: not the player's concern
                parsed = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            raise self._syntax_error(exc) from None
        except (RecursionError, MemoryError, ValueError, OverflowError):
            raise self.fail("expression too complex or invalid", 0) from None
        self._check_depth(parsed.body)
        return self.expr(parsed.body)

    def _prescan(self) -> None:
        """Refuse deep bracket nesting and comments before the parser sees them."""
        quote = ""
        depth = 0
        skip = False
        for i, ch in enumerate(self.source):
            if skip:
                skip = False
            elif quote:
                if ch == "\\":
                    skip = True
                elif ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch in "([{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise self.fail(
                        f"expression nested too deeply (more than {MAX_DEPTH} brackets)", i
                    )
            elif ch in ")]}":
                depth -= 1
            elif ch == "#":
                raise self.fail(
                    "'#' is not allowed in an expression; put YAML comments outside it", i
                )
            elif ch == "\0":
                raise self.fail("the expression contains a NUL character", i)

    def _syntax_error(self, exc: SyntaxError) -> StoryError:
        """Turn a parser error into a StoryError with a hint for common slips."""
        offset = self.shift + max((exc.offset or 1) - 1, 0)
        hint = _syntax_hint(self.source)
        if hint is not None:
            return self.fail(hint[0], hint[1])
        message = (exc.msg or "invalid syntax").split(". Maybe you meant")[0]
        return self.fail(f"invalid expression: {message}", offset)

    def _check_depth(self, root: ast.AST) -> None:
        """Refuse trees nested deeper than MAX_DEPTH (iteratively: no recursion here)."""
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.fail(
                    f"expression nested too deeply (more than {MAX_DEPTH} levels)", node
                )
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    stack.append((child, depth + 1))

    # -- lowering

    def expr(self, node: ast.AST) -> tuple[Any, ...]:
        """Lower one checked node."""
        kind = type(node)
        if kind is ast.Constant:
            return self.constant(node)  # type: ignore[arg-type]
        if kind is ast.Name:
            return self.name(node)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            return self.binop(node)  # type: ignore[arg-type]
        if kind is ast.UnaryOp:
            return self.unaryop(node)  # type: ignore[arg-type]
        if kind is ast.BoolOp:
            return self.boolop(node)  # type: ignore[arg-type]
        if kind is ast.Compare:
            return self.compare(node)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self.call(node)  # type: ignore[arg-type]
        if kind in (ast.Tuple, ast.List):
            raise self.fail(
                "lists like ('A', 'B') are only allowed after 'in', as in tier in ('A', 'AAA')",
                node,
            )
        message = _REFUSED.get(kind, f"{kind.__name__} is not allowed in an expression")
        raise self.fail(message, node)

    def constant(self, node: ast.Constant) -> tuple[Any, ...]:
        value = node.value
        kind = type(value)
        if kind is bool:
            return ("c", value)
        if kind is int or kind is float:
            if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also refuses inf and nan
                raise self.fail(f"number too large (the limit is ±{MAX_NUMBER})", node)
            return ("c", value)
        if kind is str:
            if len(value) > MAX_TEXT:
                raise self.fail(f"text too long (the limit is {MAX_TEXT} characters)", node)
            return ("c", value)
        if value is None:
            raise self.fail("None is not allowed: use false, 0 or ''", node)
        if kind is bytes:
            raise self.fail("bytes (b'...') are not allowed: write 'text'", node)
        if kind is complex:
            raise self.fail("complex numbers are not allowed", node)
        if value is Ellipsis:
            raise self.fail("'...' is not allowed", node)
        raise self.fail(f"{value!r} is not allowed in an expression", node)

    def name(self, node: ast.Name) -> tuple[Any, ...]:
        name = node.id
        scope = self.scope
        if name.startswith("_"):
            raise self.fail(f"names starting with '_' are not allowed ('{name}')", node)
        if name in ("true", "True"):
            return ("c", True)
        if name in ("false", "False"):
            return ("c", False)
        if name == "score":
            if not scope.has_rating:
                raise self.fail("'score' needs a rating: this story has no 'rating:'", node)
            return ("score",)
        if name in ("tier", "tier_label"):
            if not scope.tiers:
                raise self.fail(
                    f"'{name}' needs tiers: this story's rating has no 'tiers:'", node
                )
            return (name,)
        if name == "day":
            return ("day",)
        if name in scope.vars:
            return ("v", name)
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function: write {name}(...)", node)
        if name in scope.tiers:
            raise self.fail(
                f"'{name}' is a tier id, and ids are text: put it in quotes, as in "
                f"tier >= '{name}'", node)
        known = set(scope.vars) | {"day", "true", "false"}
        if scope.has_rating:
            known.add("score")
        if scope.tiers:
            known |= {"tier", "tier_label"}
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        if close:
            raise self.fail(f"unknown name '{name}'; did you mean '{close[0]}'?", node)
        if self.offset(node) == len(self.source) - len(self.source.lstrip()):
            hint = (f"write \"'{name}'\" (quotes inside quotes: YAML takes the outer "
                    "ones for its own)")
        else:
            hint = f"write '{name}' in quotes"
        raise self.fail(f"unknown name '{name}'; if you mean the text {name}, {hint}", node)

    def binop(self, node: ast.BinOp) -> tuple[Any, ...]:
        op = type(node.op)
        if op is ast.Pow:
            raise self.fail("'**' (power) is not allowed: multiply instead", self.after(node.left))
        if op is ast.MatMult:
            raise self.fail("'@' is not allowed", self.after(node.left))
        if op in _BIT_OPS:
            raise self.fail(
                "bit operators (& | ^ << >>) are not allowed; use and, or", self.after(node.left)
            )
        return _fold(("bin", _SYMBOLS[op], self.expr(node.left), self.expr(node.right)))

    def unaryop(self, node: ast.UnaryOp) -> tuple[Any, ...]:
        op = type(node.op)
        if op is ast.Invert:
            raise self.fail("'~' is not allowed; use not", node)
        tag = {ast.USub: "neg", ast.UAdd: "pos", ast.Not: "not"}[op]
        return _fold((tag, self.expr(node.operand)))

    def boolop(self, node: ast.BoolOp) -> tuple[Any, ...]:
        tag = "and" if type(node.op) is ast.And else "or"
        values = tuple(self.expr(v) for v in node.values)
        spans = tuple((self.offset(v), self.end_offset(v)) for v in node.values)
        return (tag, values, spans)

    def compare(self, node: ast.Compare) -> tuple[Any, ...]:
        operands = [node.left, *node.comparators]
        ops: list[str] = []
        for index, op in enumerate(node.ops):
            if type(op) in (ast.Is, ast.IsNot):
                raise self.fail("'is' is not allowed: use == or !=", self.after(operands[index]))
            ops.append(_COMPARE[type(op)])
        last = len(operands) - 1
        for i, operand in enumerate(operands):
            if type(operand) in (ast.Tuple, ast.List) and (
                i != last or ops[i - 1] not in ("in", "not in")
            ):
                raise self.fail(
                    "lists like ('A', 'B') are only allowed right of 'in'", operand
                )
        lowered = [self._operand(o) for o in operands]
        if self.scope.tiers:
            self._tier_ranks(operands, ops, lowered)
        return ("cmp", tuple(lowered), tuple(ops))

    def _operand(self, node: ast.AST) -> tuple[Any, ...]:
        if type(node) in (ast.Tuple, ast.List):
            items = node.elts  # type: ignore[attr-defined]
            return ("seq", tuple(self.expr(item) for item in items))
        return self.expr(node)

    def _tier_ranks(self, nodes: list[ast.AST], ops: list[str], lowered: list[Any]) -> None:
        """Rewrite ``tier OP 'B'`` pairs to compare ranks; check tier ids."""
        def is_tier(i: int) -> bool:
            return lowered[i] == ("tier",)

        def is_str(i: int) -> bool:
            return lowered[i][0] == "c" and type(lowered[i][1]) is str

        rank_pair = [
            op not in ("in", "not in")
            and ((is_tier(i) and is_str(i + 1)) or (is_str(i) and is_tier(i + 1)))
            for i, op in enumerate(ops)
        ]
        for i, op in enumerate(ops):
            tier_side = i if is_tier(i) else i + 1 if is_tier(i + 1) else None
            if tier_side is None:
                continue
            other = i + 1 if tier_side == i else i
            if op in _ORDERING and not rank_pair[i]:
                raise self.fail(
                    "tier can only be ordered against a tier id in quotes, "
                    "as in tier >= 'B'",
                    nodes[other],
                )
            if op in ("in", "not in") and tier_side == i and lowered[other][0] == "seq":
                for item_node, item in zip(nodes[other].elts, lowered[other][1]):  # type: ignore[attr-defined]
                    if item[0] == "c" and type(item[1]) is str:
                        self._tier_rank(item[1], item_node)
        for index in range(len(lowered)):
            pairs = [p for p in (index - 1, index) if 0 <= p < len(ops)]
            ranked = [rank_pair[p] for p in pairs]
            if not any(ranked):
                continue
            if not all(ranked):
                raise self.fail(
                    "compare tier with one tier id at a time, as in "
                    "tier >= 'C' and tier <= 'A'",
                    nodes[index],
                )
            if is_tier(index):
                lowered[index] = ("tier_rank",)
            else:
                tier_id = lowered[index][1]
                lowered[index] = ("trank", tier_id, self._tier_rank(tier_id, nodes[index]))

    def _tier_rank(self, tier_id: str, node: ast.AST) -> int:
        tiers = self.scope.tiers
        if tier_id not in tiers:
            raise self.fail(f"unknown tier '{tier_id}'{_suggest(tier_id, tiers)}", node)
        return len(tiers) - tiers.index(tier_id)

    def call(self, node: ast.Call) -> tuple[Any, ...]:
        func = node.func
        if type(func) is not ast.Name:
            self.expr(func)  # refuses attribute access, lambdas... with their message
            raise self.fail(
                "only these functions can be called: " + ", ".join(FUNCTIONS), node
            )
        name = func.id
        if node.keywords:
            raise self.fail(
                f"keyword arguments (name=value) are not allowed in {name}()",
                node.keywords[0].value,
            )
        for arg in node.args:
            if type(arg) is ast.Starred:
                raise self.fail("'*' arguments are not allowed", arg)
        args = node.args
        if name in ID_FUNCTIONS:
            return self._id_call(node, name)
        count = len(args)
        if name == "random":
            if count != 2:
                raise self.fail("random() takes two numbers, as in random(1, 6)", node)
        elif name in ("min", "max"):
            if count < 2:
                raise self.fail(f"{name}() takes two or more values, as in {name}(a, b)", node)
        elif name == "abs":
            if count != 1:
                raise self.fail("abs() takes one number", node)
        elif name == "round":
            if count not in (1, 2):
                raise self.fail("round() takes a number and optionally a digit count", node)
        elif name.startswith("_"):
            raise self.fail(f"names starting with '_' are not allowed ('{name}')", func)
        elif name in self.scope.vars or name in BUILTIN_NAMES:
            raise self.fail(f"'{name}' is not a function", func)
        else:
            close = difflib.get_close_matches(name, FUNCTIONS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "the functions are: " + ", ".join(FUNCTIONS)
            raise self.fail(f"calling '{name}' is not allowed; {hint}", func)
        return ("call", name, *(self.expr(a) for a in args))

    def _id_call(self, node: ast.Call, name: str) -> tuple[Any, ...]:
        kind, pool = {
            "listed": ("list", self.scope.lists),
            "visited": ("scene", self.scope.scenes),
            "visits": ("scene", self.scope.scenes),
            "rating": ("person", self.scope.people),
            "can": ("service", self.scope.services),
            "recorded": ("rule", self.scope.rules),
        }[name]
        args = node.args
        if len(args) != 1 or type(args[0]) is not ast.Constant or type(args[0].value) is not str:
            raise self.fail(
                f"{name}() takes one {kind} id in quotes, as in {name}('{_example(pool, kind)}')",
                args[0] if len(args) == 1 else node,
            )
        ident = args[0].value
        if ident not in pool:
            if not pool:
                raise self.fail(f"unknown {kind} '{ident}': this story declares none", args[0])
            raise self.fail(f"unknown {kind} '{ident}'{_suggest(ident, pool)}", args[0])
        return ("fn", name, ident)


def _fold(tree: tuple[Any, ...]) -> tuple[Any, ...]:
    """Compute an operation on constants now (so ``-5`` is a constant), unless it fails."""
    if all(child[0] == "c" for child in tree[1:] if isinstance(child, tuple)):
        try:
            return ("c", _build(tree, set())(None))  # type: ignore[arg-type]
        except (_Fail, *_SAFETY_NET):
            pass  # 1/0 stays, to fail when evaluated, like any other runtime error
    return tree


def _example(pool: frozenset[str], kind: str) -> str:
    return min(pool) if pool else kind


def _syntax_hint(source: str) -> tuple[str, int] | None:
    """Spot a slip from other languages outside quotes: =, &&, ||, !."""
    quote = ""
    skip = False
    for i, ch in enumerate(source):
        if skip:
            skip = False
            continue
        if quote:
            if ch == "\\":
                skip = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "$":
            word = re.match(r"\$([A-Za-z_]\w*)", source[i:])
            name = word.group(1) if word else "name"
            return (f"'$' marks a variable in Twine, not here: write the name alone, "
                    f"as in {name}", i)
        elif source.startswith("&&", i):
            return "use 'and' instead of '&&'", i
        elif source.startswith("||", i):
            return "use 'or' instead of '||'", i
        elif ch == "!" and not source.startswith("!=", i):
            return "use 'not' instead of '!'", i
        elif ch == "=" and not source.startswith("==", i) and (
            i == 0 or source[i - 1] not in "=!<>:"
        ):
            return "use '==' to compare ('=' alone assigns, which is not allowed)", i
    return None


# ---------------------------------------------------------------------------
# building: tree -> closures (no checking: the tree comes from the compiler
# or from its own JSON)


class _Fail(Exception):
    """A runtime failure inside a closure; Expr adds location and source."""


_NUM = (int, float)


def _kind(value: object) -> str:
    kind = type(value)
    if kind is bool:
        return "true/false"
    if kind is int or kind is float:
        return "a number"
    if kind is str:
        return "text"
    return type(value).__name__


def _num(value: Any) -> Any:
    if -MAX_NUMBER <= value <= MAX_NUMBER:
        return value
    raise _Fail(f"number out of range (the limit is ±{MAX_NUMBER})")


def _whole(value: Any, what: str) -> int:
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is float and value.is_integer():
        return int(value)
    raise _Fail(f"{what} needs a whole number, got {format_value(value)!r} ({_kind(value)})")


def _add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta in _NUM and tb in _NUM:
        return _num(a + b)
    if ta is str and tb is str:
        if len(a) + len(b) > MAX_TEXT:
            raise _Fail(f"text too long (the limit is {MAX_TEXT} characters)")
        return a + b
    raise _Fail(f"'+' needs two numbers or two texts, got {_kind(a)} and {_kind(b)}")


def _sub(a: Any, b: Any) -> Any:
    if type(a) in _NUM and type(b) in _NUM:
        return _num(a - b)
    raise _Fail(f"'-' needs two numbers, got {_kind(a)} and {_kind(b)}")


def _repeat(text: str, times: Any) -> str:
    count = _whole(times, "repeating text")
    if count > 0 and len(text) * count > MAX_TEXT:
        raise _Fail(f"text too long (the limit is {MAX_TEXT} characters)")
    return text * count


def _mul(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta in _NUM:
        if tb in _NUM:
            return _num(a * b)
        if tb is str:
            return _repeat(b, a)
    elif ta is str and tb in _NUM:
        return _repeat(a, b)
    raise _Fail(f"'*' needs two numbers, or text and a whole number, got {_kind(a)} and {_kind(b)}")


def _numbers(symbol: str, a: Any, b: Any) -> None:
    if type(a) not in _NUM or type(b) not in _NUM:
        raise _Fail(f"'{symbol}' needs two numbers, got {_kind(a)} and {_kind(b)}")
    if b == 0:
        raise _Fail("division by zero")


def _div(a: Any, b: Any) -> Any:
    _numbers("/", a, b)
    return _num(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    _numbers("//", a, b)
    return _num(a // b)


def _mod(a: Any, b: Any) -> Any:
    _numbers("%", a, b)
    return _num(a % b)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add, "-": _sub, "*": _mul, "/": _div, "//": _floordiv, "%": _mod,
}


def _eq(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:  # true is not 1 here
        return ta is tb and a == b
    return bool(a == b)


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _ordered(symbol: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def ordered(a: Any, b: Any) -> bool:
        ta, tb = type(a), type(b)
        if (ta in _NUM and tb in _NUM) or (ta is str and tb is str):
            return compare(a, b)
        raise _Fail(f"'{symbol}' compares two numbers or two texts, got {_kind(a)} and {_kind(b)}")

    return ordered


def _in(a: Any, b: Any) -> bool:
    tb = type(b)
    if tb is frozenset:
        return type(a) is str and a in b
    if tb is tuple:
        return any(_eq(a, item) for item in b)
    if tb is str:
        if type(a) is str:
            return a in b
        raise _Fail(f"'in' on text needs text on the left, got {_kind(a)}")
    raise _Fail(f"'in' needs text or a list like ('A', 'B') on the right, got {_kind(b)}")


def _not_in(a: Any, b: Any) -> bool:
    return not _in(a, b)


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _eq, "!=": _ne,
    "<": _ordered("<", operator.lt), "<=": _ordered("<=", operator.le),
    ">": _ordered(">", operator.gt), ">=": _ordered(">=", operator.ge),
    "in": _in, "not in": _not_in,
}
_RANK_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}

_DECIMAL = decimal.Context(prec=60)


def _round(value: Any, digits: Any = None) -> Any:
    """Round half away from zero, as people do (2.5 -> 3), not banker's rounding."""
    if type(value) not in _NUM:
        raise _Fail(f"round() needs a number, got {_kind(value)}")
    if digits is None:
        if type(value) is int:
            return value
        exact = decimal.Decimal(repr(value))
        return int(exact.quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP, _DECIMAL))
    places = _whole(digits, "round()'s digit count")
    if not -15 <= places <= 15:
        raise _Fail("round() keeps between -15 and 15 digits")
    exact = decimal.Decimal(repr(value))
    step = decimal.Decimal(1).scaleb(-places)
    rounded = exact.quantize(step, decimal.ROUND_HALF_UP, _DECIMAL)
    return _num(int(rounded) if type(value) is int else float(rounded))


def _abs(value: Any) -> Any:
    if type(value) in _NUM:
        return abs(value)
    raise _Fail(f"abs() needs a number, got {_kind(value)}")


def _extreme(name: str, pick: Callable[..., Any]) -> Callable[[list[Any]], Any]:
    def extreme(values: list[Any]) -> Any:
        if all(type(v) in _NUM for v in values) or all(type(v) is str for v in values):
            return pick(values)
        kinds = ", ".join(sorted({_kind(v) for v in values}))
        raise _Fail(f"{name}() needs all numbers or all texts, got {kinds}")

    return extreme


def _build(node: Node, names: set[str]) -> Fn:
    """Turn a compiled node into a closure; record var names read in ``names``."""
    return _BUILDERS[node[0]](node, names)


def _b_const(node: Node, names: set[str]) -> Fn:
    value = node[1]
    return lambda ctx: value


def _b_var(node: Node, names: set[str]) -> Fn:
    name = node[1]
    names.add(name)

    def var(ctx: Context) -> Any:
        try:
            return ctx.vars[name]
        except KeyError:
            raise _Fail(f"var '{name}' has no value") from None

    return var


def _b_seq(node: Node, names: set[str]) -> Fn:
    items = node[1]
    if all(item[0] == "c" and type(item[1]) is str for item in items):
        strings = frozenset(item[1] for item in items)
        return lambda ctx: strings
    fns = tuple(_build(item, names) for item in items)
    return lambda ctx: tuple(f(ctx) for f in fns)


def _b_neg(node: Node, names: set[str]) -> Fn:
    f = _build(node[1], names)

    def neg(ctx: Context) -> Any:
        value = f(ctx)
        if type(value) in _NUM:
            return -value
        raise _Fail(f"'-' needs a number, got {_kind(value)}")

    return neg


def _b_pos(node: Node, names: set[str]) -> Fn:
    f = _build(node[1], names)

    def pos(ctx: Context) -> Any:
        value = f(ctx)
        if type(value) in _NUM:
            return value
        raise _Fail(f"'+' needs a number, got {_kind(value)}")

    return pos


def _b_not(node: Node, names: set[str]) -> Fn:
    inner = node[1]
    if inner[0] == "fn" and inner[1] == "listed":  # not listed('x'): one call, not two
        ident = inner[2]
        return lambda ctx: not ctx.is_listed(ident)
    f = _build(inner, names)
    return lambda ctx: not f(ctx)


# The closures below inline the common case (numbers in range) and hand
# anything else to the slow functions above, which compute strings or raise
# the right error: the hot path is one closure call per node.

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul,
    "/": operator.truediv, "//": operator.floordiv, "%": operator.mod,
}


def _b_bin(node: Node, names: set[str]) -> Fn:
    symbol = node[1]
    op, slow = _ARITHMETIC[symbol], _BINARY[symbol]
    divides = symbol in ("/", "//", "%")
    num, low, high = _NUM, -MAX_NUMBER, MAX_NUMBER
    left = _build(node[2], names)
    right_node = node[3]
    if right_node[0] == "c" and type(right_node[1]) in _NUM and (right_node[1] or not divides):
        k = right_node[1]
        if node[2][0] == "v":
            name = node[2][1]

            def var_arithmetic_k(ctx: Context) -> Any:
                try:
                    a = ctx.vars[name]
                except KeyError:
                    raise _Fail(f"var '{name}' has no value") from None
                if type(a) in num:
                    result = op(a, k)
                    if low <= result <= high:
                        return result
                return slow(a, k)

            return var_arithmetic_k

        def arithmetic_k(ctx: Context) -> Any:
            a = left(ctx)
            if type(a) in num:
                result = op(a, k)
                if low <= result <= high:
                    return result
            return slow(a, k)

        return arithmetic_k
    right = _build(right_node, names)
    if divides:

        def division(ctx: Context) -> Any:
            a = left(ctx)
            b = right(ctx)
            if type(a) in num and type(b) in num and b:
                result = op(a, b)
                if low <= result <= high:
                    return result
            return slow(a, b)

        return division

    def arithmetic(ctx: Context) -> Any:
        a = left(ctx)
        b = right(ctx)
        if type(a) in num and type(b) in num:
            result = op(a, b)
            if low <= result <= high:
                return result
        return slow(a, b)

    return arithmetic


def _truth(node: Node, names: set[str]) -> Fn:
    """A closure returning a real bool for ``node`` (and/or return booleans)."""
    f = _build(node, names)
    tag = node[0]
    if tag in ("cmp", "not", "and", "or") or (tag == "fn" and node[1] == "visited"):
        return f
    return lambda ctx: not not f(ctx)


def _b_and(node: Node, names: set[str]) -> Fn:
    fns = tuple(_truth(v, names) for v in node[1])
    if len(fns) == 2:
        a, b = fns
        return lambda ctx: a(ctx) and b(ctx)

    def all_of(ctx: Context) -> bool:
        for f in fns:
            if not f(ctx):
                return False
        return True

    return all_of


def _b_or(node: Node, names: set[str]) -> Fn:
    fns = tuple(_truth(v, names) for v in node[1])
    if len(fns) == 2:
        a, b = fns
        return lambda ctx: a(ctx) or b(ctx)

    def any_of(ctx: Context) -> bool:
        for f in fns:
            if f(ctx):
                return True
        return False

    return any_of


def _b_cmp(node: Node, names: set[str]) -> Fn:
    operands, ops = node[1], node[2]
    if len(ops) == 1:
        return _compare_two(operands[0], ops[0], operands[1], names)
    fns = tuple(_build(o, names) for o in operands)
    steps = tuple(zip((_COMPARATORS[o] for o in ops), fns[1:]))
    first = fns[0]

    def chain(ctx: Context) -> bool:
        left = first(ctx)
        for compare, f in steps:
            right = f(ctx)
            if not compare(left, right):
                return False
            left = right
        return True

    return chain


def _compare_two(left_node: Node, symbol: str, right_node: Node, names: set[str]) -> Fn:
    """One comparison, specialised for tier ranks, constants and vars."""
    if left_node[0] == "tier_rank" and right_node[0] == "trank":
        rank_op, rank = _RANK_OPS[symbol], right_node[2]
        return lambda ctx: rank_op(ctx.tier_rank, rank)
    if left_node[0] == "trank" and right_node[0] == "tier_rank":
        rank_op, rank = _RANK_OPS[symbol], left_node[2]
        return lambda ctx: rank_op(rank, ctx.tier_rank)
    slow = _COMPARATORS[symbol]
    left = _build(left_node, names)
    constant = right_node[0] == "c"
    k = right_node[1] if constant else None
    num = _NUM
    if symbol in _ORDERING:
        op = _RANK_OPS[symbol]
        if constant and type(k) in _NUM:
            if left_node[0] == "v":
                name = left_node[1]

                def var_vs_number(ctx: Context) -> bool:
                    try:
                        a = ctx.vars[name]
                    except KeyError:
                        raise _Fail(f"var '{name}' has no value") from None
                    if type(a) in num:
                        return op(a, k)  # type: ignore[no-any-return]
                    return slow(a, k)

                return var_vs_number

            def vs_number(ctx: Context) -> bool:
                a = left(ctx)
                if type(a) in num:
                    return op(a, k)  # type: ignore[no-any-return]
                return slow(a, k)

            return vs_number
        right = _build(right_node, names)

        def ordered(ctx: Context) -> bool:
            a = left(ctx)
            b = right(ctx)
            ta, tb = type(a), type(b)
            if (ta in num and tb in num) or (ta is str and tb is str):
                return op(a, b)  # type: ignore[no-any-return]
            return slow(a, b)

        return ordered
    if symbol in ("==", "!=") and constant and type(k) is not bool:
        # Only a bool could compare equal across kinds (true == 1): exclude it.
        if symbol == "==":
            return lambda ctx: type(a := left(ctx)) is not bool and a == k
        return lambda ctx: type(a := left(ctx)) is bool or a != k
    right = _build(right_node, names)
    return lambda ctx: slow(left(ctx), right(ctx))


def _b_fn(node: Node, names: set[str]) -> Fn:
    name, ident = node[1], node[2]
    if name == "listed":
        return lambda ctx: ctx.is_listed(ident)
    if name == "visited":
        return lambda ctx: ctx.visits(ident) > 0
    if name == "visits":
        return lambda ctx: ctx.visits(ident)
    if name == "rating":
        return lambda ctx: ctx.rating_of(ident)
    if name == "can":
        return lambda ctx: ctx.can(ident)
    if name == "recorded":
        return lambda ctx: ctx.recorded(ident)
    raise ValueError(f"unknown id function {name!r} in a compiled expression")


def _b_call(node: Node, names: set[str]) -> Fn:
    name = node[1]
    args = tuple(_build(a, names) for a in node[2:])
    if name == "random":
        low, high = args

        def rand(ctx: Context) -> int:
            a = _whole(low(ctx), "random()")
            b = _whole(high(ctx), "random()")
            if a > b:
                raise _Fail(f"random({a}, {b}) needs the first number to be at most the second")
            return ctx.random(a, b)

        return rand
    if name in ("min", "max"):
        pick = _extreme(name, min if name == "min" else max)
        return lambda ctx: pick([f(ctx) for f in args])
    if name == "abs":
        (f,) = args
        return lambda ctx: _abs(f(ctx))
    if name == "round":
        if len(args) == 1:
            (f,) = args
            return lambda ctx: _round(f(ctx))
        f, g = args
        return lambda ctx: _round(f(ctx), g(ctx))
    raise ValueError(f"unknown function {name!r} in a compiled expression")


def _getter(attribute: str) -> Callable[[Node, set[str]], Fn]:
    get = operator.attrgetter(attribute)
    return lambda node, names: get


def _b_trank(node: Node, names: set[str]) -> Fn:
    rank = node[2]
    return lambda ctx: rank


_BUILDERS: dict[str, Callable[[Node, set[str]], Fn]] = {
    "c": _b_const, "v": _b_var, "seq": _b_seq,
    "score": _getter("score"), "tier": _getter("tier_id"),
    "tier_label": _getter("tier_label"), "tier_rank": _getter("tier_rank"),
    "day": _getter("day"), "trank": _b_trank,
    "neg": _b_neg, "pos": _b_pos, "not": _b_not, "bin": _b_bin,
    "and": _b_and, "or": _b_or, "cmp": _b_cmp, "fn": _b_fn, "call": _b_call,
}


def _draws(node: Any) -> bool:
    """Whether a compiled tree calls ``random()`` or ``can()`` anywhere."""
    if isinstance(node, (tuple, list)):
        if len(node) >= 2 and (tuple(node[:2]) in (("call", "random"), ("fn", "can"))):
            return True
        return any(_draws(item) for item in node)
    return False


_NUMERIC = frozenset({"score", "day", "tier_rank", "trank"})
"""Tags of nodes whose value is always a number."""


def _is_number_node(node: Node) -> bool:
    tag = node[0]
    return (tag in _NUMERIC or (tag == "c" and type(node[1]) in _NUM)
            or (tag == "fn" and node[1] in ("visits", "recorded")))


def _safe(node: Node) -> bool:
    """Whether a compiled tree can neither fail nor draw random numbers (see ``Expr.safe``)."""
    tag = node[0]
    if tag in ("c", "v", "score", "day", "tier", "tier_label", "tier_rank", "trank"):
        return True
    if tag == "fn":
        return node[1] in ("listed", "visited", "visits", "recorded")
    if tag == "not":
        return _safe(node[1])
    if tag in ("and", "or"):
        return all(_safe(item) for item in node[1])
    if tag == "seq":
        return all(_safe(item) for item in node[1])
    if tag == "cmp":
        operands, ops = node[1], node[2]
        if not all(_safe(o) for o in operands):
            return False
        for index, op in enumerate(ops):
            left, right = operands[index], operands[index + 1]
            if op in ("==", "!="):
                continue  # equality compares anything with anything
            if op in ("in", "not in"):
                if right[0] != "seq":  # 'in' on text needs text on the left
                    return False
            elif not (_is_number_node(left) and _is_number_node(right)):
                return False
        return True
    return False  # arithmetic (overflow, types, division), calls, can()


def _to_json(node: Any) -> Any:
    if isinstance(node, (tuple, list)):
        return [_to_json(item) for item in node]
    return node


# ---------------------------------------------------------------------------
# the public objects


_SAFETY_NET = (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError)
_CAUGHT = (_Fail, *_SAFETY_NET)
"""What evaluating may raise, to be turned into a StoryRuntimeError."""


class Expr:
    """One compiled expression: immutable, evaluated many times."""

    __slots__ = ("source", "location", "names", "draws", "safe", "constant", "_tree", "_fn",
                 "_conjunct_box")

    source: str
    """The expression as the author wrote it."""
    location: Location
    """Where it starts in the story file."""
    names: frozenset[str]
    """Story vars it reads (not built-in names)."""
    draws: bool
    """Whether evaluating it may draw random numbers: it calls ``random()``, or
    ``can()`` (a service's condition may). Otherwise evaluating it twice in the
    same state gives the same value and leaves the state alone."""
    safe: bool
    """Whether evaluating it can neither draw random numbers nor fail, in any state
    where every declared var has a value (the engine's always do): then it may be
    evaluated later in the same state, or not at all, and nothing else changes.
    Decided from the tree's shape, conservatively (arithmetic is never safe)."""
    constant: Value | None
    """Its value when it is a constant (``5``, ``'late'``, ``-2``), else None."""

    def __init__(self, source: str, location: Location, tree: Node) -> None:
        names: set[str] = set()
        fn = _build(tree, names)
        setter = object.__setattr__
        setter(self, "source", source)
        setter(self, "location", location)
        setter(self, "names", frozenset(names))
        setter(self, "draws", _draws(tree))
        setter(self, "safe", _safe(tree))
        setter(self, "constant", tree[1] if tree[0] == "c" else None)
        setter(self, "_tree", tree)
        setter(self, "_fn", fn)
        # A box shared with every ``moved`` copy: the same condition found in many
        # places is split into conjuncts for ``unmet`` once, not once per place.
        setter(self, "_conjunct_box", [None])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Expr is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Expr is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expr):
            return NotImplemented
        return (
            self.source == other.source
            and self.location == other.location
            and _to_json(self._tree) == _to_json(other._tree)
        )

    def __hash__(self) -> int:
        return hash((self.source, self.location))

    def __repr__(self) -> str:
        return f"Expr({self.source!r} at {self.location})"

    def evaluate(self, ctx: Context) -> Value:
        """The value of the expression in this state; raises only StoryRuntimeError."""
        try:
            return self._fn(ctx)  # type: ignore[no-any-return]
        except _CAUGHT as exc:
            raise self._failure(exc) from None

    def test(self, ctx: Context) -> bool:
        """Evaluate as a condition (truthiness)."""
        # Not bool(self.evaluate(ctx)): conditions are tested several times a step,
        # and the extra call was ~10% of a simple condition's cost.
        try:
            return bool(self._fn(ctx))
        except _CAUGHT as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: Exception) -> StoryRuntimeError:
        """The StoryRuntimeError for an exception raised while evaluating."""
        if isinstance(exc, _Fail):
            return self._error(str(exc))
        if isinstance(exc, ZeroDivisionError):
            return self._error("division by zero")
        return self._error(f"cannot evaluate: {exc}")

    def _error(self, message: str) -> StoryRuntimeError:
        return StoryRuntimeError(message, self.location, expression=self.source)

    def unmet(self, ctx: Context) -> list[str]:
        """Player-facing reasons a condition is false, one per failed conjunct that can be
        put in words (never expression syntax); [] if true or if none can."""
        if self.test(ctx):
            return []
        return self._reasons(ctx, False)

    def explain_false(self, ctx: Context) -> list[str]:
        """``unmet`` for a condition just tested false in this same state.

        When the condition draws no random numbers, testing it again cannot give
        anything new, so it is not tested again (nor, when it is a single
        conjunct, evaluated again): the reasons are the same as ``unmet``'s.
        """
        if self.draws:
            return self.unmet(ctx)
        return self._reasons(ctx, True)

    def _reasons(self, ctx: Context, known_false: bool) -> list[str]:
        """The reasons ``unmet`` gives for a condition found false."""
        box = self._conjunct_box
        parts = box[0]
        if parts is None:  # built once: a locked choice is asked on every view
            parts = tuple(
                (Expr(self.source, self.location, tree), _phrase_for(tree))
                for tree, _span in self._conjuncts(self._tree, (0, len(self.source))))
            box[0] = parts
        if known_false and len(parts) == 1:
            # The one conjunct is the whole condition, just found false.
            _part, phrase = parts[0]
            reason = phrase(ctx)
            return [reason] if reason else []
        reasons: list[str] = []
        for part, phrase in parts:
            if phrase is _no_phrase:
                continue  # nothing to say about it: no need to evaluate it
            try:
                holds = part.evaluate(ctx)
            except StoryRuntimeError:
                # Only a conjunct after a false one can fail here (the whole was
                # evaluated without error): its guard is false, as in
                # ``x != 0 and 10 / x > 2``; the false guard is the reason.
                continue
            if not holds:
                reason = phrase(ctx)
                if reason:  # never expression syntax: the lock's own words then stand alone
                    reasons.append(reason)
        return reasons

    def _conjuncts(self, tree: Node, span: Sequence[int]) -> Iterable[tuple[Node, Sequence[int]]]:
        if tree[0] == "and":
            for sub, sub_span in zip(tree[1], tree[2]):
                yield from self._conjuncts(sub, sub_span)
        else:
            yield tree, span

    def to_json(self) -> object:
        """The compiled form as nested lists of strings and numbers."""
        return _to_json(self._tree)

    def moved(self, location: Location) -> Expr:
        """The same compiled expression, found at another place in the story."""
        if location == self.location:
            return self
        twin = object.__new__(Expr)
        setter = object.__setattr__
        for slot in Expr.__slots__:
            setter(twin, slot, getattr(self, slot))
        setter(twin, "location", location)
        return twin

    @classmethod
    def from_json(cls, data: Any, source: str, location: Location) -> Expr:
        """Rebuild from ``to_json`` output without parsing or checking (trusted cache)."""
        return cls(source, location, data)


class Text:
    """Immutable text with ``{EXPR}`` interpolation."""

    __slots__ = ("source", "location", "parts", "is_static", "names", "safe", "_static",
                 "_bare")

    source: str
    """The text as the author wrote it."""
    location: Location
    """Where it starts in the story file."""
    parts: tuple[str | Expr, ...]
    """Literal pieces (braces unescaped) and expressions, in order."""
    is_static: bool
    """True when there is nothing to interpolate."""
    names: frozenset[str]
    """Story vars its expressions read."""
    safe: bool
    """Whether rendering it can neither draw random numbers nor fail (see ``Expr.safe``)."""

    def __init__(self, source: str, location: Location, parts: tuple[str | Expr, ...]) -> None:
        setter = object.__setattr__
        setter(self, "source", source)
        setter(self, "location", location)
        setter(self, "parts", parts)
        static = all(type(p) is str for p in parts)
        setter(self, "is_static", static)
        setter(self, "_static", "".join(parts) if static else "")  # type: ignore[arg-type]
        names: frozenset[str] = frozenset()
        for part in parts:
            if type(part) is not str:
                names |= part.names  # type: ignore[union-attr]
        setter(self, "names", names)
        safe = all(type(p) is str or p.safe for p in parts)  # type: ignore[union-attr]
        setter(self, "safe", safe)
        # The var each part shows when it is just ``{var}`` (a var's ``format:`` applies).
        bare = tuple(p._tree[1] if type(p) is not str and p._tree[0] == "v" else None
                     for p in parts)  # type: ignore[union-attr]
        setter(self, "_bare", bare if any(bare) else None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Text is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Text is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (
            self.source == other.source
            and self.location == other.location
            and self.parts == other.parts
        )

    def __hash__(self) -> int:
        return hash((self.source, self.location))

    def __repr__(self) -> str:
        return f"Text({self.source!r} at {self.location})"

    def __str__(self) -> str:
        return self.source

    def render(self, ctx: Context) -> str:
        """The text with every expression's value formatted in place."""
        if self.is_static:
            return self._static  # type: ignore[no-any-return]
        out = []
        bare = self._bare
        formats = getattr(ctx, "var_formats", None) if bare is not None else None
        size = 0
        for index, part in enumerate(self.parts):
            if type(part) is str:
                piece = part
            else:
                # part.evaluate(ctx) inlined, and str() for whole numbers (scores, days:
                # most of what text shows; it is what format_value gives them): the two
                # calls saved were ~40% of rendering a paragraph with two numbers.
                try:
                    value = part._fn(ctx)  # type: ignore[union-attr]
                except _CAUGHT as exc:
                    raise part._failure(exc) from None  # type: ignore[union-attr]
                if formats and bare[index] in formats:  # type: ignore[index]
                    piece = format_var(value, formats[bare[index]])  # type: ignore[index]
                else:
                    piece = str(value) if type(value) is int else format_value(value)
            size += len(piece)
            if size > MAX_RENDERED:  # stop now: never build the whole of a runaway text
                raise StoryRuntimeError(
                    f"this text is longer than {MAX_RENDERED:,} characters once its "
                    "{...} are filled in; shorten it or what it shows", self.location)
            out.append(piece)
        return "".join(out)

    def to_json(self) -> object:
        """Literal parts as strings; each expression as [source, line delta, column, tree]."""
        out: list[object] = []
        for part in self.parts:
            if type(part) is str:
                out.append(part)
            else:
                loc = part.location  # type: ignore[union-attr]
                lines = loc.line - self.location.line
                column = loc.column - self.location.column if lines == 0 else loc.column
                out.append([part.source, lines, column, part.to_json()])  # type: ignore[union-attr]
        return out

    @classmethod
    def from_json(cls, data: Any, source: str, location: Location) -> Text:
        """Rebuild from ``to_json`` output without parsing or checking (trusted cache)."""
        parts: list[str | Expr] = []
        for item in data:
            if type(item) is str:
                parts.append(item)
                continue
            expr_source, lines, column, tree = item
            if lines == 0:
                where = Location(location.file, location.line, location.column + column)
            else:
                where = Location(location.file, location.line + lines, column)
            parts.append(Expr(expr_source, where, tree))
        return cls(source, location, tuple(parts))


# ---------------------------------------------------------------------------
# unmet: why a locked choice is locked


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
    if type(value) in _NUM and op in _TESTS:
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


def _no_phrase(ctx: Context) -> None:
    return None


def _phrase_for(tree: Node) -> Callable[[Context], str | None]:
    """Words for one conjunct when it is false (a closure: the tree is read once), or
    a closure giving None to fall back to its source."""
    tag = tree[0]
    if tag == "not" and tree[1][0] == "fn" and tree[1][1] == "listed":
        on = tree[1][2]

        def on_list(ctx: Context) -> str | None:
            # A silent list (``announce: false``) stays secret here too: the player
            # finds out when a service refuses them in the story's own words.
            if on in (getattr(ctx, "secret_lists", None) or ()):
                return None
            return f"you are on the list: {ctx.list_label(on)}"

        return on_list
    if tag == "fn" and tree[1] == "listed":
        off = tree[2]
        return lambda ctx: f"you are not on the list: {ctx.list_label(off)}"
    if tag == "fn" and tree[1] == "can":
        service = tree[2]
        return lambda ctx: f"needs access to {ctx.service_label(service)}"
    if tag != "cmp" or len(tree[2]) != 1:
        return _no_phrase
    subject, bound = tree[1]
    op = tree[2][0]
    if op not in _FLIPPED:
        return _no_phrase
    if subject[0] in ("c", "trank"):
        subject, bound, op = bound, subject, _FLIPPED[op]
    if subject[0] == "tier_rank" and bound[0] == "trank":
        tier_id, tier_bound = bound[1], _TIER_BOUNDS[op]

        def tier(ctx: Context) -> str:
            # Labels only: a tier's id is the author's word, not the player's.
            want = tier_bound.format(ctx.tier_label_of(tier_id))
            return f"needs {want}, your tier is {ctx.tier_label}"

        return tier
    if bound[0] != "c" or type(bound[1]) not in _NUM:
        return _no_phrase
    limit = bound[1]
    number = format_value(limit)
    if subject[0] == "score":
        wanted = _BOUNDS[op].format(number)
        return lambda ctx: (f"needs {ctx.score_name} {wanted}, you have "
                            f"{shown_against(ctx.score, op, limit)}")
    if subject[0] == "v":
        name = subject[1]
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
    if subject[0] == "day":
        wanted = f"needs {_DAY_BOUNDS[op].format(number)}, it is day "
        return lambda ctx: wanted + format_value(ctx.day)
    if subject[0] == "fn" and subject[1] == "rating":
        person_id, wanted = subject[2], _BOUNDS[op].format(number)

        def rating(ctx: Context) -> str:
            person = ctx.person_name(person_id)
            have = shown_against(ctx.rating_of(person_id), op, limit)
            return f"needs {person} at {wanted}, {person} is {have}"

        return rating
    return _no_phrase


__all__ = [
    "BUILTIN_NAMES",
    "Context",
    "Expr",
    "FUNCTIONS",
    "Locate",
    "Scope",
    "Text",
    "Value",
    "compile_expr",
    "compile_text",
    "format_value",
    "format_var",
]
