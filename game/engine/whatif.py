"""What if: the player's own path replayed under each variant of the story's rating.

The path is replayed by choice ids (the same decisions, in order) on an engine
started with the variant's rating (``Story.under``); the scenes are the same, so
where the path differs is where the other system would have closed a door. The
``whatif`` command, the debrief's What-if panel (terminal, plain, web) and the
class report all read the outcomes from here, and the one-line sentence each
front end shows is written here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from game.engine import format as fmt
from game.engine.engine import CONTINUE, Engine
from game.engine.naming import choice_words
from game.engine.notices import told
from game.engine.state import MASK64, next_random
from game.errors import ChoiceError, StoryRuntimeError
from game.story.model import AS_WRITTEN, Story

MAX_CONTINUES = 10_000
"""Most scenes in a row that go on by themselves before a replay gives up (a goto loop)."""
MAX_NAMED = 3
"""Most reasons a What-if line names before it says how many more."""
NOT_OFFERED = "the choice was not offered"
"""A ``Broke.reason``: under the variant the scene did not show the choice at all."""


@dataclass(frozen=True, slots=True)
class Broke:
    """Where a path could not go on under a variant, and why."""

    step: int
    """The decision (from 1) that could not be taken."""
    scene: str
    choice: str
    """The choice's id."""
    text: str
    """The choice's text as the player read it (empty when it was not offered at all)."""
    reason: str

    def to_json(self) -> dict:
        """The ``broke_at`` object of ``whatif --json``."""
        return {"step": self.step, "scene": self.scene, "choice": self.choice,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The end of one replay: the player's path under the story as written or a variant."""

    id: str
    """``as_written`` or the variant's id."""
    label: str
    score: float | None
    score_text: str | None
    """The score as the story shows it (its decimals)."""
    tier: str | None
    tier_label: str | None
    lists: tuple[str, ...]
    list_labels: tuple[str, ...]
    ending: str | None
    ending_title: str | None
    refused: tuple[str, ...]
    """Services that refused the player along the path (ids, in the rating's order)."""
    refused_labels: tuple[str, ...]
    untold: tuple[str, ...]
    """What moved the player's standing without their being told why (labels, once each)."""
    broke_at: Broke | None

    def to_json(self) -> dict:
        """One entry of ``whatif --json``'s ``variants``."""
        return {"id": self.id, "label": self.label, "score": self.score, "tier": self.tier,
                "lists": list(self.lists), "ending": self.ending,
                "refused": list(self.refused),
                "broke_at": self.broke_at.to_json() if self.broke_at else None}


def decisions(path: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The choice ids of a path's decisions (Continues left out: they are not choices)."""
    return tuple(choice for _scene, choice in path if choice != CONTINUE)


def settle(engine: Engine) -> None:
    """Go on through scenes that continue by themselves."""
    count = 0
    while not engine.ended and engine.scene.goto is not None:
        engine.take(CONTINUE)
        count += 1
        if count > MAX_CONTINUES:
            raise ChoiceError(f"scenes go on by themselves forever (goto loop at "
                              f"'{engine.state.scene}')")


def path_of_numbers(story: Story, numbers: Sequence[int | str], seed: int = 0) -> tuple[str, ...]:
    """Choice ids for choices given as the player numbers them (or by id) under the story
    as written; raise ChoiceError at the first that cannot be taken."""
    engine = Engine(story, seed)
    settle(engine)
    out: list[str] = []
    for step, given in enumerate(numbers, start=1):
        if engine.ended:
            raise ChoiceError(f"step {step}: the story has already ended "
                              f"(the path has {step - 1} choices)")
        view = engine.view()
        if isinstance(given, int):
            if not 1 <= given <= len(view.choices):
                raise ChoiceError(f"step {step}: there is no choice {given} in scene "
                                  f"'{view.scene}' (it offers 1 to {len(view.choices)})")
            choice = view.choices[given - 1]
        else:
            found = [c for c in view.choices if c.id == given]
            if not found:
                offered = ", ".join(c.id for c in view.choices)
                raise ChoiceError(f"step {step}: scene '{view.scene}' offers no choice "
                                  f"'{given}' (it offers {offered})")
            choice = found[0]
        if choice.locked is not None:
            raise ChoiceError(f"step {step}: choice {choice.number} in scene '{view.scene}' "
                              f"is locked: {choice.locked}")
        engine.take(choice.id)
        settle(engine)
        out.append(choice.id)
    return tuple(out)


def replay(story: Story, path: Sequence[str], seed: int = 0,
           variant: str = AS_WRITTEN) -> Outcome:
    """Replay a path of choice ids under a variant (or as written) and say how it ended."""
    return replayed(story, path, seed, variant)[0]


def replayed(story: Story, path: Sequence[str], seed: int = 0,
             variant: str = AS_WRITTEN) -> tuple[Outcome, Engine]:
    """``replay``, with the engine as the replay left it (to read its state at the end)."""
    playing = story.under(variant)
    label = "As written" if variant == AS_WRITTEN else story.variants[variant].label
    engine = Engine(playing, seed)
    broke: Broke | None = None
    try:
        settle(engine)
    except (ChoiceError, StoryRuntimeError) as exc:
        broke = Broke(1, engine.state.scene, "", "", str(exc))
    for step, choice_id in enumerate(path if broke is None else (), start=1):
        if engine.ended:
            broke = Broke(step, engine.state.scene, choice_id, "", "the story had already ended")
            break
        scene = engine.state.scene
        option = next((c for c in engine.view().choices if c.id == choice_id), None)
        if option is None:
            broke = Broke(step, scene, choice_id, "",
                          NOT_OFFERED if engine.scene.choice(choice_id)
                          else f"scene '{scene}' has no such choice")
            break
        if option.locked is not None:
            gaps = f" ({'; '.join(option.gaps)})" if option.gaps else ""
            broke = Broke(step, scene, choice_id, option.text, option.locked + gaps)
            # The player saw the door shut: that counts as a refusal, as in play.
            engine.state.refused.update(_shut(engine, choice_id))
            break
        try:
            engine.take(choice_id)
            settle(engine)
        except (ChoiceError, StoryRuntimeError) as exc:
            broke = Broke(step, scene, choice_id, option.text, str(exc))
            break
    return _outcome(engine, variant, label, broke), engine


def drew(engine: Engine) -> bool:
    """Whether the game has drawn random numbers so far (so its seed mattered: the same
    choices with another seed may go elsewhere). Its generator has moved from where the
    seed set it."""
    return engine.state.rng != next_random(engine.seed & MASK64)[1]


def _shut(engine: Engine, choice_id: str) -> set[str]:
    """The service that locks a choice now, if it is a service that does."""
    choice = engine.scene.choice(choice_id)
    if choice is None or choice.service is None:
        return set()
    rating = engine.story.rating
    service = rating.services.get(choice.service) if rating else None
    if service is None or service.requires is None or service.requires.test(engine.state):
        return set()
    return {service.id}


def _outcome(engine: Engine, variant: str, label: str, broke: Broke | None) -> Outcome:
    st = engine.state
    story = engine.story
    rating = story.rating
    view = engine.view()
    order = tuple(rating.services) if rating else ()
    refused = tuple(s for s in order if s in st.refused)
    untold = tuple(dict.fromkeys(
        e.label for e in st.ledger if e.kind in ("rule", "list") and not told(e, story)))
    return Outcome(
        id=variant, label=label,
        score=view.score, score_text=fmt.score(view.score, rating) if view.score is not None
        else None,
        tier=view.tier, tier_label=view.tier_label,
        lists=tuple(st.lists), list_labels=tuple(st.list_label(i) for i in st.lists),
        ending=st.ending, ending_title=view.ending.title if view.ending else None,
        refused=refused, refused_labels=tuple(st.service_label(s) for s in refused),
        untold=untold, broke_at=broke)


def whatif(story: Story, path: Sequence[str], seed: int = 0,
           only: str | None = None) -> tuple[Outcome, ...]:
    """The path as written, then under each variant (or only ``only``)."""
    names = [only] if only is not None else list(story.variants)
    return tuple(replay(story, path, seed, v) for v in (AS_WRITTEN, *names))


@dataclass(frozen=True, slots=True)
class WhatIfLine:
    """One line of the debrief's What-if panel."""

    id: str
    """The variant's id."""
    label: str
    """The variant's label ("Without the street cameras")."""
    says: str
    """What it would have done to the player's path ("1,020, tier A — ...")."""
    broke: bool
    """The path could not have been played to its end under this variant."""

    @property
    def text(self) -> str:
        """The whole line: label, colon, what it says."""
        return f"{self.label}: {self.says}"


def sentence(written: Outcome, other: Outcome, story: Story | None = None) -> str:
    """One line for the debrief's What-if panel: what the other system would have done
    to the same path, said against what happened as written."""
    return f"{other.label}: {says(written, other, story)}"


def broke_choice(broke: Broke, story: Story | None = None) -> str:
    """The choice a path broke at, in words: its text as the player read it, else as the
    story writes it (a choice the variant did not offer), else its id."""
    text = broke.text or choice_words(story, broke.scene, broke.choice)
    if text:
        return f"“{text}”"
    return f"choice '{broke.choice}'" if broke.choice else "the next choice"


def says(written: Outcome, other: Outcome, story: Story | None = None) -> str:
    """``sentence`` without the variant's label (``story`` names a choice the variant did
    not offer by its text)."""
    head = ""
    if other.broke_at is not None:
        broke = other.broke_at
        what = broke_choice(broke, story)
        if broke.reason == NOT_OFFERED:
            return (f"{head}your path breaks at step {broke.step} — {what} would not have "
                    "been offered to you")
        return (f"{head}your path breaks at step {broke.step} — {what} would have been "
                f"closed ({broke.reason.rstrip('.')})")
    parts: list[str] = []
    if other.score != written.score or other.tier != written.tier:
        was = f" instead of {written.score_text}" if other.score != written.score else ""
        tier = ""
        if other.tier_label:
            tier = (f", tier {other.tier_label} (not {written.tier_label})"
                    if other.tier != written.tier else ", same tier")
        parts.append(f"{other.score_text}{was}{tier}")
    else:
        parts.append("same score")
    if other.ending != written.ending and other.ending_title:
        parts.append(f"you would have reached “{other.ending_title}”")
    opened = [lab for sid, lab in zip(written.refused, written.refused_labels)
              if sid not in other.refused]
    shut = [lab for sid, lab in zip(other.refused, other.refused_labels)
            if sid not in written.refused]
    if opened:
        parts.append(f"{_join(opened)} would have been open to you")
    if shut:
        parts.append(f"{_join(shut)} would have refused you")
    left = [lab for lid, lab in zip(written.lists, written.list_labels) if lid not in other.lists]
    joined = [lab for lid, lab in zip(other.lists, other.list_labels) if lid not in written.lists]
    if left:
        parts.append(f"not on {_join(left)}")
    if joined:
        parts.append(f"on {_join(joined)}")
    learned = [lab for lab in written.untold if lab not in other.untold]
    if learned:
        shown = learned[:MAX_NAMED]
        more = len(learned) - len(shown)
        parts.append("but you would have been told why: " + (
            _join(shown) if not more else f"{', '.join(shown)} and {more} more"))
    if len(parts) == 1 and parts[0] == "same score":
        return f"{head}nothing changes for your path (same score, same doors)"
    details = [p for p in parts[1:] if not p.startswith("but ")]
    told_now = [p for p in parts[1:] if p.startswith("but ")]
    body = parts[0] + (" — " + "; ".join(details) if details else "")
    return head + body + "".join(f", {p}" for p in told_now)


def _join(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def panel(engine: Engine) -> tuple[WhatIfLine, ...]:
    """The debrief's What-if panel for the game so far: one line per variant (empty when
    the story has none)."""
    story = engine.story
    if not story.variants:
        return ()
    path = decisions(engine.state.path)
    found = whatif(story, path, engine.seed)
    return tuple(WhatIfLine(o.id, o.label, says(found[0], o, story), o.broke_at is not None)
                 for o in found[1:])
