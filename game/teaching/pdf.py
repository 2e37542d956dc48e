"""PDFs of the printable pages, through headless Chromium when it is installed.

PDF output is optional: the HTML prints from any browser. Chromium is looked up on
the PATH (``chromium``, ``chromium-browser``, ``google-chrome``) or given with
``--chromium``; each PDF is printed from a temporary copy of the page with the
paper size fixed (A4 or US Letter).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from game.errors import StandingError
from game.teaching.html import Document

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Executables tried, in order, when none is given."""
TIMEOUT = 300
"""Seconds one PDF may take (a gamebook is ~35 pages; a loaded machine is slow)."""


class PdfError(StandingError):
    """Chromium was asked for a PDF and did not make one."""


def find_chromium(given: str | None = None) -> str | None:
    """The Chromium to use: the one given (it must exist), else the first on the PATH."""
    if given:
        found = shutil.which(given)
        if found is None:
            raise PdfError(f"--chromium {given}: no such program")
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(chromium: str, document: Document, paper: str, out: Path) -> Path:
    """Print ``document`` on ``paper`` ("a4" or "letter") to ``out`` with headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="standing-print-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(document.html(paper), encoding="utf-8")
        made = Path(folder) / "page.pdf"
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-pdf-header-footer", f"--user-data-dir={Path(folder) / 'profile'}",
                   f"--print-to-pdf={made}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"{out}: Chromium took more than {TIMEOUT} s; the HTML is written, "
                           "print it from a browser") from None
        except OSError as exc:
            raise PdfError(f"{out}: cannot run {chromium} ({exc.strerror})") from None
        if not made.is_file() or made.read_bytes()[:5] != b"%PDF-":
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            last = f": {detail[-1]}" if detail else ""
            raise PdfError(f"{out}: Chromium made no PDF (exit {done.returncode}){last}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), out)
    return out


def page_count(path: Path) -> int:
    """Pages in a PDF Chromium wrote (its page objects are uncompressed)."""
    data = path.read_bytes()
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages")
