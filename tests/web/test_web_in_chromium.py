"""The web reader in a real headless Chromium, keyboard only, with axe-core (issue 20).

The walk is ``benchmarks/web_check.py``'s: join, a poll, a locked choice, a choice,
My record, an ending and the debrief, by Tab and Enter alone; at 1100x900 with
JavaScript, at 390x844 with JavaScript disabled, and the debrief and record at
200 % zoom and 320 px wide; axe-core (WCAG 2.x A/AA, 2.2 included) on every page
in the light and the dark colour scheme. Needs /usr/bin/chromium (as the export's
browser tests do) and fetches the pinned axe-core once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from axe_core import axe_source

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from web_check import STORY, check_web  # noqa: E402


def test_the_web_reader_walked_by_keyboard_in_chromium_has_no_serious_violations(
        tmp_path: Path) -> None:
    page = check_web(STORY, tmp_path / "shots", axe_source())
    serious = {k: v for k, v in page.violations.items()
               if k.startswith(("serious", "critical"))}
    assert serious == {}
    assert page.foreign == []  # no request leaves the class's server
    assert page.sideways == []  # nothing scrolls sideways at 320 px or 200 %
    # With JavaScript, a choice moves focus to the new text (screen readers read on);
    # without it, the page loads anew at its #now anchor.
    assert page.focus_after_choice["desktop"] == "now-h"  # the new passage's heading
    shots = {p.stem for p in (tmp_path / "shots").glob("*.png")}
    assert {"desktop-8-debrief", "phone-nojs-8-debrief", "zoom200-debrief",
            "w320-record"} <= shots
