"""The debrief page: the ending, the chart, what mattered, the revealed ledger, the reveal.

Built from ``game.engine.debrief.build_debrief`` (the same debrief every front
end shows); the class's reveal from the seat's ``class_choices``.
"""

from __future__ import annotations

from game.engine import format as fmt
from game.engine.debrief import (
    Debrief, build_debrief, describe, model_lines, signed, untold_note)
from game.engine.engine import Engine
from game.engine.lines import WHATIF_HEADING
from game.engine.classmode import ClassSplit
from game.web.html import Markup, join, story, tag
from game.web.pages import shell
from game.web.player import Decision
from game.web.svg import chart


def _mattered(d: Debrief) -> Markup | None:
    if not (d.moves or d.hidden_rules or d.listed):
        return None
    parts: list[object] = [tag("h2", "What mattered most")]
    if d.moves:
        parts.append(tag("h3", f"The biggest moves of your {d.score_name}"))
        parts.append(tag("ul", [tag("li", tag("span", f"Day {e.day}: ", class_="muted"),
                                        describe(e, True, d.rating)) for e in d.moves]))
    if d.hidden_rules:
        parts.append(tag("p", tag("strong", "Rules you were never shown: "),
                         ", ".join(d.hidden_rules)))
    if d.listed:
        parts.append(tag("p", tag("strong", "Lists you were put on: "), [
            [", " if i else "", label,
             tag("em", f" ({untold_note(d, label)})", class_="not-told") if not knew else None]
            for i, (label, knew) in enumerate(d.listed)]))
    return tag("section", parts)


def _whatif(d: Debrief) -> Markup | None:
    """The player's own path under each of the story's variants, one line each."""
    if not d.whatif:
        return None
    return tag("section", tag("h2", WHATIF_HEADING), tag("ul", [
        tag("li", tag("strong", line.label + ": "), line.says,
            class_="broke" if line.broke else None) for line in d.whatif]), class_="whatif")


def _ledger(d: Debrief) -> Markup:
    heading = tag("h2", "What the system recorded — every reason and source revealed")
    if not d.lines:
        return tag("section", heading,
                   tag("p", "Nothing. The system recorded nothing about you this time."))
    days = d.days
    blocks = []
    for day, lines in days:
        items = [tag("li", line.text,
                     tag("em", " — you were not told", class_="not-told") if not line.told
                     else None) for line in lines]
        blocks.append([tag("h3", f"Day {day}") if len(days) > 1 else None,
                       tag("ul", items, class_="ledger")])
    return tag("section", heading, blocks)


def _counts(title: str, rows: tuple[tuple[str, int, float], ...], d: Debrief) -> Markup | None:
    if not rows:
        return None
    items = [tag("li", f"{label}: {'once' if n == 1 else f'{n} times'} "
                       f"({signed(total, d.rating)})") for label, n, total in rows]
    return tag("section", tag("h2", title), tag("ul", items))


def reveal(splits: dict[str, ClassSplit] | None, mine: list[tuple[str, str]]) -> Markup:
    """How the class chose beside the player's own choices (aggregates only)."""
    heading = tag("h2", "How your class chose")
    if splits is None:
        return tag("section", heading, tag("p", "Your teacher will show here how the class "
                                                "chose, next to your own choices."),
                   class_="reveal", data_reveal="waiting", aria_live="polite")
    own: dict[str, str] = {}
    for scene, choice in mine:
        own.pop(scene, None)
        own[scene] = choice  # the last visit wins, and keeps its place in order
    blocks = []
    for scene, choice in own.items():
        if scene not in splits:
            continue
        first_words, n, options = splits[scene]
        items = []
        for key, label, count in options:
            you = key == choice
            if count is None:
                share_text, share = "fewer than 3", 0
            else:
                share = round(100 * count / n) if n else 0
                share_text = f"{share} % ({count})"
            items.append(tag("li", tag("span", label, class_="label"), " ",
                             tag("span", share_text, class_="share"),
                             tag("strong", " — your choice") if you else None,
                             tag("meter", value=share, min="0", max="100",
                                 aria_hidden="true") if count is not None else None,
                             class_="you" if you else None))
        blocks.append([tag("h3", first_words or scene, " ", tag("span", f"(n = {n})",
                                                               class_="muted")),
                       tag("ul", items, class_="split")])
    if not blocks:
        blocks.append(tag("p", "The class has not made the choices you made yet."))
    return tag("section", heading, blocks, class_="reveal", data_reveal="shown",
               aria_live="polite")


def _go_back(picks: list[Decision]) -> Markup | None:
    if not picks:
        return None
    return tag("section", tag("h2", "Go back to a decision"),
               tag("p", "You will stand just before it, free to choose again.", class_="hint"),
               tag("form", tag("ol", [
                   tag("li", tag("button", story(p.text or "Continue"), type="submit",
                                 name="step", value=p.step - 1)) for p in picks],
                   class_="choices"), method="post", action="/rewind"))


def debrief_page(engine: Engine, splits: dict[str, ClassSplit] | None, classroom: bool,
                 picks: list[Decision] | None = None) -> str:
    """The whole debrief (``classroom``: with the reveal section; ``picks``: the decisions
    the student may go back to)."""
    d = build_debrief(engine)
    story_ = engine.story
    show = story_.rating.show if story_.rating else None
    parts: list[object] = [  # the ending's kind is for the teacher, never shown here
        tag("h1", story(d.ending_title or "The end"), id="now", tabindex="-1"),
    ]
    if show is not None and d.score is not None:
        tier = f", tier {d.tier_label}" if d.tier_label else ""
        parts.append(tag("p", f"Final {d.score_name}: {fmt.score(d.score, d.rating)}{tier}"))
        parts.append(tag("section", tag("h2", "Your score over the story"),
                         tag("figure", chart(d.history, d.rating, d.score_name),
                             tag("figcaption", d.history_sentence()))))
    if d.lists:
        parts.append(tag("p", "You ended on: " + ", ".join(d.lists), class_="alert"))
    parts.append(_mattered(d))
    if d.model is not None:  # a computed score (risk): the model itself, laid open
        parts.append(tag("section", tag("h2", f"How your {d.score_name} was worked out"),
                         tag("ul", [tag("li", line)
                                    for line in model_lines(d.model, d.rating)])))
    parts.append(_whatif(d))
    parts.append(_ledger(d))
    parts.append(_counts("Who reported you", d.by_source, d))
    parts.append(_counts("By rule", d.by_rule, d))
    if d.reflections:
        parts.append(tag("section", tag("h2", "Think back on your choices"), tag("ul", [
            tag("li", "You chose “", story(text),
                "” " if text.rstrip().endswith((".", "!", "?", "…")) else "”. ", question)
            for text, question in d.reflections])))
    if classroom:
        parts.append(reveal(splits, list(engine.path)))
    if d.questions:
        parts.append(tag("section", tag("h2", "Questions to discuss"),
                         tag("ol", [tag("li", q) for q in d.questions])))
    parts.append(_go_back(picks or []))
    parts.append(tag("div",
                     tag("form", tag("button", "Play again", type="submit"), method="post",
                         action="/again"),
                     tag("a", "Back to the story", href="/#now", class_="button"),
                     class_="actions"))
    return shell(f"Debrief — {story_.title}", join(parts), story_title=story_.title,
                 ended=True)
