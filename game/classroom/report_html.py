"""The class report as one self-contained HTML page.

It needs nothing but a browser: styles inline, charts as inline SVG, no
script, no font or image fetched from anywhere, and a print stylesheet.

Every word from a story or a record is data: it is escaped wherever it goes
(``html.escape``), and table cells are typed (text, or a ``Bar`` drawn from a
number), so no text can ever become markup. A Content-Security-Policy meta tag
forbids script and every fetch besides.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import AbstractSet, Callable, Iterable, Sequence, Union

from game.classroom import charts
from game.classroom.formatting import (
    about_lines,
    ask_titles,
    count_text,
    decision_caption,
    decision_title,
    number_text,
    score_cells,
    share_text,
    variant_cell,
    variants_caption,
)
from game.classroom.questions import asked_text
from game.classroom.summary import ClassReport, Count
from game.classroom.variants import variant_rows

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
"""The page's Content-Security-Policy: no script, nothing fetched, no form sent anywhere.

A second wall behind escaping: even text that slipped through as markup could
not run or load anything. Inline SVG charts and inline styles still show."""

CSS = """
:root { --ink: #1b1b1b; --muted: #5b5b5b; --rule: #d6d6d6; --bar: #0072B2; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { border-bottom: 2px solid var(--rule); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin-bottom: .3rem; }
.muted, caption { color: var(--muted); }
caption { text-align: left; font-size: .9rem; padding: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#variants th.num { white-space: normal; vertical-align: bottom; }  /* variant labels are long */
td.bar { width: 30%; }
span.bar { display: block; width: 100%; }
span.bar > span { display: block; height: .8rem; background: var(--bar);
                  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.facts { margin: .2rem 0 1rem; }
.tag { font-size: .8rem; color: var(--muted); }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; max-height: 30rem; }
nav ol { columns: 2; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, figure, tr, .decision { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def to_html(report: ClassReport) -> str:
    """The report as one self-contained HTML page."""
    charts.require()
    e = escape
    out: list[str] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Class report: {e(report.story_title)} ({e(report.class_name)})</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Class report: {e(report.story_title)}</h1>",
        f'<p class="muted">Class {e(report.class_name)} · story <code>{e(report.story_id)}'
        "</code> · aggregates only" + (" · with a per-codename table" if report.players else "")
        + "</p>",
        "<ul>" + "".join(f"<li>{e(line)}</li>" for line in about_lines(report)) + "</ul>",
    ]
    sections: list[tuple[str, str, Callable[[], str]]] = [
        ("debrief", "Debrief questions and their numbers", lambda: _html_debrief(report)),
        ("decisions", "How the class chose", lambda: _html_decisions(report)),
        ("endings", "Endings", lambda: _html_endings(report)),
        ("scores", "Final scores and tiers", lambda: _html_scores(report)),
        ("lists", "Who was listed, by which rule and source", lambda: _html_lists(report)),
        *([("variants", "Under other systems", lambda: _html_variants(report))]
          if report.variants else []),
        ("recorded", "What the system recorded", lambda: _html_rules(report)),
        ("polls", "Polls", lambda: _html_polls(report)),
    ]
    if report.city is not None:
        sections.insert(sections.index(next(x for x in sections if x[0] == "polls")),
                        ("city", "Scaled to the city", lambda: _html_city(report)))
    if report.players is not None:
        sections.append(("players", "Per codename", lambda: _html_players(report)))
    out.append("<nav><h2>Contents</h2><ol>" + "".join(
        f'<li><a href="#{key}">{e(title)}</a></li>' for key, title, _ in sections) + "</ol></nav>")
    for key, title, body in sections:
        out.append(f'<section id="{key}"><h2>{e(title)}</h2>{body()}</section>')
    out.append("</body></html>")
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Bar:
    """A table cell drawn as a bar of ``percent`` % (0 draws an empty bar)."""

    percent: int


Cell = Union[str, Bar]
"""A table cell: text (always escaped) or a bar (drawn from its number only)."""


def _cell(cell: Cell, numeric: bool) -> str:
    """One <td>: what is markup is decided by the cell's type, never by its text."""
    if isinstance(cell, Bar):
        width = min(100, max(0, int(cell.percent)))
        inner = f'<span style="width:{width}%"></span>' if width else ""
        return f'<td class="bar"><span class="bar">{inner}</span></td>'
    if not isinstance(cell, str):
        raise TypeError(f"a report cell is text or a Bar, not {type(cell).__name__}")
    return f'<td class="num">{escape(cell)}</td>' if numeric else f"<td>{escape(cell)}</td>"


def _table(head: Iterable[str], rows: Iterable[Sequence[Cell]],
           numeric: AbstractSet[int] = frozenset(), caption: str = "") -> str:
    e = escape
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    ths = "".join(f'<th class="num">{e(h)}</th>' if i in numeric else f"<th>{e(h)}</th>"
                  for i, h in enumerate(head))
    body = ["<tr>" + "".join(_cell(cell, i in numeric) for i, cell in enumerate(row)) + "</tr>"
            for row in rows]
    return f"<table>{cap}<thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _bar(report: ClassReport, count: Count) -> Bar:
    return Bar(0 if report.hidden(count.count) else round(100 * count.share))


def _html_debrief(report: ClassReport) -> str:
    if not report.debrief:
        return '<p class="muted">The story has no debrief questions (or was not found).</p>'
    parts = ["<ol>"]
    for item in report.debrief:
        asked = asked_text(report, item)
        facts = (f'<li class="muted">{escape(asked)}</li>' if asked else "") + "".join(
            f"<li>{escape(f)}</li>" for f in item.facts)
        parts.append(f'<li><strong>{escape(item.question)}</strong><ul class="facts">{facts}'
                     "</ul></li>")
    parts.append("</ol>")
    return "".join(parts)


def _html_decisions(report: ClassReport) -> str:
    if not report.decisions:
        return '<p class="muted">No choices recorded yet.</p>'
    parts = []
    chapter = None
    for d in report.decisions:
        if d.chapter and d.chapter != chapter:
            chapter = d.chapter
            parts.append(f"<h3>{escape(chapter)}</h3>")
        rows = [(o.label + (f"  [{o.detail}]" if o.detail else ""), count_text(report, o.count),
                 share_text(report, o.count, d.n), _bar(report, o)) for o in d.options]
        parts.append('<div class="decision">' + _table(
            ("Option", "Players", "Share", ""), rows, {1, 2},
            f"{decision_title(d)} — {decision_caption(report, d)}") + "</div>")
    if report.tags:
        rows = [(t.label, count_text(report, t.count), share_text(report, t.count, t.n), t.detail)
                for t in report.tags]
        parts.append(_table(("Tag", "Players", "Share", "Times"), rows, {1, 2},
                            "Choices by tag: players who took such a choice at least once"))
    return "".join(parts)


def _html_endings(report: ClassReport) -> str:
    if not report.endings:
        return '<p class="muted">No sessions yet.</p>'
    rows = [(c.label, c.detail, count_text(report, c.count), share_text(report, c.count, c.n))
            for c in report.endings]
    chart = charts.bars([c.label for c in report.endings], [c.count for c in report.endings],
                        "Where the class ended", not report.show_small,
                        [charts.KIND_COLOURS.get(c.detail, "#999999") for c in report.endings])
    return f"<figure>{chart}</figure>" + _table(("Ending", "Kind", "Players", "Share"), rows,
                                                 {2, 3})


def _html_scores(report: ClassReport) -> str:
    s = report.scores
    if s is None:
        return '<p class="muted">This story has no rating.</p>'
    if not s.values:
        return '<p class="muted">Nobody has reached an ending yet.</p>'
    summary = _table(("Players", "Mean", "Median", "Lowest", "Highest", "Inequality (Gini)"),
                     [tuple(score_cells(s))], {0, 1, 2, 3, 4, 5},
                     "Gini: 0 when everyone ends equal, towards 1 as a few hold most of the "
                     "total")
    parts = [f"<figure>{charts.histogram(s.values, s.name, not report.show_small)}</figure>",
             summary]
    if s.tiers:
        parts.append(f"<figure>{charts.bars([t.label for t in s.tiers], [t.count for t in s.tiers], 'Final tiers', not report.show_small)}</figure>")
        parts.append(_table(("Tier", "Players", "Share"),
                            [(f"{t.label} ({t.key})" if t.key != t.label else t.label,
                              count_text(report, t.count), share_text(report, t.count, t.n))
                             for t in s.tiers], {1, 2}))
    return "".join(parts)


def _html_lists(report: ClassReport) -> str:
    if not report.listed:
        return '<p class="muted">Nobody was put on a list.</p>'
    summary = _table(("List", "Players listed", "Share", "At the end"),
                     [(c.label, count_text(report, c.count), share_text(report, c.count, c.n), c.detail)
                      for c in report.listed], {1, 2})
    rows = [(x.list_label, x.scene, x.rules, x.source, "yes" if x.mistake else "",
             count_text(report, x.players)) for x in report.listings]
    return summary + _table(("List", "Where", "After the rule", "Source", "A mistake",
                             "Players"), rows, {5},
                            "A mistake: the story marks that listing as the system's error")


def _html_variants(report: ClassReport) -> str:
    """The class's finished paths under each variant, beside the story as written."""
    n = report.variants[0].n
    rows = [[label, *(variant_cell(report, count, n) for count in counts)]
            for label, counts in variant_rows(report.variants)]
    return (f"<p>{escape(variants_caption(report))}</p>"
            + _table(["", *(c.label for c in report.variants)], rows,
                     set(range(1, len(report.variants) + 1))))


def _html_rules(report: ClassReport) -> str:
    if not report.rules:
        return '<p class="muted">Nothing was recorded.</p>'
    rows = [(r.label, r.source, count_text(report, r.players), str(r.times), number_text(r.total),
             str(r.mistakes) if r.mistakes else "", "yes" if r.hidden else "")
            for r in report.rules]
    sources = [(c.label, count_text(report, c.count), share_text(report, c.count, c.n), c.detail)
               for c in report.sources]
    return (_table(("Rule", "Source", "Players", "Times", "Total change", "Mistakes",
                    "Reason hidden"), rows, {2, 3, 4, 5})
            + _table(("Source", "Players it recorded", "Share", "Entries"), sources, {1, 2}))


def _html_polls(report: ClassReport) -> str:
    if not report.polls:
        return '<p class="muted">No poll answers recorded.</p>'
    parts = []
    for poll in report.polls:
        parts.append(f"<h3>{escape(poll.asks[0].question)}</h3>")
        labels = [o.label for o in poll.asks[0].options]
        shares = [[0.0 if report.hidden(o.count) else o.share for o in ask.options]
                  for ask in poll.asks]
        titles = ask_titles(poll)
        groups = [f"{when} (n = {ask.n})" for when, ask in zip(titles, poll.asks)]
        parts.append(f"<figure>{charts.grouped(groups, labels, shares, 'Answers each time it was asked')}</figure>")
        head = ["Answer"] + titles
        rows = []
        for i, label in enumerate(labels):
            rows.append([label] + [f"{count_text(report, a.options[i].count)} "
                                   f"({share_text(report, a.options[i].count, a.n) or 'hidden'})"
                                   if i < len(a.options) else "" for a in poll.asks])
        rows.append(["n"] + [str(a.n) for a in poll.asks])
        parts.append(_table(head, rows, set(range(1, len(head)))))
        if len(poll.asks) > 1:
            parts.append("<p>" + escape(f"{count_text(report, poll.changed)} of {poll.both} "
                                        "players who answered both times changed their "
                                        "answer.") + "</p>")
    return "".join(parts)


def _html_city(report: ClassReport) -> str:
    c = report.city
    assert c is not None
    rows = [[r.label, Bar(round(100 * r.share)), f"{100 * r.share:.1f} %",
             f"{100 * r.low:.1f}–{100 * r.high:.1f} %", r.people, r.people_range]
            for r in c.rows]
    return (f"<p><strong>{escape(c.headline)}</strong></p>"
            + _table(["Outcome", "", "Share", "95 % interval", "People", "Range"], rows,
                     frozenset({2, 3, 4, 5}))
            + "".join(f'<p class="muted">{escape(note)}</p>' for note in c.notes)
            + ("<h3>Base rate at city scale</h3><ul>" + "".join(
                f"<li>{escape(x)}</li>" for x in c.base_rates) + "</ul>" if c.base_rates else ""))


def _html_players(report: ClassReport) -> str:
    rows = [(p.codename, p.ending or "not finished", number_text(p.score), p.tier or "",
             ", ".join(p.lists), str(p.choices)) for p in report.players or ()]
    return _table(("Codename", "Ending", "Score", "Tier", "Lists", "Choices"), rows, {2, 5},
                  "Codenames only: the report never holds a name")
