"""A job script running in a child process: its lines as they come, its end, and its kill.

Nothing here knows about Glue's lifecycle: the executor starts a ``ScriptProcess`` when a
run starts, reads ``returncode`` when the run is read, and kills it when the run is
stopped or times out. Every process still running is killed on moto's reset and when the
interpreter exits, so no script outlives the test that started it. What a process writes
is drained as it comes, whatever its volume; only a bounded part of it is handed on.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import threading
import weakref
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import IO

MAX_LINE_CHARS = 16 * 1024  # a longer line is cut there
MAX_LINES_PER_STREAM = 10_000  # lines handed on per stream; the rest are counted, not kept
ERROR_TAIL_LINES = 50  # the end of stderr kept for the run's ErrorMessage
KILL_GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL

LineSink = Callable[[str, str], None]  # (stream "output" or "error", line without newline)

_LIVE: weakref.WeakSet[ScriptProcess] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


class ScriptProcess:
    """One script run: started at construction, watched by two reader threads."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str,
        on_line: LineSink,
        on_exit: Callable[[int], None] | None = None,
    ) -> None:
        self._on_line = on_line
        self._on_exit = on_exit
        self.error_tail: deque[str] = deque(maxlen=ERROR_TAIL_LINES)
        self.dropped = {"output": 0, "error": 0}
        self.killed = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,  # its own process group: a kill reaches its children too
        )
        with _LIVE_LOCK:
            _LIVE.add(self)
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=("output", self._proc.stdout), daemon=True),
            threading.Thread(target=self._read, args=("error", self._proc.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        """The exit status once the process has ended and its output is all read, else None."""
        return self._proc.returncode if self._done.is_set() else None

    def wait(self, timeout: float | None = None) -> int | None:
        """Block until the process has ended and its output is read (or ``timeout`` passes)."""
        self._done.wait(timeout)
        return self.returncode

    def kill(self) -> None:
        """End the process and its children: SIGTERM, then SIGKILL after a grace period;
        returns once it has ended."""
        with self._lock:
            if self._proc.poll() is not None:
                return
            self.killed = True
            self._signal(signal.SIGTERM)
        try:
            self._proc.wait(KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self._proc.wait()
        self._done.wait(KILL_GRACE_SECONDS)  # its last output read: returncode shows now

    def _signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, number)

    def _read(self, stream: str, pipe: IO[bytes]) -> None:
        handed = 0
        with pipe:
            for raw in pipe:  # iterating a pipe reads whatever arrives, line by line
                line = raw.decode("utf-8", "replace").rstrip("\r\n")[:MAX_LINE_CHARS]
                if stream == "error":
                    self.error_tail.append(line)
                if handed < MAX_LINES_PER_STREAM:
                    handed += 1
                    self._on_line(stream, line)
                else:
                    self.dropped[stream] += 1

    def _wait(self) -> None:
        code = self._proc.wait()
        for reader in self._readers:
            reader.join()
        for stream, count in self.dropped.items():
            if count:
                self._on_line(stream, f"[moto-glue-jobruns: {count} more lines were not kept]")
        with _LIVE_LOCK:
            _LIVE.discard(self)
        if self._on_exit is not None:  # before returncode shows: it sees the exit first
            self._on_exit(code)
        self._done.set()

    def error_message(self) -> str | None:
        """The last non-blank line the script wrote to stderr (a traceback's exception line)."""
        for line in reversed(self.error_tail):
            if line.strip():
                return line.strip()
        return None


def kill_all() -> None:
    """Kill every script process still running (moto's reset, interpreter exit)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for process in live:
        process.kill()
    for process in live:
        process.wait(KILL_GRACE_SECONDS * 2)


def live_processes() -> list[ScriptProcess]:
    """The script processes not yet finished, for tests and diagnostics."""
    with _LIVE_LOCK:
        return [process for process in _LIVE if process.returncode is None]


atexit.register(kill_all)
