"""The one engine API every front end drives: start, view, choose, undo, replay.

A game is its story, its seed and its path (the (scene id, choice id) pairs
taken). Everything else is derived by playing that path, which is how undo,
saves and "go back to a decision" all work: deterministically, by replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from game.engine import events as ev
from game.engine.effects import APPLY
from game.engine.events import Event, LedgerEntry
from game.engine.plan import StoryPlan, plan_for
from game.engine.models import Behaviour, behaviour_of
from game.engine.state import State, kept, next_random, tidy
from game.engine.view import EndingView, Option, PollView, View
from game.errors import ChoiceError, StoryRuntimeError
from game.story import model as m
from game.story.expressions import MAX_RENDERED, Expr
from game.story.expressions.runtime import CAUGHT

LOCKED = "Not available yet."
"""Why a choice is locked when its author did not say (``locked:``)."""

CONTINUE = "continue"
"""The choice id recorded on the path for a scene that goes on by itself."""

_new_option = tuple.__new__
"""Makes an ``Option`` from a tuple of its fields: ``Option(...)`` runs the named
tuple's ``__new__`` in Python first (measured 335 ns against 105 ns here), and a
step makes one per visible choice."""


_NOTHING_REFUSED: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """How far a recorded path could be replayed on the current story."""

    applied: int
    total: int
    problem: str | None = None

    @property
    def complete(self) -> bool:
        """True when every recorded step was replayed."""
        return self.problem is None


Listener = Callable[[list[Event]], None]
"""Called with the events of each step, poll answer and undo (see ``Engine.subscribe``)."""


class Engine:
    """Plays one story: the single API for the TUI, plain mode, ``run`` and tests."""

    _listeners: tuple[Listener, ...] = ()
    """Who hears each step's events (copied on write, so a ``fork`` hears nothing)."""

    def __init__(self, story: m.Story, seed: int = 0, *, lazy_gaps: bool = False,
                 quiet: bool = False) -> None:
        """Start a game.

        Args:
            story: The story to play.
            seed: The seed of the game's random numbers.
            lazy_gaps: For bots: leave what the player lacks for a locked choice to be
                worked out when someone asks (``options()``, ``view()``), where that
                changes nothing else; ``options(explain=False)`` then leaves it None.
            quiet: For samplers that only want where a game ends (``city``): write no
                ledger and no score history, and make no events (``take`` returns none,
                listeners hear nothing of the steps). Everything that may draw a random
                number or fail is still evaluated, so a quiet game goes exactly where a
                loud one goes, through the same states.
        """
        self.story = story
        self.seed = seed
        self.lazy_gaps = lazy_gaps
        self.quiet = quiet
        self._plan: StoryPlan = plan_for(story)
        self._model: Behaviour = behaviour_of(story.rating)
        self._recomputes = self._model.recomputes
        self.state: State = self._fresh()
        self._view: View | None = None
        self._now: tuple | None = None
        self.opening: list[Event] = []
        """The events of entering the first scene."""
        self.opening = self._enter_start()

    # -- lifecycle ---------------------------------------------------------------

    def _fresh(self) -> State:
        story = self.story
        rating = story.rating
        st = State(story=story, scene=story.start, vars=dict(story.vars),
                   tiers=self._plan.tiers)
        st.rng = next_random(self.seed & ((1 << 64) - 1))[1]
        if rating is not None:
            st.set_score(rating.start)
            self._model.start(st, rating)
        for pid, person in story.people.items():
            if person.rating is not None:
                weight = person.rating if rating and rating.weight == "rater" else 1
                memory = rating.memory if rating else 20
                st.people[pid] = [(person.rating, weight)] * min(person.ratings, memory)
        return st

    def _enter_start(self) -> list[Event]:
        events: list[Event] = []
        try:
            self._enter(self.story.start, events)
            if self._recomputes:
                self._recompute(events, opening=True)
            # Evaluate the moment now, not when a front end first looks: text may
            # draw random numbers, and a replay (undo, saves) must draw the same.
            self._moment()
        except StoryRuntimeError as exc:
            exc.scene = exc.scene or self.state.scene
            raise
        if self.quiet:
            return []
        self.state.history.append(self.state.score)
        return events

    def restart(self) -> list[Event]:
        """Start again from the beginning with the same seed.

        Returns the opening events; listeners hear one ``Rewound(0)`` (with the same
        seed the opening is the same as the first time).
        """
        events = self._restart()
        self._emit([ev.Rewound(0)])
        return events

    def _restart(self) -> list[Event]:
        self.state = self._fresh()
        self._view = self._now = None
        self.opening = self._enter_start()
        return list(self.opening)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with the events of every step, poll answer and undo.

        This is how the launcher attaches observers such as the class-record
        writer without the engine knowing about them. An undo, rewind or restart
        is reported as one ``Rewound`` event, never as the replay behind it;
        ``replay`` (loading a save) reports nothing. Returns a function that
        unsubscribes.
        """
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def _emit(self, events: list[Event]) -> list[Event]:
        for listener in self._listeners:
            listener(events)
        return events

    def fork(self) -> Engine:
        """An independent copy of this game at this moment, to explore another choice.

        The current moment is shared, not evaluated again, so the copy draws the
        same random numbers a player continuing from here would.
        """
        twin = Engine.__new__(Engine)
        twin.story, twin.seed, twin.opening, twin._plan, twin.lazy_gaps = (
            self.story, self.seed, self.opening, self._plan, self.lazy_gaps)
        twin._model, twin._recomputes, twin.quiet = self._model, self._recomputes, self.quiet
        twin.state = self.state.copy()
        twin._view, twin._now = self._view, self._now
        return twin

    # -- queries -------------------------------------------------------------------

    @property
    def scene(self) -> m.Scene:
        """The current scene."""
        return self.story.scenes[self.state.scene]

    @property
    def ended(self) -> bool:
        """True at an ending."""
        return self.state.ending is not None

    @property
    def ledger(self) -> list[LedgerEntry]:
        """Everything the system recorded, in order."""
        return self.state.ledger

    @property
    def path(self) -> list[tuple[str, str]]:
        """The (scene id, choice id) pairs taken so far."""
        return self.state.path

    @property
    def step(self) -> int:
        """How many decisions (and Continues) were taken."""
        return len(self.state.path)

    def view(self) -> View:
        """The current moment: text, choices, HUD facts (cached until the next step)."""
        view = self._view
        if view is None:
            try:
                view = self._view = self._build_view(self._now or self._moment())
            except StoryRuntimeError as exc:  # a text over the size cap (MAX_RENDERED)
                exc.scene = exc.scene or self.state.scene
                raise
        return view

    def options(self, explain: bool = True) -> tuple[Option, ...]:
        """The choices the player sees now, in their numbering, without building the view.

        Evaluates exactly what ``view()`` evaluates, once per moment and in the same
        order (so random draws and runtime errors are the same); bots and playtests
        use it to step quickly. With ``explain=False``, on an engine made with
        ``lazy_gaps``, a locked option's ``gaps`` may be None: what the player lacks
        is then not worked out (a bot never reads it), which changes nothing else
        (see ``_evaluate``).
        """
        moment = self._now
        if moment is None:
            moment = self._moment()
        if explain and moment[4]:
            moment = self._explain(moment)
        return moment[1]

    def _moment(self) -> tuple:
        """Evaluate the current moment once (see ``_evaluate``)."""
        moment = self._now
        if moment is None:
            try:
                moment = self._now = self._evaluate()
            except StoryRuntimeError as exc:
                exc.scene = exc.scene or self.state.scene
                raise
        return moment

    def _explain(self, moment: tuple) -> tuple:
        """The moment with the gaps the step left unexplained worked out (now, in the
        moment's own state: the state only changes by a step, which drops the moment)."""
        st = self.state
        options = list(moment[1])
        for index, condition in moment[4]:
            choice, text, locked, _, tags = options[index]
            options[index] = _new_option(Option, (
                choice, text, locked, tuple(condition.explain_false(st)), tags))
        paragraphs, _, title, opened, _, refused = moment
        moment = self._now = (paragraphs, tuple(options), title, opened, (), refused)
        return moment

    def _evaluate(self) -> tuple:
        """The moment's options, and what cannot wait for ``view()`` (see ``plan``).

        Returns (paragraphs or None, options, ending title or None, the services
        known to be open or closed (by id: those of ``plan.services_now``, and the
        safe ones a lock asked about), the unexplained locks, the services that refuse
        the player on this screen (a choice of theirs locked by them)). With ``lazy_gaps``, a lock
        whose condition is ``safe`` is explained only when someone asks
        (``options()``, ``view()``): explaining it can neither draw a random number
        nor fail, so nothing else changes, and playtests, which never ask, skip the
        work. Such an option's ``gaps`` is None until then; the unexplained locks
        are (option index, condition) pairs.
        """
        st = self.state
        here = self._plan.scenes[st.scene]
        scene = here.scene
        paragraphs = here.paragraphs
        if paragraphs is None and not here.paragraphs_later:
            paragraphs = self._paragraphs(scene)
        options = []
        unexplained = refused = None  # made when the first one is found
        opened: dict[str, bool] = {}
        lazy = self.lazy_gaps
        taken = st.taken
        for (choice, condition, test, once, ready, service, service_test, requires,
             requires_test, text, fixed) in here.choices:
            if test is not None:  # condition.test(st), one call less
                try:
                    if not test(st):
                        continue
                except CAUGHT as exc:
                    raise condition.failure(exc) from None
            if once and (scene.id, choice.id) in taken:
                continue
            if ready is not None:  # shown, and always the same way
                options.append(ready)
                continue
            if service is None:
                is_open = True
            else:  # a service with a condition (see ``plan``): open now?
                is_open = opened.get(service.id)
                if is_open is None:
                    try:  # service.requires.test(st)
                        is_open = not not service_test(st)
                    except CAUGHT as exc:
                        raise service.requires.failure(exc) from None
                    if service.requires.safe:  # asking again now could give nothing new
                        opened[service.id] = is_open
            met = is_open
            if met and requires is not None:
                try:  # requires.test(st)
                    met = requires_test(st)
                except CAUGHT as exc:
                    raise requires.failure(exc) from None
            if met:
                if fixed is not None:
                    options.append(fixed[0])
                    continue
                locked, gaps = None, ()
            else:
                if not is_open:
                    if refused is None:
                        refused = []
                    refused.append(service.id)  # type: ignore[union-attr]
                if fixed is not None:
                    worded = fixed[2] if is_open else fixed[1]
                    if worded is not None:
                        options.append(worded)
                        continue
                locked, unmet = self._lock(choice, service, is_open)
                if locked is None or unmet is None:
                    gaps = ()
                elif lazy and unmet.safe:
                    gaps = None
                    if unexplained is None:
                        unexplained = []
                    unexplained.append((len(options), unmet))
                else:
                    gaps = tuple(unmet.explain_false(st))
            options.append(_new_option(Option, (
                choice.id, choice.text.render(st) if text is None else text, locked, gaps,
                choice.tags)))
        title = None
        if scene.ending is not None and not here.title_later:
            title = scene.ending.title.render(st)
        for service in self._plan.services_now:  # may draw or fail: every step, in order
            opened[service.id] = service.requires.test(st)
        return (paragraphs, tuple(options), title, opened,
                tuple(unexplained) if unexplained else (),
                frozenset(refused) if refused else _NOTHING_REFUSED)

    def _paragraphs(self, scene: m.Scene) -> tuple[str, ...]:
        """The scene's paragraphs whose conditions hold, rendered."""
        st = self.state
        blocks = scene.text
        if len(blocks) == 1 and blocks[0].condition is None:  # the usual scene
            return (blocks[0].text.render(st),)
        out = []
        size = 0
        for block in blocks:
            if block.condition is None or block.condition.test(st):
                out.append(block.text.render(st))
                size += len(out[-1])
                if size > MAX_RENDERED:  # the whole screen, not only each paragraph
                    raise StoryRuntimeError(
                        f"this scene's text is longer than {MAX_RENDERED:,} characters "
                        "once its {...} are filled in; split it into scenes",
                        block.text.location)
        return tuple(out)

    def _build_view(self, moment: tuple) -> View:
        """The view of the current moment, finishing what the step left (see ``plan``)."""
        st, plan = self.state, self._plan
        here = plan.scenes[st.scene]
        scene = here.scene
        if moment[4]:
            moment = self._explain(moment)
        paragraphs, options, title, opened, _, refused = moment
        if paragraphs is None:
            paragraphs = self._paragraphs(scene)
        ending = None
        if scene.ending is not None:
            if here.title_later:
                title = scene.ending.title.render(st)
            ending = EndingView(scene.id, title, scene.ending.kind)
        is_open = []
        for service in plan.services:
            known = opened.get(service.id)
            if known is None:  # safe (see plan.services_now): evaluated now
                known = service.requires is None or service.requires.test(st)
            is_open.append(known)
        secret = self._secretly_closed(plan.services, is_open, st.refused | refused)
        _, tier, _, shown = st.scored_now()
        lists = tuple(st.lists)
        return View(
            scene.id, st.chapter, plan.chapter_number.get(st.chapter, 0) if st.chapter else 0,
            len(plan.chapters), paragraphs, options, scene.goto is not None, ending,
            shown if self.story.rating is not None else None,
            tier.id if tier else None, tier.label if tier else None, st.day, lists,
            plan.list_labels(lists) if lists else (), plan.service_views(tuple(is_open), secret),
            len(st.path), self._poll_view(scene) if scene.poll is not None else None)

    def _poll_view(self, scene: m.Scene) -> PollView | None:
        poll = scene.poll
        if poll is None:
            return None
        return PollView(poll.id or scene.id, poll.question, poll.options, self.poll_answer())

    def _secretly_closed(self, services: tuple[m.Service, ...], is_open: list[bool],
                         refused: frozenset[str] | set[str]) -> frozenset[str]:
        """The closed services the player may not know are closed: closed only by a
        list that does not announce, and no refusal of theirs seen yet (the view
        does not show them as closed; the truth stays in ``ServiceView.open``)."""
        st = self.state
        secret = st.secret_lists.intersection(st.lists) if st.lists else ()
        if not secret:
            return frozenset()
        found = []
        twin = None
        for service, known in zip(services, is_open):
            if known or service.id in refused or not service.requires.safe:
                continue
            if twin is None:  # the same moment, off the secret lists
                twin = st.copy()
                for list_id in secret:
                    del twin.lists[list_id]
            if service.requires.test(twin):
                found.append(service.id)
        return frozenset(found)

    def _lock(self, choice: m.Choice, service: m.Service | None,
              is_open: bool) -> tuple[str, Expr | None]:
        """Why a choice found locked is locked, and the condition it fails.

        ``is_open``: whether its service (if any) is open; if it is, the choice's own
        ``requires`` was found false. The condition is None when the author wrote why
        (``locked:``, ``refusal:``): their words replace the generated reasons rather
        than being followed by them.
        """
        st = self.state
        if not is_open:
            if service.refusal:  # type: ignore[union-attr]
                return service.refusal.render(st), None  # type: ignore[union-attr]
            return f"{service.label} is closed to you.", service.requires  # type: ignore[union-attr]
        if choice.locked:
            return choice.locked.render(st), None
        return LOCKED, choice.requires

    # -- acting ----------------------------------------------------------------------

    def choose(self, number: int) -> list[Event]:
        """Take the choice numbered as the player sees it (locked ones count)."""
        options = self.options()
        if self.scene.goto is not None:
            raise ChoiceError("this scene has no choices; it continues by itself")
        if not 1 <= number <= len(options):
            raise ChoiceError(
                f"there is no choice {number} (choose 1 to {len(options)})"
                if options else "there are no choices here")
        return self.take(options[number - 1].id)

    def proceed(self) -> list[Event]:
        """Continue from a scene that goes on by itself."""
        return self.take(CONTINUE)

    def take(self, choice_id: str) -> list[Event]:
        """Take a choice by id (or CONTINUE); raise ChoiceError if it cannot be taken."""
        events = self._take(choice_id)
        for listener in self._listeners:  # self._emit(events), one call less a step
            listener(events)
        return events

    def _take(self, choice_id: str) -> list[Event]:
        st = self.state
        if st.ending is not None:
            raise ChoiceError("the story has ended")
        here = self._plan.scenes[st.scene]
        scene = here.scene
        if scene.goto is not None:
            if choice_id != CONTINUE:
                raise ChoiceError("this scene has no choices; it continues by itself")
            return self._step(scene, None, scene.goto)
        moment = self._now
        if moment is None:
            moment = self._moment()
        if moment[5]:  # the player saw these services refuse them: now they know
            st.refused.update(moment[5])
        for option in moment[1]:  # unexplained locks are fine here
            if option.id == choice_id:
                if option.locked is not None:
                    option = self.options()[moment[1].index(option)]
                    gaps = f" ({'; '.join(option.gaps)})" if option.gaps else ""
                    raise ChoiceError(f"'{option.text}' is locked: {option.locked}{gaps}")
                choice = here.by_id[choice_id]
                # A safe text reads the same now as when the option was made.
                said = option.text if choice.text.safe else None
                return self._step(scene, choice, choice.goto, said)
        raise ChoiceError(f"scene '{scene.id}' offers no choice '{choice_id}' now")

    def _step(self, scene: m.Scene, choice: m.Choice | None, goto: str,
              said: str | None = None) -> list[Event]:
        """Take a choice (None: Continue) whose text, if already rendered, is ``said``."""
        st = self.state
        events: list[Event] = []
        quiet = self.quiet
        cid = choice.id if choice else CONTINUE
        st.path.append((scene.id, cid))
        self._view = self._now = None
        try:
            if choice is not None:
                if said is None:  # rendered even when quiet: it may draw or fail
                    said = choice.text.render(st)
                if not quiet:
                    events.append(ev.ChoiceTaken(scene.id, cid, said, choice.tags,
                                                 len(st.path)))
                if choice.once:
                    st.taken.add((scene.id, cid))
                for effect in choice.effects:
                    APPLY[type(effect)](self, effect, events)  # self._apply, one call less
            self._enter(goto, events)
            if self._recomputes:
                self._recompute(events)
            # Part of the step: the next moment's text and choices draw random
            # numbers in the same order on every replay, and an error in them
            # takes the step back like an error in an effect.
            self._now = self._evaluate()
        except StoryRuntimeError as exc:
            exc.scene = exc.scene or st.scene
            self._rebuild(st.path[:-1])
            raise
        if quiet:
            return []
        st.history.append(st.score)
        return events

    def undo(self, steps: int = 1) -> None:
        """Take back the last ``steps`` steps (by replaying the shorter path)."""
        if steps < 1:
            return
        if not self.state.path:
            raise ChoiceError("there is nothing to undo")
        self._rebuild(self.state.path[: max(0, len(self.state.path) - steps)])
        self._emit([ev.Rewound(len(self.state.path))])

    def last_decision(self) -> int | None:
        """Steps before the last real decision on the path (Continues are not decisions).

        None when the path has no decision: undoing then goes back to the start.
        """
        for index in range(len(self.state.path) - 1, -1, -1):
            if self.state.path[index][1] != CONTINUE:
                return index
        return None

    def undo_decision(self) -> int:
        """Go back to the last moment the player chose (past any Continue pages since).

        Returns how many steps were taken back; raises ChoiceError when there is
        nothing to undo.
        """
        if not self.state.path:
            raise ChoiceError("there is nothing to undo")
        before = len(self.state.path)
        self.rewind(self.last_decision() or 0)
        return before - len(self.state.path)

    def rewind(self, step: int) -> None:
        """Go back to the moment before decision ``step`` (0 = the start)."""
        self._rebuild(self.state.path[: max(0, step)])
        self._emit([ev.Rewound(len(self.state.path))])

    def _rebuild(self, path: list[tuple[str, str]]) -> None:
        # Poll answers are not on the path: those given at the moments kept
        # (the one returned to included) survive; later ones go with their moments.
        answers = [a for a in self.state.answers if a[0] <= len(path)]
        self._restart()
        for _scene_id, choice_id in path:
            self._take(choice_id)
        self.state.answers = answers

    def replay(self, path: list[tuple[str, str]]) -> ReplayReport:
        """Play a recorded path from the start, following renamed scenes.

        Stops at the first step the current story no longer allows, and says
        which and why; never picks another choice in its place. Listeners hear
        nothing of it: whoever loads a game reports the game it loaded.
        """
        self._restart()
        for index, (scene_id, choice_id) in enumerate(path):
            here = self.state.scene
            resolved = self.story.resolve(scene_id)
            if self.ended:
                return ReplayReport(index, len(path), "the story now ends earlier")
            if resolved != here:
                return ReplayReport(
                    index, len(path),
                    f"step {index + 1}: the save was in scene '{scene_id}' but the story "
                    f"now leads to '{here}'")
            try:
                self._take(choice_id)
            except ChoiceError:
                what = "Continue" if choice_id == CONTINUE else f"choice '{choice_id}'"
                return ReplayReport(
                    index, len(path),
                    f"step {index + 1}: {what} in scene '{here}' no longer exists or "
                    "cannot be taken; resuming at that decision")
            except StoryRuntimeError as exc:
                # The step was rolled back: resume just before it, and say why.
                return ReplayReport(
                    index, len(path),
                    f"step {index + 1}: the story now fails there ({exc}); "
                    "resuming at that decision")
        return ReplayReport(len(path), len(path))

    # -- polls -----------------------------------------------------------------------
    #
    # A poll is an opinion, not a step: answering it leaves the rating, the path
    # and the random numbers alone. An answer belongs to the moment it was given
    # (``step`` = steps taken before it): answering again there replaces it; an
    # undo that goes back past that moment takes it back with the moment, one
    # that returns to it keeps it; a save carries the answers and restores those
    # whose moment was replayed (``restore_answers``).

    def poll_answer(self) -> int | None:
        """The option (from 0) chosen in the current moment's poll, or None."""
        step = len(self.state.path)
        for at, _poll, _scene, option in self.state.answers:
            if at == step:
                return option
        return None

    def answer_poll(self, option: int) -> list[Event]:
        """Answer the current scene's poll with an option counted from 0.

        No effect on the rating or the path; raises ChoiceError when there is no
        poll here or no such option.
        """
        st, scene = self.state, self.scene
        poll = scene.poll
        if poll is None:
            raise ChoiceError("there is no poll here")
        if isinstance(option, bool) or not isinstance(option, int) or not (
                0 <= option < len(poll.options)):
            raise ChoiceError(
                f"the poll has no option {option!r} (options are 0 to {len(poll.options) - 1})")
        step = len(st.path)
        poll_id = poll.id or scene.id
        st.answers = [a for a in st.answers if a[0] != step]
        st.answers.append((step, poll_id, scene.id, option))
        self._view = None  # the moment itself (text, choices, random draws) is unchanged
        return self._emit([ev.PollAnswered(poll_id, scene.id, option, poll.options[option],
                                           step)])

    @property
    def answers(self) -> list[tuple[int, str, str, int]]:
        """Poll answers on the current path: (step, poll id, scene id, option)."""
        return list(self.state.answers)

    def restore_answers(self, answers: list) -> int:
        """Put back saved poll answers whose moment is on the replayed path; return how many.

        An answer is kept only where the same scene is reached at the same step
        (old scene ids followed through ``renamed``) and it still asks that poll
        with that option. Listeners hear nothing.
        """
        st = self.state
        path = st.path
        kept: dict[int, tuple[int, str, str, int]] = {}
        for item in answers:
            try:
                step, poll_id, scene_id, option = item
            except (TypeError, ValueError):
                continue
            if not isinstance(step, int) or not isinstance(option, int) or not (
                    0 <= step <= len(path)):
                continue
            here = path[step][0] if step < len(path) else st.scene
            if self.story.resolve(str(scene_id)) != here:
                continue
            poll = self.story.scenes[here].poll
            if poll is None or (poll.id or here) != poll_id or not (
                    0 <= option < len(poll.options)):
                continue
            kept[step] = (step, poll_id, here, option)
        st.answers = [kept[step] for step in sorted(kept)]
        self._view = None
        return len(kept)

    # -- effects ----------------------------------------------------------------------

    def _enter(self, scene_id: str, events: list[Event]) -> None:
        st = self.state
        scene = self._plan.scenes[scene_id].scene
        st.scene = scene_id
        visits = st.visit_counts[scene_id] = st.visit_counts.get(scene_id, 0) + 1
        if scene.chapter:
            st.chapter = scene.chapter
        quiet = self.quiet
        if not quiet:
            events.append(ev.SceneEntered(scene_id, scene.chapter, visits))
        for effect in scene.effects:
            self._apply(effect, events)
        if scene.ending is not None:
            st.ending = scene_id
            title = scene.ending.title
            if not quiet:
                events.append(ev.Ended(scene_id, title.render(st), scene.ending.kind))
            elif not title.safe:  # it may draw or fail
                title.render(st)

    def _apply(self, effect: m.Effect, events: list[Event]) -> None:
        """Apply one effect (each kind's behaviour is in ``game.engine.effects``)."""
        APPLY[type(effect)](self, effect, events)

    def _entry(self, kind, subject, label, asked, applied, source=None, explained=False,
               note=None, mistake=False, source_label=None) -> LedgerEntry:
        """Append a ledger entry (``source_label`` is looked up unless given); a quiet
        engine writes none and returns None."""
        if self.quiet:
            return None  # type: ignore[return-value]
        st = self.state
        rating = self.story.rating
        if source_label is None and source and rating:
            source_label = rating.sources.get(source)
        entry = LedgerEntry(
            len(st.path), st.day, st.scene, kind, subject, label, tidy(asked), tidy(applied),
            tidy(st.score) if rating else 0, source, source_label, explained, note, mistake)
        st.ledger.append(entry)
        return entry

    def _move_score(self, new: float, events: list[Event], kind, subject, label, asked,
                    source=None, source_label=None, explained=False, note=None,
                    mistake=False, moved: tuple = ()) -> LedgerEntry:
        """Set the score, write its ledger entry and emit ScoreChanged (and TierChanged).

        ``asked`` is already tidy (see ``tidy``). A quiet engine only sets the score
        (and returns None).
        """
        st = self.state
        if self.quiet:
            st.set_score(new)
            return None  # type: ignore[return-value]
        old = st.score
        (_, old_tier, old_rank, old_shown), (new, new_tier, new_rank, shown) = st.set_score(new)
        applied = new - old
        entry = LedgerEntry(len(st.path), st.day, st.scene, kind, subject, label, asked,
                            applied if type(applied) is int else tidy(applied), shown, source,
                            source_label, explained, note, mistake, moved)
        st.ledger.append(entry)
        events.append(ev.ScoreChanged(old_shown, shown, entry))
        if new_tier is not None and new_tier is not old_tier:
            events.append(ev.TierChanged(old_tier.id if old_tier else None, new_tier.id,
                                         old_tier.label if old_tier else None, new_tier.label,
                                         old_tier is None or new_rank > old_rank))
        return entry

    def _recompute(self, events: list[Event], opening: bool = False) -> None:
        """A recomputing model (risk): work the score out again, and write one ``model``
        ledger entry when it or a feature moved (at the opening it is the start score)."""
        st = self.state
        rating = self.story.rating
        found = self._model.recompute(st, rating)
        if found is None:
            return
        new, moved = found
        if opening:
            st.set_score(new)
            return
        before = st.score
        if moved or kept(new, rating.decimals) != before:
            explained = any(item[5] for item in moved)
            self._move_score(new, events, "model", rating.model, rating.name,
                             tidy(kept(new, rating.decimals) - before), explained=explained,
                             moved=moved)

    # -- the debrief's raw material -------------------------------------------------------

    def reflections(self) -> list[tuple[str, str, str]]:
        """(scene, choice text, question) for each ``reflect`` of a choice the player took."""
        out = []
        for scene_id, choice_id in self.state.path:
            choice = self.story.scenes[scene_id].choice(choice_id)
            if choice is not None and choice.reflect:
                out.append((scene_id, choice.text.source, choice.reflect))
        return out

    def result(self) -> dict:
        """A JSON-ready summary of the game now (the ``run --json`` document)."""
        st = self.state
        view = self.view()
        data = {
            "story": self.story.id,
            "seed": self.seed,
            "step": len(st.path),
            **st.snapshot(),
            "ending": st.ending,
            "ending_title": view.ending.title if view.ending else None,
            "ending_kind": view.ending.kind if view.ending else None,
            "ledger": [e.to_json() for e in st.ledger],
            "choices": [c.to_json() for c in view.choices],
            "continues": view.continues,
            "path": [list(p) for p in st.path],
        }
        return data


