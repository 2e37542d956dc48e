"""``class dashboard CODE``: the class live, for the teacher (and the projector).

Who is at which chapter, the split at each decision so far, the endings and
the listings, read from the class folder every second by a thread worker
(through a ``classdesk.ClassDesk``: ``game.launch`` hands it the classroom's,
which re-reads only changed files).
The teacher paces the class from here: hold it before a chapter, open one
more chapter, release it; and reveals the class's choices on every
student's debrief. Those controls are the class folder's ``pacing.json``,
written atomically; students' apps read it. Aggregates only: counts under 3
are hidden unless the teacher shows them (``s``). Nothing listens anywhere.
"""

from __future__ import annotations

from dataclasses import replace

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static

from game.safetext import clean
from game.story.model import Story
from game.ui.classdesk import ClassDesk, Count, LiveNumbers, Pacing, Report
from game.ui.widgets.keyline import KeyLine

POLL_SECONDS = 1.0
"""How often the class folder is read."""
BAR = 24
"""Columns of a 100 % bar."""


def bar(count: int, n: int, hidden: bool, columns: int = BAR) -> Content:
    """One option's bar (``columns`` wide at 100 %), share and count (or "<3" when hidden)."""
    if hidden:
        return Content.styled("<3", "$text-muted")
    share = count / n if n else 0.0
    blocks = "█" * max(1 if count else 0, round(share * columns))
    return Content.assemble((blocks, "$primary"), f" {round(100 * share)} % ({count})")


def bar_columns(width: int, indent: str = "") -> int:
    """How wide a 100 % bar may be to fit, with its share, on a line of its own."""
    if not width:
        return BAR
    return max(4, min(BAR, width - len(indent) - 2 - len(" 100 % (999)")))


def labelled(label: str, count: int, n: int, hidden: bool, width: int,
             indent: str = "") -> list:
    """A label and its bar: on one line when they fit in ``width`` columns (0: unknown),
    else the bar (narrowed to fit) on a line of its own under the label, so that a wrap
    never splits the bar from its share ("100" above "% (4)", as at 70 or 80 columns)."""
    text = Content(clean(label))
    shown = bar(count, n, hidden, bar_columns(width, indent))  # one scale for every bar
    if width and len(indent) + text.cell_length + 2 + shown.cell_length > width:
        return [indent, text, "\n", indent, "  ", shown]
    return [indent, text, "  ", shown]


def counts_text(rows: tuple[Count, ...], hidden, empty: str, width: int = 0) -> Content:
    """Rows of labelled bars (endings, listings), ``width`` columns wide (0: unknown)."""
    if not rows:
        return Content.styled(empty, "$text-muted")
    parts: list = []
    for row in rows:
        if parts:
            parts.append("\n")
        parts.extend(labelled(row.label, row.count, row.n, hidden(row.count), width))
    return Content.assemble(*parts)


def variants_text(report: Report) -> Content:
    """The finished paths under each variant beside the story as written, a line each."""
    if not report.variants:
        return Content("")
    if not report.variants[0].n:
        return Content.styled("Nobody has finished yet.", "$text-muted")

    def shown(count: int) -> str:
        return "<3" if report.hidden(count) else str(count)

    parts: list = []
    for column in report.variants:
        if parts:
            parts.append("\n")
        parts.extend([(clean(column.label), "bold"), (
            f": {shown(column.listed)} of {column.n} on a list, "
            f"{shown(column.refused)} refused a service"
            + (f", {shown(column.broke)} paths break" if column.broke else ""), "")])
    return Content.assemble(*parts)


def decisions_text(numbers: LiveNumbers, width: int = 0) -> Content:
    """Each decision so far: its first words, n, and the split (``width``: as above)."""
    report = numbers.report
    if not report.decisions:
        return Content.styled("No decisions yet.", "$text-muted")
    parts: list = []
    for d in report.decisions:
        if parts:
            parts.append("\n\n")
        where = f"{d.chapter} · " if d.chapter else ""
        parts.append((clean(f"{where}{d.prompt or d.scene}"), "bold"))
        parts.append((f"  n = {d.n}", "$text-muted"))
        for option in d.options:
            parts.append("\n")
            parts.extend(labelled(option.label, option.count, d.n,
                                  report.hidden(option.count), width, "  "))
    return Content.assemble(*parts)


def chapter_prompt(number: int, title: str, players: int, pacing: Pacing,
                   hidden: bool) -> Content:
    """A chapter's line in the pacing list: who is there, and whether it is held."""
    held = number > 0 and pacing.holds(number) and not pacing.holds(number - 1)
    # Every mark is as wide (a space before the number), so the chapters stay in a column.
    if held:
        mark = ("■ held  ", "$text-warning bold")
    elif number > 0 and pacing.holds(number):
        mark = ("closed  ", "$text-muted")
    else:
        mark = ("" if pacing.limit is None else "        ", "")
    here = "<3" if hidden else str(players)
    return Content.assemble(mark, (f"{number}. " if number else "", "$text-muted"),
                            Content(clean(title)), (f"   {here} here", "$text-muted"))


def pacing_text(pacing: Pacing, chapters: list[str]) -> Content:
    """The pacing and reveal state in words."""
    if pacing.limit is None:
        hold = "The class plays freely (no hold)."
    elif pacing.limit == 0:
        hold = "Held before the first chapter: nobody starts until you open it (n)."
    else:
        after = chapters[pacing.limit - 1] if pacing.limit <= len(chapters) else pacing.limit
        hold = (f"Held after “{clean(str(after))}”: students who finish it wait for the class. "
                "n opens one more chapter, r releases everyone.")
    reveal = ("Reveal ON: students' debriefs show how the class chose." if pacing.reveal
              else "Reveal off: press v to show students how the class chose.")
    small = ("Counts under 3 are SHOWN." if pacing.show_small
             else "Counts under 3 are hidden (s shows them).")
    return Content.assemble(hold, "\n", (reveal, "$text-accent" if pacing.reveal else ""),
                            "\n", (small, "$text-warning" if pacing.show_small else
                                   "$text-muted"))


def city_waiting(story: Story) -> str:
    """What "Scaled to the city" says before it has numbers (a story with a population)."""
    # 3: the report's smallest count shown (the ui does not import the classroom).
    return "Shown once 3 players have made a choice (s shows it sooner)."


class Bars(Static):
    """Labelled bars laid out for their width: a new width asks for them again."""

    class Resized(Message):
        """The bars' width changed."""

    laid_width = 0
    """The width last laid out for (a change of height alone asks for nothing)."""

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self.laid_width:
            self.laid_width = event.size.width
            self.post_message(self.Resized())


class DashboardApp(App[int]):
    """The live class: progress, splits, endings, listings; pacing and reveal controls."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "Standing: class dashboard"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("h", "hold", "Hold"),
        Binding("n", "next_chapter", "Open next"),
        Binding("r", "release", "Release"),
        Binding("v", "reveal", "Reveal"),
        Binding("s", "small", "Small counts"),
        Binding("q", "quit", "Quit"),
        # Priority: the chapter list has the focus, and would take PgUp/PgDn for itself.
        Binding("pagedown", "scroll_numbers(1)", "Scroll", key_display="PgDn",
                priority=True),
        Binding("pageup", "scroll_numbers(-1)", "Scroll up", show=False, priority=True),
    ]

    def __init__(self, desk: ClassDesk, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self.desk = desk
        self.folder = desk.folder
        self.story = desk.story
        self.poll_seconds = poll_seconds
        self.pacing = desk.blank()
        """The controls as last read (or written)."""
        self._controls = 0
        """How many controls the teacher has given: a read begun before the last one
        answers with older controls than those on screen, and is not believed."""
        self.numbers: LiveNumbers | None = None
        self.chapters = list(dict.fromkeys(self.story.chapters))

    def compose(self) -> ComposeResult:
        yield Static("", id="head")
        with Horizontal(id="dash-body"):
            with Vertical(id="dash-left"):
                yield Static("Chapters (↑ ↓, then h to hold before one)", classes="h2")
                yield OptionList(id="chapters")
                yield Static("", id="pacing")
            with VerticalScroll(id="dash-right"):
                yield Static("Decisions so far", classes="h2")
                yield Bars("", id="decisions")
                yield Static("Endings", classes="h2")
                yield Bars("", id="endings")
                yield Static("Listings", classes="h2")
                yield Bars("", id="listings")
                if self.story.population is not None:  # a story to scale, as for variants
                    yield Static("Scaled to the city", classes="h2")
                    yield Static("", id="city")
                if self.story.variants:
                    yield Static("Under other systems (finished paths replayed)",
                                 classes="h2")
                    yield Static("", id="variants")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#head", Static).update(Content.assemble(
            ("Class ", "bold"), (clean(self.folder.name), "bold"), ("  ·  ", "$text-muted"),
            Content(clean(self.story.title)), ("  ·  reading the class…", "$text-muted")))
        self.query_one(OptionList).focus()
        self.look()
        self.set_interval(self.poll_seconds, self.look)

    # -- reading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="read")
    def look(self) -> None:
        """Read the class folder and the controls (a thread: it reads files)."""
        asked = self._controls
        numbers, pacing = self.desk.look()
        self.call_from_thread(self.show_numbers, numbers, pacing, asked)

    def show_numbers(self, numbers: LiveNumbers, pacing: Pacing, asked: int | None = None) -> None:
        """Draw the class as it is now (``asked``: the controls given when the read began)."""
        if not self.query("#head"):
            return  # the dashboard is closing: a read that answers after it is dropped
        if asked is not None and asked != self._controls:
            pacing = self.pacing  # read before the teacher's last control: keep theirs
        self.numbers, self.pacing = numbers, pacing
        report = numbers.report
        self.query_one("#head", Static).update(Content.assemble(
            ("Class ", "bold"), (clean(self.folder.name), "bold"), ("  ·  ", "$text-muted"),
            Content(clean(self.story.title)), ("  ·  ", "$text-muted"),
            f"{report.sessions} player{'s' * (report.sessions != 1)}: "
            f"{numbers.playing} playing, "
            f"{numbers.finished} at an ending"))
        chapters = self.query_one(OptionList)
        prompts = [chapter_prompt(c.number, c.title, c.players, pacing,
                                  report.hidden(c.players)) for c in numbers.chapters]
        if chapters.option_count != len(prompts):
            chapters.set_options(prompts)
            if prompts and chapters.highlighted is None:
                chapters.highlighted = 0
        else:
            for index, prompt in enumerate(prompts):
                chapters.replace_option_prompt_at_index(index, prompt)
        self.query_one("#pacing", Static).update(pacing_text(pacing, self.chapters))
        width = self.query_one("#decisions", Static).content_region.width
        self.query_one("#decisions", Static).update(decisions_text(numbers, width))
        self.query_one("#endings", Static).update(
            counts_text(report.endings, report.hidden, "Nobody has finished yet.", width))
        self.query_one("#listings", Static).update(
            counts_text(report.listed, report.hidden, "Nobody has been listed.", width))
        city = report.city
        if self.story.population is not None:
            self.query_one("#city", Static).update(
                Content.assemble(clean(city.headline), "\n",
                                 (clean(city.notes[0]), "$text-muted"))
                if city is not None else Content.styled(city_waiting(self.story),
                                                        "$text-muted"))
        if self.story.variants:
            self.query_one("#variants", Static).update(variants_text(report))

    @on(Bars.Resized)
    def _redraw(self) -> None:
        """Lay the bars out again for a new width."""
        # The numbers and controls as they are when this runs: a key pressed since the
        # resize must not be drawn over (nor taken back) by older controls.
        if self.numbers is not None:
            self.show_numbers(self.numbers, self.pacing)

    # -- controls --------------------------------------------------------------------------

    def _selected(self) -> int | None:
        """The chapter number under the cursor."""
        index = self.query_one(OptionList).highlighted
        if self.numbers is None or index is None or index >= len(self.numbers.chapters):
            return None
        return self.numbers.chapters[index].number or None

    def action_hold(self) -> None:
        """Hold the class before the chapter under the cursor."""
        number = self._selected()
        if number is not None:
            self._give(self.pacing.held(number - 1))

    @on(OptionList.OptionSelected)
    def _hold_selected(self) -> None:
        self.action_hold()

    def action_next_chapter(self) -> None:
        """Open one more chapter to the class."""
        if self.pacing.limit is not None:
            limit = self.pacing.limit + 1
            self._give(self.pacing.held(None if limit >= len(self.story.chapters) else limit))

    def action_scroll_numbers(self, pages: int) -> None:
        """Page the class's numbers (decisions, endings, lists, the city) up or down."""
        numbers = self.query_one("#dash-right", VerticalScroll)
        if pages > 0:
            numbers.scroll_page_down(animate=False)
        else:
            numbers.scroll_page_up(animate=False)

    def action_release(self) -> None:
        """Let everyone play on."""
        self._give(self.pacing.held(None))

    def action_reveal(self) -> None:
        """Show (or hide) how the class chose on students' debriefs."""
        self._give(replace(self.pacing, reveal=not self.pacing.reveal))

    def action_small(self) -> None:
        """Show (or hide) counts under 3, here and in the reveal."""
        self._give(replace(self.pacing, show_small=not self.pacing.show_small))

    def _give(self, pacing: Pacing) -> None:
        """The teacher's control: on screen at once, written in a thread.

        Not before the first read has answered: the controls would be built on blank
        ones, and a dashboard restarted mid-lesson would turn the reveal off (and forget
        the served story) at the first key.
        """
        if self.numbers is None:
            self.notify("Still reading the class: press it again in a moment.",
                        severity="warning", markup=False)
            return
        self._controls += 1
        self.pacing = pacing
        self.control(pacing)

    @work(thread=True, exclusive=True, group="write")
    def control(self, pacing: Pacing) -> None:
        """Write the controls for the class (a thread: it writes and fsyncs a file)."""
        try:
            self.desk.control(pacing)
        except OSError as exc:
            self.call_from_thread(self.notify, f"cannot write {self.folder}: "
                                  f"{exc.strerror or exc}", severity="error", markup=False)
            self.call_from_thread(self._not_given)
            return
        self.look()

    def _not_given(self) -> None:
        """A control that could not be written: the folder's controls are the truth again."""
        self._controls += 1
        self.look()
