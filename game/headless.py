"""Headless play: ``run STORY --choices 1,2,1`` for authors' tests and checks."""

from __future__ import annotations

import json
from typing import TextIO

from game.engine.engine import Engine
from game.errors import ChoiceError
from game.engine.lines import debrief_text, event_lines, hud_line
from game.engine.debrief import build_debrief
from game.engine.emphasis import plain
from game.engine.notices import Notice, notices
from game.safetext import clean

MAX_CONTINUES = 10_000


def parse_choices(text: str | None) -> list[int]:
    """'1,2,1' -> [1, 2, 1]; raise ChoiceError on anything else."""
    if not text or not text.strip():
        return []
    out = []
    for part in text.split(","):
        part = part.strip()
        if not (part.isdecimal() and len(part) <= 9):  # int() refuses '²' and huge numbers
            raise ChoiceError(f"--choices: '{part[:20]}' is not a choice number (write e.g. 1,2,1)")
        out.append(int(part))
    return out


def run(engine: Engine, numbers: list[int], out: TextIO, as_json: bool) -> int:
    """Play the numbered choices and print the result; return the exit code."""
    transcript: list[str] = []
    told: list[Notice] = []

    def tell(events: list) -> None:
        """What the player is told of a step: into the transcript and ``--json``'s notices."""
        found = notices(engine.story, events)
        told.extend(found)
        transcript.extend(n.line for n in found)

    def show() -> None:
        view = engine.view()
        transcript.extend(plain(p).rstrip("\n") for p in view.paragraphs)
        hud = hud_line(engine, view)
        if hud:
            transcript.append(f"[{hud}]")
        for choice in view.choices:
            mark = f" [locked: {choice.to_json()['locked']}]" if choice.locked else ""
            transcript.append(f"  {choice.number}. {plain(choice.text)}{mark}")

    tell(list(engine.opening))
    settle_with_transcript(engine, transcript, show, 0, tell)
    for index, number in enumerate(numbers, start=1):
        if engine.ended:
            break
        view = engine.view()
        if not 1 <= number <= len(view.choices):
            raise ChoiceError(
                f"step {index}: there is no choice {number} in scene '{view.scene}' "
                f"(it offers 1 to {len(view.choices)})")
        choice = view.choices[number - 1]
        if choice.locked is not None:
            gaps = f" ({'; '.join(choice.gaps)})" if choice.gaps else ""
            raise ChoiceError(
                f"step {index}: choice {number} in scene '{view.scene}' is locked: "
                f"{choice.locked}{gaps}")
        transcript.append(f"> {number}. {plain(choice.text)}")
        tell(engine.choose(number))
        settle_with_transcript(engine, transcript, show, index, tell)
    if as_json:
        data = engine.result()
        data["notices"] = [n.to_json() for n in told]
        out.write(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    else:
        out.write(clean("\n".join(transcript)) + "\n")
        if engine.ended:
            out.write(clean(debrief_text(build_debrief(engine))) + "\n")
    return 0


def settle_with_transcript(engine: Engine, transcript: list[str], show, step: int,
                           tell=None) -> None:
    """Show the scene, then continue through goto scenes, showing each."""
    count = 0
    show()
    while not engine.ended and engine.view().continues:
        events = engine.proceed()
        if tell is not None:
            tell(events)
        else:
            transcript.extend(event_lines(engine, events))
        show()
        count += 1
        if count > MAX_CONTINUES:
            raise ChoiceError(
                f"step {step}: scenes go on by themselves forever (goto loop at "
                f"'{engine.state.scene}')")
