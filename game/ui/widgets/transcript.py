"""The scrolling story pane: the current scene below the earlier ones, like a transcript."""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from game.engine.history import Decision, Moment
from game.ui.text import joined, literal, reflow, story_text

_NOTICE_STYLE = {
    "score": "$text-warning",
    "record": "$text-warning",
    "tier": "$text-warning bold",
    "list": "$text-error bold",
    "rated": "$text-accent",
    "rate": "$text-accent",
    "phone": "$text-secondary",
    "day": "$text-muted",
}


class Transcript(VerticalScroll, can_focus=True):
    """The story so far, one block per step (the choice, what followed, the scene).

    One widget per step keeps the pane cheap to lay out however long the
    story grows; earlier steps are dimmed. Like a pager (Frotz's [MORE]), the
    pane knows whether the end of the current block has been shown yet: it
    posts ``Paged`` when that changes, and never scrolls past that end into
    the blank space kept below it.
    """

    @dataclass
    class Paged(Message):
        """Whether part of the current scene is still below the view (``more``)."""

        transcript: Transcript
        more: bool
        """True until the end of the current block has been on screen."""

        @property
        def control(self) -> Transcript:
            """The transcript that posted the message."""
            return self.transcript

    DEFAULT_CSS = """
    Transcript {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        & > .step { margin-top: 1; }
        & > .step.-past { color: $text-muted; }
        & > .error { color: $text-error; margin-top: 1; }
        & > .spare { height: 0; }
        & > .tail { height: 100%; }
    }
    """

    def __init__(self, moments: list[Moment] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: Static | None = None
        """The block of the step being read now."""
        self._initial = self._blocks(moments or [])
        self._spare = Static("", classes="spare", markup=False)
        self._tail = Static("", classes="tail", markup=False)
        self.more = False
        """Part of the current block has not been shown yet (choices wait for it)."""
        self._seen_end = True
        self._settling = False
        self._errors: list[Static] = []

    def compose(self):
        # The spare is the next step's block, already laid out (at zero height) so a
        # step repaints in one frame; the tail, a pane's height of blank space, lets
        # the newest block scroll to the top of the pane however short it is.
        if self._initial:
            self.current = self._initial[-1]
            self.current.remove_class("-past")
        yield from self._initial
        yield self._spare
        yield self._tail

    def on_mount(self) -> None:
        if self.current is not None:
            self._unread()
            self.call_after_refresh(self._reveal, self.current, False)

    def show(self, moments: list[Moment], animate: bool = False) -> None:
        """Replace everything with ``moments`` (after a resume, undo or rewind)."""
        self.query(".step, .error").remove()
        self.current = None
        self._settling = False
        self.append(moments, animate, fresh=True)
        if self.current is None:
            self._check_more()

    def append(self, moments: list[Moment], animate: bool = False, fresh: bool = False) -> None:
        """Add moments below, one block per passage with the decision that led to it.

        The pane scrolls to the top of the newest block, so the consequences of
        a choice are read before the new scene. ``fresh``: the pane was just
        emptied (its old blocks are still leaving), so the spare's place is stale.
        """
        blocks = self._blocks(moments)
        if not blocks:
            return
        if self.current is not None:
            self.current.add_class("-past")
        if len(blocks) == 1 and not fresh and self._spare.is_attached:
            self._take_spare(blocks[0].content, animate)
            return
        self.current = blocks[-1]
        self.current.remove_class("-past")
        self._unread()
        self.mount_all(blocks, before=self._spare)
        self.call_after_refresh(self._reveal, self.current, animate)

    def _take_spare(self, content, animate: bool) -> None:
        """Fill the spare block with the new step and scroll its top into place now."""
        block, top = self._spare, self._spare.virtual_region.y
        block.update(content)
        block.set_classes("step")
        self.current = block
        self._unread()
        self._spare = Static("", classes="spare", markup=False)
        self.mount(self._spare, before=self._tail)
        # Straight there: the new step is read from its top at once (an animated
        # scroll would hold the text below the fold for a quarter of a second).
        self.scroll_to(y=top, animate=False, immediate=True)
        self.call_after_refresh(self._settled)

    def _blocks(self, moments: list[Moment]) -> list[Static]:
        """One block per passage, with the decision that led to it on top."""
        blocks: list[Static] = []
        before: list = []  # the decision that leads to the next passage
        opening: list = []  # notices of entering the first scene: under its heading
        for moment in moments:
            if isinstance(moment, Decision):
                parts = self._decision(moment)
                if moment.step == 0:
                    opening = parts
                else:
                    before = parts
                continue
            parts = list(before)
            if moment.chapter:
                parts.extend([*self._gap(parts), (moment.chapter, "bold $text-primary")])
            if opening:
                parts.extend([*self._gap(parts), *opening])
            for text in moment.paragraphs:
                for paragraph in reflow(text):
                    parts.extend([*self._gap(parts), story_text(paragraph)])
            if moment.ending is not None:
                parts.extend([*self._gap(parts), ("The end: ", "bold $text-accent"),
                              story_text(moment.ending, "bold $text-accent")])
            blocks.append(Static(joined(*parts), classes="step -past", markup=False))
            before, opening = [], []
        return blocks

    @staticmethod
    def _gap(parts: list) -> list:
        return ["\n\n"] if parts else []

    def error(self, message: str) -> None:
        """Show a story's runtime error as one line (play goes on from before it)."""
        line = Static(literal(f"Story error: {message}"), classes="error", markup=False)
        self.mount(line, before=self._spare)
        self._errors.append(line)  # read with the current block: scrolling reaches it
        self.call_after_refresh(self.scroll_to_widget, line, animate=False)

    def _decision(self, decision: Decision) -> list:
        parts: list = []
        if decision.text is not None:
            parts.extend([("› You chose: ", "bold $text-muted"),
                          story_text(decision.text, "italic $text-muted")])
        for notice in decision.notices:
            if parts:
                parts.append("\n")
            prefix = f"[{notice.toast}] " if notice.kind == "phone" else ""
            parts.append(literal(prefix + notice.text, _NOTICE_STYLE.get(notice.kind, "")))
        return parts

    def _reveal(self, block: Static, animate: bool) -> None:
        if block.is_attached:
            # Without animation the scroll is applied now, so the check for more
            # below measures from the block's top, not from where the pane was
            # (after an undo the pane stood below it, and the end read as seen).
            self.scroll_to_widget(block, animate=animate, top=True, immediate=not animate)
        if block is self.current:
            self._settled()

    # -- paging ---------------------------------------------------------------------

    @property
    def settling(self) -> bool:
        """A new block is shown but not laid out yet: whether it has more is not known."""
        return self._settling

    def _unread(self) -> None:
        """A new current block: its end is unseen until laid out and shown."""
        self._seen_end = False
        self._settling = True
        self._errors = []

    def _settled(self) -> None:
        """The current block is laid out: its size is known, so is what is unseen."""
        self._settling = False
        self._check_more()

    def _block_span(self) -> tuple[int, int] | None:
        """The current block's first and last-plus-one lines in the pane's scroll space."""
        block = self.current
        if block is None or not block.is_attached or self._settling:
            return None
        region = block.virtual_region
        bottom = max([region.bottom, *(e.virtual_region.bottom for e in self._errors
                                        if e.is_attached)])
        return region.y, bottom

    @property
    def max_scroll_y(self) -> int:
        """No further than the end of the current block (the blank tail is not read)."""
        full = super().max_scroll_y
        span = self._block_span()
        if span is None:
            return full
        top, bottom = span
        return min(full, max(top, bottom - self.scrollable_content_region.height))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._check_more()

    def on_resize(self) -> None:
        self._check_more()

    def _check_more(self) -> None:
        """Post ``Paged`` when the end of the current block is shown for the first time."""
        if self._settling:
            return  # its size is not known yet; the check comes once it is laid out
        span = self._block_span()
        if span is None:
            self._seen_end = True  # nothing to read (no block, or it is gone)
        elif span[1] <= round(self.scroll_y) + self.scrollable_content_region.height:
            self._seen_end = True
        more = not self._seen_end
        if more != self.more:
            self.more = more
            self.post_message(self.Paged(self, more))

    def page_down(self) -> None:
        """Show the next page of the scene (one line of the last page stays, for context)."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=round(self.scroll_y) + page, animate=False)

    def page_up(self) -> None:
        """Show the previous page."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, round(self.scroll_y) - page), animate=False)

    def scene_start(self) -> None:
        """Back to the top of the current scene; from there, to the start of the story."""
        span = self._block_span()
        top = span[0] if span is not None else 0
        self.scroll_to(y=top if round(self.scroll_y) != top else 0, animate=False)

    def scene_end(self) -> None:
        """To the end of the current scene."""
        self.scroll_to(y=self.max_scroll_y, animate=False)
