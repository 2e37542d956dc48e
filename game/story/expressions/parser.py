"""The parser and checker: one source -> a checked tree of nodes, or one StoryError
at the offending character.

Story text is untrusted, so nothing here calls ``eval``, ``exec`` or ``compile``:
a source is parsed with ``ast.parse(mode="eval")``, checked against a whitelist
of Python's node types and the story's declared names, and lowered to the
language's own nodes (``nodes.py``). Operations on constants are folded now.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Iterable

from game.errors import StoryError
from game.story.expressions.closures import ORDERING, build
from game.story.expressions.functions import (
    BUILTIN_NAMES, FUNCTIONS, ID_FUNCTIONS, VALUE_FUNCTION_SPECS)
from game.story.expressions.language import (
    MAX_DEPTH, MAX_NUMBER, MAX_SOURCE, MAX_TEXT, Locate, Scope)
from game.story.expressions.nodes import (
    And, Binary, Call, Compare, Const, Day, IdCall, Neg, Node, Not, Or, Pos, Score, Seq, Tier,
    TierLabel, TierLiteral, TierRank, Var)
from game.story.expressions.runtime import CAUGHT

def parse(source: str, scope: Scope, locate: Locate) -> Node:
    """Parse and check one source against a story's scope; raise one StoryError at the mistake."""
    return _Parser(source, scope, locate).parse()


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


class _Parser:
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

    def parse(self) -> Node:
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

    def expr(self, node: ast.AST) -> Node:
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

    def constant(self, node: ast.Constant) -> Node:
        value = node.value
        kind = type(value)
        if kind is bool:
            return Const(value)
        if kind is int or kind is float:
            if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also refuses inf and nan
                raise self.fail(f"number too large (the limit is ±{MAX_NUMBER})", node)
            return Const(value)
        if kind is str:
            if len(value) > MAX_TEXT:
                raise self.fail(f"text too long (the limit is {MAX_TEXT} characters)", node)
            return Const(value)
        if value is None:
            raise self.fail("None is not allowed: use false, 0 or ''", node)
        if kind is bytes:
            raise self.fail("bytes (b'...') are not allowed: write 'text'", node)
        if kind is complex:
            raise self.fail("complex numbers are not allowed", node)
        if value is Ellipsis:
            raise self.fail("'...' is not allowed", node)
        raise self.fail(f"{value!r} is not allowed in an expression", node)

    def name(self, node: ast.Name) -> Node:
        name = node.id
        scope = self.scope
        if name.startswith("_"):
            raise self.fail(f"names starting with '_' are not allowed ('{name}')", node)
        if name in ("true", "True"):
            return Const(True)
        if name in ("false", "False"):
            return Const(False)
        if name == "score":
            if not scope.has_rating:
                raise self.fail("'score' needs a rating: this story has no 'rating:'", node)
            return Score()
        if name in ("tier", "tier_label"):
            if not scope.tiers:
                raise self.fail(
                    f"'{name}' needs tiers: this story's rating has no 'tiers:'", node
                )
            return Tier() if name == "tier" else TierLabel()
        if name == "day":
            return Day()
        if name in scope.vars:
            return Var(name)
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

    def binop(self, node: ast.BinOp) -> Node:
        op = type(node.op)
        if op is ast.Pow:
            raise self.fail("'**' (power) is not allowed: multiply instead", self.after(node.left))
        if op is ast.MatMult:
            raise self.fail("'@' is not allowed", self.after(node.left))
        if op in _BIT_OPS:
            raise self.fail(
                "bit operators (& | ^ << >>) are not allowed; use and, or", self.after(node.left)
            )
        return _fold(Binary(_SYMBOLS[op], self.expr(node.left), self.expr(node.right)))

    def unaryop(self, node: ast.UnaryOp) -> Node:
        op = type(node.op)
        if op is ast.Invert:
            raise self.fail("'~' is not allowed; use not", node)
        kind = {ast.USub: Neg, ast.UAdd: Pos, ast.Not: Not}[op]
        return _fold(kind(self.expr(node.operand)))

    def boolop(self, node: ast.BoolOp) -> Node:
        kind = And if type(node.op) is ast.And else Or
        values = tuple(self.expr(v) for v in node.values)
        spans = tuple((self.offset(v), self.end_offset(v)) for v in node.values)
        return kind(values, spans)

    def compare(self, node: ast.Compare) -> Node:
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
        return Compare(tuple(lowered), tuple(ops))

    def _operand(self, node: ast.AST) -> Node:
        if type(node) in (ast.Tuple, ast.List):
            items = node.elts  # type: ignore[attr-defined]
            return Seq(tuple(self.expr(item) for item in items))
        return self.expr(node)

    def _tier_ranks(self, nodes: list[ast.AST], ops: list[str], lowered: list[Node]) -> None:
        """Rewrite ``tier OP 'B'`` pairs to compare ranks; check tier ids."""
        def is_tier(i: int) -> bool:
            return type(lowered[i]) is Tier

        def is_str(i: int) -> bool:
            item = lowered[i]
            return type(item) is Const and type(item.value) is str

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
            if op in ORDERING and not rank_pair[i]:
                raise self.fail(
                    "tier can only be ordered against a tier id in quotes, "
                    "as in tier >= 'B'",
                    nodes[other],
                )
            seq = lowered[other]
            if op in ("in", "not in") and tier_side == i and type(seq) is Seq:
                for item_node, item in zip(nodes[other].elts, seq.items):  # type: ignore[attr-defined]
                    if type(item) is Const and type(item.value) is str:
                        self._tier_rank(item.value, item_node)
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
                lowered[index] = TierRank()
            else:
                tier_id = lowered[index].value  # type: ignore[attr-defined]
                lowered[index] = TierLiteral(tier_id, self._tier_rank(tier_id, nodes[index]))

    def _tier_rank(self, tier_id: str, node: ast.AST) -> int:
        tiers = self.scope.tiers
        if tier_id not in tiers:
            raise self.fail(f"unknown tier '{tier_id}'{_suggest(tier_id, tiers)}", node)
        return len(tiers) - tiers.index(tier_id)

    def call(self, node: ast.Call) -> Node:
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
        spec = VALUE_FUNCTION_SPECS.get(name)
        if spec is not None:
            if not spec.takes(len(args)):
                raise self.fail(spec.wrong_count, node)
        elif name.startswith("_"):
            raise self.fail(f"names starting with '_' are not allowed ('{name}')", func)
        elif name in self.scope.vars or name in BUILTIN_NAMES:
            raise self.fail(f"'{name}' is not a function", func)
        else:
            close = difflib.get_close_matches(name, FUNCTIONS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "the functions are: " + ", ".join(FUNCTIONS)
            raise self.fail(f"calling '{name}' is not allowed; {hint}", func)
        return Call(name, tuple(self.expr(a) for a in args))

    def _id_call(self, node: ast.Call, name: str) -> Node:
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
        return IdCall(name, ident)


def _fold(tree: Node) -> Node:
    """Compute an operation on constants now (so ``-5`` is a constant), unless it fails."""
    if all(type(child) is Const for child in tree.children()):
        try:
            return Const(build(tree, set())(None))  # type: ignore[arg-type]
        except CAUGHT:
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
