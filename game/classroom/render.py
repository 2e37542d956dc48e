"""The class report written out: self-contained HTML, Markdown, or CSV.

Every format hides counts under 3 in the same cells (``ClassReport.hidden``).
``write_report`` reads a class folder and writes the format its file name asks for.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Callable, TextIO, Union

from game.classroom import charts
from game.classroom.formatting import (
    HIDDEN,
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
from game.classroom.report_html import to_html
from game.classroom.questions import asked_text
from game.classroom.summary import CitySection, ClassReport
from game.classroom.variants import variant_rows
from game.safetext import clean

__all__ = ["FORMATS", "run_report", "to_csv", "to_html", "to_markdown", "write_report"]


# -- Markdown -----------------------------------------------------------------------------


_MD_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|~"}, "\n": " ", "\r": " "})
# Markdown passes raw HTML through: a `<` starts markup (a tag, a comment, an
# autolink) only before a letter, `/`, `!` or `?`, and an `&` only as an entity.
_MD_MARKUP = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)")


def md(text: str) -> str:
    """Text from a story or a record, made inert for Markdown.

    Every ``<`` or ``&`` that could start HTML becomes an entity (so ``<3``
    stays readable); the characters that start emphasis, code, links, tables,
    headings and strike-through are backslash-escaped; a line break becomes a
    space (a table cell or a list item is one line). A ``#`` or ``>`` is
    harmless here: nothing of ours puts such text at the start of a line.
    """
    return _MD_MARKUP.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;",
                          text.translate(_MD_SPECIAL))


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(md(h) for h in head) + " |",
             "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(report: ClassReport) -> str:
    """The report as Markdown (tables, no charts); every text from a story or record is escaped."""
    out = [f"# Class report: {md(report.story_title)}", "",
           f"Class {md(report.class_name)} · story {md(report.story_id)} · aggregates only", ""]
    out += [f"- {md(line)}" for line in about_lines(report)] + [""]
    out += ["## Debrief questions and their numbers", ""]
    for i, item in enumerate(report.debrief, 1):
        out.append(f"{i}. **{md(item.question)}**")
        asked = asked_text(report, item)
        if asked:
            out.append(f"   - *{md(asked)}*")
        out += [f"   - {md(fact)}" for fact in item.facts]
    if not report.debrief:
        out.append("The story has no debrief questions (or was not found).")
    out += ["", "## How the class chose", ""]
    for d in report.decisions:
        where = f"{d.chapter} · " if d.chapter else ""
        out += [f"### {md(where + decision_title(d))}", ""]
        out += [_md_table(["Option", "Players", "Share"],
                          [[o.label, count_text(report, o.count), share_text(report, o.count, d.n)]
                           for o in d.options]), "", md(decision_caption(report, d)), ""]
    if report.tags:
        out += [_md_table(["Tag", "Players", "Share", "Times"],
                          [[t.label, count_text(report, t.count), share_text(report, t.count, t.n), t.detail]
                           for t in report.tags]), ""]
    out += ["## Endings", "", _md_table(["Ending", "Kind", "Players", "Share"], [
        [c.label, c.detail, count_text(report, c.count), share_text(report, c.count, c.n)]
        for c in report.endings]), ""]
    s = report.scores
    if s is not None and s.values:
        out += ["## Final scores and tiers", "", _md_table(
            ["Players", "Mean", "Median", "Lowest", "Highest", "Inequality (Gini)"],
            [score_cells(s)]), ""]
        out += [_md_table(["Tier", "Players", "Share"], [
            [t.label, count_text(report, t.count), share_text(report, t.count, t.n)] for t in s.tiers]), ""]
    out += ["## Who was listed, by which rule and source", ""]
    if report.listed:
        out += [_md_table(["List", "Players listed", "Share", "At the end"], [
            [c.label, count_text(report, c.count), share_text(report, c.count, c.n), c.detail]
            for c in report.listed]), ""]
        out += [_md_table(["List", "Where", "After the rule", "Source", "A mistake", "Players"], [
            [x.list_label, x.scene, x.rules, x.source, "yes" if x.mistake else "",
             count_text(report, x.players)] for x in report.listings]), ""]
    else:
        out += ["Nobody was put on a list.", ""]
    if report.variants:
        out += ["## Under other systems", "", md(variants_caption(report)), ""]
        out += [_md_table(["", *(c.label for c in report.variants)], [
            [label, *(variant_cell(report, count, report.variants[0].n) for count in counts)]
            for label, counts in variant_rows(report.variants)]), ""]
    out += ["## What the system recorded", ""]
    if report.rules:
        out += [_md_table(["Rule", "Source", "Players", "Times", "Total change", "Mistakes",
                           "Reason hidden"], [
            [r.label, r.source, count_text(report, r.players), str(r.times), number_text(r.total),
             str(r.mistakes) if r.mistakes else "", "yes" if r.hidden else ""]
            for r in report.rules]), ""]
    if report.city is not None:
        c = report.city
        out += ["## Scaled to the city", "", md(c.headline), ""]
        out += [_md_table(["Outcome", "Share", "95 % interval", "People", "Range"], [
            [r.label, f"{100 * r.share:.1f} %", f"{100 * r.low:.1f}–{100 * r.high:.1f} %",
             r.people, r.people_range] for r in c.rows]), ""]
        out += [md(note) for note in c.notes] + [""]
        if c.base_rates:
            out += ["### Base rate at city scale", ""] + [f"- {md(x)}" for x in c.base_rates]
            out += [""]
    out += ["## Polls", ""]
    for poll in report.polls:
        out += [f"### {md(poll.asks[0].question)}", ""]
        head = ["Answer"] + [f"{when} (n = {a.n})" for when, a in zip(ask_titles(poll), poll.asks)]
        rows = [[o.label] + [f"{count_text(report, a.options[i].count)} "
                             f"{share_text(report, a.options[i].count, a.n)}".strip()
                             if i < len(a.options) else ""
                             for a in poll.asks]
                for i, o in enumerate(poll.asks[0].options)]
        out += [_md_table(head, rows), ""]
        if len(poll.asks) > 1:
            out += [md(f"{count_text(report, poll.changed)} of {poll.both} players who answered "
                       "both times changed their answer."), ""]
    if not report.polls:
        out += ["No poll answers recorded.", ""]
    if report.players is not None:
        out += ["## Per codename", "", _md_table(
            ["Codename", "Ending", "Score", "Tier", "Lists", "Choices"],
            [[p.codename, p.ending or "not finished", number_text(p.score),
              p.tier or "", ", ".join(p.lists), str(p.choices)] for p in report.players]), ""]
    return "\n".join(out)


# -- CSV ----------------------------------------------------------------------------------

CSV_HEAD = ("section", "where", "item", "label", "count", "n", "share")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting so as a formula (OWASP's list)."""

Cell = Union[str, int, float, None]


def csv_cell(value: Cell) -> str | int | float:
    """One CSV cell, by its type: a number stays a number (negative ones too); text
    that a spreadsheet would run as a formula gets a leading ``'``, so it shows as
    the text it is."""
    if value is None:
        return ""
    if type(value) is int:
        return value
    if type(value) is float:
        return round(value, 4) if math.isfinite(value) else ""
    if type(value) is not str:
        raise TypeError(f"a CSV cell is text or a number, not {type(value).__name__}")
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(report: ClassReport) -> str:
    """The report as one long table: a row per number, for spreadsheets.

    Counts, n, shares and scores are numbers; every text cell is neutralised
    (``csv_cell``), so nothing from a story or a record runs as a formula.
    """
    buf = io.StringIO()
    # Text quoted, numbers not: the cell's type shows in the file, and a text
    # holding a lone CR is quoted too (QUOTE_MINIMAL quotes only the line terminator).
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(CSV_HEAD)

    def write(*cells: Cell) -> None:
        w.writerow([csv_cell(c) for c in cells])

    def row(section: str, where: str, item: str, label: str, count: Cell, n: Cell) -> None:
        if type(count) is int and type(n) is int:
            hidden = report.hidden(count)
            share = None if hidden or not n else round(count / n, 3)
            write(section, where, item, label, HIDDEN if hidden else count, n, share)
        else:
            write(section, where, item, label, count, n, None)

    row("summary", "", "sessions", "sessions of this story", report.sessions, None)
    row("summary", "", "finished", "reached an ending", report.finished, report.sessions)
    row("summary", "", "skipped_lines", "damaged record lines skipped", report.skipped_lines,
        None)
    for d in report.decisions:
        # The scene's id said in words once, as the other formats title the decision.
        write("decision", d.scene, "scene", (f"{d.chapter} · " if d.chapter else "")
              + decision_title(d), None, d.n, None)
        for o in d.options:
            row("decision", d.scene, o.key, o.label, o.count, d.n)
    for t in report.tags:
        row("tag", "", t.key, t.detail, t.count, t.n)
    for c in report.endings:
        row("ending", c.detail, c.key, c.label, c.count, c.n)
    for v in report.variants:
        write("variant", v.id, "label", v.label, None, None, None)  # what the id stands for
        row("variant", v.id, "listed", "on a list at the end", v.listed, v.n)
        row("variant", v.id, "refused", "refused a service at least once", v.refused, v.n)
        row("variant", v.id, "broke", "path breaks (a choice closed)", v.broke, v.n)
        for group, counts in (("ending", v.endings), ("tier", v.tiers), ("list", v.lists),
                              ("refused", v.services)):
            for c in counts:
                row("variant", v.id, f"{group}:{c.key}", c.label, c.count, v.n)
    s = report.scores
    if s is not None:
        for key, value in (("mean", s.mean), ("median", s.median), ("lowest", s.low),
                           ("highest", s.high), ("gini", s.gini)):
            write("score", "", key, s.name, value, len(s.values), None)  # a value, not a count
        for t in s.tiers:
            row("tier", "", t.key, t.label, t.count, t.n)
    for c in report.listed:
        row("listed", "", c.key, c.detail, c.count, c.n)
    for x in report.listings:
        row("listing", x.scene, x.list_label,
            f"{x.rules} / {x.source}" + (" / mistake" if x.mistake else ""), x.players,
            report.sessions)
    for r in report.rules:
        row("rule", r.source, r.label, f"{r.times} times, total {number_text(r.total)}"
            + (f", {r.mistakes} mistakes" if r.mistakes else ""), r.players, report.sessions)
    if report.city is not None:
        city_rows(report.city, write)
    for poll in report.polls:
        for a in poll.asks:
            write("poll", f"{poll.id}@{a.scene}", "question", a.question, None, a.n, None)
            for o in a.options:
                row("poll", f"{poll.id}@{a.scene}", o.key, o.label, o.count, a.n)
        if len(poll.asks) > 1:
            row("poll_changed", poll.id, "changed", "changed their answer", poll.changed,
                poll.both)
    for p in report.players or ():
        for item, value in (("ending", p.ending or "not finished"), ("score", p.score),
                            ("tier", p.tier or ""), ("lists", ", ".join(p.lists)),
                            ("choices", p.choices)):
            write("player", p.codename, item, value, None, None, None)
    return buf.getvalue()


CITY_ITEM = {"lists": "list", "refused": "refused", "endings": "ending"}
"""A city row's ``what`` as the CSV's item prefix (the variant rows' words)."""


def city_rows(city: CitySection, write: Callable[..., None]) -> None:
    """"Scaled to the city" as CSV rows: how it was made (a number a row), then each
    outcome three times, its estimate and the bounds of its 95 % interval (``where``
    says which: count is people, n the population, share the fraction), then the notes
    that say what the estimate assumes."""
    write("city", "", "population", city.population_label, city.population, None, None)
    write("city", "", "lives", "sampled lives", city.lives, None, None)
    write("city", "", "sessions", "sessions whose choices the lives follow", city.sessions,
          None, None)
    write("city", "", "seed", "seed of the sampled lives", city.seed, None, None)
    for r in city.rows:
        item = f"{CITY_ITEM.get(r.what, r.what)}:{r.key}"
        for where, count, share in (("estimate", r.count, r.share),
                                    ("low_95", r.low_count, r.low),
                                    ("high_95", r.high_count, r.high)):
            write("city", where, item, r.label, count, city.population, share)
    for number, note in enumerate((city.headline, *city.notes, *city.base_rates), start=1):
        write("city", "note", f"note:{number}", note, None, None, None)


FORMATS: dict[str, Callable[[ClassReport], str]] = {
    ".html": to_html, ".htm": to_html, ".md": to_markdown, ".csv": to_csv,
}


def write_report(folder: Path, out: Path, story_folders: list[Path],
                 story_path: Path | None = None, story_id: str | None = None,
                 show_small: bool = False, per_player: bool = False) -> list[str]:
    """Read a class folder and write its report; return the lines to tell the teacher.

    The format follows ``out``'s suffix (.html, .md or .csv). Reading never
    deletes anything: retention is ``class retention``'s (and ``class serve``'s).
    """
    from game.classroom.city import REPORT_LIVES
    from game.engine.city import default_jobs
    from game.classroom.records import RecordError
    from game.classroom.report import build_report, find_story, pick_story, usual_source
    from game.classroom.sessions import read_class
    from game.files import write_atomic
    from game.story.loader import load_story

    render = FORMATS.get(out.suffix.lower())
    if render is None:
        raise RecordError(f"{out}: write the report as .html, .md or .csv")
    if not folder.is_dir():
        raise RecordError(f"{folder}: no such class folder (class folders are named by "
                          "their class code)")
    if render is to_html:
        charts.require()
    said = []
    records = read_class(folder)
    story = load_story(story_path) if story_path is not None else None
    wanted = story.id if story is not None else story_id
    chosen, notes = pick_story(records, wanted)
    if chosen is None and records.unreadable:
        more = len(records.unreadable) - 1
        raise RecordError(f"{folder}: no session record could be used: {records.unreadable[0]}"
                          + (f" (and {more} more file{'s' * (more != 1)})" if more else ""))
    if chosen is None:
        raise RecordError(f"{folder}: no session records in this folder yet")
    if story is None:
        story = find_story(chosen, story_folders, usual_source(records, chosen))
    report = build_report(records, story, chosen, notes, show_small, per_player,
                          city_lives=REPORT_LIVES, city_jobs=default_jobs())
    try:
        write_atomic(out, render(report))
    except OSError as exc:
        raise RecordError(f"cannot write {out}: {exc.strerror or exc}") from None
    skipped = (f"; {records.skipped_lines} damaged record line"
               f"{'s' * (records.skipped_lines != 1)} skipped") if records.skipped_lines else ""
    sessions = f"{report.sessions} session{'s' * (report.sessions != 1)}"
    said.append(f"Wrote {out}: {sessions}, {report.finished} finished{skipped}.")
    said.extend(f"Not used: {item}." for item in report.unreadable)
    said.extend(report.notes)
    return said


def run_report(folder: Path, out: Path, story_folders: list[Path], story_path: Path | None,
               say: TextIO, show_small: bool = False, per_player: bool = False) -> int:
    """``report CLASS_DIR --out FILE``: write the report and say what was done.

    ``folder`` may also be a class code (``9b``): the class's folder in the
    default records place, as ``play --class 9b`` and ``class serve`` write it.
    """
    if not folder.exists() and len(folder.parts) == 1:
        from game.classroom.records import RecordError, class_folder, classes_there

        by_code = class_folder(str(folder))
        if not by_code.is_dir():  # a code mistyped: say which classes there are
            raise RecordError(f"{folder}: there is no class {by_code.name} (nor a folder of "
                              f"that name here); {classes_there(by_code.parent)}")
        folder = by_code
    for line in write_report(folder, out, story_folders, story_path, show_small=show_small,
                             per_player=per_player):
        say.write(clean(line) + "\n")  # lines quote paths, records and the story
    return 0
