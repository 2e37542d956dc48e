"""What the engine works out once per story instead of on every step.

A story is immutable, so anything derived from it alone (the chapter list, a
rule's ledger label, a scene's choices by id, the option of a choice that is
always shown the same way) is computed once, when the first engine plays the
story, and kept beside it for every game played on it. Nothing here depends
on a game's state.

It also says what a step may leave to ``view()``: text and conditions that are
``safe`` (they can neither draw random numbers nor fail) give the same result
whenever they are evaluated in the same state, so evaluating them when a front
end asks for the view, and not at all when nobody does, changes nothing else.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

from game.engine.state import TierMemo, tidy
from game.engine.view import Option, ServiceView
from game.story import model as m


class RulePlan:
    """A rule's ledger fields that never change: looked up once, not per entry."""

    __slots__ = ("id", "change", "asked", "label", "source", "source_label", "explain")

    def __init__(self, rule: m.Rule, rating: m.Rating) -> None:
        self.id = rule.id
        self.change = rule.change
        self.asked = tidy(rule.change)
        self.label = rule.label
        self.source = rule.source
        self.source_label = rating.sources.get(rule.source) if rule.source else None
        self.explain = rule.explain


class ScenePlan:
    """A scene's static facts: its choices by id, and what needs no evaluation."""

    __slots__ = ("scene", "paragraphs", "paragraphs_later", "title_later", "choices", "by_id")

    def __init__(self, scene: m.Scene, services: Mapping[str, m.Service]) -> None:
        self.scene = scene
        static = later = True
        for block in scene.text:
            condition, text = block.condition, block.text
            static = static and condition is None and text.is_static
            later = later and (condition is None or condition.safe) and text.safe
        self.paragraphs: tuple[str, ...] | None = (
            tuple([block.text.render(None) for block in scene.text])  # type: ignore[arg-type]
            if static else None)
        """The paragraphs when no block has a condition or an interpolation."""
        self.paragraphs_later = later and not static
        """True when the paragraphs can be rendered by ``view()`` instead of the step."""
        self.title_later = scene.ending is not None and scene.ending.title.safe
        """True when the ending's title can be rendered by ``view()``."""
        choices = []
        by_id = {}
        for choice in scene.choices:
            static = choice.text.is_static
            text = choice.text.render(None) if static else None  # type: ignore[arg-type]
            ready = None
            service = services[choice.service] if choice.service else None
            if service is not None and service.requires is None:
                service = None  # it never closes: the choice is never locked by it
            if text is not None and service is None and choice.requires is None:
                ready = Option(choice.id, text, None, (), choice.tags)
            condition = choice.condition
            requires = choice.requires
            fixed = None
            if text is not None and ready is None:  # a lock's outcomes, where the words are fixed
                fixed = (Option(choice.id, text, None, (), choice.tags),
                         _worded(choice, text, service.refusal if service else None),
                         _worded(choice, text, choice.locked))
            choices.append((choice, condition, condition.fn if condition else None,
                            choice.once, ready, service, service.requires.fn if service else None,
                            requires, requires.fn if requires else None, text, fixed))
            by_id[choice.id] = choice
        self.choices: tuple[tuple, ...] = tuple(choices)
        """Per choice: (choice, condition, its closure (``Expr.fn``), once, its option
        when shown if it can never be locked and its text is static (else None), the
        service it needs if that has a condition (else None) and that condition's
        closure, its requires and its closure, its text when static (else None), and for a
        choice that may be locked and whose text is static, its option when open, when
        its service is closed and when its requires is not met, each where the words
        are fixed (the author's static ``refusal:``/``locked:``; else None))."""
        self.by_id: dict[str, m.Choice] = by_id


def _worded(choice: m.Choice, text: str, why: m.Text | None) -> Option | None:
    """The option of a choice locked for a reason the author wrote, when it is static
    (no gaps to explain: the author's words stand in for them)."""
    if why is None or not why.is_static:
        return None
    reason = why.render(None)  # type: ignore[arg-type]
    return Option(choice.id, text, reason, (), choice.tags) if reason else None


class _ScenePlans(dict):
    """Scene plans by scene id, each made when first looked up."""

    __slots__ = ("_scenes", "_services")

    def __init__(self, scenes: Mapping[str, m.Scene], services: Mapping[str, m.Service]) -> None:
        super().__init__()
        self._scenes = scenes
        self._services = services

    def __missing__(self, sid: str) -> ScenePlan:
        plan = self[sid] = ScenePlan(self._scenes[sid], self._services)
        return plan


class StoryPlan:
    """The per-story facts of one story (see ``plan_for``)."""

    __slots__ = ("scenes", "chapters", "chapter_number", "rules", "services", "services_now",
                 "tiers", "_rating", "_service_views", "_list_labels")

    def __init__(self, story: m.Story) -> None:
        rating = story.rating
        services = rating.services if rating else {}
        self.scenes: dict[str, ScenePlan] = _ScenePlans(story.scenes, services)
        """Every scene's plan, made on the scene's first visit (a story from the
        compiled cache builds each scene only then, too)."""
        self.chapters: tuple[str, ...] = story.chapters
        """The story's chapter titles in file order."""
        self.chapter_number: dict[str, int] = {}
        """A chapter title's 1-based place among ``chapters`` (its first)."""
        for number, title in reversed(list(enumerate(self.chapters, start=1))):
            self.chapter_number[title] = number
        self.rules: dict[str, RulePlan] = (
            {rid: RulePlan(rule, rating) for rid, rule in rating.rules.items()}
            if rating else {})
        self.services: tuple[m.Service, ...] = tuple(services.values())
        self.services_now: tuple[m.Service, ...] = tuple(
            s for s in self.services if s.requires is not None and not s.requires.safe)
        """Services whose open state the step must evaluate (the rest wait for a view)."""
        self.tiers = TierMemo()
        """Every game's state looks whole scores' tiers up here (see ``State.tiers``)."""
        self._rating = rating
        self._service_views: dict[tuple, tuple[ServiceView, ...]] = {}
        self._list_labels: dict[tuple[str, ...], tuple[str, ...]] = {}

    def service_views(self, is_open: tuple[bool, ...],
                      secret: frozenset[str] = frozenset()) -> tuple[ServiceView, ...]:
        """The services as a view shows them, open or not, and which closed ones the
        player may not know of (``secret``; one tuple per pattern)."""
        key = (is_open, secret) if secret else is_open
        found = self._service_views.get(key)
        if found is None:
            found = self._service_views[key] = tuple(
                ServiceView(s.id, s.label, flag, s.id in secret)
                for s, flag in zip(self.services, is_open))
        return found

    def list_labels(self, lists: tuple[str, ...]) -> tuple[str, ...]:
        """The labels a view shows for the lists a player is on (announced ones only)."""
        found = self._list_labels.get(lists)
        if found is None:
            rating = self._rating
            found = self._list_labels[lists] = tuple(
                rating.lists[i].label for i in lists if rating.lists[i].announce
            ) if rating else ()
        return found


_PLANS: dict[int, StoryPlan] = {}
"""Plans by ``id(story)``; each entry goes when its story is collected."""


def plan_for(story: m.Story) -> StoryPlan:
    """The plan of a story, made once and shared by every engine playing it."""
    key = id(story)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = StoryPlan(story)
        # The plan holds no reference to the story, so the story can be collected;
        # an id is only reused after that, and then the entry is already gone.
        weakref.finalize(story, _PLANS.pop, key, None)
    return plan
