"""The web reader driven over HTTP: join, polls, choices (locked too), undo, the debrief,
resume, pacing, the reveal, and the bounds (origin, seats, sizes, no traceback)."""

from __future__ import annotations

import io
import time
from pathlib import Path

from web_helpers import Browser, class_reader, main_text, resume_code, serving, story

from game.classroom.pacing import Pacing, write_pacing
from game.classroom.sessions import read_class
from game.web import server as web_server
from game.web.server import IDLE_SECONDS, TAKEOVER_SECONDS, WebReader


def _player(reader: WebReader):
    (visitor,) = [v for v in reader.visitors.values() if v.player is not None]
    return visitor.player


async def test_a_student_joins_answers_the_poll_chooses_undoes_and_reads_the_debrief(
        folder: Path) -> None:
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            status, page = await browser.get("/")
            assert status == 200 and 'action="/join"' in page
            assert "Your resume code is" in page  # the notice, with what is recorded
            # The story's card, as the terminal's title card shows it.
            assert "A week of &lt;bills&gt; and neighbours." in page and "debt" in page
            status, page = await browser.post("/join", {"codename": "blue-fox", "resume": ""})
            assert status == 200 and "You are blue-fox" in page
            code = resume_code(page)
            assert len(code.replace("-", "")) == 8
            # The poll comes first, before the choices.
            status, page = await browser.get("/")
            assert 'action="/poll"' in page and 'action="/choose"' not in page
            status, page = await browser.post("/poll", {"option": "1"})
            assert "Answer noted" in page and 'action="/choose"' in page
            player = _player(reader)
            assert player.engine.poll_answer() == 1
            # A locked choice is shown with its reason, and refused.
            text = main_text(page)
            assert 'aria-disabled="true"' in text
            assert "Loans are for &lt;em&gt;trusted&lt;/em&gt; people." in text
            status, page = await browser.post("/choose", {"n": "3"})
            assert "That choice is locked: Loans are for &lt;em&gt;trusted" in page
            assert player.engine.step == 0
            # A choice: its notices, the standing panel, the listing.
            status, page = await browser.post("/choose", {"n": "1"})
            assert player.engine.step == 1
            text = main_text(page)
            assert "You chose: <q>Pay it &lt;u&gt;late&lt;/u&gt;</q>" in text
            assert "Civic Score -60 (Paid &lt;b&gt;late&lt;/b&gt;)" in text
            assert "You have been put on the list: Debtors&#x27; list." in text
            assert "The bank says: &lt;a href=&#x27;http://evil.example&#x27;&gt;" in text
            assert '<span class="score-now">40</span>' in page and "Suspect" in page
            assert 'id="live"' in page and "Civic Score -60" in page.split('id="live"')[1]
            # Undo goes back before the step; the earlier scene is the current one again.
            status, page = await browser.post("/undo")
            assert player.engine.step == 0 and "Undone" in page
            assert '<span class="score-now">100</span>' in page
            # To the end and the debrief.
            await browser.post("/choose", {"n": "1"})
            status, page = await browser.post("/choose", {"n": "1"})
            assert player.engine.ended and "Read your debrief" in page
            assert "mixed" not in main_text(page)  # the ending's kind is the teacher's
            status, page = await browser.get("/debrief")
            text = main_text(page)
            assert status == 200 and "The week &lt;ends&gt;" in text
            assert "mixed" not in text
            assert '<svg class="chart"' in text and "<polyline" in text
            assert "Why did you pay late?" in text and "Was it &lt;fair&gt;?" in text
            assert "How your class chose" in text  # not revealed yet: the placeholder
            # The records are the classroom's, read as the dashboard and report read them.
            (session,) = read_class(folder).sessions
            assert session.codename == "blue-fox" and session.finished
            assert [c.choice for c in session.choices] == ["late", "help"]
            assert [p.option for p in session.polls] == [1]
            # Go back to a decision: just before the second one, free to choose again.
            assert 'action="/rewind"' in text and 'name="step" value="1"' in text
            status, page = await browser.post("/rewind", {"step": "1"})
            assert player.engine.step == 1 and "The street is empty." in main_text(page)
            assert "back just before that decision" in page
            await browser.post("/choose", {"n": "1"})
            # Play again starts over (and the record follows).
            await browser.post("/again")
            assert player.engine.step == 0
        finally:
            await browser.close()


async def test_my_record_shows_what_the_system_lets_the_student_see(folder: Path) -> None:
    async with serving(class_reader(folder)) as server:
        browser = Browser(server)
        try:
            status, page = await browser.join("blue-fox")
            code = resume_code(page)
            await browser.post("/poll", {"option": "skip"})
            status, page = await browser.post("/choose", {"n": "1"})
            status, page = await browser.get("/record")
            text = main_text(page)
            assert status == 200 and "My record" in text
            assert "You are blue-fox in class 7b. Your resume code: <strong " in text
            assert code in text
            assert "Paid &lt;b&gt;late&lt;/b&gt;" in text and "Civic Score: 40" in text
        finally:
            await browser.close()


async def test_story_text_is_escaped_and_emphasis_is_built_from_values(folder: Path) -> None:
    async with serving(class_reader(folder)) as server:
        browser = Browser(server)
        try:
            await browser.join()
            status, page = await browser.post("/poll", {"option": "skip"})
            for hostile in ("<script>", "<img", "<a href='", "<i>number", "<u>", "<b>late"):
                assert hostile not in page
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
            assert "<em>due</em>" in page and "<strong>today</strong>" in page
            assert "<title>Monday — The &lt;Reader&gt; &amp; *Co*</title>" in page
            status, page = await browser.get("/")
            assert "<script" not in page.replace('<script src="/static/reader.js" defer>', "")
        finally:
            await browser.close()


async def test_a_poll_shows_its_options_escaped(folder: Path) -> None:
    async with serving(class_reader(folder)) as server:
        browser = Browser(server)
        try:
            await browser.join()
            status, page = await browser.get("/")
            assert "Can a &lt;i&gt;number&lt;/i&gt; judge you?" in page
            assert "No &lt;script&gt;alert(1)&lt;/script&gt;" in page
        finally:
            await browser.close()


async def test_a_form_from_another_site_is_refused_and_changes_nothing(folder: Path) -> None:
    out = io.StringIO()
    reader = class_reader(folder, out=out)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join()
            await browser.post("/poll", {"option": "0"})
            player = _player(reader)
            browser.origin = "http://evil.example"
            status, page = await browser.post("/choose", {"n": "1"})
            assert status == 403 and player.engine.step == 0
            browser.origin = None  # neither Origin nor Referer: refused too
            status, _ = await browser.post("/choose", {"n": "1"})
            assert status == 403 and player.engine.step == 0
            base = str(server.make_url("/"))
            status, _ = await browser.post("/choose", {"n": "1"}, {"Referer": base})
            assert status == 200 and player.engine.step == 1
        finally:
            await browser.close()
    lines = out.getvalue().splitlines()
    assert lines and all("Refused a form" in line for line in lines)
    assert "Traceback" not in out.getvalue()


async def test_another_host_name_is_refused_when_the_origins_are_known(folder: Path) -> None:
    reader = class_reader(folder, origins=frozenset({("http", "127.0.0.1", 1)}))
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            status, _ = await browser.get("/")
            assert status == 421  # the test server's port is not 1: not this class's address
        finally:
            await browser.close()


async def test_behind_a_proxy_the_public_address_is_accepted(folder: Path) -> None:
    reader = class_reader(folder, origins=frozenset({("https", "standing.school.example", 443)}))
    async with serving(reader) as server:
        browser = Browser(server, origin="https://standing.school.example")
        try:
            proxy = {"Host": "standing.school.example"}
            async with browser.session.get(server.make_url("/"), headers=proxy) as response:
                assert response.status == 200
            status, page = await browser.post("/join", {"codename": "", "resume": ""}, proxy)
            assert status in (200, 421)  # the redirect's GET names the test server again
            assert reader.players == 1
            async with browser.session.get(server.make_url("/"),
                                           headers={"Host": "standing.school.example:8443"}
                                           ) as response:
                assert response.status == 421
        finally:
            await browser.close()


async def test_two_browsers_at_once_are_never_left_with_the_same_codename(
        folder: Path, monkeypatch) -> None:
    from game.classroom import seat as seat_module

    names = iter(["same-name", "same-name", "other-name", "third-name"])
    monkeypatch.setattr(seat_module, "random_codename", lambda taken=(): next(names))
    async with serving(class_reader(folder)) as server:
        first, second = Browser(server), Browser(server)
        try:
            await first.get("/")
            await second.get("/")  # offered another name than the first browser
            status, page = await second.post("/join", {"codename": "", "resume": ""})
            assert status == 200 and "You are other-name" in page
            status, page = await first.post("/join", {"codename": "", "resume": ""})
            assert status == 200 and "You are same-name" in page
        finally:
            await first.close()
            await second.close()


async def test_an_offered_codename_taken_meanwhile_is_replaced(folder: Path,
                                                               monkeypatch) -> None:
    from game.classroom import seat as seat_module

    names = iter(["blue-fox", "red-owl", "green-elk", "grey-cat"])
    monkeypatch.setattr(seat_module, "random_codename", lambda taken=(): next(names))
    async with serving(class_reader(folder)) as server:
        first, second = Browser(server), Browser(server)
        try:
            await first.get("/")  # offered blue-fox
            status, page = await second.join("blue-fox")  # offered red-owl, typed blue-fox
            status, page = await first.post("/join", {"codename": "", "resume": ""})
            assert status == 200 and "You are green-elk" in page
        finally:
            await first.close()
            await second.close()


async def test_the_next_browser_past_the_seats_is_told_the_class_is_full(folder: Path) -> None:
    reader = class_reader(folder, seats=1)
    async with serving(reader) as server:
        first, second = Browser(server), Browser(server)
        try:
            await second.get("/")  # on the join page before the seat was taken
            status, _ = await first.join()
            assert status == 200
            status, page = await second.get("/")
            assert status == 503 and "The class is full" in page
            status, page = await second.post("/join", {"codename": "", "resume": ""})
            assert status == 503 and reader.players == 1
            # A seat whose browser went quiet is freed, and the next browser plays.
            assert await reader.reap(time.monotonic() + IDLE_SECONDS + 1) == 1
            status, page = await second.join()
            assert status == 200 and "You are" in page
        finally:
            await first.close()
            await second.close()


async def test_a_student_resumes_from_another_browser_with_the_resume_code(folder: Path) -> None:
    reader = class_reader(folder)
    async with serving(reader) as server:
        first, second, third = Browser(server), Browser(server), Browser(server)
        try:
            status, page = await first.join("red-owl")
            code = resume_code(page)
            await first.post("/poll", {"option": "0"})
            await first.post("/choose", {"n": "2"})
            # While the first browser plays, the seat is not given away.
            status, page = await second.join("red-owl", code)
            assert status == 400 and "playing in another window" in page
            # A wrong code gets the one answer that tells nothing.
            status, page = await third.join("grey-cat", "ABCD-EFGH")
            assert status == 400 and "do not match a seat" in page
            # The first browser goes quiet: its owner comes back from the second one.
            for visitor in reader.visitors.values():
                if visitor.player is not None:
                    visitor.seen -= TAKEOVER_SECONDS + 1
            status, page = await second.post("/join", {"codename": "red-owl", "resume": code})
            assert status == 200 and "Welcome back, red-owl" in page
            assert _player(reader).engine.step == 1 and "The street is empty." in page
            # The first browser's session is gone: it is sent to the join page.
            status, page = await first.get("/")
            assert 'action="/join"' in page
        finally:
            for browser in (first, second, third):
                await browser.close()
    (session,) = read_class(folder).sessions
    assert [c.choice for c in session.choices] == ["ontime"]


async def test_a_held_chapter_waits_for_the_teacher(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(web_server, "PACING_SECONDS", -1.0)  # read the file on every page
    write_pacing(folder, Pacing(limit=1))
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join()
            await browser.post("/poll", {"option": "0"})
            status, page = await browser.post("/choose", {"n": "2"})
            text = main_text(page)
            assert "Wait for your class" in text and "The street is empty." not in text
            status, page = await browser.post("/choose", {"n": "1"})
            assert "Wait for your class" in page and _player(reader).engine.step == 1
            status, data = await browser.get("/status")
            assert data == '{"held": true}'
            write_pacing(folder, Pacing(limit=None))
            status, page = await browser.get("/")
            assert "The street is empty." in main_text(page)
        finally:
            await browser.close()


async def test_the_debrief_reveals_how_the_class_chose(folder: Path) -> None:
    write_pacing(folder, Pacing(reveal=True, show_small=True))
    async with serving(class_reader(folder)) as server:
        browser = Browser(server)
        try:
            await browser.join()
            await browser.post("/poll", {"option": "0"})
            await browser.post("/choose", {"n": "2"})
            await browser.post("/choose", {"n": "2"})
            status, page = await browser.get("/debrief")
            text = main_text(page)
            assert "How your class chose" in text and "(n = 1)" in text
            assert "— your choice" in text and "100 % (1)" in text
        finally:
            await browser.close()


async def test_bounds_size_and_bad_fields(folder: Path) -> None:
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join()
            status, _ = await browser.post("/choose", {"n": "x" * 100_000})
            assert status == 413
            for junk in ("", "-1", "99", "1e9", "²", "9" * 50):
                status, page = await browser.post("/poll", {"option": junk})
                assert status == 200
            status, page = await browser.post("/choose", {"n": "7"})
            assert status == 200 and _player(reader).engine.step == 0
            status, _ = await browser.get("/static/../server.py")
            assert status == 404
            status, _ = await browser.get("/nowhere")
            assert status == 404
        finally:
            await browser.close()


async def test_a_bug_is_one_line_for_the_teacher_and_a_plain_page(folder: Path,
                                                                   monkeypatch) -> None:
    out = io.StringIO()
    reader = class_reader(folder, out=out)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join()
            monkeypatch.setattr(web_server, "play_page", broken)
            status, page = await browser.get("/")
            assert status == 500 and "Your game is saved" in page and "boom" not in page
        finally:
            await browser.close()
    assert out.getvalue() == "A page failed with an error (ZeroDivisionError: boom).\n"


async def test_every_page_forbids_outside_requests(folder: Path) -> None:
    async with serving(class_reader(folder)) as server:
        browser = Browser(server)
        try:
            async with browser.session.get(server.make_url("/")) as response:
                assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
                assert response.headers["X-Frame-Options"] == "DENY"
                page = await response.text()
            assert "http://" not in page and "https://" not in page
            for name in ("reader.css", "reader.js"):
                async with browser.session.get(server.make_url(f"/static/{name}")) as response:
                    body = await response.text()
                    assert response.status == 200
                    assert "http://" not in body and "https://" not in body
                    assert "@import" not in body and "url(" not in body
        finally:
            await browser.close()


async def test_without_a_class_each_browser_gets_a_game(tmp_path: Path) -> None:
    reader = WebReader(story(), seats=2, seed=1)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            status, page = await browser.get("/")
            assert status == 200 and 'action="/poll"' in page and reader.players == 1
        finally:
            await browser.close()


async def test_shutdown_closes_every_record_and_frees_the_seats(folder: Path) -> None:
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join("green-elk")
        finally:
            await browser.close()
    assert reader.visitors == {}
    lock = folder / "students" / "green-elk" / "playing.lock"
    import fcntl
    import os
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: nobody holds the seat
    finally:
        os.close(fd)


async def test_a_page_is_never_drawn_while_a_step_of_another_tab_runs(folder: Path,
                                                                      monkeypatch) -> None:
    import asyncio
    import threading

    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.join()
            await browser.post("/poll", {"option": "0"})
            player = _player(reader)
            inside, release = threading.Event(), threading.Event()
            step = player.choose

            def slow_choose(number: int) -> None:
                inside.set()
                release.wait(5)
                step(number)

            monkeypatch.setattr(player, "choose", slow_choose)
            choosing = asyncio.create_task(browser.post("/choose", {"n": "1"}))
            await asyncio.to_thread(inside.wait, 5)
            drawing = asyncio.create_task(browser.get("/"))
            await asyncio.sleep(0.2)
            assert not drawing.done()  # waits for the step (an event, not a timing)
            release.set()
            await choosing
            status, page = await drawing
            assert status == 200 and "The street is empty." in page
        finally:
            await browser.close()
