"""The web reader's server: one asyncio process, one ``Engine`` per student in memory.

Pages are server-rendered and work with no JavaScript (forms POST, and every
POST answers with a redirect); ``static/reader.js`` only enhances them. What
a browser may do is bounded here, as ``class serve``'s terminal page is:

- **Origin.** A POST is accepted only from a page this server gave out (its
  ``Origin``, or ``Referer`` when a browser sends no Origin, is one of
  ``origins``; without ``origins``, the request's own host); anything else
  gets 403 and changes nothing. The session cookie is ``SameSite=Strict``.
- **Host.** With ``origins`` given, a request naming another host is refused
  (a page of another site cannot reach this server by renaming it).
- **Seats.** At most ``seats`` players at once; the next browser is told the
  class is full. A player idle for IDLE_SECONDS leaves (saved, seat freed).
- **Size.** A request body is at most MAX_BODY bytes, a field MAX_FIELD characters.
- **The teacher's terminal.** Every problem is one line (repeats counted, not
  printed), never a traceback, never a student's IP address.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web

from game.engine.chapters import waits
from game.engine.classmode import Seat
from game.engine.engine import Engine
from game.errors import StandingError
from game.origins import Origin, origin_key
from game.safetext import one_line
from game.story.model import Story
from game.web.debrief import debrief_page
from game.web.pages import CSP, code_page, join_page, message_page, play_page, record_page
from game.web.player import Player

COOKIE = "standing"
MAX_BODY = 16 * 1024
"""The largest request body a browser may send (a form here is well under 1 KiB)."""
MAX_FIELD = 64
"""The longest form field read (a codename, a resume code, a number)."""
IDLE_SECONDS = 30 * 60.0
"""A player whose browser asked nothing for this long leaves: saved, seat freed."""
TAKEOVER_SECONDS = 60.0
"""A seat idle this long may be taken by its owner coming back from another browser."""
REAP_SECONDS = 30.0
PENDING_PER_SEAT = 4
"""Browsers on the join page kept per seat (the oldest is forgotten first)."""
PACING_SECONDS = 1.0
"""How long one read of the class's pacing file serves every page."""
OFFER_TRIES = 20
"""New codenames drawn at most, to offer one no other browser is being offered."""
JOIN_THREADS = 8
"""Joins at once (each waits on scrypt and on fsync: more threads than cores)."""
HASH_THREADS = max(1, os.cpu_count() or 1)
"""Threads hashing offered resume codes ahead of their joins (scrypt is all CPU: one a core;
their own pool, so that a join whose hash is done never queues behind other students')."""
PREPARED_AT_ONCE_PER_SEAT = 1
"""Offered resume codes being hashed ahead of their join, at most, per seat of the class:
a flood of new browsers cannot queue more scrypt work than the class could use."""
STATIC = Path(__file__).parent / "static"
TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


class Problems:
    """One line per problem on the teacher's terminal; a repeat within a minute is counted."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self._last: dict[str, tuple[float, int]] = {}

    def say(self, key: str, text: str) -> None:
        """Print ``text`` unless ``key`` was printed less than a minute ago."""
        now = time.monotonic()
        last, skipped = self._last.get(key, (-1e9, 0))
        if now - last < 60:
            self._last[key] = (last, skipped + 1)
            return
        more = f" ({skipped} more like it)" if skipped else ""
        self._last[key] = (now, 0)
        if self.out is not None:
            self.out.write(one_line(text, 300, encoding=getattr(self.out, "encoding", None))
                           + more + "\n")
            self.out.flush()


@dataclass
class Visitor:
    """One browser: on the join page (``seat`` and an offer) or playing (``player``)."""

    seat: Seat | None = None
    offer: tuple[str, str] | None = None
    player: Player | None = None
    seen: float = field(default_factory=time.monotonic)
    fresh_code: bool = False
    """Joined as a new player and not yet shown the resume code page."""
    hashing: asyncio.Future | None = None
    """The offered resume code being salted and hashed while the student reads the join
    page (scrypt, in the join threads), so that joining need not wait for it."""
    keeping: asyncio.Future | None = None
    """A new player's resume code being kept (hashed, written): the code page waits for
    it, so that a code is never shown before it is stored."""


class WebReader:
    """The reader's aiohttp application and the players it holds."""

    def __init__(self, story: Story, *, seats: int, seat_factory: Callable[[], Seat] | None = None,
                 origins: frozenset[Origin] | None = None, out: TextIO | None = None,
                 on_start: Callable[[], Any] | None = None, seed: int | None = None) -> None:
        """
        Args:
            story: The story every student plays.
            seats: Players at once.
            seat_factory: Makes one student's class seat (None: no class, no join page).
            origins: The page origins whose POSTs are accepted (None: the request's own host).
            out: The teacher's terminal, for one-line problems.
            on_start: Started as a task with the server, cancelled when it stops.
            seed: Every game's seed (tests and benchmarks); None: a random one each.
        """
        self.story = story
        self.seats = seats
        self.seat_factory = seat_factory
        self.origins = origins
        self.hosts = (frozenset((h, p) for _s, h, p in origins) if origins is not None else None)
        self.problems = Problems(out)
        self.on_start = on_start
        self.seed = seed
        self.visitors: dict[str, Visitor] = {}
        self.joining = 0
        """Joins under way (their seat is held while the seat checks the code)."""
        self.preparing = 0
        """Offered resume codes being hashed ahead of their join now."""
        self._static = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.suffix in TYPES}
        self._tasks: list[asyncio.Task] = []
        self._joins = ThreadPoolExecutor(max_workers=JOIN_THREADS, thread_name_prefix="join")
        self._hashes = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="hash")
        """Joins create and fsync files, and hash a resume code with scrypt (~40 ms of CPU,
        the GIL released) when it was not hashed ahead (a returning student's, or past
        the ahead-of-time limit): their own threads, so a class joining at once never
        queues the pages and steps behind them."""
        self._pacing: tuple[float, Any] = (-1e9, None)

    # -- the application ---------------------------------------------------------------

    def app(self) -> web.Application:
        """The aiohttp application (tests run it with aiohttp's TestServer)."""
        app = web.Application(client_max_size=MAX_BODY,
                              middlewares=[self._guard])
        app.router.add_get("/", self.index)
        app.router.add_get("/welcome", self.welcome)
        app.router.add_get("/record", self.record)
        app.router.add_get("/debrief", self.debrief)
        app.router.add_get("/status", self.status)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_post("/join", self.join)
        app.router.add_post("/choose", self.choose)
        app.router.add_post("/continue", self.proceed)
        app.router.add_post("/undo", self.undo)
        app.router.add_post("/poll", self.poll)
        app.router.add_post("/again", self.again)
        app.router.add_post("/rewind", self.rewind)
        app.on_startup.append(self._startup)
        app.on_shutdown.append(self._shutdown)
        return app

    @property
    def players(self) -> int:
        """Players holding a seat now (joins under way included)."""
        return sum(1 for v in self.visitors.values() if v.player is not None) + self.joining

    @property
    def full(self) -> bool:
        """True when every seat is taken."""
        return self.players >= self.seats

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        """Host and Origin checks, security headers, and no traceback ever."""
        try:
            if self.hosts is not None and not self._host_allowed(request.host):
                self.problems.say("host", "Refused a request for another host name "
                                  f"({one_line(request.host, 60)}).")
                response: web.StreamResponse = self._page(
                    "Refused", "Not this server", "This address is not the class's.", 421)
            elif request.method == "POST" and not self._origin_allowed(request):
                self.problems.say("origin", "Refused a form sent from a page this server did "
                                  "not give out (origin: "
                                  f"{one_line(request.headers.get('Origin') or 'none', 80)}).")
                response = self._page("Refused", "Refused",
                                      "That form did not come from this class's page.", 403)
            else:
                response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            self.problems.say("size", "Refused a request that was too large.")
            response = self._page("Too large", "Too large", "That request was too large.", 413)
        except web.HTTPException as exc:
            if exc.status >= 400:
                response = self._page(exc.reason, exc.reason, "There is no such page here.",
                                      exc.status, link=("Back to the story", "/"))
            else:  # a redirect after a form: a fresh response, keeping its cookie
                response = web.Response(status=exc.status, headers=exc.headers)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: one line for the teacher, a plain page for the student
            self.problems.say("bug", "A page failed with an error "
                              f"({one_line(type(exc).__name__ + ': ' + str(exc), 160)}).")
            response = self._page("Error", "Something went wrong",
                                  "Your game is saved. Go back to the story and try again.", 500,
                                  link=("Back to the story", "/"))
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

    def _host_allowed(self, host: str) -> bool:
        """Whether the Host a request names is this server's (a name without a port is
        the scheme's own: a proxy for ``--public-url https://...`` sends one so)."""
        key = origin_key("http://" + host)
        if key is None:
            return False
        explicit = key[2] != 80 or host.endswith(":80")
        return any(key[1] == h and (key[2] == p if explicit else p in (80, 443))
                   for h, p in self.hosts or ())

    def _origin_allowed(self, request: web.Request) -> bool:
        """Whether a POST comes from a page of this server (Origin, else Referer)."""
        sent = request.headers.get("Origin")
        if sent is None or sent == "null":
            sent = request.headers.get("Referer") if sent is None else None
        key = origin_key(sent)
        if key is None:
            return False
        if self.origins is not None:
            return key in self.origins
        return key == origin_key(f"{request.scheme}://{request.host}")

    def _page(self, title: str, heading: str, text: str, status: int,
              link: tuple[str, str] | None = None, headers: dict | None = None) -> web.Response:
        try:
            page = message_page(title, heading, text, link)
        except Exception:  # the page of last resort must never fail itself
            return web.Response(status=status, text=f"{heading}. {text}", headers=headers)
        return web.Response(status=status, text=page, content_type="text/html",
                            headers=headers)

    async def _startup(self, app: web.Application) -> None:
        self._tasks.append(asyncio.create_task(self._reap()))
        if self.on_start is not None:
            self._tasks.append(asyncio.create_task(self.on_start()))

    async def _shutdown(self, app: web.Application) -> None:
        for task in self._tasks:
            task.cancel()
        players = [v.player for v in self.visitors.values() if v.player is not None]
        self.visitors.clear()
        for player in players:
            await asyncio.to_thread(self._leave, player)
        self._joins.shutdown(wait=False)
        self._hashes.shutdown(wait=False, cancel_futures=True)

    def _leave(self, player: Player) -> None:
        try:
            player.leave()
        except (OSError, StandingError) as exc:
            self.problems.say("leave", f"A player's game could not be closed cleanly ({exc}).")

    async def _reap(self) -> None:
        """Free the seats of browsers gone quiet, and forget stale join pages."""
        while True:
            await asyncio.sleep(REAP_SECONDS)
            await self.reap(time.monotonic())

    async def reap(self, now: float) -> int:
        """Let every player idle since before ``now - IDLE_SECONDS`` leave; return how many."""
        gone = 0
        for token, visitor in list(self.visitors.items()):
            if now - visitor.seen < IDLE_SECONDS:
                continue
            del self.visitors[token]
            if visitor.player is not None:
                gone += 1
                await asyncio.to_thread(self._leave, visitor.player)
        return gone

    # -- sessions ----------------------------------------------------------------------

    def _visitor(self, request: web.Request) -> Visitor | None:
        visitor = self.visitors.get(request.cookies.get(COOKIE, ""))
        if visitor is not None:
            visitor.seen = time.monotonic()
            if visitor.player is not None:
                visitor.player.seen = visitor.seen
        return visitor

    def _new_visitor(self, visitor: Visitor) -> str:
        pending = [t for t, v in self.visitors.items() if v.player is None]
        if len(pending) >= PENDING_PER_SEAT * self.seats:
            oldest = min(pending, key=lambda t: self.visitors[t].seen)
            del self.visitors[oldest]
        token = secrets.token_urlsafe(24)
        self.visitors[token] = visitor
        return token

    @staticmethod
    def _set_cookie(response: web.StreamResponse, token: str) -> None:
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                            max_age=12 * 3600)

    def _full_page(self) -> web.Response:
        self.problems.say("full", "A browser was told the class is full: every seat is taken "
                          f"({self.seats}; class serve --seats N allows more).")
        return self._page("The class is full", "The class is full",
                          f"Every seat is taken ({self.seats} at once). Ask your teacher, then "
                          "reload this page.", 503, headers={"Retry-After": "30"})

    @staticmethod
    def _see(where: str = "/#now") -> web.HTTPSeeOther:
        return web.HTTPSeeOther(where)

    # -- pages -------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The story page, or the join page for a new browser."""
        visitor = self._visitor(request)
        if visitor is not None and visitor.player is not None:
            player = visitor.player
            async with player.lock:  # never drawn while a step of another tab runs
                return self._html(play_page(player, await self._held(player)))
        if self.full:
            return self._full_page()
        if self.seat_factory is None:  # no class: a game straight away
            token = self._new_visitor(Visitor(player=self._solo()))
            response = web.Response(status=303, headers={"Location": "/#now"})
            self._set_cookie(response, token)
            return response
        if visitor is None:
            seat = self.seat_factory()
            visitor = Visitor(seat=seat, offer=await self._offer(seat))
            self._prepare(visitor)
            token = self._new_visitor(visitor)
        else:
            token = request.cookies[COOKIE]
        response = self._join_form(visitor)
        self._set_cookie(response, token)
        return response

    async def _offer(self, seat: Seat) -> tuple[str, str]:
        """A codename and resume code, the codename not offered to another browser now
        (two browsers arriving in the same second would otherwise be offered the same)."""
        offered = {v.offer[0] for v in self.visitors.values()
                   if v.player is None and v.offer is not None}
        offer = await asyncio.to_thread(seat.offer)
        for _ in range(OFFER_TRIES):
            if offer[0] not in offered:
                break
            offer = await asyncio.to_thread(seat.offer)
        return offer

    def _prepare(self, visitor: Visitor) -> None:
        """Start hashing the offered resume code while the student reads the join page
        (unless as many are being hashed as the class has seats: then the join does it)."""
        visitor.hashing = None
        seat, offer = visitor.seat, visitor.offer
        if seat is None or offer is None or self.preparing >= max(
                1, self.seats * PREPARED_AT_ONCE_PER_SEAT):
            return
        self.preparing += 1
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._hashes, seat.prepare, offer[1])

        def done(_f: asyncio.Future) -> None:
            self.preparing -= 1

        future.add_done_callback(done)
        visitor.hashing = future

    def _solo(self) -> Player:
        seed = self.seed if self.seed is not None else secrets.randbelow(2**31)
        return Player(Engine(self.story, seed=seed))

    def _join_form(self, visitor: Visitor, error: str | None = None, codename: str = "",
                   status: int = 200) -> web.Response:
        assert visitor.seat is not None and visitor.offer is not None
        name, code = visitor.offer
        title = self.story.title
        text = visitor.seat.notice(code)
        return self._html(join_page(title, text, name, error, codename, self.story), status)

    async def join(self, request: web.Request) -> web.StreamResponse:
        """Take a seat: a new codename, or one coming back with its resume code."""
        visitor = self._visitor(request)
        if visitor is None or visitor.seat is None or visitor.offer is None:
            raise self._see("/")
        if visitor.player is not None:
            raise self._see()
        form = await request.post()
        codename = _field(form, "codename")
        resume = _field(form, "resume")
        if self.full:
            return self._full_page()
        name, offered = visitor.offer
        self.joining += 1
        try:
            try:
                engine, store, note = await self._join(visitor, codename or name, resume,
                                                       offered)
            except StandingError:
                if not codename and not resume:
                    # The offered codename was taken meanwhile (by a student who typed it):
                    # a new offer, as the student asked for none in particular.
                    visitor.offer = name, offered = await self._offer(visitor.seat)
                    self._prepare(visitor)
                elif not (resume and self._take_over(codename)):
                    raise
                engine, store, note = await self._join(visitor, codename or name, resume,
                                                       offered)
        except StandingError as exc:
            return self._join_form(visitor, _sentence(str(exc)), codename, 400)
        finally:
            self.joining -= 1
        visitor.player = Player(engine, store, visitor.seat, note)
        visitor.fresh_code = not resume
        raise self._see("/welcome" if not resume else "/#now")

    async def _join(self, visitor: Visitor, codename: str, resume: str, offered: str):
        """Take the seat in a join thread. A new player's code, if its hash is under way, is
        kept when that hash is done (``visitor.keeping``), not before the first page."""
        seat = visitor.seat
        assert seat is not None
        loop = asyncio.get_running_loop()
        hashing = visitor.hashing if not resume else None
        hashed = None
        if hashing is not None and hashing.done() and not hashing.cancelled() \
                and hashing.exception() is None:
            hashed = hashing.result()
        later = hashing is not None and hashed is None
        joined = await loop.run_in_executor(self._joins, seat.join, codename, resume, offered,
                                            hashed, later)
        if later:
            assert hashing is not None
            visitor.keeping = asyncio.ensure_future(self._keep(seat, offered, hashing))
        return joined

    async def _keep(self, seat: Seat, offered: str, hashing: asyncio.Future) -> None:
        """Keep a new player's code once its hash is done (hashed again if that failed)."""
        try:
            hashed = await hashing
        except Exception:  # noqa: BLE001 - a failed hash is done again by keep_code
            hashed = None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._joins, seat.keep_code, offered, hashed)

    def _take_over(self, codename: str) -> bool:
        """Free a seat whose owner is coming back from another browser, if that seat's own
        browser has been quiet for TAKEOVER_SECONDS (the code is still checked after)."""
        now = time.monotonic()
        for token, visitor in list(self.visitors.items()):
            player = visitor.player
            if (player is not None and player.codename is not None
                    and player.codename.lower() == codename.strip().lower()
                    and now - visitor.seen >= TAKEOVER_SECONDS):
                del self.visitors[token]
                self._leave(player)
                return True
        return False

    async def welcome(self, request: web.Request) -> web.StreamResponse:
        """The resume code to write down, once, after joining as a new player."""
        visitor = self._visitor(request)
        if visitor is None or visitor.player is None or visitor.seat is None:
            raise self._see("/")
        seat = visitor.seat
        if not visitor.fresh_code or not seat.resume_code:
            raise self._see()
        if visitor.keeping is not None:
            await asyncio.shield(visitor.keeping)  # stored before it is shown
        visitor.fresh_code = False
        note, visitor.player.note = visitor.player.note, None
        return self._html(code_page(self.story.title, seat.codename or "", seat.resume_code,
                                    note))

    def _player(self, request: web.Request) -> Player:
        visitor = self._visitor(request)
        if visitor is None or visitor.player is None:
            raise self._see("/")
        return visitor.player

    async def record(self, request: web.Request) -> web.StreamResponse:
        """My record."""
        player = self._player(request)
        async with player.lock:
            return self._html(record_page(player))

    async def debrief(self, request: web.Request) -> web.StreamResponse:
        """The debrief, at an ending."""
        player = self._player(request)
        if not player.engine.ended:
            raise self._see()
        seat = player.seat
        splits = await asyncio.to_thread(seat.class_choices) if seat is not None else None
        async with player.lock:
            return self._html(debrief_page(player.engine, splits, seat is not None,
                                           player.decisions()))

    async def status(self, request: web.Request) -> web.StreamResponse:
        """For the script on the waiting page: whether the class is still held."""
        player = self._player(request)
        held = await self._held(player)
        return web.json_response({"held": held is not None})

    async def static(self, request: web.Request) -> web.StreamResponse:
        """The stylesheet and the script (served from memory)."""
        name = request.match_info["name"]
        body = self._static.get(name)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type=TYPES[Path(name).suffix],
                            headers={"Cache-Control": "max-age=300"})

    async def _held(self, player: Player) -> int | None:
        if player.seat is None:
            return None
        stamp, pacing = self._pacing
        now = time.monotonic()
        if now - stamp > PACING_SECONDS:
            pacing = await asyncio.to_thread(player.seat.pacing)
            self._pacing = (now, pacing)
        return waits(player.engine, pacing)

    # -- actions: each answers with a redirect (the script follows it) -------------------

    async def _act(self, request: web.Request, action: Callable[[Player, Any], None],
                   parse: Callable[[str], Any] = str, name: str = "") -> web.StreamResponse:
        player = self._player(request)
        value = None
        if name:
            form = await request.post()
            value = parse(_field(form, name))
        async with player.lock:
            if await self._held(player) is not None:
                player.note = "Wait for your class: your teacher will open the next chapter."
            else:
                await asyncio.to_thread(action, player, value)
        raise self._see()

    async def choose(self, request: web.Request) -> web.StreamResponse:
        """Take a choice by its number."""
        return await self._act(request, lambda p, n: p.choose(n) if n is not None
                               else setattr(p, "note", "Choose one of the choices."),
                               _number, "n")

    async def proceed(self, request: web.Request) -> web.StreamResponse:
        """Continue."""
        return await self._act(request, lambda p, _v: p.proceed())

    async def undo(self, request: web.Request) -> web.StreamResponse:
        """Undo the last step."""
        return await self._act(request, lambda p, _v: p.undo())

    async def again(self, request: web.Request) -> web.StreamResponse:
        """Play again from the start."""
        return await self._act(request, lambda p, _v: p.restart())

    async def rewind(self, request: web.Request) -> web.StreamResponse:
        """Go back to a decision (from the debrief)."""
        return await self._act(request, lambda p, v: p.rewind(v), _number, "step")

    async def poll(self, request: web.Request) -> web.StreamResponse:
        """Answer the poll (or skip it)."""
        return await self._act(request, lambda p, v: p.answer(v), _number, "option")

    @staticmethod
    def _html(text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html",
                            charset="utf-8")

    # -- running -----------------------------------------------------------------------

    def serve(self, host: str, port: int) -> None:
        """Serve until Ctrl+C (then every player saves and leaves its seat)."""
        web.run_app(self.app(), host=host, port=port, print=None, access_log=None,
                    shutdown_timeout=5.0)


def _field(form: Any, name: str) -> str:
    """A form field as text, at most MAX_FIELD characters ('' when absent or a file)."""
    value = form.get(name)
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def _number(text: str) -> int | None:
    """A choice's or an option's number (None: not one). Poll options count from 0."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 6 else None


def _sentence(text: str) -> str:
    """An error as a sentence: capital first, full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
