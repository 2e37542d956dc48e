"""``variants:`` — the same story under another rating.

A variant overlays the story's ``rating:`` block key by key: where both the
story and the variant hold a mapping the two merge, anything else the variant
gives replaces the story's value. The merged block is read again by the same
code that reads ``rating:`` (so every rule of the format holds for it), and a
problem it leaves is reported at the variant, at ``FILE:LINE:COL``.

The overlay works on YAML nodes, before any value is read, so every value keeps
the place it was written: an error in a value the variant gave points into the
variant, and an error the overlay caused in the story's own rating points at the
variant's id.
"""

from __future__ import annotations

from typing import Protocol

from yaml.nodes import MappingNode, Node, ScalarNode

from game.errors import Location, StoryError
from game.story import model as m
from game.story.models.base import IDENT
from game.story.yamlread import MAX_ERRORS, NULL, Reader, kind_of, suggest



class _Loader(Protocol):
    """What the overlay asks of the loader (which imports this module and passes itself)."""

    errors: list[StoryError]
    warnings: list[StoryError]

    def _rating(self, r: Reader, node: Node) -> m.Rating | None: ...

    def _words(self, r: Reader, node: Node, what: str) -> str | None: ...

VARIANT_KEYS = ("label", "rating")
MAX_VARIANTS = 12
"""Most variants a story may have: each is a column of the whatif table and of the class
report, a line of the debrief, and a replay of every finished path on the dashboard."""
MAX_LABEL = 120
"""Most characters of a variant's label: a column's heading and the start of a debrief line."""
ID_MAPS = {"rules": "rule", "lists": "list", "services": "service", "sources": "source",
           "features": "feature"}
"""Keys of ``rating:`` whose own keys are ids: a variant may change those, never add one
(scenes were checked against the story's ids)."""
FIXED = {"model": "the scenes were checked against the story's model"}
"""Keys of ``rating:`` a variant may not change, and why."""


def read_variants(loader: _Loader, r: Reader, key: Node, node: Node,
                  base_node: Node | None, base: m.Rating | None) -> dict[str, m.Variant]:
    """Read ``variants:`` (key and value nodes) against the story's ``rating:``.

    Args:
        loader: The loader, whose ``_rating`` reads each merged block.
        r: The reader of the file that holds ``variants:`` and ``rating:``.
        key: The ``variants`` key node.
        node: Its value.
        base_node: The ``rating:`` value node (None: the story has none).
        base: The story's rating as read (None when it has none or it is invalid).
    """
    found = r.mapping(node, "variants")
    if not found:
        return {}
    if base_node is None or base_node.tag == NULL or not isinstance(base_node, MappingNode):
        r.error("variants: change the rating, and the story has no rating:", key)
        return {}
    out: dict[str, m.Variant] = {}
    if len(found) > MAX_VARIANTS:
        r.error(f"a story may have at most {MAX_VARIANTS} variants, not {len(found)}: each is "
                "a column of the what-if table and the class report, and a line of the "
                "debrief; keep the ones that teach most", key)
        return {}
    for vid, (knode, vnode) in found.items():
        if not IDENT.fullmatch(vid):
            r.error(f"'{vid}' is not a valid variant id: use lowercase letters, digits and _, "
                    "starting with a letter", knode)
            continue
        if vid == m.AS_WRITTEN:
            r.error(f"'{m.AS_WRITTEN}' names the story as written; call the variant "
                    "something else", knode)
            continue
        sub = r.mapping(vnode, f"variant '{vid}'", VARIANT_KEYS, required=("label", "rating"))
        if not sub or "label" not in sub or "rating" not in sub:
            continue
        label = loader._words(r, sub["label"][1], f"variant '{vid}' label")
        if label is not None:
            label = label.strip()
            if not label or "\n" in label or len(label) > MAX_LABEL:
                r.error(f"variant '{vid}' label should be one line of 1 to {MAX_LABEL} "
                        "characters (it heads a column and starts a debrief line), e.g. "
                        "'Without the street cameras'", sub["label"][1])
                continue
        over = sub["rating"][1]
        if not isinstance(over, MappingNode):
            r.error(f"variant '{vid}' rating should be a mapping of the rating's keys to "
                    f"change (e.g. {{explain: true}}), not {kind_of(over)}", over)
            continue
        before = len(r.errors)
        merged = _merge(r, base_node, over, ())
        if len(r.errors) > before or base is None or label is None:
            continue  # the overlay itself is wrong, or the story's rating already is
        rating = _read(loader, r, merged, vid, knode, vnode)
        if rating is None:
            continue
        if tuple(t.id for t in rating.tiers) != tuple(t.id for t in base.tiers):
            r.error(f"variant '{vid}' changes the tiers' ids or order; keep the story's "
                    f"tiers ({', '.join(t.id for t in base.tiers) or 'none'}) and change "
                    "their min or label (scenes compare tiers by id)", _tiers_node(over, knode))
            continue
        out[vid] = m.Variant(vid, label, rating, r.at(knode))
    return out


def _merge(r: Reader, base: MappingNode, over: MappingNode, where: tuple[str, ...]) -> MappingNode:
    """``base`` with ``over`` laid on it: mappings merge, anything else replaces."""
    pairs: dict[str, tuple[Node, Node]] = {}
    for k, v in base.value:
        if isinstance(k, ScalarNode):
            pairs[k.value] = (k, v)
    seen: set[str] = set()
    for k, v in over.value:
        if not isinstance(k, ScalarNode) or k.tag == NULL:
            r.error("a key in a variant's rating must be a plain name", k)
            continue
        name = k.value
        if name in seen:
            r.error(f"duplicate key '{name}' in the variant's rating", k)
            continue
        seen.add(name)
        if not where and name in FIXED:
            r.error(f"a variant cannot change the rating's {name}: {FIXED[name]}", k)
            continue
        if len(where) == 1 and where[0] in ID_MAPS and name not in pairs:
            kind = ID_MAPS[where[0]]
            r.error(f"the rating has no {kind} '{name}' (a variant changes the story's "
                    f"{where[0]}, it cannot add one){suggest(name, pairs)}", k)
            continue
        old = pairs.get(name)
        if not where and name in ID_MAPS and old is None:
            old = (k, MappingNode("tag:yaml.org,2002:map", [], k.start_mark, k.end_mark))
        if old is not None and isinstance(old[1], MappingNode) and isinstance(v, MappingNode):
            pairs[name] = (old[0], _merge(r, old[1], v, (*where, name)))
        else:
            pairs[name] = (k, v)
    return MappingNode(base.tag, list(pairs.values()), base.start_mark, base.end_mark,
                       base.flow_style)


def _read(loader: _Loader, r: Reader, merged: MappingNode, vid: str, knode: Node,
          vnode: Node) -> m.Rating | None:
    """Read a merged rating with the loader's own code; report its problems at the variant."""
    errors: list[StoryError] = []
    saved = loader.errors, loader.warnings
    loader.errors, loader.warnings = errors, []
    try:
        rating = loader._rating(Reader(r.source, errors), merged)
        warnings = loader.warnings
    finally:
        loader.errors, loader.warnings = saved
    inside = _span(r, vnode)
    for warning in warnings:  # the story's own values were warned about once already
        if warning.location is not None and _within(warning.location, inside):
            loader.warnings.append(warning)
    here = r.at(knode)
    for error in errors:
        if len(loader.errors) >= MAX_ERRORS:
            break
        if error.location is not None and _within(error.location, inside):
            loader.errors.append(StoryError(f"variant '{vid}': {error.message}", error.location))
        else:
            at = f" (at {error.location})" if error.location is not None else ""
            loader.errors.append(StoryError(
                f"variant '{vid}' leaves an invalid rating: {error.message}{at}", here))
    return rating if not errors else None


def _span(r: Reader, node: Node) -> tuple[str, int, int]:
    """The file and the 1-based first and last line a node covers."""
    end = node.end_mark
    # A block ends where the next line starts: that line is not the node's.
    return (r.source.display, node.start_mark.line + 1,
            end.line + (1 if end.column > 0 else 0))


def _within(at: Location, span: tuple[str, int, int]) -> bool:
    return at.file == span[0] and span[1] <= at.line <= span[2]


def _tiers_node(over: MappingNode, fallback: Node) -> Node:
    for k, v in over.value:
        if isinstance(k, ScalarNode) and k.value == "tiers":
            return k
    return fallback
