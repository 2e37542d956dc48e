"""A generic JSON codec over the story model's frozen dataclasses, read by field name.

The compiled cache (``game.story.cache``) stores a story with it. Nothing here
lists a model class or a field: the codec reads each dataclass's fields and
their annotations, and builds one encoder and one decoder per type, once. So a
new field or a new kind of effect is stored and restored without touching this
file, and a field of a type the codec has no rule for is a ``CodecError`` when
the codec is first built (a bug, caught by the tests), never a silently dropped
value.

The JSON it writes:

- a dataclass is a list of its fields' values in field order; a member of a
  union of dataclasses (an effect) is ``[ClassName, *values]``;
- a ``Mapping[str, D]`` whose dataclass ``D`` starts with an ``id`` field (scenes,
  rules, people) is ``{id: [other values]}``: the id is the key, stored once;
- tuples are lists, other mappings objects, scalars themselves;
- ``Location``, ``Expr`` and ``Text`` go through the context the caller passes
  (the cache keeps one table of files and one of compiled expressions, and
  expressions cross it only as their ``to_json``/``from_json`` form).

``shapes()`` names every class's fields and their declared types; the cache
stores it and an entry whose shapes differ from this Standing's is a miss.
Decoding checks every value's type as it goes: a value of the wrong type, a
list of the wrong length or an unknown field raises ``Damaged`` (a miss).
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol, Union, get_args, get_origin, get_type_hints

from game.errors import Location
from game.story import model as m
from game.story.expressions import Expr, Text

Encode = Callable[[Any, Any], Any]
"""(context, value) -> JSON."""
Decode = Callable[[Any, Any], Any]
"""(context, JSON) -> value (raises ``Damaged`` on anything this codec did not write)."""


class CodecError(Exception):
    """A model field of a type the codec has no rule for: a bug in Standing, not in a story."""


class Damaged(ValueError):
    """JSON that is not what this codec writes (the cache treats it as a miss)."""


class EncodeContext(Protocol):
    """What encoding needs for the values stored in the caller's tables."""

    def loc(self, loc: Location) -> list: ...
    def expr(self, e: Expr | None) -> list | None: ...
    def text(self, t: Text | None) -> list | None: ...


class DecodeContext(Protocol):
    """What decoding needs to rebuild the values stored in the caller's tables."""

    def loc(self, f: int, line: int, column: int) -> Location: ...
    def expr(self, ref: list | None) -> Expr | None: ...
    def text(self, ref: list | None) -> Text | None: ...


_UNIONS = (Union, types.UnionType)


def _is_dataclass_type(tp: object) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _fields(cls: type) -> list[tuple[str, Any]]:
    """(name, resolved type) of each field of a dataclass, in order."""
    hints = get_type_hints(cls, localns=vars(m))  # a branch's effects name m.Effect
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            raise CodecError(f"{cls.__name__}.{f.name} is not an __init__ field")
        out.append((f.name, hints[f.name]))
    return out


def _keyed(cls: type) -> bool:
    """Whether a dataclass is stored by its id in a mapping (its first field is ``id``)."""
    first = dataclasses.fields(cls)[0]
    return first.name == "id"


# --- scalars -------------------------------------------------------------------------


def _check(ok: Callable[[Any], bool], what: str) -> Decode:
    def decode(_ctx: Any, v: Any) -> Any:
        if not ok(v):
            raise Damaged(f"not {what}: {v!r:.40}")
        return v
    return decode


def _finite(v: Any) -> bool:
    return type(v) in (int, float) and math.isfinite(v)


_SCALARS: dict[Any, Decode] = {
    str: _check(lambda v: type(v) is str, "text"),
    int: _check(lambda v: type(v) is int, "a whole number"),
    float: _check(_finite, "a number"),
    bool: _check(lambda v: type(v) is bool, "true or false"),
}


def _same(_ctx: Any, v: Any) -> Any:
    return v


# --- the plan --------------------------------------------------------------------------


class _Plan:
    """Encoders and decoders, built once per type from the model's annotations."""

    def __init__(self) -> None:
        self.encoders: dict[Any, Encode] = {}
        self.decoders: dict[Any, Decode] = {}
        self.shapes: dict[str, list[str]] = {}

    # The shapes: every dataclass reached, its fields and their declared types.

    def _shape(self, cls: type) -> None:
        if cls.__name__ in self.shapes:
            return
        self.shapes[cls.__name__] = [f"{f.name}:{f.type}" for f in dataclasses.fields(cls)]

    def encoder(self, tp: Any) -> Encode:
        found = self.encoders.get(tp)
        if found is None:
            # A type that contains itself (a branch holds effects) reaches this forwarder.
            self.encoders[tp] = lambda ctx, v: self.encoders[tp](ctx, v)
            found = self.encoders[tp] = self._encoder(tp)
        return found

    def decoder(self, tp: Any) -> Decode:
        found = self.decoders.get(tp)
        if found is None:
            self.decoders[tp] = lambda ctx, v: self.decoders[tp](ctx, v)
            found = self.decoders[tp] = self._decoder(tp)
        return found

    # -- encoding

    def _encoder(self, tp: Any) -> Encode:
        if tp in _SCALARS:
            return _same
        if tp is Location:
            return lambda ctx, v: ctx.loc(v)
        if tp is Expr:
            return lambda ctx, v: ctx.expr(v)
        if tp is Text:
            return lambda ctx, v: ctx.text(v)
        if _is_dataclass_type(tp):
            return self._record_encoder(tp, keyed=False)
        origin, args = get_origin(tp), get_args(tp)
        if origin is Literal:
            return _same
        if origin in _UNIONS:
            return self._union_encoder(tp, args)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                item = self.encoder(args[0])
                return lambda ctx, v: [item(ctx, x) for x in v]
            items = [self.encoder(a) for a in args]
            return lambda ctx, v: [enc(ctx, x) for enc, x in zip(items, v, strict=True)]
        if origin is Mapping and len(args) == 2 and args[0] is str:
            value_type = args[1]
            if _is_dataclass_type(value_type) and _keyed(value_type):
                rest = self._record_encoder(value_type, keyed=True)

                def keyed(ctx: Any, v: Mapping) -> dict:
                    out = {}
                    for key, item in v.items():
                        if item.id != key:
                            raise ValueError(f"{value_type.__name__} '{item.id}' under '{key}'")
                        out[key] = rest(ctx, item)
                    return out
                return keyed
            value = self.encoder(value_type)
            return lambda ctx, v: {k: value(ctx, x) for k, x in v.items()}
        raise CodecError(f"the story cache has no rule for the type {tp!r}")

    def _record_encoder(self, cls: type, keyed: bool) -> Encode:
        self._shape(cls)
        fields = _fields(cls)[1 if keyed else 0:]
        names = [name for name, _ in fields]
        encoders = [self.encoder(t) for _, t in fields]
        pairs = list(zip(names, encoders))

        def encode(ctx: Any, v: Any) -> list:
            return [enc(ctx, getattr(v, name)) for name, enc in pairs]
        return encode

    def _union_encoder(self, tp: Any, args: tuple) -> Encode:
        present = tuple(a for a in args if a is not type(None))
        optional = len(present) < len(args)
        if len(present) == 1:
            inner = self.encoder(present[0])
            return lambda ctx, v: None if v is None else inner(ctx, v)
        if all(_is_dataclass_type(a) for a in present):
            tagged = {a: self._record_encoder(a, keyed=False) for a in present}

            def union(ctx: Any, v: Any) -> Any:
                if v is None and optional:
                    return None
                return [type(v).__name__, *tagged[type(v)](ctx, v)]
            return union
        if all(a in _SCALARS for a in present):
            return _same
        raise CodecError(f"the story cache has no rule for the union {tp!r}")

    # -- decoding

    def _decoder(self, tp: Any) -> Decode:
        if tp in _SCALARS:
            return _SCALARS[tp]
        if tp is Location:
            def location(ctx: Any, v: Any) -> Location:
                if type(v) is not list or len(v) != 3:
                    raise Damaged("a location")
                return ctx.loc(*v)
            return location
        if tp is Expr:
            return lambda ctx, v: _not_none(ctx.expr(v), "an expression")
        if tp is Text:
            return lambda ctx, v: _not_none(ctx.text(v), "a text")
        if _is_dataclass_type(tp):
            return self._record_decoder(tp, keyed=False)
        origin, args = get_origin(tp), get_args(tp)
        if origin is Literal:
            allowed = frozenset(args)
            return _check(lambda v: type(v) in (str, int, bool) and v in allowed,
                          f"one of {sorted(map(str, allowed))}")
        if origin in _UNIONS:
            return self._union_decoder(tp, args)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                item = self.decoder(args[0])

                def many(ctx: Any, v: Any) -> tuple:
                    if type(v) is not list:
                        raise Damaged("a list")
                    return tuple([item(ctx, x) for x in v])
                return many
            items = [self.decoder(a) for a in args]

            def fixed(ctx: Any, v: Any) -> tuple:
                if type(v) is not list or len(v) != len(items):
                    raise Damaged("a pair")
                return tuple([dec(ctx, x) for dec, x in zip(items, v)])
            return fixed
        if origin is Mapping and len(args) == 2 and args[0] is str:
            value_type = args[1]
            if _is_dataclass_type(value_type) and _keyed(value_type):
                rest = self.keyed_decoder(value_type)
                return lambda ctx, v: m.frozen_map(
                    {k: rest(ctx, k, x) for k, x in _object(v).items()})
            value = self.decoder(value_type)
            return lambda ctx, v: m.frozen_map({k: value(ctx, x) for k, x in _object(v).items()})
        raise CodecError(f"the story cache has no rule for the type {tp!r}")

    def _record_decoder(self, cls: type, keyed: bool) -> Callable[..., Any]:
        self._shape(cls)
        fields = _fields(cls)[1 if keyed else 0:]
        decoders = [self.decoder(t) for _, t in fields]
        count = len(decoders)
        name = cls.__name__

        def values(ctx: Any, v: Any) -> list:
            if type(v) is not list or len(v) != count:
                raise Damaged(f"a {name}")
            return [dec(ctx, x) for dec, x in zip(decoders, v)]

        if keyed:
            def keyed_record(ctx: Any, key: str, v: Any) -> Any:
                return cls(key, *values(ctx, v))
            return keyed_record
        return lambda ctx, v: cls(*values(ctx, v))

    def keyed_decoder(self, cls: type) -> Callable[[Any, str, Any], Any]:
        """(context, id, JSON) -> an instance of a dataclass stored by its id."""
        key = ("keyed", cls)
        found = self.decoders.get(key)
        if found is None:
            found = self.decoders[key] = self._record_decoder(cls, keyed=True)
        return found

    def _union_decoder(self, tp: Any, args: tuple) -> Decode:
        present = tuple(a for a in args if a is not type(None))
        optional = len(present) < len(args)
        if len(present) == 1:
            inner = self.decoder(present[0])
            return lambda ctx, v: None if v is None else inner(ctx, v)
        if all(_is_dataclass_type(a) for a in present):
            tagged = {a.__name__: self._record_decoder(a, keyed=False) for a in present}

            def union(ctx: Any, v: Any) -> Any:
                if v is None and optional:
                    return None
                if type(v) is not list or not v or type(v[0]) is not str or v[0] not in tagged:
                    raise Damaged(f"one of {', '.join(tagged)}")
                return tagged[v[0]](ctx, v[1:])
            return union
        if all(a in _SCALARS for a in present):
            allowed = tuple(a for a in present)

            def scalar(_ctx: Any, v: Any) -> Any:
                if v is None and optional:
                    return None
                kind = type(v)
                if kind not in allowed or (kind is float and not math.isfinite(v)):
                    raise Damaged(f"a plain value: {v!r:.40}")
                return v
            return scalar
        raise CodecError(f"the story cache has no rule for the union {tp!r}")


def _not_none(value: Any, what: str) -> Any:
    if value is None:
        raise Damaged(f"no {what}")
    return value


def _object(v: Any) -> dict:
    if type(v) is not dict:
        raise Damaged("a mapping")
    return v


# --- the public face -----------------------------------------------------------------


_plan: _Plan | None = None


def plan() -> _Plan:
    """The codec for the story model (built on first use, then kept)."""
    global _plan
    if _plan is None:
        made = _Plan()
        made._shape(m.Story)
        for _name, tp in _fields(m.Story):
            made.encoder(tp)
            made.decoder(tp)
        _plan = made
    return _plan


def shapes() -> dict[str, list[str]]:
    """Every model class the codec reaches, with its fields as ``name:type``."""
    return plan().shapes


def encode_story(ctx: EncodeContext, story: m.Story) -> dict:
    """A story as a JSON object keyed by field name (its scenes keyed by id)."""
    p = plan()
    return {name: p.encoder(tp)(ctx, getattr(story, name)) for name, tp in _fields(m.Story)}


def decode_story_fields(ctx: DecodeContext, doc: Any, lazy: tuple[str, ...] = ()) -> dict:
    """The fields of a story from ``encode_story``'s JSON, as keyword arguments.

    Fields named in ``lazy`` are returned as their JSON, for the caller to build
    later (the cache builds scenes on first use). Exactly the story's fields must
    be present: one unknown or missing is ``Damaged``.
    """
    doc = _object(doc)
    fields = _fields(m.Story)
    if set(doc) != {name for name, _ in fields}:
        raise Damaged("the story's fields")
    p = plan()
    return {name: doc[name] if name in lazy else p.decoder(tp)(ctx, doc[name])
            for name, tp in fields}


def keyed_decoder(cls: type) -> Callable[[Any, str, Any], Any]:
    """(context, id, JSON) -> an instance of ``cls`` stored under its id (a scene)."""
    return plan().keyed_decoder(cls)


def keyed_index(cls: type, name: str) -> int:
    """Where field ``name`` of ``cls`` sits in its JSON when stored under its id."""
    names = [f.name for f in dataclasses.fields(cls)]
    return names.index(name) - 1


__all__ = ["CodecError", "Damaged", "decode_story_fields", "encode_story", "keyed_decoder",
           "keyed_index", "plan", "shapes"]
