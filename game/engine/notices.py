"""What the player is told: one typed stream of notices, decided once for every front end.

Each step's events become notices here, by the story's ``show``, ``explain``
and ``announce``; plain mode, ``run``, the terminal player (log, toasts, HUD
flash), the record screen and the debrief only render them. The rules:

- A score change shows its amount only when the story shows a number or stars,
  and its reason only when the rule is explained; under ``show: tier`` an
  explained rule is told as "Recorded for/against you", an unexplained one not
  at all; under ``show: hidden`` no score change is told, but an explained rule
  counts as told (the story tells it in its own words; My record lists its
  reason without an amount, and the debrief does not mark it "not told").
- A rating received names its rater when explained or when the story shows
  stars, and carries the score change it caused ("Pip rated you 5 stars. Glow
  +0.12."), whichever of the two events came first.
- A tier change comes after the rating that caused it, never before.
- A listing is told only when its list announces (``announce: true``).
- The start of a story tells nothing: entering the first scene sets the scene,
  and its prose tells what the player knows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from game.engine import events as ev
from game.engine import format as fmt
from game.engine.emphasis import plain
from game.engine.events import LedgerEntry
from game.engine.state import tidy
from game.engine.view import View
from game.story.model import Rating, Story

NoticeKind = Literal["score", "record", "tier", "list", "rated", "rate", "phone", "day"]
Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing the player is told: what happened, what they may know of it, the words."""

    kind: NoticeKind
    text: str
    """The wording: the log line, and the toast's or the HUD flash's message."""
    amount: float | None = None
    """The score change the player is shown (None when they are not shown one)."""
    toast: str | None = None
    """The toast's title when this notice also buzzes like a phone."""
    severity: Severity = "information"
    reason: str | None = None
    """Why the score moved, when the player may know (explained entries only)."""
    tiers: tuple[str | None, str] | None = None
    """For a tier change: the labels before and after."""
    entry: LedgerEntry | None = None
    """What happened: the ledger entry behind this notice, if any."""
    told: bool = True
    """Whether the player was told why (or by whom), by the rules above."""

    @property
    def line(self) -> str:
        """The notice as one line of a transcript (plain mode, ``run``, the log)."""
        return f"[{self.toast}] {self.text}" if self.kind == "phone" else self.text

    def to_json(self) -> dict:
        """The ``run --json`` shape."""
        return {"kind": self.kind, "text": self.line,
                "amount": self.amount, "told": self.told}


def told(entry: LedgerEntry, story: Story | Rating | None) -> bool:
    """Whether the player was told why (or by whom) at the time, by the rules above.

    ``story`` may also be the story's rating (or None for a story without one).
    """
    rating = story.rating if isinstance(story, Story) else story
    show = rating.show if rating else "hidden"
    if entry.kind in ("rule", "model"):
        # Under ``show: hidden`` the amount is never shown, but a rule (or a feature of a
        # risk model) the story explains is one whose reason the player was told.
        return entry.explained
    if entry.kind == "rated":
        return entry.explained or show == "stars"
    if entry.kind in ("list", "unlist"):
        found = rating.lists.get(entry.subject) if rating else None
        return found is None or found.announce
    return True


def reason_of(entry: LedgerEntry, reveal: bool = False) -> str:
    """What an entry was for: its label, or for a ``model`` entry (risk) the features
    that moved (only those the player is told about, unless ``reveal``)."""
    if entry.kind != "model":
        return entry.label
    return ", ".join(label for _id, label, _old, _new, _part, known in entry.moved
                     if known or reveal) or "reason not disclosed"


def amount_shown(story: Story) -> bool:
    """Whether the player sees how much the score moves (``show`` number or stars)."""
    rating = story.rating
    return rating is not None and rating.show in ("number", "stars")


def is_opening(story: Story, events: list[ev.Event]) -> bool:
    """Whether ``events`` are the start of the story (entering its first scene).

    Only the opening enters the start scene for the first time: a later step
    that comes back to it is a second visit.
    """
    first = events[0] if events else None
    return (isinstance(first, ev.SceneEntered) and first.scene == story.start
            and first.visits == 1)


def _with_change(notice: Notice, name: str, change: float, rating: Rating | None) -> Notice:
    """A rating's notice with the score change it caused."""
    moved = fmt.change(change, rating)
    words = f"{name} unchanged." if moved == "0" else f"{name} {moved}."
    return replace(notice, text=f"{notice.text} {words}", amount=change)


def notices(story: Story, events: list[ev.Event]) -> list[Notice]:
    """The notices of one step's events, in order (none for the opening)."""
    if is_opening(story, events):
        return []
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
            change, entry = tidy(event.new - event.old), event.entry
            if entry.kind == "rated":
                if not numeric:
                    continue
                if id(entry) in announced:  # the rating came first: add the change to it
                    index = announced.pop(id(entry))
                    out[index] = _with_change(out[index], name, change, rating)
                else:
                    moved[id(entry)] = change
                continue
            knows = told(entry, rating)
            if show == "tier" and knows:
                way = "for" if change >= 0 else "against"
                out.append(Notice("record", f"Recorded {way} you: {reason_of(entry)}",
                                  entry=entry, told=True))
            if not numeric:
                continue
            reason = reason_of(entry) if knows else None
            why = f" ({reason})" if reason else ""
            moved_by = fmt.change(change, rating)
            words = f"{name} unchanged" if moved_by == "0" else f"{name} {moved_by}"
            out.append(Notice("score", f"{words}{why}", change,
                              reason=reason, entry=entry, told=knows))
        elif isinstance(event, ev.TierChanged):
            if show == "hidden":
                continue
            way = "up" if event.up else "down"
            tier = Notice("tier", f"Your tier went {way}: {event.new_label}.",
                          tiers=(event.old_label, event.new_label))
            (held if moved else out).append(tier)  # after the rating that caused it
        elif isinstance(event, ev.ListChanged):
            if not event.announced:
                continue
            verb = "put on" if event.on else "taken off"
            out.append(Notice("list", f"You have been {verb} the list: {event.label}.",
                              toast="Notice", severity="error" if event.on else "information",
                              entry=event.entry))
        elif isinstance(event, ev.RatedByPerson):
            knows = told(event.entry, rating)
            who = event.name if knows else "Someone"
            notice = Notice("rated", f"{who} rated you {fmt.stars(event.stars)}.",
                            toast="Rating", reason=f"{fmt.number(event.stars)}★ from {who}",
                            entry=event.entry, told=knows)
            if id(event.entry) in moved:
                notice = _with_change(notice, name, moved.pop(id(event.entry)), rating)
            elif numeric:
                announced[id(event.entry)] = len(out)
            out.append(notice)
            out.extend(held)
            held.clear()
        elif isinstance(event, ev.PersonRated):
            out.append(Notice("rate", f"You rated {event.name} {fmt.stars(event.stars)}. "
                                      f"{event.name} is now {fmt.number(event.new)}.",
                              entry=event.entry))
        elif isinstance(event, ev.Notified):
            out.append(Notice("phone", plain(event.text), toast="Phone"))
        elif isinstance(event, ev.DayAdvanced):
            out.append(Notice("day", f"Day {event.day}."))
    return out + held


def standing(story: Story, view: View) -> list[str]:
    """Where the player stands, as the story lets them see it: the parts of the HUD line
    and of My record's status ("Glow: 3.91 stars", "tier Steady", "day 2", "listed: ...")."""
    rating = story.rating
    if rating is None:
        return []
    parts = []
    if rating.show in ("number", "stars") and view.score is not None:
        unit = " stars" if rating.show == "stars" else ""
        parts.append(f"{rating.name}: {fmt.score(view.score, rating)}{unit}")
    if rating.show != "hidden" and view.tier_label:
        parts.append(f"tier {view.tier_label}")
    parts.append(f"day {view.day}")
    listed = known_lists(rating, view)
    if listed:
        parts.append("listed: " + ", ".join(listed))
    closed = [s.label for s in view.closed_services]
    if closed:
        parts.append("closed to you: " + ", ".join(closed))
    return parts


def known_lists(rating: Rating | None, view: View) -> list[str]:
    """The labels of the lists the player is on and was told of (``announce``)."""
    if rating is None:
        return []
    return [label for list_id, label in zip(view.lists, view.list_labels)
            if list_id not in rating.lists or rating.lists[list_id].announce]


def record_line(entry: LedgerEntry, story: Story) -> str | None:
    """One line of My record: the entry as the system lets the player see it, or None
    when the player was never shown it (an unannounced listing, a hidden score)."""
    rating = story.rating
    knows = told(entry, rating)
    numeric = amount_shown(story)
    if entry.kind == "rule":
        if not numeric and not knows:
            return None
        amount = ""
        if numeric:
            cut = (f" (asked {fmt.change(entry.asked, rating)})"
                   if entry.asked != entry.applied else "")
            amount = f"{fmt.change(entry.applied, rating)}{cut}  "
        reason = entry.label if knows else "reason not disclosed"
        note = f": {entry.note}" if knows and entry.note else ""
        who = fmt.reported_by(entry.source_label) if knows else ""
        return f"{amount}{reason}{note}{who}"
    if entry.kind == "model":
        if not numeric and not knows:
            return None
        amount = f"{fmt.change(entry.applied, rating)}  " if numeric else ""
        return f"{amount}{reason_of(entry) if knows else 'reason not disclosed'}"
    if entry.kind in ("list", "unlist"):
        if not knows:
            return None
        verb = "Put on the list" if entry.kind == "list" else "Taken off the list"
        note = f": {entry.note}" if entry.explained and entry.note else ""
        who = fmt.reported_by(entry.source_label) if entry.explained else ""
        return f"{verb}: {entry.label}{note}{who}"
    if entry.kind == "rated":
        who = entry.label if knows else "someone"
        amount = f"{fmt.change(entry.applied, rating)}  " if numeric else ""
        return f"{amount}rated {fmt.stars(entry.asked)} by {who}"
    return (f"You rated {entry.label} {fmt.stars(entry.asked)} "
            f"({entry.label} {fmt.change(entry.applied)})")
