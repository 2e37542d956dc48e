"""The browser side of the export (``game.export.browser.Book``), run here in CPython.

The same code runs in Pyodide (tests/export/test_offline_browser.py plays it in
Chromium); here it is checked faster and more closely: it needs no YAML, no
aiohttp, no Textual; it keeps a game across a reload; and its record is one the
teacher's ``report`` reads.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from game import cli
from game.classroom.lines import parse
from game.export import build
from game.export.browser import Book
from game.story.cache import dump_compiled, load_story

ROOT = Path(__file__).resolve().parents[2]
OPEN = re.compile(r'<button type="submit" name="n" value="(\d+)">')
POLL = re.compile(r'name="option" value="(\d+)"')


def compiled(name: str = "green_channel") -> str:
    return dump_compiled(load_story(ROOT / "stories" / name))


def play_to_end(book: Book, limit: int = 200) -> int:
    """Take the first open choice (answering polls) until an ending; the steps taken."""
    for step in range(limit):
        if book.ended():
            return step
        page = book.get("/")
        if 'action="/poll"' in page:
            book.post("/poll", {"option": POLL.findall(page)[0]})
        elif 'action="/continue"' in page:
            book.post("/continue", {})
        else:
            book.post("/choose", {"n": OPEN.findall(page)[0]})
    raise AssertionError("no ending")


def test_a_game_plays_to_its_debrief_and_survives_a_reload(tmp_path):
    book = Book(compiled(), None, tmp_path / "first", seed=5)
    page = book.get("/")
    assert "Chapter 1 of 7" in page and 'action="/choose"' in page
    steps = play_to_end(book)
    assert steps > 10
    debrief = book.get("/debrief")
    assert "Debrief" in debrief and "<svg" in debrief
    # A reload: a new Book from what the browser kept, in a fresh (empty) file system.
    again = Book(compiled(), book.saved(), tmp_path / "second")
    assert again.ended() and again.codename == book.codename
    assert f"continues after {book.player.engine.step} steps" in again.get("/")
    kept = again.record_text()
    assert kept.startswith(book.record_text()) and '"type":"resumed"' in kept
    again.post("/again", {})
    assert not again.ended() and again.player.engine.step == 0


def test_kept_state_from_another_version_or_damaged_starts_afresh(tmp_path):
    for kept in ("{not json", json.dumps({"version": 99}), json.dumps([1, 2])):
        book = Book(compiled(), kept, tmp_path / str(len(kept)), seed=1)
        assert book.player.engine.step == 0 and not book.ended()


def test_unknown_pages_and_bad_forms_are_answered_not_raised(tmp_path):
    book = Book(compiled(), None, tmp_path, seed=2)
    assert "Page not found" in book.get("/etc/passwd")
    assert "Choose one of the choices." in book.post("/choose", {"n": "x"})
    assert "There is no choice 99 here." in book.post("/choose", {"n": "99"})
    assert "There is nothing to undo." in book.post("/undo", {})
    assert "Page not found" in book.post("/nowhere", {})


def test_the_downloaded_record_is_one_the_teachers_report_reads(tmp_path, capsys):
    book = Book(compiled(), None, tmp_path / "browser", seed=9, source="bundled")
    play_to_end(book)
    text = book.record_text()
    kinds = [type(parse(line)).__name__ for line in text.splitlines()]
    assert kinds[0] == "Header" and "EndingRecord" in kinds
    # The teacher puts the downloaded file in a folder and runs report on it.
    folder = tmp_path / "7b"
    folder.mkdir()
    (folder / book.record_name()).write_text(text, encoding="utf-8")
    out = tmp_path / "report.md"
    code = cli.main(["report", str(folder), "--out", str(out), "--story", "green_channel"])
    said, err = capsys.readouterr()
    assert code == 0, err
    report = out.read_text(encoding="utf-8")
    assert "1 session of this story, 1 reached an ending." in report, report[:600]


BLOCKER = """
import sys, json, importlib.abc
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'yaml', 'aiohttp', 'textual', 'platformdirs', 'matplotlib'}:
            raise ImportError('not in the browser: ' + name)
sys.meta_path.insert(0, Refuse())
sys.path.insert(0, sys.argv[1])
from game.export.browser import Book
import re
book = Book(open(sys.argv[2], encoding='utf-8').read(), None, __import__('pathlib').Path(sys.argv[3]), seed=4)
for _ in range(200):
    if book.ended():
        break
    page = book.get('/')
    if 'action="/poll"' in page:
        book.post('/poll', {'option': re.findall(r'name="option" value="(\\d+)"', page)[0]})
    elif 'action="/continue"' in page:
        book.post('/continue', {})
    else:
        book.post('/choose', {'n': re.findall(r'name="n" value="(\\d+)"', page)[0]})
book.get('/debrief'); book.get('/record')
print(json.dumps({'ended': book.ended(), 'game': sys.modules['game'].__file__}))
"""


def test_the_packed_engine_plays_with_no_yaml_aiohttp_or_textual(tmp_path):
    """What the export packs is enough, and imports nothing the browser lacks."""
    (tmp_path / "engine").mkdir()
    zipfile.ZipFile(io.BytesIO(build.engine_zip())).extractall(tmp_path / "engine")
    story = tmp_path / "story.json"
    story.write_text(compiled(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", "-c", BLOCKER, str(tmp_path / "engine"),
                           str(story), str(tmp_path / "home")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["ended"] and result["game"].startswith(str(tmp_path / "engine"))
