"""``moto-glue-jobruns-server`` in a process of its own, on a free 127.0.0.1 port."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = "moto_glue_jobruns.server"  # the console script's module, runnable with -m


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def console_server(
    *args: str, port: int | None = None, cwd: Path | None = None, module: str = SCRIPT
) -> Iterator[str]:
    """Start ``python -m module`` with ``args`` (and ``--port``), return its URL the moment
    its port accepts a connection, and stop it afterwards."""
    port = free_port() if port is None else port
    with tempfile.TemporaryFile("w+") as log:  # a pipe nobody reads could fill and block it
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args, "--port", str(port)],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while not port_is_open(port):
                if process.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"the server exited with {process.returncode}: {log.read()}")
                if time.monotonic() > deadline:
                    pytest.fail("the server did not open its port within 120 s")
                time.sleep(0.01)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def run_console(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the script to its end (``--help``, refused options), never opening a port."""
    command = [sys.executable, "-m", SCRIPT, *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
