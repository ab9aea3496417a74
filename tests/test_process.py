"""Focused tests of the child-process runner behind script execution."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from moto_glue_jobruns import _process
from moto_glue_jobruns._process import ScriptProcess, kill_all, live_processes


class Lines:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, stream: str, line: str) -> None:
        with self.lock:
            self.seen.append((stream, line))


def start(code: str, sink: Lines | None = None) -> ScriptProcess:
    return ScriptProcess(
        [sys.executable, "-c", code], env=dict(os.environ), cwd=os.getcwd(), on_line=sink or Lines()
    )


def test_process__each_streams_lines_in_order_and_the_exception_line() -> None:
    sink = Lines()
    process = start("import sys\nprint('one')\nprint('two')\nraise ValueError('boom')", sink)
    assert process.wait(60) == 1
    assert [line for stream, line in sink.seen if stream == "output"] == ["one", "two"]
    errors = [line for stream, line in sink.seen if stream == "error"]
    assert errors[0] == "Traceback (most recent call last):" and errors[-1] == "ValueError: boom"
    assert process.error_message() == "ValueError: boom"


def test_process__a_line_is_handed_on_while_the_process_still_runs() -> None:
    sink = Lines()
    process = start("import sys, time\nprint('ready', flush=True)\ntime.sleep(60)", sink)
    try:
        deadline = time.monotonic() + 30
        while ("output", "ready") not in sink.seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ("output", "ready") in sink.seen
        assert process.returncode is None
    finally:
        process.kill()
    assert process.wait(10) is not None and process.killed


def test_process__a_flood_is_drained_but_only_a_bounded_part_handed_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_process, "MAX_LINES_PER_STREAM", 100)
    sink = Lines()
    process = start("for i in range(50000):\n    print(i)", sink)
    assert process.wait(60) == 0
    output = [line for stream, line in sink.seen if stream == "output"]
    assert output[:100] == [str(i) for i in range(100)]
    assert output[100:] == ["[moto-glue-jobruns: 49900 more lines were not kept]"]


def test_process__a_long_line_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_process, "MAX_LINE_CHARS", 10)
    sink = Lines()
    assert start("print('x' * 1000)", sink).wait(60) == 0
    assert sink.seen == [("output", "x" * 10)]


def test_process__kill_reaches_a_script_that_ignores_sigterm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_process, "KILL_GRACE_SECONDS", 0.2)
    sink = Lines()
    process = start(
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('armed', flush=True)\n"
        "time.sleep(120)",
        sink,
    )
    deadline = time.monotonic() + 30
    while ("output", "armed") not in sink.seen and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    assert process.wait(10) == -9


def test_process__kill_all_leaves_nothing_running() -> None:
    processes = [start("import time\ntime.sleep(120)") for _ in range(3)]
    assert set(processes) <= set(live_processes())
    kill_all()
    assert all(process.returncode is not None for process in processes)
    assert not set(processes) & set(live_processes())
