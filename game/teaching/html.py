"""A tiny HTML builder: markup comes from code, every value is escaped.

Nothing here looks inside a string to decide what markup it becomes: a story's or a
guide's text is always a text node. Pages carry print CSS for A4 and US Letter, a
Content-Security-Policy that forbids scripts and any network request, and no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Iterable, Union

Child = Union["Element", str, int, float, None, Iterable]


@dataclass(frozen=True, slots=True)
class Element:
    """An element: a tag, its attributes and its children (text is escaped)."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    children: tuple[Union["Element", str], ...]

    def render(self, out: list[str]) -> None:
        """Append this element's HTML to ``out``."""
        attrs = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in self.attrs)
        out.append(f"<{self.tag}{attrs}>")
        if self.tag in VOID:
            return
        for child in self.children:
            _render_child(child, out)
        out.append(f"</{self.tag}>")


VOID = frozenset({"meta", "br", "hr", "col"})
ALLOWED_TAGS = frozenset({
    "html", "head", "body", "meta", "title", "style", "section", "article", "header", "footer",
    "div", "span", "p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody",
    "tr", "th", "td", "strong", "em", "a", "br", "hr", "col", "colgroup", "blockquote", "small",
    "dl", "dt", "dd",
})
"""Every tag the pack writes: no script, img, link, iframe, object, form or base."""


def _flatten(children: Iterable[Child]) -> tuple[Union[Element, str], ...]:
    out: list[Union[Element, str]] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, (Element, str)):
            out.append(child)
        elif isinstance(child, (int, float)):
            out.append(str(child))
        else:
            out.extend(_flatten(child))
    return tuple(out)


def h(tag: str, *children: Child, **attrs: str | int | None) -> Element:
    """An element; ``class_`` gives ``class``, ``data_x`` gives ``data-x``."""
    if tag not in ALLOWED_TAGS:
        raise ValueError(f"the pack does not write <{tag}>")
    pairs = []
    for name, value in attrs.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        if name.startswith("on") or name in ("src", "srcset", "style", "action"):
            raise ValueError(f"the pack does not write the attribute {name}")
        if name == "href" and not str(value).startswith("#"):
            raise ValueError("links stay inside the page")
        pairs.append((name, str(value)))
    return Element(tag, tuple(pairs), _flatten(children))


CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src 'none'; "
       "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
"""No script, no network: only the inline stylesheet is allowed."""

PAGE_MARGIN_MM = 12
"""The printed page's margin on every side."""

BASE_CSS = f"""
@page {{ margin: {PAGE_MARGIN_MM}mm; }}""" + """
html { font-family: 'Times New Roman', Times, 'Liberation Serif', 'Nimbus Roman', serif;
       font-size: 11pt; line-height: 1.35;
       color: #000; background: #fff; }
body { margin: 0 auto; max-width: 180mm; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 14pt; margin: 5mm 0 2mm; }
h3 { font-size: 12pt; margin: 4mm 0 1mm; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.sheet { page-break-after: always; break-after: page; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
.next-page { break-before: page; page-break-before: always; }
.meta { font-size: 9pt; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
tr, li, .card, .choice, .keep { break-inside: avoid; page-break-inside: avoid; }
.write { border-bottom: 1px solid #777; height: 7.5mm; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1px solid #000;
       vertical-align: middle; margin-right: 1.5mm; }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
.card { border: 1px dashed #000; padding: 3mm; min-height: 28mm; }
.card .status { font-weight: bold; margin-top: 2mm; }
.starter { color: #444; font-style: italic; }
.small { font-size: 9pt; }
.scissors { font-size: 9pt; color: #444; }
.tall td { height: 9mm; }
.ticket h3 { margin: 0 0 1mm; }
.ticket p { margin: 1mm 0; }
.ticket .write { height: 7mm; }
@media screen { body { padding: 10mm; } .sheet { border-bottom: 2px dashed #999;
                padding-bottom: 8mm; margin-bottom: 8mm; } }
"""


PAPER = {"a4": "A4", "letter": "letter"}
"""Paper sizes a PDF is printed on (the HTML itself prints on the browser's paper)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A printable document: its title, sheets and extra stylesheet."""

    title: str
    body: tuple[Element, ...]
    css: str = ""

    def html(self, paper: str | None = None) -> str:
        """The whole page; ``paper`` ("a4" or "letter") fixes the page size for PDFs."""
        return page(self.title, self.body, self.css, paper)


def page(title: str, body: Iterable[Child], css: str = "", paper: str | None = None) -> str:
    """A whole printable document: a CSP that forbids scripts and requests, print CSS.

    Without ``paper`` the page size is the browser's (A4 or US Letter): the layout fits
    both (180 mm wide, sheets shorter than Letter's printable height).
    """
    size = f"\n@page {{ size: {PAPER[paper]}; }}\n" if paper else ""
    doc = h("html",
            h("head",
              h("meta", charset="utf-8"),
              h("meta", http_equiv="Content-Security-Policy", content=CSP),
              h("meta", name="viewport", content="width=device-width, initial-scale=1"),
              h("title", title),
              h("style", _Raw(BASE_CSS + css + size))),
            h("body", *body),
            lang="en")
    out: list[str] = ["<!DOCTYPE html>\n"]
    doc.render(out)
    out.append("\n")
    return "".join(out)


class _Raw(str):
    """Our own stylesheet, written as it is (never story or guide text)."""


def _render_child(child: Union[Element, str], out: list[str]) -> None:
    if isinstance(child, Element):
        child.render(out)
    elif isinstance(child, _Raw):
        out.append(child)
    else:
        out.append(escape(child, quote=False))


def write_text(path: Path, text: str) -> None:
    """Write a file whole (a new temporary beside it, then renamed: ``files.write_atomic``,
    never a fixed ``NAME.tmp`` that a link planted in a shared folder could redirect)."""
    from game.files import write_atomic

    write_atomic(path, text)
    path.chmod(0o644)  # a handout is for sharing (the temporary was made owner-only)
