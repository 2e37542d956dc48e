"""Headless play: ``run STORY --choices 1,2,1`` for authors' tests and checks."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import TextIO

from game.engine.engine import Engine
from game.errors import ChoiceError
from game.engine.lines import debrief_text, event_lines, hud_line
from game.engine.debrief import build_debrief
from game.engine.emphasis import plain
from game.engine.notices import Notice, notices
from game.safetext import clean, one_line

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


WHATIF_WIDTH = 100
"""The ``whatif`` table's width when the output is not a terminal (a file, a pipe)."""
CELL_MIN = 12
"""The narrowest a variant's column gets (narrower terminals scroll)."""
STEP_WORDS = 72
"""Most characters of a choice's text in the path's list (longer ones end in "…")."""
SCENE_WORDS = 48
"""Most characters of a scene's first words where the path breaks."""


def _table_width() -> int:
    return min(max(shutil.get_terminal_size((WHATIF_WIDTH, 24)).columns, 60), 200)


def played_steps(story, path: tuple[str, ...], seed: int) -> list[tuple[str, str, str]]:
    """(scene id, choice id, the choice's words as the player read them) for each decision
    of ``path`` played as written, as far as it can be played."""
    from game.engine.naming import choice_words
    from game.engine.whatif import settle
    from game.errors import StoryRuntimeError

    engine = Engine(story, seed)
    out: list[tuple[str, str, str]] = []
    try:
        settle(engine)
        for choice_id in path:
            if engine.ended:
                break
            scene = engine.state.scene
            shown = next((c for c in engine.view().choices if c.id == choice_id), None)
            text = plain(shown.text) if shown else choice_words(story, scene, choice_id)
            out.append((scene, choice_id, " ".join(text.split())))
            engine.take(choice_id)
            settle(engine)
    except (ChoiceError, StoryRuntimeError):
        pass  # a save of another version of the story: the rest is listed by id
    return out


def whatif_table(story, path: tuple[str, ...], outcomes: tuple, seed: int = 0,
                 ids: bool = False, width: int | None = None) -> str:
    """``whatif`` without ``--json``: the path in the player's words, the outcomes side by
    side (one column each, cells wrapped to fit ``width``), and what each variant would
    have done to the path. With ``ids``, every name is followed by its id in brackets."""
    from game.engine.naming import chapter_of, scene_words, shorten
    from game.engine.whatif import NOT_OFFERED, broke_choice, says

    width = width or _table_width()

    def name(text: str | None, key: str | None) -> str:
        text = one_line(text or key or "")
        return f"{text} [{one_line(key)}]" if ids and key and key != text else text

    def names(labels: tuple[str, ...], keys: tuple[str, ...]) -> str:
        # "; " between names: a label may hold a comma ("Your place: Pharmacy, Manchester")
        return "; ".join(name(label, key) for label, key in zip(labels, keys)) or "-"

    others = len(outcomes) - 1
    under = (f"as written and under {others} variant{'s' * (others != 1)}" if others
             else "as written" if story.variants else "as written (the story has no variants)")
    lines = [one_line(f"{story.title} — one path, {under}"), ""]
    steps = played_steps(story, path, seed)
    lines.append(f"The path ({len(path)} choice{'s' * (len(path) != 1)}):" if path
                 else "The path: no choices (the story as it starts).")
    chapter: str | None = None
    for number, choice_id in enumerate(path, start=1):
        if number <= len(steps):
            scene, _, text = steps[number - 1]
            now = chapter_of(story, scene)
            if now and now != chapter:
                chapter = now
                lines.append(f"  {one_line(now)}")
            said = shorten(one_line(text), STEP_WORDS) or f"'{choice_id}'"
            key = f"{scene}: {choice_id}"
        else:
            said, key = f"'{choice_id}' (not reached as the story is now written)", ""
        lines.append(f"  {number:>3}. {said}" + (f"  [{one_line(key)}]" if ids and key else ""))
    if ids and path:
        lines.append(f"  As ids (for --choices): {','.join(path)}")
    lines.append("")

    rows: list[tuple[str, list[str]]] = [
        ("", [name(o.label, o.id) for o in outcomes]),
        ("Score", [o.score_text if o.score_text is not None else "-" for o in outcomes]),
        ("Tier", [name(o.tier_label, o.tier) if o.tier else "-" for o in outcomes]),
        ("Lists at the end", [names(o.list_labels, o.lists) for o in outcomes]),
        ("Ending", [name(o.ending_title, o.ending) if o.ending else "-" for o in outcomes]),
        ("Refused", [names(o.refused_labels, o.refused) for o in outcomes]),
        ("Path breaks", [f"at step {o.broke_at.step}" if o.broke_at else "-"
                         for o in outcomes]),
    ]
    head = max(len(label) for label, _ in rows)
    room = max(CELL_MIN, (width - head - 2 * len(outcomes)) // max(len(outcomes), 1))
    widths = [min(room, max(len(values[i]) for _, values in rows)) for i in range(len(outcomes))]
    for label, values in rows:
        cells = [textwrap.wrap(v, w) or [""] for v, w in zip(values, widths)]
        for i in range(max(len(c) for c in cells)):
            parts = [(label if i == 0 else "").ljust(head)]
            parts += [(c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths)]
            lines.append("  ".join(parts).rstrip())
    if others:
        lines += ["", "What each would have done to this path:"]
    for o in outcomes[1:]:
        if o.broke_at is None:
            said = f"{name(o.label, o.id)}: {says(outcomes[0], o, story)}."
        else:
            b = o.broke_at
            where = scene_words(story, b.scene, SCENE_WORDS)
            reason = one_line(b.reason).rstrip()
            reason = "the choice would not have been offered" if b.reason == NOT_OFFERED \
                else reason
            stop = "" if reason.endswith((".", "!", "?", "…")) else "."
            said = (f"{name(o.label, o.id)}: the path breaks at step {b.step}, "
                    f"{broke_choice(b, story)}" + (f" ({where})" if where else "")
                    + (f" [{b.scene}: {b.choice}]" if ids else "") + f": {reason}{stop}")
        lines += textwrap.wrap(one_line(said), width, initial_indent="  ",
                               subsequent_indent="    ")
    return "\n".join(lines)


def run_whatif(story, choices: str | None, saved: dict | None, seed: int | None,
               variant: str | None, as_json: bool, out: TextIO, ids: bool = False) -> int:
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
        out.write(clean(whatif_table(story, path, outcomes, seed, ids)) + "\n")
    return 0
