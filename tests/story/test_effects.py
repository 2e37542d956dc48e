"""The effect kinds are declared once (game/story/effects/), and only there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from game.engine.effects import APPLY
from game.story import effects
from game.story import model as m
from game.story.effects import BRANCH, EFFECTS, KINDS, SPECS
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
HOMES = (("story", "effects"), ("engine", "effects"))
"""The two halves of every effect kind: the only places its key may be read."""


def effect_key_switches(package: Path) -> list[str]:
    """Places outside the effects' packages that compare a value with an effect's key
    or key a mapping by one, in modules that read the story model.

    A ledger entry's or a notice's ``kind`` ("list", "rated", ...) is another
    vocabulary (``events.LedgerKind``, ``notices.NoticeKind``) and is left alone.
    """
    keys = set(EFFECTS) | set(BRANCH.keys) - {"if"}
    found = []
    for path in sorted(package.rglob("*.py")):
        if tuple(path.relative_to(package).parts[:2]) in HOMES:
            continue
        source = path.read_text(encoding="utf-8")
        if "game.story import model" not in source and "game.story.effects" not in source \
                and "game.story.model" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides):
                    continue
                for side in sides:
                    items = side.elts if isinstance(side, (ast.Tuple, ast.Set, ast.List)) \
                        else [side]
                    if any(isinstance(i, ast.Constant) and i.value in keys for i in items):
                        found.append(f"{path.relative_to(package.parent)}:{node.lineno}: "
                                     f"{ast.unparse(node)}")
            elif isinstance(node, ast.Dict):
                if any(isinstance(k, ast.Constant) and k.value in keys for k in node.keys):
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno}: "
                                 "a mapping keyed by effect keys")
    return found


def test_no_module_outside_the_effects_packages_switches_on_an_effect_key() -> None:
    assert effect_key_switches(ROOT / "game") == []


def test_every_kind_has_one_declaration_and_one_behaviour() -> None:
    assert set(KINDS) == set(APPLY)
    assert len(KINDS) == len(set(KINDS))
    assert set(m.Effect.__args__) == set(KINDS)
    keys = [key for spec in SPECS for key in spec.keys]
    assert len(keys) == len(set(keys)) and "if" not in keys


def test_the_walks_see_what_each_declaration_holds() -> None:
    story = load_story(ROOT / "stories" / "demo")
    for scene in story.scenes.values():
        for fx in (scene.effects, *(c.effects for c in scene.choices)):
            walked = list(effects.walk(fx))
            assert [e for e in walked if e in fx] == list(fx)
            assert list(m.walk(fx)) == [e for e in walked if not effects.spec_for(e).nested(e)]


LIST_NOTE = """\
title: Noted
rating:
  start: 10
  lists: {watch: {label: Watch list}}
  rules: {late: {change: -1}}
vars: {reason: 'late twice'}
scenes:
  start:
    text: Hello.
    choices:
      - text: Go
        goto: end
        do:
          - list: {list: watch, note: "because {reason}"}
  end:
    text: Done.
    ending: {title: End, kind: mixed}
"""


def test_a_list_notes_expressions_are_seen_by_facts(tmp_path: Path) -> None:
    """facts read notes of record: but not of list: (its own switch on the kinds)."""
    from game.authoring.facts import expressions

    path = tmp_path / "story.yaml"
    path.write_text(LIST_NOTE, encoding="utf-8")
    story = load_story(path)
    assert "reason" in {e.source.strip() for e in expressions(story)}


@pytest.mark.parametrize("spec", [*SPECS, BRANCH], ids=lambda s: type(s).__name__)
def test_each_declaration_gives_a_schema_for_each_key(spec) -> None:
    for key in spec.keys:
        assert isinstance(spec.schema(key), dict)
