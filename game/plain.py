"""The line-mode player, for screen readers, pipes and dumb terminals.

Text comes in reading order with no escape codes unless the output is a
terminal and NO_COLOR is unset; choices are numbered; one letter per command.
"""

from __future__ import annotations

import os
from typing import TextIO

from game.engine import events as ev
from game.engine.debrief import build_debrief, record_lines
from game.engine.emphasis import plain
from game.engine.engine import Engine
from game.engine.history import decisions, replay
from game.engine.lines import choice_number, debrief_text, event_lines, hud_line
from game.engine.saves import SaveStore
from game.engine.view import View
from game.errors import ChoiceError, SaveError, StandingError, StoryRuntimeError
from game.safetext import clean

HELP = """Commands:
  1, 2, 3 ...  take that choice
  Enter or 1   continue (when the scene goes on by itself)
  u            undo your last decision (past any Continue pages since)
  r            your record: what the system lets you see
  s [NAME]     save (to the slot NAME, default 'manual')
  h            this help
  q            save and quit (end of input does the same)
At the end, after the debrief:
  b            go back to a decision and play on from there
  a            play again from the beginning
  q            quit"""


def use_color(out: TextIO) -> bool:
    """Bold headings only on a real terminal without NO_COLOR."""
    return (
        hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


class PlainPlayer:
    """Plays a story line by line on text streams."""

    def __init__(self, engine: Engine, store: SaveStore | None, inp: TextIO, out: TextIO) -> None:
        self.engine = engine
        self.store = store
        self.inp = inp
        self.out = out
        self.color = use_color(out)

    def say(self, text: str = "") -> None:
        """Print a line (never an escape code from the story)."""
        self.out.write(clean(text) + "\n")

    def heading(self, text: str) -> None:
        """Print a heading (bold on a colour terminal)."""
        if self.color:
            self.out.write(f"\x1b[1m{clean(text)}\x1b[0m\n")
        else:
            self.say(text)

    def run(self, opening: list[ev.Event] | None = None, resumed: str | None = None) -> int:
        """Play until an ending, quit or end of input; return the exit code."""
        engine = self.engine
        story = engine.story
        self.heading(f"{story.title}")
        if not resumed:  # the title card: what the story is, before it starts
            if story.summary:
                self.say(plain(story.summary))
            if story.content_notes:
                self.say("Content notes: " + ", ".join(story.content_notes) + ".")
        self.say("Type h for help. Choose by number.")
        if resumed:
            self.say(resumed)
        self._warnings()
        for line in event_lines(engine, opening or []):
            self.say(line)
        chapter = None
        while True:
            view = engine.view()
            if view.chapter and view.chapter != chapter:
                chapter = view.chapter
                self.say("")
                self.heading(f"== {chapter} ==")
            self.show(view)
            if view.ending:
                self.say("")
                self.heading(f"THE END: {plain(view.ending.title)}")  # the kind is for teachers
                self.say(debrief_text(build_debrief(engine)))
                if not self.after_ending():
                    return 0
                chapter = None
                continue
            events = self.ask(view)
            if events is None:
                return 0
            self.say("")
            for line in event_lines(engine, events):
                self.say(line)

    def show(self, view: View) -> None:
        """Print the scene's text, the HUD line and the choices."""
        self.say("")
        for paragraph in view.paragraphs:
            self.say(plain(paragraph).rstrip("\n"))
            self.say("")
        hud = hud_line(self.engine, view)
        if hud:
            self.say(f"[{hud}]")
        if view.poll is not None and view.poll.answer is None:
            self.ask_poll(view)
        if view.continues:
            self.say("(Press Enter to continue.)")
        for choice in view.choices:
            if choice.locked is None:
                self.say(f"{choice.number}. {plain(choice.text)}")
            else:
                gaps = f" ({'; '.join(choice.gaps)})" if choice.gaps else ""
                self.say(f"{choice.number}. [locked] {plain(choice.text)} — {choice.locked}{gaps}")

    def ask_poll(self, view: View) -> None:
        """Ask the scene's poll once; Enter (or end of input) skips it."""
        poll = view.poll
        assert poll is not None
        self.say(f"Poll: {poll.question}")
        for number, option in enumerate(poll.options, 1):
            self.say(f"  {number}. {option}")
        while True:
            self.out.write(f"Your answer (1 to {len(poll.options)}; Enter to skip): ")
            self.out.flush()
            line = self.inp.readline()
            if line and not (hasattr(self.inp, "isatty") and self.inp.isatty()):
                self.say(line.rstrip("\n"))  # echo piped input so transcripts read in order
            answer = line.strip()
            if not answer:
                self.say("(Skipped.)")
                return
            number = choice_number(answer)
            if number is not None and 1 <= number <= len(poll.options):
                self.engine.answer_poll(number - 1)
                self.say("Answer noted. It has no effect on your score.")
                return
            self.say(f"Type a number from 1 to {len(poll.options)}, or press Enter to skip.")

    def ask(self, view: View) -> list[ev.Event] | None:
        """Read commands until one moves the story; None means quit."""
        engine = self.engine
        while True:
            self.out.write("> ")
            self.out.flush()
            line = self.inp.readline()
            if not line:
                self.say("")
                self._autosave()
                self.say("End of input: your game is saved. Bye.")
                return None
            if not (hasattr(self.inp, "isatty") and self.inp.isatty()):
                self.say(line.rstrip("\n"))  # echo piped input so transcripts read in order
            command = line.strip().lower()
            try:
                if command == "" and view.continues:
                    return self._moved(engine.proceed())
                # "1" continues too, as in the terminal player, so the same keys (and a
                # piped list of numbers) work on every page.
                if command in ("c", "continue", "1") and view.continues:
                    return self._moved(engine.proceed())
                number = choice_number(command)
                if number is not None:
                    if view.continues:
                        self.say("This scene goes on by itself: press Enter (or 1).")
                        continue
                    return self._moved(engine.choose(number))
                if command == "u":  # one decision, past any Continue pages (as the terminal)
                    engine.undo_decision()
                    self._autosave()
                    where = "your last decision" if engine.step else "the start"
                    self.say(f"Undone: you are back at {where}.")
                    return []
                if command == "r":
                    self.say("Your record (what the system lets you see):")
                    lines = record_lines(engine)
                    for entry in lines or ["nothing recorded yet"]:
                        self.say(f"  {entry}")
                    continue
                if command == "s" or command.startswith("s "):
                    slot = command[2:].strip() or "manual"
                    if self.store and self.store.save(engine, slot):
                        self.say(f"Saved to slot '{slot}'.")
                    self._warnings()
                    continue
                if command == "h" or command == "?":
                    self.say(HELP)
                    continue
                if command == "q":
                    self._autosave()
                    self.say("Your game is saved. Bye.")
                    return None
            except StoryRuntimeError as exc:
                # The engine took the step back: the story is broken there, the game is not.
                self.say(f"The story has an error here: {exc}")
                self.say("Nothing happened; choose again, or q to quit.")
                continue
            except (ChoiceError, SaveError) as exc:
                self.say(f"{exc}")
                continue
            count = len(view.choices)
            hint = "press Enter" if view.continues else f"type a number from 1 to {count}"
            self.say(f"I did not understand that: {hint}, or h for help.")

    def after_ending(self) -> bool:
        """What the terminal's debrief offers: go back to a decision, or play again.

        True when the story goes on; False to stop (q, or the end of input).
        """
        engine = self.engine
        picks = decisions(replay(engine))
        self.say("")
        self.say("What next? b: go back to a decision, a: play again, q: quit."
                 if picks else "What next? a: play again, q: quit.")
        while True:
            line = self._read("> ")
            if line is None or line in ("q", "quit"):
                return False
            if line == "a":
                engine.restart()
                self._autosave()
                self.say("From the beginning.")
                return True
            if line == "b" and picks:
                for number, pick in enumerate(picks, 1):
                    self.say(f"  {number}. Step {pick.step}: {plain(pick.text or 'Continue')}")
                answer = self._read(f"Go back to which decision (1 to {len(picks)}; "
                                    "Enter to stay)? ")
                number = choice_number(answer or "")
                if number is not None and 1 <= number <= len(picks):
                    pick = picks[number - 1]
                    engine.rewind(pick.step - 1)
                    self._autosave()
                    self.say(f"Back to before step {pick.step}: choose again.")
                    return True
                self.say("Staying at the end.")
                continue
            self.say("Type b, a or q." if picks else "Type a or q.")

    def _read(self, prompt: str) -> str | None:
        """One line of input, stripped and lowercased (echoed when piped); None at its end."""
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.say("")
            return None
        if not (hasattr(self.inp, "isatty") and self.inp.isatty()):
            self.say(line.rstrip("\n"))
        return line.strip().lower()

    def _moved(self, events: list[ev.Event]) -> list[ev.Event]:
        self._autosave()
        return events

    def _autosave(self) -> None:
        if self.store is not None:
            self.store.save(self.engine)
            self._warnings()

    def _warnings(self) -> None:
        if self.store is not None:
            for warning in self.store.warnings:
                self.say(f"Warning: {warning}")
            self.store.warnings.clear()


def play_plain(engine: Engine, store: SaveStore | None, inp: TextIO, out: TextIO,
               resumed: str | None = None) -> int:
    """Run the plain player; a story runtime error is one line, exit 2."""
    player = PlainPlayer(engine, store, inp, out)
    try:
        return player.run(engine.opening, resumed)
    except StandingError as exc:
        player.say(f"error: {exc}")
        return 2
