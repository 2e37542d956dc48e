"""The commands: files written, PDFs through (a stand-in for) Chromium, one-line errors."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from game import cli

FAKE = """#!{python}
import sys
args = sys.argv[1:]
for needed in ("--headless", "--no-sandbox", "--disable-gpu"):
    assert needed in args, needed
page = args[-1]
assert page.startswith("file://"), page
html = open(page[len("file://"):], encoding="utf-8").read()
size = "A4" if "size: A4" in html else "letter" if "size: letter" in html else None
assert size, "no page size"
out = next(a.split("=", 1)[1] for a in args if a.startswith("--print-to-pdf="))
with open(out, "wb") as f:
    f.write(b"%PDF-1.4 fake " + size.encode() + b" /Type /Pages /Type /Page /Type /Page")
"""

BROKEN = """#!/bin/sh
echo "crashed: no display" >&2
exit 3
"""


def program(tmp_path, name, text):
    path = tmp_path / "bin" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.format(python=sys.executable), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_handouts_write_html_and_pdfs_through_chromium(tmp_path, capsys):
    fake = program(tmp_path, "chromium", FAKE)
    code, out, err = run(capsys, "handouts", "tutorial", "--out", str(tmp_path / "out"),
                         "--pdf", "yes", "--chromium", str(fake))
    assert code == 0, err
    html = tmp_path / "out" / "tutorial-handouts.html"
    assert html.is_file()
    a4 = (tmp_path / "out" / "tutorial-handouts-a4.pdf").read_bytes()
    letter = (tmp_path / "out" / "tutorial-handouts-letter.pdf").read_bytes()
    assert a4.startswith(b"%PDF-") and b"A4" in a4 and b"letter" in letter
    assert "(2 pages, A4)" in out and "(2 pages, US Letter)" in out


def test_the_gamebook_warns_on_stderr_and_prints_pdfs(tmp_path, capsys, monkeypatch):
    fake = program(tmp_path, "chromium", FAKE)
    monkeypatch.setenv("PATH", str(fake.parent))
    code, out, err = run(capsys, "gamebook", "demo", "--out", str(tmp_path / "demo.html"),
                         "--seed", "3")
    assert code == 0, err
    assert "warning: on paper: Random draws" in err
    assert "(9 sections, seed 3)" in out
    assert (tmp_path / "demo-a4.pdf").is_file() and (tmp_path / "demo-letter.pdf").is_file()


def test_without_chromium_the_html_is_written_and_pdf_auto_says_so(tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out, err = run(capsys, "gamebook", "tutorial", "--out", str(tmp_path / "t.html"))
    assert code == 0
    assert "no Chromium found: HTML only" in err
    assert (tmp_path / "t.html").is_file() and not list(tmp_path.glob("*.pdf"))
    code, out, err = run(capsys, "handouts", "tutorial", "--out", str(tmp_path), "--pdf", "yes")
    assert code == 2 and err.startswith("error: --pdf yes: no Chromium found")


def test_a_chromium_that_fails_is_one_line(tmp_path, capsys):
    broken = program(tmp_path, "broken", BROKEN)
    code, out, err = run(capsys, "gamebook", "tutorial", "--out", str(tmp_path / "t.html"),
                         "--chromium", str(broken))
    assert code == 2
    assert err.count("\n") == 1
    assert "Chromium made no PDF (exit 3): crashed: no display" in err


@pytest.mark.parametrize("args, message", [
    (["handouts"], "handouts needs STORY|unit and --out DIR"),
    (["handouts", "demo", "--out", "{tmp}"], "no teaching data for story 'demo'"),
    (["gamebook", "tutorial", "--out", "{tmp}/book.pdf"], "the gamebook is written as HTML"),
    (["gamebook", "nonesuch", "--out", "{tmp}/b.html"], "nonesuch"),
    (["handouts", "tutorial", "--out", "{tmp}/file/sub", "--pdf", "no"], "cannot write"),
])
def test_mistakes_are_one_line_and_exit_2(tmp_path, capsys, args, message):
    (tmp_path / "file").write_text("not a folder")
    code, out, err = run(capsys, *[a.format(tmp=tmp_path) for a in args])
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_unit_handouts_from_the_command_line(tmp_path, capsys):
    code, out, err = run(capsys, "handouts", "unit", "--out", str(tmp_path), "--pdf", "no")
    assert code == 0, err
    assert (tmp_path / "unit-handouts.html").is_file()


def test_sync_check_passes_on_the_checked_in_guides(capsys):
    code, out, err = run(capsys, "handouts", "--sync-guides", "--check")
    assert code == 0, out
    assert "match" in out


def test_the_pack_never_imports_the_ui_or_the_classroom():
    import subprocess
    code = ("import sys, game.teaching.commands, game.teaching.gamebook;"
            "bad=[m for m in sys.modules if m.startswith(('game.ui','game.classroom','textual'))];"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert done.returncode == 0, done.stdout + done.stderr
