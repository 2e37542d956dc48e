"""The reader's pages: the shell, the story page, My record, joining, waiting, errors.

Each page is built from the engine's view, its notice stream (``notices``,
``standing``, ``known_lists``) and ``format``; nothing here decides what the
player may know. Every value goes through ``html.tag``'s escaping, and story
text through ``html.story``. The debrief is in ``debrief.py``.
"""

from __future__ import annotations

from game.engine import format as fmt
from game.engine.debrief import record_lines
from game.engine.notices import Notice, known_lists, standing
from game.engine.view import View
from game.story.model import Story
from game.web.html import Markup, esc, join, paragraphs, story, tag
from game.web.player import Decision, Passage, Player
from game.web.svg import sparkline

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
"""No request leaves this server: fonts, styles and the script are all served here."""


def shell(title: str, main: Markup, *, story_title: str = "", nav: bool = True,
          aside: Markup | None = None, live: Markup | None = None,
          ended: bool = False, heading: bool = False) -> str:
    """A whole page: skip link, header and navigation, the main text, the standing
    (``heading``: the story's title is the page's ``<h1>``, on the story page)."""
    links = []
    if nav:
        links = [tag("li", tag("a", "Story", href="/#now")),
                 tag("li", tag("a", "My record", href="/record"))]
        if ended:
            links.append(tag("li", tag("a", "Debrief", href="/debrief")))
    header = tag("header", tag("h1" if heading else "p", story_title or "Standing",
                               class_="story-title"),
                 tag("nav", tag("ul", links), aria_label="Pages") if links else None)
    body = tag(
        "body",
        tag("a", "Skip to the story", href="#main", class_="skip"),
        header,
        tag("div", tag("main", main, id="main", tabindex="-1"), aside,
            class_="layout" if aside is not None else "layout solo"),
        tag("div", live, id="live", role="status", aria_live="polite", class_="live"),
    )
    head = tag(
        "head",
        tag("meta", charset="utf-8"),
        tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
        tag("meta", name="color-scheme", content="light dark"),
        tag("title", title),
        tag("link", rel="stylesheet", href="/static/reader.css"),
        tag("script", src="/static/reader.js", defer=True),
    )
    return "<!DOCTYPE html>\n" + tag("html", head, body, lang="en")


def standing_panel(story_: Story, view: View, history: list[float]) -> Markup | None:
    """The HUD: the rating by its ``show``, tier, sparkline, day, closed services, lists."""
    rating = story_.rating
    if rating is None:
        return None
    mode = rating.show
    rows = []
    if mode == "number" and view.score is not None:
        rows.append((rating.name, tag("span", fmt.score(view.score, rating), class_="score-now")))
    if mode == "stars" and view.score is not None:
        glyphs = fmt.star_glyphs(view.score, rating)
        rows.append((rating.name, [tag("span", glyphs, class_="stars", aria_hidden="true"),
                                   " ", fmt.score(view.score, rating), " stars"]))
    if mode != "hidden" and view.tier_label:
        rows.append(("Tier", view.tier_label))
    rows.append(("Day", str(view.day)))
    closed = [s.label for s in view.closed_services]
    if closed:
        rows.append(("Closed to you", tag("ul", [tag("li", c) for c in closed])))
    listed = known_lists(rating, view)
    if listed:
        rows.append(("Listed", tag("ul", [tag("li", x) for x in listed])))
    spark = sparkline(history, rating, rating.name) if mode in ("number", "stars") else None
    return tag("aside",
               tag("h2", "Your standing", id="standing-h"),
               tag("dl", [[tag("dt", k), tag("dd", v)] for k, v in rows]),
               spark,
               aria_labelledby="standing-h", class_="standing")


def notice_list(items: tuple[Notice, ...] | list[Notice], cls: str = "notices") -> Markup | None:
    """What a step told the player, one item each (a phone buzz says it was the phone)."""
    if not items:
        return None
    out = []
    for notice in items:
        words: list[object] = []
        if notice.kind == "phone":
            words.append(tag("span", f"{notice.toast}: ", class_="from"))
            words.append(story(notice.text))
        else:
            words.append(notice.text)
        out.append(tag("li", words, class_=f"notice notice-{notice.kind} {notice.severity}"))
    return tag("ul", out, class_=cls)


def _chosen(decision: Decision) -> Markup:
    said = (["You chose: ", tag("q", story(decision.text))] if decision.text is not None
            else ["You went on."])
    return tag("div", tag("p", said, class_="you-chose"), notice_list(decision.notices),
               class_="decision")


def _passage(passage: Passage) -> Markup:
    return join([tag("h3", passage.chapter, class_="chapter") if passage.chapter else None,
                 [paragraphs(p) for p in passage.paragraphs]])


def transcript(player: Player) -> Markup | None:
    """The earlier scenes and what the player chose in each, oldest first."""
    earlier = player.moments[:-2] if len(player.moments) > 1 else []
    if not earlier:
        return None
    cache = player.rendered
    parts = []
    for index, moment in enumerate(earlier):
        kept = cache.get(index)
        if kept is None or kept[0] is not moment:  # a moment never changes: drawn once
            kept = cache[index] = (moment, _passage(moment) if isinstance(moment, Passage)
                                   else _chosen(moment))
        parts.append(kept[1])
    return tag("section", tag("h2", "Earlier in the story", id="earlier-h"),
               tag("div", parts, class_="earlier"),
               aria_labelledby="earlier-h", class_="transcript")


def _choices(view: View) -> Markup:
    if view.continues:
        return tag("form", tag("button", "Continue", type="submit", class_="primary"),
                   method="post", action="/continue", class_="choices-form")
    items = []
    for choice in view.choices:
        if choice.locked is None:
            items.append(tag("li", tag("button", story(choice.text), type="submit", name="n",
                                       value=choice.number)))
            continue
        why = choice.locked + (f" ({'; '.join(choice.gaps)})" if choice.gaps else "")
        reason = f"why-{choice.number}"
        items.append(tag(
            "li",
            tag("button", tag("span", "Locked: ", class_="lock"), story(choice.text),
                type="submit", name="n", value=choice.number, aria_disabled="true",
                aria_describedby=reason),
            tag("p", why, id=reason, class_="reason"),
            class_="locked"))
    return tag("form", tag("h3", "What do you do?", id="choices-h", class_="visually-hidden"),
               tag("ol", items, class_="choices"), method="post", action="/choose",
               aria_labelledby="choices-h", class_="choices-form")


def _poll(view: View) -> Markup:
    poll = view.poll
    assert poll is not None
    options = [tag("li", tag("button", text, type="submit", name="option", value=i))
               for i, text in enumerate(poll.options)]
    return tag("form",
               tag("fieldset",
                   tag("legend", "Poll: ", poll.question),
                   tag("p", "Your answer has no effect on your score.", class_="hint"),
                   tag("ol", options, class_="choices"),
                   tag("button", "Skip the poll", type="submit", name="option", value="skip",
                       class_="quiet")),
               method="post", action="/poll", class_="poll")


def _messages(player: Player) -> Markup | None:
    lines = ([player.note] if player.note else []) + player.warnings()
    player.note = None
    if not lines:
        return None
    return tag("div", [tag("p", line) for line in lines], class_="message", role="alert")


def play_page(player: Player, held: int | None = None) -> str:
    """The story page: earlier scenes, the current one, what it told, the choices."""
    engine = player.engine
    story_ = engine.story
    view = engine.view()
    chapter = view.chapter
    now: list[object] = []
    heading = chapter if chapter else "Now"
    if view.chapter_count and chapter:
        heading = f"Chapter {view.chapter_index} of {view.chapter_count}: {chapter}"
    last = player.moments[-2] if len(player.moments) > 1 else None
    told = _chosen(last) if isinstance(last, Decision) else None
    if held is not None:
        now.append(tag("section",
                       tag("h2", "Wait for your class", id="now-h", tabindex="-1"),
                       tag("p", f"Your teacher is holding the class before chapter {held}. "
                                "Your game is saved; the story goes on when they open it."),
                       tag("p", tag("a", "Check again", href="/#now", class_="button")),
                       id="now", class_="now waiting", aria_labelledby="now-h",
                       data_wait="1"))
    else:
        body: list[object] = [tag("h2", heading, id="now-h", tabindex="-1"), told]
        body.extend(paragraphs(p) for p in view.paragraphs)
        if view.ending is not None:
            kind = fmt_kind(view.ending.kind)
            body.append(tag("h3", "The end: ", story(view.ending.title), class_="ending"))
            if kind:
                body.append(tag("p", kind.capitalize() + ".", class_="hint"))
            body.append(tag("p", tag("a", "Read your debrief", href="/debrief",
                                     class_="button primary")))
        elif player.poll_open(view):
            body.append(_poll(view))
        else:
            body.append(_choices(view))
        now.append(tag("section", body, id="now", class_="now", aria_labelledby="now-h"))
    actions = tag("form", tag("button", "Undo my last step", type="submit", class_="quiet"),
                  method="post", action="/undo", class_="actions") if engine.step else None
    main = join([_messages(player), transcript(player), now, actions])
    live = None
    if player.told:
        live = join(tag("p", n.line) for n in player.told)  # spoken once, by the live region
        player.told = ()
    title = f"{chapter} — {story_.title}" if chapter else story_.title
    return shell(title, main, story_title=story_.title,
                 aside=standing_panel(story_, view, engine.state.history), live=live,
                 ended=view.ending is not None, heading=True)


KIND_WORDS = {"good": "a good ending", "bad": "a bad ending", "mixed": "a mixed ending"}


def fmt_kind(kind: str | None) -> str:
    """An ending's kind in words ('' when the story gave none we know)."""
    return KIND_WORDS.get(kind or "", "")


def record_page(player: Player) -> str:
    """My record: the standing and every entry the system lets the player see."""
    engine = player.engine
    view = engine.view()
    parts = standing(engine.story, view)
    lines = record_lines(engine)
    seat = player.seat
    who = None
    if seat is not None and seat.codename:
        code = [" Your resume code: ", tag("strong", seat.resume_code, class_="code-inline"),
                "."] if seat.resume_code else None
        who = tag("p", f"You are {seat.codename} in class {seat.class_code}.", code)
    main = join([
        tag("h1", "My record", tabindex="-1", id="now"),
        who,
        tag("p", "What the system lets you see. Some of what it recorded may be hidden "
                 "from you until the end."),
        tag("ul", [tag("li", p) for p in parts], class_="status") if parts else None,
        tag("ol", [tag("li", line) for line in lines], class_="record") if lines
        else tag("p", "Nothing recorded yet."),
        tag("p", tag("a", "Back to the story", href="/#now", class_="button")),
    ])
    return shell(f"My record — {engine.story.title}", main, story_title=engine.story.title,
                 ended=engine.ended)


def join_page(title: str, notice_text: str, offered: str, error: str | None = None,
              codename: str = "") -> str:
    """Join the class: a codename (one offered), and a resume code to come back."""
    described = "codename-hint" + (" join-error" if error else "")
    form = tag(
        "form",
        tag("p", tag("label", "Codename (not your real name)", for_="codename")),
        tag("p", "Leave it empty to be ", tag("strong", offered), ".",
            id="codename-hint", class_="hint"),
        tag("p", tag("input", id="codename", name="codename", value=codename,
                     autocomplete="off", maxlength="40", aria_describedby=described,
                     aria_invalid="true" if error else None, spellcheck="false")),
        tag("p", tag("label", "Resume code (only if you are coming back)", for_="resume")),
        tag("p", "It looks like ABCD-EFGH. Leave it empty the first time.", id="resume-hint",
            class_="hint"),
        tag("p", tag("input", id="resume", name="resume", autocomplete="off", maxlength="20",
                     aria_describedby="resume-hint", spellcheck="false",
                     autocapitalize="characters")),
        tag("p", tag("button", "Join the class", type="submit", class_="primary")),
        method="post", action="/join", class_="join")
    main = join([
        tag("h1", title, id="now", tabindex="-1"),
        tag("div", tag("p", error), id="join-error", class_="message", role="alert")
        if error else None,
        tag("p", notice_text),
        form,
    ])
    return shell(f"Join — {title}", main, story_title=title, nav=False)


def code_page(title: str, codename: str, code: str, note: str | None) -> str:
    """After joining as a new player: the codename and the resume code, to write down."""
    main = join([
        tag("h1", "You are ", codename, id="now", tabindex="-1"),
        tag("p", note) if note else None,
        tag("p", "Your resume code is:"),
        tag("p", tag("strong", code), class_="code"),
        tag("p", "Write it down. If your browser closes, come back with your codename and "
                 "this code to continue your game."),
        tag("form", tag("button", "Start the story", type="submit", class_="primary"),
            method="get", action="/"),
    ])
    return shell(f"Your resume code — {title}", main, story_title=title, nav=False)


def message_page(title: str, heading: str, text: str, link: tuple[str, str] | None = None) -> str:
    """A short page: the class is full, a page not found, a refused request."""
    main = join([tag("h1", heading, id="now", tabindex="-1"), tag("p", text),
                 tag("p", tag("a", link[0], href=link[1], class_="button")) if link else None])
    return shell(title, main, story_title=title, nav=False)


def esc_text(value: object) -> str:
    """A value escaped as HTML text (for the tests and the server's one-line pages)."""
    return str(esc(value))
