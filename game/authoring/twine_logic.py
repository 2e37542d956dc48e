"""The logic of Twine passages, read for ``import``: conditions, variables, includes, HTML.

Each story format writes the same few things its own way:

=============  ==========================  =====================  ==================
               SugarCube                   Harlowe                Snowman / Chapbook
=============  ==========================  =====================  ==================
condition      ``<<if $a is true>>``       ``(if: $a)[...]``      ``<% if (s.a) { %>``
                                                                  ``[if a]`` section
set            ``<<set $a to 1>>``         ``(set: $a to 1)``     ``<% s.a = 1 %>``
                                                                  ``a: 1`` vars section
show a value   ``<<print $a>>``, ``$a``    ``(print: $a)``, ``$a``  ``<%= s.a %>``, ``{a}``
include        ``<<include "P">>``         ``(display: "P")``     ``{embed passage: 'P'}``
=============  ==========================  =====================  ==================

:func:`analyse` finds them in a passage's text; :func:`translate_condition` and
:func:`parse_assignments` turn the simple ones (variables, numbers, text,
true/false, comparisons, and/or/not) into the story format's expressions and
effects, and say None for anything else, so the importer can warn instead of
guessing. Nothing here runs story code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from game.errors import Location, StoryError
from game.story.expressions import Scope, compile_expr
from game.story.loader import BUILTIN_NAMES

Literal = int | float | str | bool

# --- variables ---------------------------------------------------------------------------------


@dataclass
class VarTable:
    """The story variables met in a Twee file, by their Twine name."""

    ids: dict[str, str] = field(default_factory=dict)
    """Twine name (without $ or s.) -> var id."""
    types: dict[str, str] = field(default_factory=dict)
    """var id -> 'number', 'text' or 'true/false', from the values it is given."""
    initial: dict[str, Literal] = field(default_factory=dict)
    """var id -> start value (StoryInit, a startup passage, the start's vars section)."""
    clashes: list[str] = field(default_factory=list)
    """Vars given values of two types."""
    used: set[str] = field(default_factory=set)
    """Vars the imported story reads or writes (the only ones it declares)."""

    def mark(self, expression: str) -> None:
        """Count the vars an emitted expression names as used."""
        self.used |= set(re.findall(r"[a-z][a-z0-9_]*", expression)) & set(self.ids.values())

    def id_of(self, name: str) -> str:
        """The var id for a Twine variable name (made once, then kept)."""
        found = self.ids.get(name)
        if found is not None:
            return found
        snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
        base = re.sub(r"[^a-z0-9]+", "_", snake).strip("_") or "var"
        if not base[0].isalpha():
            base = "v_" + base
        if base in BUILTIN_NAMES:
            base += "_var"
        made, count = base, 1
        while made in self.ids.values():
            count += 1
            made = f"{base}_{count}"
        self.ids[name] = made
        return made

    def note(self, var: str, value: Literal) -> None:
        """Remember the type of a value given to ``var``."""
        kind = type_of(value)
        known = self.types.setdefault(var, kind)
        if known != kind and var not in self.clashes:
            self.clashes.append(var)

    def start_value(self, var: str) -> Literal:
        """What ``var`` starts as: its initial value, else the empty value of its type."""
        if var in self.initial:
            return self.initial[var]
        return {"number": 0, "text": ""}.get(self.types.get(var, ""), False)


def type_of(value: Literal) -> str:
    """The format's name for a value's type."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


def literal(source: str) -> Literal | None:
    """A plain value written in Twine code: a number, true/false or quoted text; else None."""
    text = source.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if text in ("true", "false"):
        return text == "true"
    match = re.fullmatch(r'"([^"\\]*)"|\'([^\'\\]*)\'', text)
    if match:
        return match.group(1) if match.group(1) is not None else match.group(2)
    return None


def as_expression(value: Literal) -> Literal:
    """A value as a ``set:`` writes it (text is quoted inside the expression)."""
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value else '"' + value + '"'
    return value


# --- conditions --------------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
  | (?P<str>"[^"\\]*"|'[^'\\]*')
  | (?P<var>\$[A-Za-z_]\w*|(?:window\.story\.state|s|State\.variables)\.[A-Za-z_]\w*)
  | (?P<op>===|!==|==|!=|>=|<=|&&|\|\||[-+*/<>!()])
  | (?P<word>[A-Za-z_]\w*)
)""", re.X)
_WORDS = {
    "sugarcube": {"is": "==", "isnot": "!=", "eq": "==", "neq": "!=", "gt": ">", "gte": ">=",
                  "lt": "<", "lte": "<=", "and": "and", "or": "or", "not": "not"},
    "harlowe": {"is": "==", "and": "and", "or": "or", "not": "not"},
    "snowman": {},
    "chapbook": {},
}
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"})


def _var_name(token: str) -> str:
    return token[1:] if token.startswith("$") else token.rsplit(".", 1)[1]


def translate_condition(source: str, story_format: str, table: VarTable,
                        bare: frozenset[str] = frozenset()) -> str | None:
    """A Twine condition as a story expression, or None when it is not simple enough.

    Args:
        source: the condition as written (``$key is true``, ``s.x > 2``...).
        story_format: harlowe, sugarcube, snowman or chapbook.
        table: the story's variables (new ones are added).
        bare: names that are variables without a sigil (Chapbook's).
    """
    words = _WORDS.get(story_format, _WORDS["sugarcube"])
    out: list[tuple[str, str]] = []  # (kind, text): kind 'var', 'op' or 'value'
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            if source[pos:].strip():
                return None
            break
        pos = match.end()
        kind = match.lastgroup
        text = match.group(kind or "")
        if kind == "num":
            out.append(("value", text))
        elif kind == "str":
            out.append(("value", repr(text[1:-1])))
        elif kind == "var":
            out.append(("var", table.id_of(_var_name(text))))
        elif kind == "op":
            mapped = {"===": "==", "!==": "!=", "&&": "and", "||": "or", "!": "not"}.get(text, text)
            out.append(("op", mapped))
        elif text in ("true", "false"):
            out.append(("value", text))
        elif text == "not" and out and out[-1] == ("op", "==") and story_format == "harlowe":
            out[-1] = ("op", "!=")  # Harlowe's "is not"
        elif text in words:
            out.append(("op", words[text]))
        elif text in bare:
            out.append(("var", table.id_of(text)))
        else:
            return None  # a function, a temporary variable, Harlowe's "it", "contains"...
    if not out:
        return None
    pieces = []
    for index, (kind, text) in enumerate(out):
        if kind == "var":
            before = out[index - 1][1] if index else ""
            after = out[index + 1][1] if index + 1 < len(out) else ""
            if before not in _COMPARE and after not in _COMPARE:
                kind_of_var = table.types.get(text)
                if kind_of_var == "number":
                    text = f"({text} != 0)"
                elif kind_of_var == "text":
                    text = f"({text} != '')"
        pieces.append(text)
    expression = " ".join(pieces).replace("( ", "(").replace(" )", ")")
    try:
        compile_expr(expression, Scope(vars=frozenset(table.ids.values())),
                     lambda _offset: Location("", 1, 1))
    except StoryError:
        return None
    return expression


def combine(parts: list[tuple[str | None, bool]]) -> str | None:
    """Conditions that must all hold (each maybe negated) as one expression; None if any is."""
    if any(expr is None for expr, _ in parts):
        return None
    if len(parts) == 1 and not parts[0][1]:
        return parts[0][0]
    return " and ".join(f"not ({e})" if negated else f"({e})" for e, negated in parts)


# --- assignments -------------------------------------------------------------------------------

Assignment = tuple[str, str, Literal]
"""(Twine variable name, 'set' or 'add', value)."""

_TWINE_SET = re.compile(
    r"^\s*\$([A-Za-z_]\w*)\s*(to|=|\+=|-=)\s*(.+?)\s*$", re.S)
_JS_SET = re.compile(
    r"^\s*(?:window\.story\.state|s|State\.variables)\.([A-Za-z_]\w*)\s*(=|\+=|-=)\s*(.+?)\s*$",
    re.S)
_JS_STEP = re.compile(r"^\s*(?:window\.story\.state|s)\.([A-Za-z_]\w*)\s*(\+\+|--)\s*$")
_PUT = re.compile(r"^\s*(.+?)\s+into\s+\$([A-Za-z_]\w*)\s*$", re.S)


def _split(code: str, separators: str) -> list[str]:
    """Split code on separators outside quotes and brackets."""
    parts, depth, quote, current = [], 0, "", []
    for ch in code:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def parse_assignments(code: str, story_format: str, put: bool = False) -> list[Assignment] | None:
    """Plain-value assignments in set code; None when any part is more than that.

    ``$a to 1, $b to "x"`` (SugarCube, Harlowe), ``$a += 2``, Harlowe's
    ``$a to it + 2``, ``s.a = true; s.b++`` (Snowman); ``put`` reads Harlowe's
    ``(put: 1 into $a)``.
    """
    out: list[Assignment] = []
    parts = _split(code, ",;")
    if not parts:
        return None
    for part in parts:
        if put:
            match = _PUT.match(part)
            if not match or (value := literal(match.group(1))) is None:
                return None
            out.append((match.group(2), "set", value))
            continue
        step = _JS_STEP.match(part)
        if step:
            out.append((step.group(1), "add", 1 if step.group(2) == "++" else -1))
            continue
        match = (_JS_SET if story_format in ("snowman", "chapbook") else _TWINE_SET).match(part)
        if not match:
            return None
        name, op, raw = match.groups()
        if op in ("+=", "-="):
            value = literal(raw)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return None
            out.append((name, "add", value if op == "+=" else -value))
            continue
        added = re.fullmatch(r"(?:it|\$" + re.escape(name) + r"|s\." + re.escape(name)
                             + r")\s*([+-])\s*(\d+(?:\.\d+)?)", raw.strip())
        if added:
            amount = literal(added.group(2))
            assert isinstance(amount, (int, float))
            out.append((name, "add", amount if added.group(1) == "+" else -amount))
            continue
        value = literal(raw)
        if value is None:
            return None
        out.append((name, "set", value))
    return out


# --- finding the code in a passage -----------------------------------------------------------


@dataclass
class Branch:
    """One branch of a conditional: where its content is, and what must hold there."""

    start: int
    end: int
    parts: list[tuple[str, bool]]
    """(condition as written, negated): the branch's own, after the earlier ones negated."""


@dataclass
class Chain:
    """An if / else-if / else, with the spans of its own syntax."""

    controls: list[tuple[int, int]]
    branches: list[Branch]

    @property
    def span(self) -> tuple[int, int]:
        """From its first piece of syntax to its last."""
        return self.controls[0][0], self.controls[-1][1]


@dataclass
class Code:
    """One piece of code in a passage that the importer may translate."""

    kind: str
    """'set', 'put', 'print', 'include' or 'init' (a Chapbook vars section)."""
    start: int
    end: int
    body: str
    """The set code, the printed expression, or the included passage's name."""


@dataclass
class Analysis:
    """The conditionals and translatable code found in a passage."""

    chains: list[Chain] = field(default_factory=list)
    code: list[Code] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(offset, message): code whose shape could not be followed."""


_SUGAR_MACRO = re.compile(r"<<(/?)\s*([A-Za-z][\w-]*)(.*?)>>", re.S)
_HARLOWE_OPEN = re.compile(r"\(\s*([A-Za-z][\w-]*)\s*:")
_SNOW_CODE = re.compile(r"<%([=-]?)(.*?)%>", re.S)
_CHAP_MODIFIER = re.compile(r"^\[([A-Za-z][^\]\n]*)\][ \t]*$", re.M)
_CHAP_INSERT = re.compile(r"\{([^{}\n]*)\}")
_CHAP_VARS = re.compile(r"\A((?:[^\n]*:[^\n]*\n)+)--[ \t]*(?:\n|\Z)")
_QUOTED_NAME = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|\[\[([^\]]*)\]\])\s*$""")


def _quoted_name(code: str) -> str | None:
    match = _QUOTED_NAME.match(code)
    if not match:
        return None
    return next(g for g in match.groups() if g is not None)


def analyse(text: str, story_format: str) -> Analysis:
    """Find the conditionals and the translatable code of one passage."""
    if story_format == "sugarcube":
        return _sugarcube(text)
    if story_format == "harlowe":
        return _harlowe(text)
    if story_format == "snowman":
        return _snowman(text)
    if story_format == "chapbook":
        return _chapbook(text)
    return Analysis()


def _sugarcube(text: str) -> Analysis:
    found = Analysis()
    stack: list[tuple[Chain, list[str], int]] = []  # chain, its conditions so far, content start
    for match in _SUGAR_MACRO.finditer(text):
        closing, name, args = match.group(1), match.group(2).lower(), match.group(3).strip()
        span = (match.start(), match.end())
        if closing and name == "if" or (not closing and name == "endif"):
            if not stack:
                found.problems.append((match.start(), "<</if>> without <<if>>"))
                continue
            chain, conds, start = stack.pop()
            _close_branch(chain, conds, start, match.start())
            chain.controls.append(span)
            found.chains.append(chain)
        elif not closing and name == "if":
            stack.append((Chain([span], []), [args], match.end()))
        elif not closing and name in ("elseif", "else"):
            if not stack:
                found.problems.append((match.start(), f"<<{name}>> without <<if>>"))
                continue
            chain, conds, start = stack[-1]
            _close_branch(chain, conds, start, match.start())
            if name == "else" and args.startswith("if "):
                args, name = args[3:], "elseif"
            conds.append(args if name == "elseif" else "")
            chain.controls.append(span)
            stack[-1] = (chain, conds, match.end())
        elif not closing and name == "set":
            found.code.append(Code("set", match.start(), match.end(), args))
        elif not closing and name == "print":
            found.code.append(Code("print", match.start(), match.end(), args))
        elif not closing and name == "include":
            first = re.match(r"""\s*("[^"]*"|'[^']*'|\[\[[^\]]*\]\])""", args)
            target = _quoted_name(first.group(1)) if first else None
            if target is not None:
                found.code.append(Code("include", match.start(), match.end(), target))
    for chain, _conds, start in stack:
        found.problems.append((chain.controls[0][0], "<<if>> without <</if>>"))
    return found


def _close_branch(chain: Chain, conds: list[str], start: int, end: int) -> None:
    """Add the branch that ends at ``end``: its own condition after the earlier ones negated."""
    own = conds[-1]
    parts = [(c, True) for c in conds[:-1]]
    if own:
        parts.append((own, False))
    chain.branches.append(Branch(start, end, parts))


def paren_end(text: str, start: int) -> int:
    """Index just past the ')' closing the '(' at ``start``, or -1."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _hook_end(text: str, start: int) -> int:
    """Index just past the ']' closing a Harlowe hook opened at ``start``, or -1."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _harlowe(text: str) -> Analysis:
    found = Analysis()
    chain: Chain | None = None
    conds: list[str] = []
    last_end = -1
    for match in _HARLOWE_OPEN.finditer(text):
        name = match.group(1).lower().replace("-", "")
        end = paren_end(text, match.start())
        if end < 0:
            continue
        args = text[match.end():end - 1].strip()
        if name in ("if", "elseif", "else", "unless"):
            hook = end
            while hook < len(text) and text[hook] in " \t":
                hook += 1
            if hook >= len(text) or text[hook] != "[":
                found.problems.append((match.start(), f"({match.group(1)}:) without a hook [...]"))
                continue
            close = _hook_end(text, hook)
            if close < 0:
                found.problems.append((match.start(), f"({match.group(1)}:)'s hook is not closed"))
                continue
            joins = chain is not None and not text[last_end:match.start()].strip()
            if name in ("if", "unless") or not joins:
                if chain is not None:
                    found.chains.append(chain)
                if name in ("elseif", "else"):
                    found.problems.append((match.start(), f"({match.group(1)}:) without (if:)"))
                    chain = None
                    continue
                chain, conds = Chain([], []), []
            assert chain is not None
            own = "" if name == "else" else args
            if name == "unless":
                chain.branches.append(Branch(hook + 1, close - 1, [(own, True)]))
                conds.append(own)
            else:
                chain.branches.append(Branch(
                    hook + 1, close - 1,
                    [(c, True) for c in conds] + ([(own, False)] if own else [])))
                conds.append(own)
            chain.controls += [(match.start(), hook + 1), (close - 1, close)]
            last_end = close
        elif name == "set":
            found.code.append(Code("set", match.start(), end, args))
        elif name == "put":
            found.code.append(Code("put", match.start(), end, args))
        elif name == "print":
            found.code.append(Code("print", match.start(), end, args))
        elif name == "display":
            target = _quoted_name(args)
            if target is not None:
                found.code.append(Code("include", match.start(), end, target))
    if chain is not None:
        found.chains.append(chain)
    return found


def _snowman(text: str) -> Analysis:
    found = Analysis()
    stack: list[tuple[Chain, list[str], int]] = []
    for match in _SNOW_CODE.finditer(text):
        mode, code = match.group(1), match.group(2).strip()
        span = (match.start(), match.end())
        if mode:
            found.code.append(Code("print", *span, code))
            continue
        opened = re.fullmatch(r"if\s*\((.*)\)\s*\{", code, re.S)
        other = re.fullmatch(r"\}\s*else\s+if\s*\((.*)\)\s*\{", code, re.S)
        otherwise = re.fullmatch(r"\}\s*else\s*\{", code)
        if opened:
            stack.append((Chain([span], []), [opened.group(1)], match.end()))
        elif (other or otherwise) and stack:
            chain, conds, start = stack[-1]
            _close_branch(chain, conds, start, match.start())
            conds.append(other.group(1) if other else "")
            chain.controls.append(span)
            stack[-1] = (chain, conds, match.end())
        elif code == "}" and stack:
            chain, conds, start = stack.pop()
            _close_branch(chain, conds, start, match.start())
            chain.controls.append(span)
            found.chains.append(chain)
        elif "{" in code or "}" in code:
            found.problems.append((match.start(), "code with braces that is not a plain if"))
        else:
            found.code.append(Code("set", *span, code))
    for chain, _conds, _start in stack:
        found.problems.append((chain.controls[0][0], "<% if %> without its closing <% } %>"))
    return found


def _chapbook(text: str) -> Analysis:
    found = Analysis()
    section = _CHAP_VARS.match(text)
    body_start = 0
    if section:
        found.code.append(Code("init", 0, section.end(), section.group(1)))
        body_start = section.end()
    modifiers = [m for m in _CHAP_MODIFIER.finditer(text) if m.start() >= body_start]
    chain: Chain | None = None
    conds: list[str] = []
    for index, match in enumerate(modifiers):
        words = match.group(1).strip()
        head, _, rest = words.partition(" ")
        head = head.lower()
        end = modifiers[index + 1].start() if index + 1 < len(modifiers) else len(text)
        span = (match.start(), match.end())
        if head in ("if", "unless"):
            if chain is not None:
                found.chains.append(chain)
            chain, conds = Chain([span], []), [rest]
            chain.branches.append(Branch(match.end(), end, [(rest, head == "unless")]))
        elif head == "else" and chain is not None:
            chain.controls.append(span)
            chain.branches.append(Branch(match.end(), end, [(c, True) for c in conds]))
            conds.append("")
        elif head == "continue" and chain is not None:
            chain.controls.append(span)
            found.chains.append(chain)
            chain = None
        elif chain is not None:
            found.chains.append(chain)
            chain = None
    if chain is not None:
        found.chains.append(chain)
    for match in _CHAP_INSERT.finditer(text, body_start):
        inner = match.group(1).strip()
        embed = re.fullmatch(r"embed passage(?: named)?\s*:\s*(.+)", inner)
        if embed and (target := _quoted_name(embed.group(1))) is not None:
            found.code.append(Code("include", match.start(), match.end(), target))
        elif re.fullmatch(r"[A-Za-z_]\w*", inner):
            found.code.append(Code("print", match.start(), match.end(), inner))
    return found


def chapbook_vars(section: str) -> list[tuple[str, Literal | None, str]]:
    """The lines of a Chapbook vars section: (name, plain value or None, line as written)."""
    out = []
    for line in section.splitlines():
        name, _, value = line.partition(":")
        name = name.strip()
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            out.append((name, None, line))  # a condition "(...)" or a dotted name
            continue
        out.append((name, literal(value), line))
    return out


# --- HTML ----------------------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"(?<!<)</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>(?!>)")
_SIMPLE_TAGS = {
    "br": "\n", "hr": "\n\n* * *\n\n", "p": "\n\n", "em": "*", "i": "*",
    "strong": "**", "b": "**",
}


def strip_comments(text: str) -> str:
    """HTML comments removed, their line breaks kept (so later lines keep their numbers)."""
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def html_to_text(text: str) -> tuple[str, list[str]]:
    """Simple HTML as text (line breaks, paragraphs, emphasis); other tags removed.

    Returns the text and the names of the tags removed whose meaning is lost.
    """
    lost: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name in _SIMPLE_TAGS:
            return _SIMPLE_TAGS[name]
        shown = f"<{name}>"
        if shown not in lost:
            lost.append(shown)
        return ""

    return _TAG.sub(one, text), lost
