"""The scrolling story pane: the current scene below the earlier ones, like a transcript."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from game.ui.history import Decision, Moment
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
    story grows; earlier steps are dimmed.
    """

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
            self.call_after_refresh(self._reveal, self.current, False)

    def show(self, moments: list[Moment], animate: bool = False) -> None:
        """Replace everything with ``moments`` (after a resume, undo or rewind)."""
        self.query(".step, .error").remove()
        self.current = None
        self.append(moments, animate, fresh=True)

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
        self.mount_all(blocks, before=self._spare)
        self.call_after_refresh(self._reveal, self.current, animate)

    def _take_spare(self, content, animate: bool) -> None:
        """Fill the spare block with the new step and scroll its top into place now."""
        block, top = self._spare, self._spare.virtual_region.y
        block.update(content)
        block.set_classes("step")
        self.current = block
        self._spare = Static("", classes="spare", markup=False)
        self.mount(self._spare, before=self._tail)
        # Straight there: the new step is read from its top at once (an animated
        # scroll would hold the text below the fold for a quarter of a second).
        self.scroll_to(y=top, animate=False, immediate=True)

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
            self.scroll_to_widget(block, animate=animate, top=True)
