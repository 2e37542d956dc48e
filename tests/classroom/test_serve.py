"""class serve's parts: the students' command, the records watch, the port, the QR code."""

from __future__ import annotations

import io
import os
import shlex
import socket
import subprocess
import sys

import pytest

from class_helpers import LESSON
from game.classroom import serve
from game.classroom.pacing import read_pacing
from game.classroom.records import RecordError
from game.classroom.seat import Attempts, student_folder, write_resume_code
from game.classroom.serve import (
    RecordsWatch,
    port_problem,
    qr_text,
    records_problem,
    run_serve,
    student_command,
)


def test_the_student_command_runs_this_python_in_class_mode(tmp_path) -> None:
    story = tmp_path / "my stories" / "it's.yaml"
    command = student_command(story, "7b", tmp_path / "share")
    assert command.startswith("trap '' INT; exec ")  # the teacher's Ctrl+C is the server's
    args = shlex.split(command.removeprefix("trap '' INT; exec "))
    assert args[:5] == [sys.executable, "-m", "game", "class", "student"]
    assert args[5] == str(story.resolve())
    assert args[6:] == ["--class", "7b", "--records", str((tmp_path / "share").resolve())]
    assert "--records" not in student_command(story, "7b", None)


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell line (Windows has no SIGINT groups)")
def test_a_player_started_by_the_command_ignores_ctrl_c(tmp_path) -> None:
    # What the shell line does to a Python started under it, as textual-serve runs it.
    probe = tmp_path / "probe.py"
    probe.write_text("import signal, sys\n"
                     "sys.stdout.write(str(signal.getsignal(signal.SIGINT) is signal.SIG_IGN))\n")
    line = student_command(tmp_path / "s.yaml", "7b", None).split("exec ", 1)[0]
    done = subprocess.run(["/bin/sh", "-c", line + "exec " + shlex.join([sys.executable,
                                                                         str(probe)])],
                          capture_output=True, text=True, check=True)
    assert done.stdout == "True"


def test_records_problem_is_none_for_a_writable_folder_and_leaves_nothing(folder) -> None:
    assert records_problem(folder) is None
    assert list(folder.iterdir()) == []


def test_an_unwritable_or_full_folder_is_a_problem(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "records"
    blocker.write_text("", encoding="utf-8")
    assert records_problem(blocker / "7b")
    monkeypatch.setattr(serve, "LOW_SPACE", 1 << 62)
    assert "free on its disk" in records_problem(tmp_path)


def test_the_teacher_is_warned_once_and_told_when_it_is_fixed(tmp_path) -> None:
    target = tmp_path / "7b"
    target.write_text("", encoding="utf-8")  # a file where the folder should be
    out = io.StringIO()
    watch = RecordsWatch(target, out)
    assert watch.check() and watch.check()
    assert out.getvalue().count("Warning: cannot write class records") == 1
    assert "Students play on" in out.getvalue()
    target.unlink()
    assert watch.check() is None
    assert "can be written to" in out.getvalue().splitlines()[-1]


def test_a_port_in_use_is_reported() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_problem("127.0.0.1", port)
    assert port_problem("127.0.0.1", 0) is None


def test_serve_refuses_a_busy_port_with_one_line(monkeypatch) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(RecordError, match=f"cannot listen on 127.0.0.1:{port}.*--port"):
            run_serve(LESSON, "7b", None, "127.0.0.1", port, None, io.StringIO())


@pytest.mark.parametrize("port", [99_999, 65_536, -1, 0])
def test_a_port_outside_1_to_65535_is_one_line(capsys, port: int) -> None:
    """99999 and -1 crashed in bind() (OverflowError); 0 listened on a port nobody was told
    (students were given http://HOST:0)."""
    from game.cli import main

    assert main(["class", "serve", str(LESSON), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: --port {port}: give a port from 1 to 65535 (e.g. 8000)\n"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "192.168.4.2"])
def test_a_public_url_that_is_not_http_is_refused(url: str) -> None:
    """It was printed and drawn as the QR code every student scans."""
    with pytest.raises(RecordError, match="starting http:// or https://"):
        run_serve(LESSON, "7b", None, "127.0.0.1", 8000, url, io.StringIO())


def test_a_host_that_does_not_exist_is_not_told_to_try_another_port() -> None:
    problem = port_problem("no-such-host.invalid", 8000)
    assert problem and problem.startswith("cannot listen on no-such-host.invalid:8000 (")
    assert "--port" not in problem


def test_serve_refuses_a_bad_class_code() -> None:
    with pytest.raises(RecordError, match="cannot be a class code"):
        run_serve(LESSON, "7b ethics!", None, "127.0.0.1", 8000, None, io.StringIO())


def test_serve_prints_the_address_and_notes_the_story(tmp_path, monkeypatch) -> None:
    served: list = []

    class FakeServer:
        def serve(self) -> None:
            served.append(True)

    def fake_make_server(command, host, port, url, title, watch, seats, hosts):
        served.append((command, host, port, url, title, seats, hosts))
        return FakeServer()

    monkeypatch.setattr(serve, "make_server", fake_make_server)
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    out = io.StringIO()
    assert run_serve(LESSON, None, tmp_path, None, 8123, None, out) == 0
    text = out.getvalue()
    assert "Give the class this address:  http://192.168.4.2:8123" in text
    assert "python -m game class dashboard lesson --records" in text
    (command, host, port, url, title, seats, hosts), done = served
    assert (host, port, url, title) == ("192.168.4.2", 8123, "http://192.168.4.2:8123",
                                        "Standing: The Lesson")
    assert seats == 40 and hosts == ["192.168.4.2"]
    assert "Seats:      40 students at once" in text
    pacing = read_pacing(tmp_path / "lesson")
    assert pacing.story == "lesson" and pacing.story_path == str(LESSON.resolve())


def test_listening_everywhere_still_tells_browsers_the_lan_address(tmp_path, monkeypatch) -> None:
    seen: list = []
    monkeypatch.setattr(serve, "make_server", lambda *a: seen.append(a) or type(
        "S", (), {"serve": lambda self: None})())
    monkeypatch.setattr(serve, "lan_address", lambda: "10.0.0.9")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    run_serve(LESSON, "7b", tmp_path, "0.0.0.0", 8000, None, io.StringIO())
    assert seen[0][1:4] == ("0.0.0.0", 8000, "http://10.0.0.9:8000")


def test_the_qr_code_is_optional(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "segno", None)  # as if the extra were not installed
    assert qr_text("http://10.0.0.9:8000") is None


def test_serve_applies_retention_and_says_what_it_deleted(tmp_path, monkeypatch) -> None:
    import time

    from class_helpers import play_session

    class FakeServer:
        def serve(self) -> None:
            pass

    folder = tmp_path / "lesson"
    play_session(folder, "old-owl")
    (folder / "notes.jsonl").write_text("the teacher's own\n")
    old = time.time() - 40 * 86400
    for name in ("old-owl.jsonl", "notes.jsonl"):
        os.utime(folder / name, (old, old))
    monkeypatch.setattr(serve, "make_server", lambda *args: FakeServer())
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    out = io.StringIO()
    assert run_serve(LESSON, None, tmp_path, None, 8123, None, out) == 0
    assert (f"Deleted 1 session record older than 30 days from {folder}: old-owl.jsonl."
            in out.getvalue())
    assert (folder / "notes.jsonl").exists()


def test_serve_marks_a_new_class_folder(tmp_path, monkeypatch) -> None:
    from game.classroom.records import is_class_folder

    class FakeServer:
        def serve(self) -> None:
            pass

    monkeypatch.setattr(serve, "make_server", lambda *args: FakeServer())
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    run_serve(LESSON, "9c", tmp_path, None, 8123, None, io.StringIO())
    assert is_class_folder(tmp_path / "9c")


def fake_serving(monkeypatch) -> list:
    """Run run_serve without a server: what make_server was given is kept."""
    seen: list = []
    monkeypatch.setattr(serve, "make_server", lambda *a: seen.append(a) or type(
        "S", (), {"serve": lambda self: None})())
    monkeypatch.setattr(serve, "lan_address", lambda: "10.0.0.9")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    return seen


def test_the_seats_are_the_teachers_and_bounded(tmp_path, monkeypatch) -> None:
    seen = fake_serving(monkeypatch)
    run_serve(LESSON, "7b", tmp_path, None, 8000, None, io.StringIO(), seats=28)
    assert seen[0][6] == 28
    for wrong in (0, -3, serve.MAX_SEATS + 1):
        with pytest.raises(RecordError, match=f"--seats {wrong}: give the number of students"):
            run_serve(LESSON, "7b", tmp_path, None, 8000, None, io.StringIO(), seats=wrong)


def test_the_server_only_accepts_pages_of_its_own_addresses(tmp_path, monkeypatch) -> None:
    pytest.importorskip("textual_serve")
    from game.origins import origin_key

    server = serve.make_server("true", "0.0.0.0", 8000, "http://10.0.0.9:8000", "t", None, 5,
                               ["10.0.0.9"])
    assert server.seats == 5
    assert origin_key("http://10.0.0.9:8000") in server.origins
    assert origin_key("http://localhost:8000") in server.origins
    assert origin_key("http://0.0.0.0:8000") not in server.origins
    assert not server.origin_allowed(None) and not server.origin_allowed("http://evil.example")


def test_starting_gives_every_codename_its_attempts_back(tmp_path, monkeypatch) -> None:
    fake_serving(monkeypatch)
    attempts = Attempts(tmp_path / "7b")
    for _ in range(10):
        attempts.failed("amber-otter")
    assert attempts.wait("amber-otter") > 0
    run_serve(LESSON, "7b", tmp_path, None, 8000, None, io.StringIO())
    assert attempts.wait("amber-otter") == 0


def test_seats_with_an_old_resume_code_are_named_at_start(tmp_path, monkeypatch) -> None:
    fake_serving(monkeypatch)
    old = student_folder(tmp_path / "7b", "amber-otter")
    old.mkdir(parents=True)
    (old / "resume.json").write_text('{"format": "standing-resume", "salt": "ab", '
                                     '"sha256": "cd"}', encoding="utf-8")
    write_resume_code(student_folder(tmp_path / "7b", "bold-crane"), "K7PM-X3QA")
    out = io.StringIO()
    run_serve(LESSON, "7b", tmp_path, None, 8000, None, out)
    assert "1 student(s) of this class have a resume code from an older Standing" in \
        out.getvalue()


def test_the_command_line_refuses_a_bad_seat_count_with_one_line(capsys) -> None:
    from game.cli import main

    assert main(["class", "serve", str(LESSON), "--seats", "0", "--host", "127.0.0.1"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --seats 0: give the number of students, from 1 to 500\n"


@pytest.mark.parametrize(("argv0", "prog"), [
    ("/usr/local/bin/standing", "standing"), ("/x/game/__main__.py", "python -m game")])
def test_the_dashboard_command_is_printed_as_the_teacher_typed_it(
        tmp_path, monkeypatch, capsys, argv0: str, prog: str) -> None:
    """`standing class serve` printed "python -m game class dashboard ...": a teacher with
    only the console script could not run it. Every hint names the program as started."""
    from game import cli

    monkeypatch.setattr("sys.argv", [argv0])
    monkeypatch.setattr(serve, "make_server", lambda *a: type(
        "S", (), {"serve": lambda self: None})())
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    assert cli.main(["class", "serve", str(LESSON), "--class", "7b", "--records",
                     str(tmp_path), "--terminal"]) == 0
    out = capsys.readouterr().out
    assert f"{prog} class dashboard 7b --records {tmp_path}" in out
    other = "python -m game" if prog == "standing" else "standing "
    assert other not in out
    # The dashboard's own hint, for a class not served yet, names the program the same way.
    assert cli.main(["class", "dashboard", "9z", "--records", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"start `{prog} class serve STORY --class 9z --records {tmp_path}`" in err
    assert other not in err
