"""Command-line parsing only: each command calls one function.

User mistakes (bad stories, locked choices, damaged saves) print one line and
exit 2; anything else is our bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import os
import re
import secrets
import sys
from pathlib import Path
from typing import NoReturn

from game import __version__
from game.errors import StandingError, StoryErrors

DESCRIPTION = "Standing: interactive fiction about scoring societies."


# Words people type for a command, from other tools: what to suggest instead.
SYNONYMS = {
    "lint": "check", "validate": "check", "verify": "check", "compile": "check",
    "start": "play", "open": "play", "convert": "import", "twee": "import",
    "init": "new", "create": "new", "playtest": "test", "ls": "list", "stories": "list",
    "serve": "class serve", "dashboard": "class dashboard",
}


PATH_ERRORS = frozenset({errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM,
                         errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR, errno.EISDIR,
                         errno.ENOENT})
"""What the system says of a path it will not use: the user's to fix, never a traceback."""


HIDDEN = frozenset({"student"})
"""Commands run by other commands, not offered to people."""


def program_name(argv0: str | None = None) -> str:
    """How the user started us: ``standing``, or ``python -m game``."""
    path = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    if path.name in ("__main__.py", "-m", "-c", ""):
        return "python -m game"
    return path.stem if path.suffix.lower() == ".exe" else path.name


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for an unknown command."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            word = match.group(1)
            choices = [c for c in re.findall(r"[\w-]+", match.group(2)) if c not in HIDDEN]
            message = f"'{word}' is not a command" + _did_you_mean(word, choices)
        super().error(message)


def _did_you_mean(word: str, choices: list[str]) -> str:
    wanted = SYNONYMS.get(word.lower())
    if wanted is not None and wanted.split()[0] in choices:
        extra = " (check --strict also fails on warnings)" if word.lower() == "lint" else ""
        return f"; did you mean `{wanted}`?{extra}"
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean `{close[0]}`?"
    return "; the commands are: " + ", ".join(choices)


def build_parser(prog: str = "standing") -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(prog=prog, description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"standing {__version__}")
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
    run.add_argument("--seed", type=seed_number, default=0)
    run.add_argument("--json", action="store_true", help="print one JSON object")

    play = sub.add_parser("play", help="play a story")
    play.add_argument("story", metavar="STORY")
    play.add_argument("--plain", action="store_true", dest="play_plain")
    play.add_argument("--seed", type=seed_number, default=None)
    play.add_argument("--new", action="store_true", help="start over, ignoring the autosave")
    play.add_argument("--watch", action="store_true",
                      help="reload the story when its files are saved (for authors)")
    play.add_argument("--slot", default=None, help="load this save slot")
    play.add_argument("--class", dest="class_code", metavar="CODE", default=None,
                      help="play as part of a class: record this session under a codename")
    play.add_argument("--records", type=Path, metavar="DIR", default=None,
                      help="keep class records in DIR/CODE (e.g. a shared drive) instead of "
                           "the user data folder")

    whatif = sub.add_parser("whatif", help="replay a path under each of the story's variants")
    whatif.add_argument("story", metavar="STORY")
    source = whatif.add_mutually_exclusive_group(required=True)
    source.add_argument("--choices", default=None,
                        help="the path: choice numbers or ids, e.g. 1,2,1 or cross,train")
    source.add_argument("--slot", default=None, metavar="NAME",
                        help="the path of this save slot (autosave: the game in progress)")
    whatif.add_argument("--variant", default=None, metavar="ID",
                        help="only this variant (beside the story as written)")
    whatif.add_argument("--seed", type=seed_number, default=None,
                        help="the seed (default: the save's, or 0)")
    whatif.add_argument("--json", action="store_true", help="print one JSON object")
    whatif.add_argument("--ids", action="store_true",
                        help="show each choice's, scene's and variant's id beside its words "
                             "(for authors)")

    classes = sub.add_parser("class", help="classroom: serve a class, its dashboard, its records")
    class_sub = classes.add_subparsers(dest="class_command", metavar="ACTION", required=True)
    wipe = class_sub.add_parser("wipe", help="delete every record of a class")
    wipe.add_argument("code", metavar="CODE")
    wipe.add_argument("--records", type=Path, metavar="DIR", default=None,
                      help="the folder given to play --records")
    wipe.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention = class_sub.add_parser(
        "retention", help="set and apply how many days a class's records are kept "
                          "(deletes older records, saying which)")
    retention.add_argument("code", metavar="CODE")
    retention.add_argument("days", type=int, nargs="?", default=None, metavar="DAYS",
                           help="days after a session's last line, 0 to 3650 (0: keep until wiped)")
    retention.add_argument("--days", dest="days_option", type=int, default=None, metavar="N",
                           help="the same as DAYS")
    retention.add_argument("--records", type=Path, metavar="DIR", default=None,
                           help="the folder given to play --records")
    serve = class_sub.add_parser(
        "serve", help="serve a story to the classroom's browsers from this computer")
    serve.add_argument("story", metavar="STORY")
    serve.add_argument("--class", dest="class_code", metavar="CODE", default=None,
                       help="the class code naming the records folder (default: the story's id)")
    serve.add_argument("--records", type=Path, metavar="DIR", default=None,
                       help="keep the class folder in DIR instead of the user data folder")
    serve.add_argument("--host", default=None,
                       help="the address to listen on (default: this computer's LAN address)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="the address browsers are told to use (default: http://HOST:PORT)")
    serve.add_argument("--seats", type=int, default=40, metavar="N",
                       help="at most N students play at once (default: 40); the next browser "
                            "is told the class is full")
    serve.add_argument("--terminal", action="store_true",
                       help="serve the terminal player in each browser (textual-serve, one "
                            "process per student) instead of the web page")
    dashboard = class_sub.add_parser(
        "dashboard", help="the live class: who is where, the splits so far, pacing, reveal")
    dashboard.add_argument("code", metavar="CODE")
    dashboard.add_argument("--records", type=Path, metavar="DIR", default=None,
                           help="the folder given to class serve --records")
    dashboard.add_argument("--story", default=None, metavar="STORY",
                           help="the story played (default: the one being served)")
    # One browser's player, run by `class serve` (not listed in the help).
    student = class_sub.add_parser("student")
    student.add_argument("story", type=Path)
    student.add_argument("--class", dest="class_code", required=True)
    student.add_argument("--records", type=Path, default=None)

    report = sub.add_parser("report", help="write a class report from a class folder")
    report.add_argument("folder", type=Path, metavar="CLASS_DIR",
                        help="the class folder, or the class code for the default place")
    report.add_argument("--out", "-o", type=Path, required=True, metavar="FILE",
                        help="report.html, report.md or report.csv")
    report.add_argument("--story", default=None, metavar="STORY",
                        help="the story played (a path or id; default: found by its id)")
    report.add_argument("--per-player", action="store_true",
                        help="add a table with one row per codename")
    report.add_argument("--show-small", action="store_true",
                        help="show counts under 3 (hidden by default)")

    export = sub.add_parser("export", help="a folder that plays a story in any browser, "
                            "offline (Pyodide)")
    export.add_argument("story", metavar="STORY", help="a story name or path")
    export.add_argument("--out", "-o", type=Path, required=True, metavar="DIR",
                        help="the folder to write (new, empty, or an earlier export)")
    export.add_argument("--pyodide", type=Path, default=None, metavar="TGZ",
                        help="the pinned Pyodide tarball ('npm pack pyodide@VERSION'); "
                        "default: $STANDING_PYODIDE, then the user cache")
    export.add_argument("--download", action="store_true",
                        help="fetch the pinned Pyodide from the npm registry if not cached")

    sub.add_parser("list", help="list the available stories")

    test = sub.add_parser("test", help="play a story automatically: coverage, balance, errors")
    test.add_argument("story", metavar="STORY")
    test.add_argument("--runs", type=int, default=1000, help="random playthroughs per persona")
    test.add_argument("--seed", type=seed_number, default=0)
    test.add_argument("--persona", action="append", default=[], metavar="SPEC",
                      help="prefer choices by tag: comply, resist, or comply=3,report=2 "
                           "(repeatable; default: random)")
    test.add_argument("--exhaustive", action="store_true",
                      help="also explore every distinct state (small stories)")
    test.add_argument("--max-states", type=int, default=50_000,
                      help="stop exploring after this many states")
    test.add_argument("--max-steps", type=int, default=2_000,
                      help="stop a playthrough after this many steps")
    test.add_argument("--jobs", type=int, default=None,
                      help="processes for random runs (default: the machine's cores)")
    test.add_argument("--json", action="store_true", help="print one JSON object")
    test.add_argument("--words", action="store_true",
                      help="count the words of story text on each path: min/median/max, "
                           "reading minutes and the longest path")
    test.add_argument("--max-words", type=int, default=None, metavar="N",
                      help="fail when a path reads more than N words (implies --words)")

    city = sub.add_parser("city", help="scale a class's choices (or random ones) to a whole "
                                       "city: sampled lives, shares with 95 % intervals")
    city.add_argument("story", metavar="STORY")
    city.add_argument("--class", dest="class_dir", type=Path, default=None, metavar="DIR",
                      help="choose at each scene as this class folder's records did "
                           "(default: uniformly)")
    city.add_argument("--runs", type=int, default=100_000, metavar="N",
                      help="sampled lives (default: 100,000; at most 1,000,000)")
    city.add_argument("--seed", type=seed_number, default=0)
    city.add_argument("--variant", default=None, metavar="ID",
                      help="play the story under one of its variants")
    city.add_argument("--population", type=int, default=None, metavar="N",
                      help="scale to N people (default: the story's population:)")
    city.add_argument("--jobs", type=int, default=None,
                      help="processes (default: the machine's cores, up to 8; never more "
                           "than its cores); the result is the same")
    city.add_argument("--json", action="store_true", help="print one JSON object")
    city.add_argument("--out", "-o", type=Path, default=None, metavar="city.html|city.svg",
                      help="also draw the shares as a chart")

    graph = sub.add_parser("graph", help="draw a story's scenes and choices")
    graph.add_argument("story", metavar="STORY")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid")
    graph.add_argument("--output", "-o", type=Path, default=None, help="write it to this file")

    schema = sub.add_parser("schema", help="print the JSON Schema of the story format")
    schema.add_argument("--output", "-o", type=Path, default=None, help="write it to this file")
    schema.add_argument("--included", action="store_true",
                        help="the schema of a file named under include:")

    new = sub.add_parser("new", help="start a story from a commented template")
    new.add_argument("name", metavar="NAME", help="writes NAME.yaml in the current folder")
    new.add_argument("--folder", action="store_true",
                     help="a folder story: NAME/story.yaml and NAME/scenes.yaml")

    twee = sub.add_parser("import", help="convert a Twee 3 (Twine) file, or a folder of them, "
                                         "to a story")
    twee.add_argument("file", type=Path, metavar="FILE.twee|FOLDER")
    twee.add_argument("--output", "-o", type=Path, default=None,
                      help="where to write the story (default: FILE.yaml or FOLDER.yaml; "
                           "- for stdout)")
    twee.add_argument("--force", action="store_true", help="replace an existing output file")
    handouts = sub.add_parser(
        "handouts", help="print-ready handouts for a story or the unit (HTML, and PDF "
                         "when Chromium is installed)")
    handouts.add_argument("target", nargs="?", metavar="STORY|unit",
                          help="a story (path or id), or 'unit' for the unit (six lessons, or a "
                               "four-lesson short version)")
    handouts.add_argument("--out", "-o", type=Path, default=None, metavar="DIR",
                          help="the folder to write into")
    handouts.add_argument("--pdf", choices=("auto", "yes", "no"), default="auto",
                          help="also print A4 and US Letter PDFs with headless Chromium "
                               "(auto: when it is installed)")
    handouts.add_argument("--chromium", default=None, metavar="PROGRAM",
                          help="the Chromium (or Chrome) to print PDFs with")
    handouts.add_argument("--sync-guides", action="store_true",
                          help="rewrite the teacher guides' tables from docs/teachers/data")
    handouts.add_argument("--check", action="store_true",
                          help="with --sync-guides: exit 1 if a guide differs from its data")

    gamebook = sub.add_parser("gamebook", help="a paper gamebook of a story (numbered sections)")
    gamebook.add_argument("story", metavar="STORY")
    gamebook.add_argument("--out", "-o", type=Path, required=True, metavar="FILE.html")
    gamebook.add_argument("--seed", type=int, default=0, help="shuffles the section numbers")
    gamebook.add_argument("--pdf", choices=("auto", "yes", "no"), default="auto",
                          help="also print A4 and US Letter PDFs with headless Chromium")
    gamebook.add_argument("--chromium", default=None, metavar="PROGRAM")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``standing`` and ``python -m game``."""
    parser = build_parser(program_name())
    args = parser.parse_args(argv)
    args.prog = parser.prog
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
    except BrokenPipeError:
        # The reader went away (`standing play STORY | head`): stop quietly. Point
        # stdout at /dev/null so the interpreter's final flush cannot fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except OSError as exc:  # after BrokenPipeError, itself an OSError
        # A path the user named that the system refuses to use (too long, a loop of links,
        # no permission, a full or read-only disk) is bad input, not our bug: one line.
        if exc.filename is None or exc.errno not in PATH_ERRORS:
            raise
        from game.safetext import one_line

        name = one_line(os.fsdecode(exc.filename))
        name = name if len(name) <= 80 else name[:60] + "…" + name[-19:]
        print(f"error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2


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
    if args.command == "export":
        from game.export.build import run_export

        return run_export(resolve_story(args.story, args.stories), args.out, args.pyodide,
                          args.download, sys.stdout)
    if args.command == "whatif":
        from game.engine.saves import SaveStore, default_folder, read_save
        from game.errors import SaveError
        from game.headless import run_whatif
        from game.story.loader import load_story

        story = load_story(resolve_story(args.story, args.stories))
        saved = None
        if args.slot is not None:
            where = SaveStore(default_folder(), story).file(args.slot)
            try:
                saved = read_save(where)
            except (FileNotFoundError, NotADirectoryError):
                raise SaveError(f"--slot: no save '{args.slot}' for {story.id} "
                                f"(looked for {where})") from None
            if saved["story"] != story.id:
                raise SaveError(f"{where}: this save is for the story '{saved['story']}', "
                                f"not '{story.id}'")
        return run_whatif(story, args.choices, saved, args.seed, args.variant, args.json,
                          sys.stdout, ids=args.ids)
    if args.command == "schema":
        from game.authoring.schema import write_schema

        return write_schema(sys.stdout, args.output, args.included)
    if args.command == "new":
        from game.authoring.scaffold import new_story

        return new_story(args.name, sys.stdout, folder=args.folder, prog=args.prog)
    if args.command == "import":
        from game.authoring.twee import import_twee

        return import_twee(args.file, sys.stdout, args.output, args.force, prog=args.prog)
    if args.command == "test":
        from game.authoring.playtest import run_test

        return run_test(resolve_story(args.story, args.stories), args.story, sys.stdout,
                        runs=args.runs, seed=args.seed, personas=args.persona,
                        exhaustive=args.exhaustive, max_states=args.max_states,
                        max_steps=args.max_steps, as_json=args.json, jobs=args.jobs,
                        words=args.words, max_words=args.max_words, prog=args.prog)
    if args.command == "city":
        from game.classroom.city import run_city

        return run_city(resolve_story(args.story, args.stories), sys.stdout,
                        class_dir=args.class_dir, lives=args.runs, seed=args.seed,
                        variant=args.variant, population=args.population, jobs=args.jobs,
                        as_json=args.json, chart=args.out)
    if args.command == "graph":
        from game.authoring.graph import run_graph

        return run_graph(resolve_story(args.story, args.stories), sys.stdout, args.format,
                         args.output)
    if args.command == "list":
        from game.launch import list_stories

        return list_stories(folders(args.stories), sys.stdout)
    if args.command == "play":
        from game.launch import play

        path = resolve_story(args.story, args.stories)
        seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
        plain = wants_plain(args.plain or args.play_plain)
        return play(path, seed=seed, plain=plain, new=args.new, slot=args.slot,
                    class_code=args.class_code, records=args.records, watch=args.watch)
    if args.command == "class" and args.class_command in ("wipe", "retention"):
        from game.classroom.privacy import run_retention, run_wipe

        if args.class_command == "wipe":
            return run_wipe(args.code, args.records, args.yes, sys.stdin, sys.stdout)
        if args.days is not None and args.days_option is not None:
            from game.classroom.records import RecordError

            raise RecordError("class retention: give the days once, as DAYS or as --days N")
        days = args.days if args.days is not None else args.days_option
        return run_retention(args.code, args.records, days, sys.stdout)
    if args.command == "class" and args.class_command == "serve":
        from game.classroom.serve import run_serve
        from game.launch import serve_web

        return run_serve(resolve_story(args.story, args.stories), args.class_code, args.records,
                         args.host, args.port, args.public_url, sys.stdout, args.seats,
                         web=None if args.terminal else serve_web, prog=args.prog)
    if args.command == "class" and args.class_command == "dashboard":
        from game.launch import run_dashboard

        story = resolve_story(args.story, args.stories) if args.story else None
        return run_dashboard(args.code, args.records, story, folders(args.stories), args.prog)
    if args.command == "class" and args.class_command == "student":
        from game.launch import serve_student

        return serve_student(args.story, args.class_code, args.records)
    if args.command == "report":
        from game.classroom.render import run_report

        story = resolve_story(args.story, args.stories) if args.story else None
        return run_report(args.folder, args.out, folders(args.stories), story, sys.stdout,
                          show_small=args.show_small, per_player=args.per_player)
    if args.command == "handouts":
        from game.teaching.commands import run_handouts, run_sync

        load = story_loader(args.stories)
        if args.sync_guides:
            return run_sync(load, args.check, sys.stdout, args.prog)
        if args.target is None or args.out is None:
            raise StandingError("handouts needs STORY|unit and --out DIR "
                                "(or --sync-guides)")
        return run_handouts(args.target, args.out, load, args.pdf, args.chromium,
                            sys.stdout, sys.stderr)
    if args.command == "gamebook":
        from game.teaching.commands import run_gamebook

        return run_gamebook(story_loader(args.stories)(args.story), args.out, args.seed,
                            args.pdf, args.chromium, sys.stdout, sys.stderr)
    from game.launch import title

    seed = secrets.randbelow(2**31)
    return title(folders(args.stories), seed=seed, plain=wants_plain(args.plain))


def folders(extra: list[Path]) -> list[Path]:
    """The bundled stories folder plus any given with --stories."""
    from game.story.catalog import bundled_folder

    return [bundled_folder(), *extra]


def story_loader(extra: list[Path]):
    """A function loading a story by path or id (bundled, or in the given folders)."""
    from game.story.loader import load_story

    return lambda name: load_story(resolve_story(name, extra))


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


def seed_number(text: str) -> int:
    """A ``--seed``: a whole number that fits in 64 bits (what a save can hold)."""
    from game.engine.saves import SEED_RANGE

    try:
        value = int(text) if len(text) <= 30 else None
    except ValueError:
        value = None
    if value is None or value not in SEED_RANGE:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' is not a seed: give a whole number from {SEED_RANGE.start} "
            f"to {SEED_RANGE.stop - 1}")
    return value
