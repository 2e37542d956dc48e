"""The HTML report's charts: matplotlib figures as inline SVG.

matplotlib is an optional extra (``pip install -e '.[report]'`` in Standing's folder):
only the HTML report needs it. Figures are made with the object API (no pyplot, no
global backend), text is drawn as paths so the SVG needs no font, and the
output is deterministic so two reports of the same data are identical files.
"""

from __future__ import annotations

import functools
import io
import re
import shlex
import sys
import warnings
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from game.classroom.records import RecordError

INSTALL = f"{shlex.quote(sys.executable)} -m pip install 'matplotlib>=3.5,<4'"
"""How to add the ``report`` extra's one package to the Python that runs Standing. Not
``pip install 'standing[report]'``: Standing is installed from its folder, and that would
fetch whatever package of that name a package index holds."""
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
"""Okabe and Ito's colour-blind-safe palette."""
KIND_COLOURS = {"good": "#009E73", "mixed": "#E69F00", "bad": "#D55E00"}


def require() -> str:
    """matplotlib's version; a one-line RecordError naming the install command if missing."""
    try:
        import matplotlib
    except ImportError:
        raise RecordError(f"the HTML report draws its charts with matplotlib, which is not "
                          f"installed: run {INSTALL} (or write .md or .csv)") from None
    return matplotlib.__version__


RC = {
    "svg.hashsalt": "standing", "svg.fonttype": "path",
    # Labels are story and record text: a `$` must never start TeX-like mathtext
    # (a stray `$\\foo$` in an ending title would stop the report).
    "text.parse_math": False, "text.usetex": False, "axes.formatter.use_mathtext": False,
}
"""matplotlib settings for every chart: deterministic SVG, text as paths, no mathtext."""


@contextmanager
def _settings() -> Iterator[None]:
    """Every chart is built and saved under ``RC`` (Text reads parse_math when made)."""
    import matplotlib

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph missing from the bundled font
        yield


def _under_settings(draw: Callable[..., str]) -> Callable[..., str]:
    """Build the whole chart under ``RC``, not only its saving."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs) -> str:
        with _settings():
            return draw(*args, **kwargs)
    return drawn


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    return fig, fig.add_subplot()


def _svg(fig) -> str:
    out = io.StringIO()
    with _settings():
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight")
    text = out.getvalue()
    start = text.find("<svg")
    text = text[start:]
    # Let the page size the chart; the viewBox keeps its proportions.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', text, count=1)


def _style(ax, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


@_under_settings
def histogram(values: Sequence[float], name: str, hide_small: bool, bins: int = 10) -> str:
    """Final scores in equal bins; bins holding 1 or 2 players are left out when hiding."""
    import numpy

    counts, edges = numpy.histogram(values, bins=min(bins, max(1, len(set(values)))))
    hidden = 0
    if hide_small:
        hidden = int(((counts > 0) & (counts < 3)).sum())
        counts = numpy.where(counts < 3, 0, counts)
    fig, ax = _figure(7, 3)
    ax.bar(edges[:-1], counts, width=numpy.diff(edges), align="edge", color=PALETTE[0],
           edgecolor="white")
    ax.set_xlabel(f"Final {name}")
    ax.set_ylabel("Players")
    ax.yaxis.get_major_locator().set_params(integer=True)
    note = f" ({hidden} bins with fewer than 3 players not drawn)" if hidden else ""
    _style(ax, f"Distribution of final {name}{note}")
    return _svg(fig)


@_under_settings
def bars(labels: Sequence[str], counts: Sequence[int], title: str, hide_small: bool,
         colours: Sequence[str] | None = None, horizontal: bool = True) -> str:
    """One bar per label; counts under 3 drawn as empty when hiding."""
    shown = [0 if hide_small and 0 < c < 3 else c for c in counts]
    labels = [_short(label) for label in labels]
    colours = list(colours or [PALETTE[0]] * len(labels))
    if horizontal:
        fig, ax = _figure(7, 0.45 * len(labels) + 0.9)
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, shown, color=colours)
        ax.set_yticks(positions, labels)
        ax.set_xlabel("Players")
        ax.xaxis.get_major_locator().set_params(integer=True)
        for y, count, real in zip(positions, shown, counts):
            ax.text(count, y, f" {count}" if count or not real else " <3", va="center",
                    fontsize=9)
    else:
        fig, ax = _figure(7, 3)
        ax.bar(labels, shown, color=colours)
        ax.set_ylabel("Players")
        ax.yaxis.get_major_locator().set_params(integer=True)
    _style(ax, title)
    return _svg(fig)


@_under_settings
def grouped(groups: Sequence[str], options: Sequence[str], shares: Sequence[Sequence[float]],
            title: str) -> str:
    """Shares of each option, one bar per group (e.g. before and after), side by side."""
    fig, ax = _figure(7, 0.55 * len(options) * max(1, len(groups)) * 0.6 + 1.2)
    height = 0.8 / max(1, len(groups))
    for g, (group, row) in enumerate(zip(groups, shares)):
        positions = [len(options) - 1 - i + (len(groups) - 1 - g) * height - 0.4 + height / 2
                     for i in range(len(options))]
        ax.barh(positions, [100 * s for s in row], height=height,
                color=PALETTE[g % len(PALETTE)], label=_short(group, 30))
    ax.set_yticks(list(range(len(options)))[::-1], [_short(o) for o in options])
    ax.set_xlabel("% of those who answered")
    ax.set_xlim(0, 100)
    if len(groups) > 1:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    _style(ax, title)
    return _svg(fig)


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
