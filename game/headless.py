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


def parse_path(text: str) -> list[int | str]:
    """'1,2,1' or 'cross,train' (numbers as the player sees them, or choice ids) -> a
    list; raise ChoiceError on anything else."""
    out: list[int | str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdecimal() and len(part) <= 9:
            out.append(int(part))
        elif part and len(part) <= 64 and part.replace("_", "a").isalnum() and part.isascii() \
                and part[0].isalpha():
            out.append(part)
        else:
            raise ChoiceError(f"--choices: '{part[:20]}' is neither a choice number nor a "
                              "choice id (write e.g. 1,2,1 or cross,train)")
    return out


def whatif_table(story_title: str, path: tuple[str, ...], outcomes: tuple) -> str:
    """``whatif`` without ``--json``: the outcomes side by side, one column each."""
    rows = [("", [o.id for o in outcomes])]

    def cell(values: tuple[str, ...]) -> str:
        return ", ".join(values) if values else "-"

    rows.append(("score", [o.score_text if o.score_text is not None else "-" for o in outcomes]))
    rows.append(("tier", [o.tier_label or "-" for o in outcomes]))
    rows.append(("lists", [cell(o.lists) for o in outcomes]))
    rows.append(("ending", [o.ending or "-" for o in outcomes]))
    rows.append(("refused", [cell(o.refused) for o in outcomes]))
    rows.append(("broke at", [f"step {o.broke_at.step}" if o.broke_at else "-" for o in outcomes]))
    head = max(len(name) for name, _ in rows)
    widths = [max(len(values[i]) for _, values in rows) for i in range(len(outcomes))]
    lines = [f"{story_title} — path: {', '.join(path) or '(no choices)'}", ""]
    for name, values in rows:
        lines.append("  ".join([name.ljust(head), *(v.ljust(w) for v, w in zip(values, widths))])
                     .rstrip())
    lines.append("")
    for o in outcomes:
        lines.append(f"{o.id}: {o.label}")
        if o.broke_at:
            said = f"“{o.broke_at.text}”" if o.broke_at.text else f"'{o.broke_at.choice}'"
            lines.append(f"  breaks at step {o.broke_at.step}, scene '{o.broke_at.scene}': "
                         f"{said} — {o.broke_at.reason}")
    return "\n".join(lines)


def run_whatif(story, choices: str | None, saved: dict | None, seed: int | None,
               variant: str | None, as_json: bool, out: TextIO) -> int:
    """``whatif``: replay a path (given choices, or a save's) under each variant."""
    from game.engine.whatif import decisions, path_of_numbers, whatif
    from game.story.model import AS_WRITTEN

    if variant is not None and variant != AS_WRITTEN and variant not in story.variants:
        known = ", ".join(story.variants) or "none: the story has no variants:"
        raise ChoiceError(f"--variant: the story has no variant '{variant[:40]}' "
                          f"(its variants: {known})")
    if saved is not None:
        seed = saved["seed"] if seed is None else seed
        path = decisions(tuple(p) for p in saved["path"])
    else:
        seed = seed or 0
        path = path_of_numbers(story, parse_path(choices or ""), seed)
    outcomes = whatif(story, path, seed, None if variant == AS_WRITTEN else variant)
    if variant == AS_WRITTEN:  # only the story as written, as --variant asks
        outcomes = outcomes[:1]
    if as_json:
        doc = {"story": story.id, "path": list(path), "seed": seed,
               "variants": [o.to_json() for o in outcomes]}
        out.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    else:
        out.write(clean(whatif_table(story.title, path, outcomes)) + "\n")
    return 0
