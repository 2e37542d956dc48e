"""Handouts printed by a real headless Chromium, measured page by page.

Each page's text comes from ``pdftotext`` and how far down it is used from
``pdftoppm`` (the lowest row with ink: a ruled writing line counts, though it
holds no text). Pages are given back grouped by the sheet they belong to: a sheet
starts on the page whose first line is the start of its first words.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from game.teaching.html import PAGE_MARGIN_MM, Document, Element
from game.teaching.pdf import print_pdf

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
"""Width and height of each paper."""
TOOLS = ("chromium", "pdftotext", "pdftoppm")
"""What printing and measuring need (CI installs them: .ci/run)."""
DPI = 24
"""Enough to see a ruled line; a page is a few kilobytes."""


@dataclass(frozen=True, slots=True)
class Page:
    """One printed page: its text lines and the share of the printable height in use."""

    lines: tuple[str, ...]
    fill: float


def tools() -> dict[str, str]:
    """The programs, found on the PATH (an assertion names the one missing)."""
    found = {name: shutil.which(name) for name in TOOLS}
    missing = [name for name, path in found.items() if path is None]
    assert not missing, f"printing handouts needs {', '.join(missing)} (see .ci/run)"
    return found  # type: ignore[return-value]


def first_words(element: Element | str) -> str:
    """The first text inside an element, as a printed line starts with it."""
    if isinstance(element, str):
        return " ".join(element.split())
    for child in element.children:
        text = first_words(child)
        if text.strip("_ "):
            return text
    return ""


def _fills(pdf: Path, paper: str, folder: Path, pdftoppm: str) -> list[float]:
    subprocess.run([pdftoppm, "-gray", "-r", str(DPI), str(pdf), str(folder / "p")],
                   check=True)
    _, height_mm = PAPER_MM[paper]
    printable = height_mm - 2 * PAGE_MARGIN_MM
    fills = []
    for image in sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
        data = image.read_bytes()
        head = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert head, image
        width, rows = int(head[1]), int(head[2])
        pixels = data[head.end():]
        last = max((row for row in range(rows)
                    if min(pixels[row * width:(row + 1) * width]) < 160), default=0)
        used = (last + 1) / rows * height_mm - PAGE_MARGIN_MM
        fills.append(max(0.0, used / printable))
    return fills


def printed(document: Document, paper: str, folder: Path) -> list[Page]:
    """Every page of ``document`` printed on ``paper`` by Chromium."""
    found = tools()
    folder.mkdir(parents=True, exist_ok=True)
    pdf = print_pdf(found["chromium"], document, paper, folder / f"{paper}.pdf")
    text = subprocess.run([found["pdftotext"], "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    fills = _fills(pdf, paper, folder, found["pdftoppm"])
    lines = [tuple(" ".join(line.split()) for line in page.splitlines() if line.strip())
             for page in pages[:len(fills)]]
    return [Page(page, fill) for page, fill in zip(lines, fills)]


def by_sheet(document: Document, pages: list[Page]) -> list[tuple[str, list[Page]]]:
    """The pages grouped by sheet (named by its ``data-handout``), in order."""
    sheets = list(document.body)
    out: list[tuple[str, list[Page]]] = []
    for page in pages:
        index = len(out)
        starts = first_words(sheets[index]) if index < len(sheets) else None
        top = page.lines[0] if page.lines else ""
        if starts and top and (starts.startswith(top) or top.startswith(starts)):
            out.append((dict(sheets[index].attrs).get("data-handout", "?"), [page]))
        else:
            assert out, f"the first page does not start the first sheet: {top!r}"
            out[-1][1].append(page)
    assert len(out) == len(sheets), [name for name, _ in out]
    return out
