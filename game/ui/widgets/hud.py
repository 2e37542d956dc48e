"""The rating HUD: what the story's ``show`` lets the player see, and what it costs them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.timer import Timer
from textual.containers import Vertical
from textual.widgets import Digits, Static

from game.engine import format as fmt
from game.engine.notices import Notice, known_lists
from game.engine.view import View
from game.story.model import Rating
from game.ui.widgets.chart import Spark
from game.ui.text import joined, literal

FLASH_SECONDS = 1.5
SPARK_WIDTH = 26


def stars(score: float, rating: Rating) -> str:
    """Star glyphs for a score (see ``format.star_glyphs``)."""
    return fmt.star_glyphs(score, rating)


class Hud(Vertical):
    """Score, tier, a sparkline, the last change, the day, closed services and lists."""

    DEFAULT_CSS = """
    Hud {
        width: 28;
        height: 1fr;
        padding: 0 1;
        background: $panel;
        & > Static { width: 1fr; }
        & > #hud-name { text-style: bold; color: $text-primary; margin-top: 1; }
        & > Digits { width: auto; color: $text; }
        & > #hud-stars { color: $text-warning; text-style: bold; }
        & > #hud-tier { color: $text-accent; text-style: bold; }
        & > Spark { height: 2; margin: 1 0 0 0; }
        & > #hud-flash { margin-top: 1; color: $text-warning; }
        & > #hud-flash.-flash { background: $warning-muted; text-style: bold; }
        & > #hud-day { margin-top: 1; color: $text-muted; }
        & > #hud-closed { margin-top: 1; color: $text-error; }
        & > #hud-lists { margin-top: 1; color: $text-error; text-style: bold; }
        & > .-gone { display: none; }
    }
    """

    def __init__(self, rating: Rating | None, view: View | None = None,
                 history: list[float] | None = None, notices: list[Notice] | None = None,
                 *, id: str | None = None) -> None:
        """A HUD showing ``view`` from the start (no restyling after mount)."""
        super().__init__(id=id)
        self.rating = rating
        self.show_mode = rating.show if rating else "hidden"
        """number, stars, tier or hidden: what the story lets the player see."""
        self.reduced_motion = False
        """No flashing when set (the text of the change still shows)."""
        self._flash_timer: Timer | None = None
        self._shown: dict[str, object] = {}
        self._initial = (view, list(history or []), list(notices or []))

    def compose(self) -> ComposeResult:
        view, history, notices = self._initial
        mode = self.show_mode
        texts = self._texts(view, history) if view is not None else {}
        texts["#hud-flash"] = ("\n".join(self.flash_lines(notices, self.rating)), None)
        name = self.rating.name if self.rating else ""
        yield Static(literal(name), id="hud-name", markup=False,
                     classes="" if mode != "hidden" else "-gone")
        score = (fmt.score(view.score, self.rating)
                 if view is not None and view.score is not None else "")
        yield Digits(score, id="hud-score", classes="" if mode == "number" else "-gone")
        yield self._static("#hud-stars", texts)
        yield self._static("#hud-tier", texts)
        data = self._spark_data(history, SPARK_WIDTH)
        yield Spark(data, self.rating, id="hud-spark",
                    classes="" if mode in ("number", "stars") else "-gone")
        for selector in ("#hud-flash", "#hud-day", "#hud-closed", "#hud-lists"):
            yield self._static(selector, texts)

    def _static(self, selector: str, texts: dict) -> Static:
        text, items = texts.get(selector, ("", None))
        self._shown[selector] = (text, tuple(items) if items is not None else None)
        empty = not text if items is None else not items
        return Static(self._content(text, items), id=selector[1:], markup=False,
                      classes="-gone" if empty else "")

    def _texts(self, view: View, history: list[float]) -> dict[str, tuple[str, list | None]]:
        mode = self.show_mode
        texts: dict[str, tuple[str, list | None]] = {}
        if mode == "stars" and view.score is not None and self.rating is not None:
            texts["#hud-stars"] = (f"{stars(view.score, self.rating)} "
                                   f"{fmt.score(view.score, self.rating)}", None)
        tier = ""
        if mode != "hidden" and view.tier_label:
            tier = f"Tier {view.tier_label}"  # labels only: ids are the author's words
        texts["#hud-tier"] = (tier, None)
        texts["#hud-day"] = (f"Day {view.day}", None)
        texts["#hud-closed"] = ("Closed to you:", [s.label for s in view.closed_services])
        texts["#hud-lists"] = ("Listed:", known_lists(self.rating, view))
        return texts

    @staticmethod
    def _spark_data(history: list[float], width: int) -> list[float]:
        # Padded on the left with the starting score, so the line reads as
        # "the score so far" with now at the right edge.
        if not history:
            return []
        return [history[0]] * (width - len(history)) + list(history)

    def on_mount(self) -> None:
        if self.query_one("#hud-flash").display and not self.reduced_motion:
            self._blink()

    def show_view(self, view: View, history: list[float]) -> None:
        """Show the rating as it stands at ``view``."""
        mode = self.show_mode
        if mode == "number" and view.score is not None:
            score = fmt.score(view.score, self.rating)
            digits = self.query_one("#hud-score", Digits)
            if digits.value != score:
                digits.update(score)
        for selector, (text, items) in self._texts(view, history).items():
            self._put(selector, text, items)
        if mode in ("number", "stars") and history:
            spark = self.query_one(Spark)
            spark.show(self._spark_data(history, spark.size.width or SPARK_WIDTH))

    @staticmethod
    def _content(text: str, items: list[str] | None):
        if items is None:
            return literal(text)
        if not items:
            return literal("")
        return joined((text, "bold"), *[literal(f"\n• {i}") for i in items])

    def _put(self, selector: str, text: str, items: list[str] | None = None) -> None:
        """Show ``text`` (a heading when ``items`` are given) if it changed; hide when empty.

        Refreshing a widget that did not change, or one that is hidden, costs a
        relayout of the whole screen map; so unchanged ones are left alone.
        """
        key = (text, tuple(items) if items is not None else None)
        if self._shown.get(selector) == key:
            return
        self._shown[selector] = key
        widget = self.query_one(selector, Static)
        widget.update(self._content(text, items))
        widget.set_class(not text if items is None else not items, "-gone")

    @staticmethod
    def flash_lines(notices: list[Notice], rating: Rating | None = None) -> list[str]:
        """The step's score changes (summed when many) and its net tier change."""
        moves = [n for n in notices if n.amount is not None]
        lines = []
        if len(moves) <= 2:
            lines = [f"{fmt.change(n.amount, rating)} {n.reason or ''}".rstrip() for n in moves]
        else:
            lines = [f"{fmt.change(sum(n.amount for n in moves), rating)} "
                     f"from {len(moves)} changes"]
        lines.extend(n.text for n in notices if n.kind == "record")
        tiers = [n.tiers for n in notices if n.tiers is not None]
        if tiers and tiers[0][0] != tiers[-1][1]:
            lines.append(f"Tier: {tiers[0][0] or '?'} → {tiers[-1][1]}")
        return lines

    def flash(self, notices: list[Notice]) -> None:
        """Show the step's score changes (and tier change), flashing unless motion is reduced."""
        lines = self.flash_lines(notices, self.rating)
        self._put("#hud-flash", "\n".join(lines))
        widget = self.query_one("#hud-flash", Static)
        if self._flash_timer is not None:
            self._flash_timer.stop()
            self._flash_timer = None
        widget.set_class(False, "-flash")
        if lines and not self.reduced_motion:
            self._blink()

    def _blink(self) -> None:
        widget = self.query_one("#hud-flash", Static)
        widget.add_class("-flash")
        self._flash_timer = self.set_timer(FLASH_SECONDS, lambda: widget.remove_class("-flash"))
