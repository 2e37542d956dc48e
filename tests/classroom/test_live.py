"""The dashboard's numbers: the class folder re-read as it changes, with the report's reader."""

from __future__ import annotations

from class_helpers import lesson, play_session
from game.classroom import live
from game.classroom.live import ClassWatch, class_choices, live_numbers
from game.classroom.sessions import read_class


def test_only_changed_files_are_parsed_again(folder, monkeypatch) -> None:
    play_session(folder, "amber-otter")
    play_session(folder, "bold-crane", street=None)
    parsed: list[str] = []
    real = live.read_session

    def counting(path):
        parsed.append(path.name)
        return real(path)

    monkeypatch.setattr(live, "read_session", counting)
    watch = ClassWatch(folder)
    first = watch.read()
    assert sorted(parsed) == ["amber-otter.jsonl", "bold-crane.jsonl"]
    parsed.clear()
    assert watch.read() == first and parsed == []
    with (folder / "bold-crane.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"seq": 99, "type": "undo", "to": 1}\n')
    play_session(folder, "calm-deer")
    again = watch.read()
    assert sorted(parsed) == ["bold-crane.jsonl", "calm-deer.jsonl"]
    assert len(again.sessions) == 3
    (folder / "calm-deer.jsonl").unlink()
    assert len(watch.read().sessions) == 2


def test_the_watch_reads_what_the_report_reads(folder) -> None:
    play_session(folder, "amber-otter")
    (folder / "broken.jsonl").write_text('{"seq": 0, "type": "joined"\n', encoding="utf-8")
    assert ClassWatch(folder).read() == read_class(folder)
    assert ClassWatch(folder / "missing").read().sessions == ()


def test_players_at_each_chapter_and_at_an_ending(folder) -> None:
    play_session(folder, "amber-otter")  # ended
    play_session(folder, "bold-crane", street=None)  # in Tuesday
    play_session(folder, "calm-deer", bill=None)  # still in Monday
    play_session(folder, "dusty-eagle", bill=None)
    numbers = live_numbers(read_class(folder), lesson(), "lesson")
    assert [(c.number, c.title, c.players) for c in numbers.chapters] == [
        (1, "Monday", 2), (2, "Tuesday", 1)]
    assert (numbers.playing, numbers.finished) == (3, 1)
    report = numbers.report
    bill = next(d for d in report.decisions if d.scene == "bill")
    assert {o.key: o.count for o in bill.options} == {"late": 2, "borrow": 0}
    assert report.hidden(2) and not live_numbers(
        read_class(folder), lesson(), "lesson", show_small=True).report.hidden(2)


def test_the_reveal_hides_counts_under_three(folder) -> None:
    for name in ("amber-otter", "bold-crane", "calm-deer"):
        play_session(folder, name)
    play_session(folder, "dusty-eagle", bill="borrow", street="help")
    split = class_choices(read_class(folder), lesson())
    prompt, n, options = split["bill"]
    assert n == 4 and options == (("late", "Pay it late", 3),
                                  ("borrow", "Borrow to pay it on time", None))
    shown = class_choices(read_class(folder), lesson(), show_small=True)
    assert shown["street"][2] == (("cross", "Cross anyway", 3),
                                  ("help", "Help the old man with his shopping", 1),
                                  ("wait", "Wait", 0))
