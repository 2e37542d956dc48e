"""A stand-in for a player process under class serve, for the server's tests.

Run as ``python fake_player.py LOG MODE``. It announces itself as textual-serve
expects, appends ``start PID COLUMNS ROWS`` to LOG, then:

- ``MODE=polite``: reads its input packets, appends each meta message to LOG,
  and quits when told to.
- ``MODE=stuck``: as a player whose browser is gone and that hangs: ignores
  SIGTERM, never reads its input, starts a child of its own (``child PID`` in
  LOG), and writes screen output for ever.
- ``MODE=crash``: writes a traceback to its error output and exits with status 1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time


def note(log: str, line: str) -> None:
    with open(log, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def main(log: str, mode: str) -> None:
    out = sys.stdout.buffer
    out.write(b"__GANGLION__\n")
    out.flush()
    note(log, f"start {os.getpid()} {os.environ.get('COLUMNS')} {os.environ.get('ROWS')}")
    if mode == "stuck":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        note(log, f"child {child.pid}")
        screen = packet(b"D", b"x" * 60000)
        while True:
            out.write(screen)
            out.flush()
            time.sleep(0.001)
    if mode == "crash":
        out.write(packet(b"D", b"hello"))
        out.flush()
        sys.stderr.write("Traceback (most recent call last):\n  File \"x\", line 1\n"
                         "ZeroDivisionError: division by zero\n")
        sys.exit(1)
    out.write(packet(b"D", b"ready"))
    out.flush()
    stdin = sys.stdin.buffer
    while head := stdin.read(5):
        payload = stdin.read(int.from_bytes(head[1:5], "big"))
        if head[:1] == b"M":
            meta = json.loads(payload)
            note(log, "meta " + json.dumps(meta, sort_keys=True))
            if meta.get("type") == "quit":
                return


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
