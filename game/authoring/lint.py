"""Lint warnings for a story that loads: what ``check`` says beyond errors.

Every warning here is *sound*: it is only given when it holds for every way
the story can be played. Reachability follows gotos and choices; a condition
is "never true" only when the values the story can ever give its names make
it false: each var, the score, the day, lists, visits and services get the
set or interval of values they can take, worked out from the declared start
values and every effect that can run (a loop that can change a value makes
it unbounded that way; several effects along one path add up).

Codes (all severity ``warning``):

- ``unreachable-scene``: no path from ``start`` leads to the scene.
- ``no-ending-reachable``: the scene can be reached, but no ending can be
  reached from it (the player would loop forever).
- ``never-true``: a choice's ``if`` or ``requires``, a service a choice needs,
  or a text block's ``if`` can never hold.
- ``expect-never-true``: an ``expect:`` whose ``that`` can never hold, so
  ``test`` fails wherever it is checked (at every step, or on every arrival in
  its scene).
- ``unused-rule``, ``unused-list``, ``unused-service``, ``unused-source``,
  ``unused-person``, ``unused-var``: declared and never used.
- ``invisible-rating``: ``show: hidden`` and nothing the player meets depends
  on the rating, so it only appears in the debrief.
- ``rated-in-points``: a ``rated:`` effect in a ``points`` rating, where it
  tells the player they were rated but never moves the score.
- ``id-collision``: a choice's default id (the slug of its text) says nothing
  (``choice``, or ``c_`` and digits: a text without Latin letters, where a
  second such choice in the scene would collide), or is ``continue``, which
  saves and class records use for a scene's Continue.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from game.authoring.diagnostic import Diagnostic
from game.authoring.facts import (
    TOP, Facts, can_end, reachable, reads)
from game.errors import Location, StoryError
from game.story import model as m
from game.story.models import spec_of
from game.story.expressions import Expr
from game.story.expressions.nodes import Day, IdCall, Score, Tier, TierRank, Var, walk

# --- where declarations are ----------------------------------------------------------------


class Places:
    """Locations of declarations the model does not keep (lists, services, vars...).

    The files are read again only when a warning needs a place: a clean story
    costs nothing, a 10,000-scene one would cost a second parse.
    """

    def __init__(self, story: m.Story) -> None:
        self.story = story
        self.fallback = Location(story.files[0] if story.files else story.path, 1, 1)
        self.found: dict[tuple[str, ...], Location] | None = None

    def _read_all(self) -> dict[tuple[str, ...], Location]:
        if self.found is None:
            self.found = {}
            for index, display in enumerate(self.story.files):
                self._read(display, main=index == 0)
        return self.found

    def _read(self, display: str, main: bool) -> None:
        from game.story.yamlread import read_file
        from yaml.nodes import MappingNode

        try:
            source, root, _data = read_file(Path(display), display)
        except (StoryError, OSError):
            return

        def entries(node) -> Iterator[tuple[str, object, object]]:
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    yield str(key.value), key, value

        found = self.found
        assert found is not None
        for key, knode, vnode in entries(root):
            if key in ("vars", "people"):
                for name, sub, _v in entries(vnode):
                    found[(key, name)] = source.at(sub)
            elif key == "rating" and main:
                found[("rating",)] = source.at(knode)
                for part, pknode, pvnode in entries(vnode):
                    found[(part,)] = source.at(pknode)
                    if part in ("lists", "services", "sources", "rules"):
                        for name, sub, _v in entries(pvnode):
                            found[(part, name)] = source.at(sub)

    def at(self, *key: str) -> Location:
        """Where a declaration is (or its section, or the rating), else the file's first line."""
        found = self._read_all()
        return found.get(key) or found.get(key[:1]) or found.get(("rating",)) or self.fallback


# --- the lint ---------------------------------------------------------------------------------


def _diag(location: Location, code: str, message: str) -> Diagnostic:
    return Diagnostic(location.file, location.line, location.column, "warning", code, message)


def _all_effects(story: m.Story) -> Iterator[m.Effect]:
    for scene in story.scenes.values():
        yield from m.walk(scene.effects)
        for choice in scene.choices:
            yield from m.walk(choice.effects)


def _never_true(story: m.Story, facts: Facts) -> tuple[list[Diagnostic], set[int]]:
    """Conditions that can never hold, and the choices they make impossible."""
    found: list[Diagnostic] = []
    dead: set[int] = set()

    def never(expr: Expr) -> bool:
        """True when the condition holds in no possible play."""
        return True not in facts.values_of(expr).truths()

    def explain(expr: Expr) -> str:
        parts = []
        seen: set[str] = set()
        for node in walk(expr.tree):
            kind = type(node)
            if isinstance(node, Var) and node.name not in seen:
                seen.add(node.name)
                parts.append(f"{node.name} {facts.vars.get(node.name, TOP).describe()}")
            elif kind is Score and "score" not in seen and facts.score is not None:
                seen.add("score")
                parts.append(f"score {facts.score.describe()}")
            elif kind in (Tier, TierRank) and "tier" not in seen and facts.tiers:
                seen.add("tier")
                parts.append("tier is " + (" or ".join(t.id for t in facts.tiers)))
            elif kind is Day and "day" not in seen:
                seen.add("day")
                parts.append(f"day {facts.day.describe()}")
            elif isinstance(node, IdCall):
                function, ident = node.function, node.ident
                key = f"{function}:{ident}"
                if key in seen:
                    continue
                seen.add(key)
                if function == "listed" and ident not in facts.listed:
                    parts.append(f"nobody is ever put on the list '{ident}'")
                elif function in ("visited", "visits") and ident not in facts.live:
                    parts.append(f"scene '{ident}' is never reached")
                elif function == "can" and True not in facts.can(ident):
                    parts.append(f"service '{ident}' is never open")
        return "; ".join(parts) if parts else "its values never change"

    def expectation(found_in: str, x: m.Expectation) -> None:
        if never(x.that):
            found.append(_diag(
                x.that.location, "expect-never-true",
                f"{found_in}expectation '{x.says}': `{x.that.source.strip()}` can never be "
                f"true ({explain(x.that)}), so `test` fails wherever it is checked"))

    for x in story.expect:
        expectation("", x)
    for sid in sorted(facts.live):
        scene = story.scenes[sid]
        for x in scene.expect:
            expectation(f"in scene '{sid}', ", x)
        for block in scene.text:
            if block.condition is not None and never(block.condition):
                found.append(_diag(
                    block.condition.location, "never-true",
                    f"in scene '{sid}', the text's `if: {block.condition.source.strip()}` can "
                    f"never be true ({explain(block.condition)}), so it is never shown"))
        for choice in scene.choices:
            if choice.condition is not None and never(choice.condition):
                dead.add(id(choice))
                found.append(_diag(
                    choice.condition.location, "never-true",
                    f"choice '{choice.id}' in scene '{sid}': `if: "
                    f"{choice.condition.source.strip()}` can never be true "
                    f"({explain(choice.condition)}), so the choice is never shown"))
                continue
            if choice.service is not None and True not in facts.can(choice.service):
                dead.add(id(choice))
                service = story.rating.services[choice.service]  # type: ignore[union-attr]
                why = explain(service.requires) if service.requires else ""
                found.append(_diag(
                    choice.location, "never-true",
                    f"choice '{choice.id}' in scene '{sid}' needs service '{choice.service}', "
                    f"which can never be open ({why}), so the choice is always locked"))
                continue
            if choice.requires is not None and never(choice.requires):
                dead.add(id(choice))
                found.append(_diag(
                    choice.requires.location, "never-true",
                    f"choice '{choice.id}' in scene '{sid}': `requires: "
                    f"{choice.requires.source.strip()}` can never be true "
                    f"({explain(choice.requires)}), so the choice is always locked"))
    return found, dead


def _reachability(story: m.Story) -> tuple[Facts, list[Diagnostic]]:
    """Work out what can happen, pruning choices that can never be taken until stable."""
    blocked: frozenset[int] = frozenset()
    live = reachable(story)
    for _ in range(10):
        facts = Facts(story, live, blocked)
        found, dead = _never_true(story, facts)
        new_blocked = frozenset(dead)
        new_live = reachable(story, new_blocked)
        if new_blocked == blocked and new_live == live:
            return facts, found
        blocked, live = new_blocked, new_live
    return facts, found


def lint_story(story: m.Story) -> list[Diagnostic]:
    """Every lint warning for a story that loads, in file order."""
    found: list[Diagnostic] = []
    facts, never = _reachability(story)
    found.extend(never)
    structural = reachable(story)
    for sid, scene in story.scenes.items():
        if sid in facts.live:
            continue
        if sid in structural:
            found.append(_diag(scene.location, "unreachable-scene",
                               f"scene '{sid}' can only be reached through choices that can "
                               "never be taken"))
        else:
            found.append(_diag(scene.location, "unreachable-scene",
                               f"scene '{sid}' can never be reached from the start "
                               f"('{story.start}'): no goto or choice leads to it"))
    ends = can_end(story, facts.blocked)
    if not any(s.ending is not None for sid, s in story.scenes.items() if sid in facts.live):
        start = story.scenes[story.start]
        found.append(_diag(start.location, "no-ending-reachable",
                           "no ending can be reached from the start: add a scene with "
                           "`ending:` and a way to it"))
    else:
        for sid in facts.live:
            if sid not in ends:
                scene = story.scenes[sid]
                found.append(_diag(scene.location, "no-ending-reachable",
                                   f"no ending can be reached from scene '{sid}': every way on "
                                   "from here loops back; add a way to an ending"))
    found.extend(_unused(story))
    found.extend(_invisible(story))
    found.extend(_ids(story))
    found.extend(_rated_in_points(story))
    found.sort(key=lambda d: (d.file, d.line, d.column, d.code))
    return found


def _unused(story: m.Story) -> Iterator[Diagnostic]:
    used = reads(story)
    places = Places(story)
    effects = list(_all_effects(story))
    recorded = {e.rule for e in effects if isinstance(e, m.Record)}
    put_on = {e.list for e in effects if isinstance(e, m.ListChange) and e.on}
    changed_lists = {e.list for e in effects if isinstance(e, m.ListChange)}
    gated = {c.service for s in story.scenes.values() for c in s.choices if c.service}
    people = {pid for e in effects if isinstance(e, m.Rate) for pid, _ in e.stars}
    people |= {e.by for e in effects if isinstance(e, m.Rated)}
    written = {var for e in effects if isinstance(e, (m.SetVars, m.AddVars))
               for var, _ in e.values}
    rating = story.rating
    if rating is not None:
        for rid, rule in rating.rules.items():
            if rid not in recorded:
                yield _diag(rule.location, "unused-rule",
                            f"rule '{rid}' is never recorded: add `record: {rid}` where the "
                            "behaviour happens, or remove the rule")
        for lid in rating.lists:
            if lid not in changed_lists and lid not in used.get("listed", ()):
                yield _diag(places.at("lists", lid), "unused-list",
                            f"list '{lid}' is never used: no `list: {lid}` puts anyone on it "
                            f"and no condition checks listed('{lid}')")
            elif lid not in put_on:
                yield _diag(places.at("lists", lid), "unused-list",
                            f"nobody is ever put on list '{lid}' (no `list: {lid}`), so "
                            f"listed('{lid}') is always false")
        for sid in rating.services:
            if sid not in gated and sid not in used.get("can", ()):
                yield _diag(places.at("services", sid), "unused-service",
                            f"service '{sid}' gates nothing: no choice has `service: {sid}` "
                            f"and no expression uses can('{sid}')")
        used_sources = {r.source for r in rating.rules.values() if r.source}
        used_sources |= {e.source for e in effects if isinstance(e, m.ListChange) and e.source}
        for src in rating.sources:
            if src not in used_sources:
                yield _diag(places.at("sources", src), "unused-source",
                            f"source '{src}' reports nothing: no rule and no listing has "
                            f"`source: {src}`")
    for pid in story.people:
        if pid not in people and pid not in used.get("rating", ()):
            yield _diag(places.at("people", pid), "unused-person",
                        f"person '{pid}' never appears: no `rate:` or `rated:` names them "
                        f"and no expression uses rating('{pid}')")
    for var in story.vars:
        if var not in used["vars"]:
            what = "is set but never read" if var in written else "is never used"
            yield _diag(places.at("vars", var), "unused-var",
                        f"var '{var}' {what}: no condition or text uses it")


def _invisible(story: m.Story) -> Iterator[Diagnostic]:
    rating = story.rating
    if rating is None or rating.show != "hidden":
        return
    used = reads(story)
    if used["score"] or used.get("listed") or used.get("can"):
        return
    if any(c.service for s in story.scenes.values() for c in s.choices):
        return
    if any(isinstance(e, m.ListChange) and e.on for e in _all_effects(story)):
        return
    places = Places(story)
    yield _diag(places.at("show"), "invisible-rating",
                "the rating is hidden (show: hidden) and nothing the player meets depends on "
                "it: no condition or text uses score, tier, listed() or can(), no choice needs "
                "a service and nobody is put on a list; players see it only in the debrief")


def _rated_in_points(story: m.Story) -> Iterator[Diagnostic]:
    if story.rating is None or not spec_of(story.rating).ratings or \
            spec_of(story.rating).rated_moves_score:
        return
    for effect in _all_effects(story):
        if isinstance(effect, m.Rated):
            yield _diag(effect.location, "rated-in-points",
                        f"rated: by '{effect.by}' does not move the score in a points rating "
                        "(the player is only told they were rated); use model: peer for "
                        "ratings by people, or record: a rule to move points")


def _ids(story: m.Story) -> Iterator[Diagnostic]:
    from game.story.loader import slug

    for sid, scene in story.scenes.items():
        for choice in scene.choices:
            default = slug(choice.text.source)
            if choice.id != default:
                continue  # the author gave an id
            if default == "choice" or default.startswith("c_"):
                yield _diag(choice.location, "id-collision",
                            f"choice '{choice.text.source[:40]}' in scene '{sid}' gets the "
                            f"default id '{default}', which says nothing and collides with "
                            "any other such choice; give it an `id:`")
            elif default == "continue":
                yield _diag(choice.location, "id-collision",
                            f"choice '{choice.text.source[:40]}' in scene '{sid}' gets the "
                            "default id 'continue', the id saves and class records use for a "
                            "scene's Continue; give it another `id:`")
