"""Command-line parsing only: each command calls one function.

User mistakes (bad stories, locked choices, damaged saves) print one line and
exit 2; anything else is our bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from game.errors import StandingError, StoryErrors

DESCRIPTION = "Standing: interactive fiction about scoring societies."


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="standing", description=DESCRIPTION)
    parser.add_argument("--stories", type=Path, action="append", default=[],
                        help="also list the stories in this folder (repeatable)")
    parser.add_argument("--plain", action="store_true",
                        help="line-mode player for screen readers, pipes and dumb terminals")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check story files for errors")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings")
    check.add_argument("--format", choices=("text", "json"), default="text")

    run = sub.add_parser("run", help="play a story headless with given choices")
    run.add_argument("story", metavar="STORY")
    run.add_argument("--choices", default="", help="choice numbers, e.g. 1,2,1")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--json", action="store_true", help="print one JSON object")

    play = sub.add_parser("play", help="play a story")
    play.add_argument("story", metavar="STORY")
    play.add_argument("--plain", action="store_true", dest="play_plain")
    play.add_argument("--seed", type=int, default=None)
    play.add_argument("--new", action="store_true", help="start over, ignoring the autosave")
    play.add_argument("--slot", default=None, help="load this save slot")

    sub.add_parser("list", help="list the available stories")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``standing`` and ``python -m game``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return dispatch(args)
    except StoryErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        count = len(exc.errors)
        print(f"{count} error{'s' * (count != 1)}", file=sys.stderr)
        return 2
    except StandingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def wants_plain(flag: bool) -> bool:
    """Plain mode when asked, or when the terminal cannot run a full-screen app."""
    return (
        flag
        or not sys.stdin.isatty()
        or not sys.stdout.isatty()
        or os.environ.get("TERM") == "dumb"
    )


def dispatch(args: argparse.Namespace) -> int:
    """Call the one function behind a command."""
    if args.command == "check":
        from game.authoring.check import run_check

        return run_check(args.paths, sys.stdout, args.format, args.strict)
    if args.command == "run":
        from game.engine.engine import Engine
        from game.headless import parse_choices, run
        from game.story.loader import load_story

        numbers = parse_choices(args.choices)
        story = load_story(resolve_story(args.story, args.stories))
        return run(Engine(story, seed=args.seed), numbers, sys.stdout, args.json)
    if args.command == "list":
        from game.launch import list_stories

        return list_stories(folders(args.stories), sys.stdout)
    if args.command == "play":
        from game.launch import play

        path = resolve_story(args.story, args.stories)
        seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
        plain = wants_plain(args.plain or args.play_plain)
        return play(path, seed=seed, plain=plain, new=args.new, slot=args.slot)
    from game.launch import title

    seed = secrets.randbelow(2**31)
    return title(folders(args.stories), seed=seed, plain=wants_plain(args.plain))


def folders(extra: list[Path]) -> list[Path]:
    """The bundled stories folder plus any given with --stories."""
    from game.story.catalog import bundled_folder

    return [bundled_folder(), *extra]


def resolve_story(name: str, extra: list[Path]) -> Path:
    """A story path, or the id of a story in the bundled (or given) folders."""
    path = Path(name)
    if path.exists():
        return path
    from game.story.catalog import find_stories

    for folder in folders(extra):
        for candidate in find_stories(folder):
            stem = candidate.name if candidate.is_dir() else candidate.stem
            if stem == name:
                return candidate
    return path  # the loader reports it missing, with its name
