"""``rate:`` and ``rated:`` in play: stars are checked against the model's range;
``rate`` writes a ``rate`` entry and a PersonRated event, ``rated`` a ``rated``
entry and a RatedByPerson event (and moves the score when the model says so)."""

from __future__ import annotations

from game.engine import events as ev
from game.engine.effects.base import Runtime, is_number
from game.engine.events import Event
from game.engine.state import tidy
from game.errors import Location, StoryRuntimeError
from game.story.effects.stars import Rate, Rated
from game.story.expressions import Expr
from game.story.models import spec_of


def rate_all(engine: Runtime, effect: Rate, events: list[Event]) -> None:
    """The player rates each person named."""
    for pid, expr in effect.stars:
        _rate(engine, pid, _stars(engine, expr, effect.location), events)


def rated_by(engine: Runtime, effect: Rated, events: list[Event]) -> None:
    """A person rates the player."""
    _rated(engine, effect.by, _stars(engine, effect.stars, effect.location), events)


def _stars(engine: Runtime, expr: Expr, location: Location) -> float:
    value = expr.evaluate(engine.state)
    rating = engine.story.rating
    low, high = spec_of(rating).stars_range(rating)
    if not is_number(value) or (low is not None and value < low) or (
            high is not None and value > high):
        raise StoryRuntimeError(
            f"stars should be a number from {low} to {high}, not {value!r}",
            location, expression=expr.source)
    return value


def _rate(engine: Runtime, pid: str, stars: float, events: list[Event]) -> None:
    st = engine.state
    rating = engine.story.rating
    weight = st.score if rating and spec_of(rating).rater_weighted(rating) else 1
    old = st.rating_of(pid)
    st.people.setdefault(pid, []).append((stars, weight))
    new = st.rating_of(pid)
    name = st.person_name(pid)
    entry = engine._entry("rate", pid, name, stars, new - old, explained=True)
    events.append(ev.PersonRated(pid, name, tidy(stars), old, new, entry))


def _rated(engine: Runtime, pid: str, stars: float, events: list[Event]) -> None:
    st = engine.state
    rating = engine.story.rating
    name = st.person_name(pid)
    weight = st.rating_of(pid) if rating.weight == "rater" else 1
    if rating.weight == "rater" and pid not in st.people:
        weight = rating.start
    new = engine._model.rated(st, rating, stars, weight)
    if new is None:
        entry = engine._entry("rated", pid, name, stars, 0, explained=rating.explain)
        events.append(ev.RatedByPerson(pid, name, tidy(stars), entry))
        return
    entry = engine._move_score(new, events, "rated", pid, name, tidy(stars),
                               explained=rating.explain)
    events.append(ev.RatedByPerson(pid, name, tidy(stars), entry))


APPLY = {Rate: rate_all, Rated: rated_by}
