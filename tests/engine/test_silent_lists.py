"""A list with ``announce: false`` is kept from the player until the debrief."""

from __future__ import annotations

from pathlib import Path

from game.engine import events as ev
from game.engine.debrief import build_debrief
from game.engine.engine import Engine
from game.plain import event_lines
from game.story.loader import load_story

STORY = """\
title: Silent
rating:
  start: 100
  lists:
    court: {label: Court list, announce: false}
    loud: {label: Loud list}
  services:
    rail: {label: Rail, requires: "not listed('court')", refusal: Ticket refused.}
scenes:
  home:
    choices:
      - text: Miss a payment
        do: [list: court]
        goto: station
      - text: Shout
        do: [list: loud]
        goto: station
  station:
    choices:
      - text: Buy a ticket
        service: rail
        goto: end
      - text: Walk
        goto: end
  end:
    ending: {title: End, kind: mixed}
"""


def engine(tmp_path: Path) -> Engine:
    path = tmp_path / "silent.yaml"
    path.write_text(STORY, encoding="utf-8")
    return Engine(load_story(path), seed=1)


def test_silent_listing_is_not_announced_but_closes_doors(tmp_path: Path) -> None:
    game = engine(tmp_path)
    events = game.take("miss_a_payment")
    listed = [e for e in events if isinstance(e, ev.ListChanged)]
    assert listed and listed[0].announced is False
    assert listed[0].entry.explained is False
    assert not any("list" in line for line in event_lines(game, events))
    view = game.view()
    assert view.list_labels == ()  # the HUD does not show it
    assert view.lists == ("court",)  # the truth, for records and reports
    assert view.choices[0].locked == "Ticket refused."
    game.take("walk")
    assert build_debrief(game).lists == ("Court list",)


def test_announced_listing_is_told(tmp_path: Path) -> None:
    game = engine(tmp_path)
    events = game.take("shout")
    assert any("put on the list: Loud list" in line for line in event_lines(game, events))
    assert game.view().list_labels == ("Loud list",)


LOCKS = """\
title: Silent locks
rating:
  start: 100
  tiers:
    - {id: a, label: Good, min: 100}
    - {id: b, label: Poor, min: 0}
  lists:
    court: {label: Court list, announce: false}
    loud: {label: Loud list}
  services:
    rail: {label: Rail, requires: "tier >= 'a' and not listed('court')"}
scenes:
  home:
    choices:
      - text: Miss a payment
        do: [list: court]
        goto: station
      - text: Shout
        do: [list: loud]
        goto: station
  station:
    choices:
      - text: Buy a ticket
        service: rail
        goto: end
      - text: Volunteer
        requires: "not listed('court') and not listed('loud')"
        goto: end
      - text: Walk
        goto: end
  end:
    ending: {title: End, kind: mixed}
"""


def test_silent_listing_stays_out_of_generated_lock_reasons(tmp_path: Path) -> None:
    """A generated lock reason never names a silent list: the refusal tells, in the story's words."""
    path = tmp_path / "locks.yaml"
    path.write_text(LOCKS, encoding="utf-8")
    game = Engine(load_story(path), seed=1)
    game.take("miss_a_payment")
    rail, volunteer, _walk = game.view().choices
    for choice in (rail, volunteer):
        assert choice.locked
        said = " ".join((choice.locked, *choice.gaps, str(choice.to_json()["locked"])))
        assert "Court list" not in said and "on the list" not in said
    assert rail.locked == "Rail is closed to you."
    loud = Engine(load_story(path), seed=1)
    loud.take("shout")  # an announced list is named, as before
    assert loud.view().choices[1].gaps == ("you are on the list: Loud list",)


SECRET_DOOR = """\
title: Secret door
rating:
  start: 100
  tiers:
    - {id: a, label: Good, min: 100}
    - {id: b, label: Poor, min: 0}
  lists:
    court: {label: Court list, announce: false}
    loud: {label: Loud list}
  rules:
    shout: {change: -50, label: Shouted}
  services:
    rail: {label: Rail, requires: "not listed('court')", refusal: Ticket refused.}
    lounge: {label: Lounge, requires: "tier >= 'a' and not listed('court')"}
    hall: {label: Hall, requires: "not listed('loud')"}
scenes:
  home:
    choices:
      - text: Miss a payment
        do: [list: court]
        goto: street
      - text: Miss and shout
        do: [list: court, list: loud, record: shout]
        goto: street
  street:
    choices:
      - text: Go to the station
        goto: station
  station:
    choices:
      - text: Buy a ticket
        service: rail
        goto: after
      - text: Walk
        goto: after
  after:
    choices:
      - text: Home
        goto: end
  end:
    ending: {title: End, kind: mixed}
"""


def _closed(game: Engine) -> list[str]:
    return [s.label for s in game.view().closed_services]


def test_a_service_closed_by_a_secret_list_is_not_shown_closed_until_it_refuses(
        tmp_path: Path) -> None:
    """Closed only by a list the player was not told of: not in the HUD (nor My record's
    status) until a service refused them where they saw it."""
    from game.engine.notices import standing

    path = tmp_path / "door.yaml"
    path.write_text(SECRET_DOOR, encoding="utf-8")
    game = Engine(load_story(path), seed=1)
    game.take("miss_a_payment")
    assert _closed(game) == []  # the listing is secret: nothing gives it away
    assert not any("closed" in part for part in standing(game.story, game.view()))
    assert [s.id for s in game.view().services if not s.open] == ["rail", "lounge"]  # the truth
    game.take("go_to_the_station")
    assert game.view().choices[0].locked == "Ticket refused."
    assert _closed(game) == ["Rail"]  # the refusal is on screen
    game.take("walk")
    assert _closed(game) == ["Rail"]  # and stays known once seen
    assert "closed to you: Rail" in standing(game.story, game.view())
    game.undo(2)
    assert _closed(game) == []  # taken back with the step


def test_a_service_also_closed_for_a_told_reason_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(SECRET_DOOR, encoding="utf-8")
    game = Engine(load_story(path), seed=1)
    game.take("miss_and_shout")  # a poor tier closes the lounge anyway; the loud list is told
    assert _closed(game) == ["Lounge", "Hall"]
