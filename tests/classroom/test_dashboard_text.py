"""The dashboard shows record text cleaned: a record file on a shared drive is
written by anyone, and its text reaches the teacher's terminal (and projector)."""

from __future__ import annotations

import json
import re

from class_helpers import lesson, play_session
from game.classroom.dashboard import DashboardApp

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b[2J\x1b]52;c;aGk=\x07\x1b]8;;http://evil.invalid\x1b\\\x9b1m\u202e"


def rendered(app) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def tamper(path) -> None:
    """Put escapes into every text a record line carries."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for key in ("text", "title", "label", "chapter", "source_label", "tier_label",
                    "story_title"):
            if isinstance(record.get(key), str):
                record[key] = record[key] + HOSTILE
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def test_record_text_reaches_the_dashboard_cleaned(folder) -> None:
    for name in ("amber-otter", "bold-crane", "calm-deer"):
        play_session(folder, name)
    for path in folder.glob("*.jsonl"):
        tamper(path)
    app = DashboardApp(folder, lesson(), poll_seconds=0.1)
    async with app.run_test(size=(140, 60)) as pilot:
        for _ in range(100):
            if app.numbers is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        shown = rendered(app)
        found = UNSAFE.search(shown)
        assert found is None, repr(shown[max(0, found.start() - 60):found.end() + 60])
        assert "Pay it late" in shown and "The week ends" in shown
