"""What the player notices of a step's events: HUD flashes, toasts, transcript lines.

The same rules as the plain player: a score change shows its reason only when
the entry was explained, and a story whose rating ``show`` is ``hidden`` shows
no score changes at all (only their consequences).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from game.engine import events as ev
from game.engine.debrief import signed, stars
from game.engine.emphasis import plain
from game.engine.events import LedgerEntry
from game.story.expressions import format_value
from game.story.model import Story

NoticeKind = Literal["score", "record", "tier", "list", "rated", "rate", "phone", "day"]
Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing the player notices, and how the terminal player shows it."""

    kind: NoticeKind
    text: str
    """The line for the transcript (and the HUD flash or the toast's message)."""
    amount: float | None = None
    """The score change, for HUD flashes."""
    toast: str | None = None
    """The toast's title when this notice also buzzes like a phone."""
    severity: Severity = "information"
    reason: str | None = None
    """Why the score moved, when the player may know (explained entries only)."""
    tiers: tuple[str | None, str] | None = None
    """For a tier change: the labels before and after."""


def told(entry: LedgerEntry, show: str) -> bool:
    """Whether the player was told why at the time, by the rules above.

    Rules tell their reason only when explained; a rating names its rater when
    explained or when the story shows stars; listings and the player's own
    ratings are always announced.
    """
    if entry.kind == "rule":
        return entry.explained
    if entry.kind == "rated":
        return entry.explained or show == "stars"
    return True


def with_change(notice: Notice, name: str, change: float) -> Notice:
    """A rating's notice with the score change it caused."""
    return replace(notice, text=f"{notice.text} {name} {signed(change)}.", amount=change)


def notices(story: Story, events: list[ev.Event]) -> list[Notice]:
    """The notices of a step's events, in order.

    A rating received moves the score first and is announced second; the two
    become one notice ("Mum rated you 4 stars. Glow -0.17."), in either order.
    """
    rating = story.rating
    show = rating.show if rating else "hidden"
    name = rating.name if rating else "Score"
    numeric = show in ("number", "stars")
    moved: dict[int, float] = {}  # ledger entry -> score change, awaiting its rating
    announced: dict[int, int] = {}  # ledger entry -> index of its rating, awaiting a change
    held: list[Notice] = []  # tier changes waiting for the rating that caused them
    out: list[Notice] = []
    for event in events:
        if isinstance(event, ev.ScoreChanged):
            change, entry = event.new - event.old, event.entry
            if show == "tier" and entry.kind == "rule" and entry.explained:
                way = "for" if change >= 0 else "against"
                out.append(Notice("record", f"Recorded {way} you: {entry.label}"))
            if not numeric:
                continue
            if entry.kind == "rated":
                if id(entry) in announced:  # the rating came first: add the change to it
                    index = announced.pop(id(entry))
                    out[index] = with_change(out[index], name, change)
                else:
                    moved[id(entry)] = change
                continue
            reason = entry.label if entry.explained else None
            why = f" ({reason})" if reason else ""
            out.append(Notice("score", f"{name} {signed(change)}{why}", change, reason=reason))
        elif isinstance(event, ev.TierChanged) and show != "hidden":
            way = "up" if event.up else "down"
            tier = Notice("tier", f"Your tier went {way}: {event.new_label}.",
                          tiers=(event.old_label, event.new_label))
            (held if moved else out).append(tier)  # after the rating that caused it
        elif isinstance(event, ev.ListChanged) and event.announced:
            verb = "put on" if event.on else "taken off"
            out.append(Notice("list", f"You have been {verb} the list: {event.label}.",
                              toast="Notice", severity="error" if event.on else "information"))
        elif isinstance(event, ev.RatedByPerson):
            who = event.name if event.entry.explained or show == "stars" else "Someone"
            given = format_value(event.stars)
            notice = Notice("rated", f"{who} rated you {stars(event.stars)}.", toast="Rating",
                            reason=f"{given}★ from {who}")
            if id(event.entry) in moved:
                notice = with_change(notice, name, moved.pop(id(event.entry)))
            elif numeric:
                announced[id(event.entry)] = len(out)
            out.append(notice)
            out.extend(held)
            held.clear()
        elif isinstance(event, ev.PersonRated):
            out.append(Notice("rate", f"You rated {event.name} {stars(event.stars)}. "
                                      f"{event.name} is now {format_value(event.new)}."))
        elif isinstance(event, ev.Notified):
            out.append(Notice("phone", plain(event.text), toast="Phone"))
        elif isinstance(event, ev.DayAdvanced):
            out.append(Notice("day", f"Day {event.day}."))
    return out + held
