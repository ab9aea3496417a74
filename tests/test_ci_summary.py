""".ci/summary.py: what CI's closing summary says about tox's --result-json, and when it fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "summary.py"
RUNNING = (3, 11)


def _summary() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_summary", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ran(pytest_line: str | None, success: bool = True) -> dict[str, Any]:
    """A tox env result; ``pytest_line`` is pytest's closing line, None for an env without pytest."""
    command = ["pytest", "-n", "2"] if pytest_line is not None else ["ruff", "check"]
    output = f"collected\n{'=' * 10} {pytest_line} in 12.34s (0:00:12) {'=' * 10}\n" if pytest_line else ""
    return {
        "result": {"success": success, "exit_code": 0 if success else 1, "skipped": False},
        "test": [{"command": command, "output": output, "retcode": 0 if success else 1}],
    }


SKIPPED = {"result": {"success": True, "exit_code": 0, "skipped": True}}


def judge(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    envs: dict[str, Any],
    expected: list[str] | None = None,
) -> tuple[int, list[str]]:
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"testenvs": envs}), encoding="utf-8")
    code = _summary().main(str(path), expected, running=RUNNING)
    return code, capsys.readouterr().out.splitlines()


def test_summary__env_of_a_missing_python_is_named_not_run(tmp_path: Path, capsys: Any) -> None:
    code, lines = judge(
        tmp_path,
        capsys,
        {
            "py311-motolatest": ran("400 passed, 2 deselected"),
            "py310-moto500": SKIPPED,
            "py312-motolatest": SKIPPED,
            "lint": ran(None),
            "py313-moto51": {},  # in tox's config, not asked for
        },
        expected=["py311-motolatest", "py310-moto500", "py312-motolatest", "lint"],
    )
    assert code == 0
    assert lines == [
        "lint: ok",
        "py310-moto500: not run (no Python 3.10 on this machine)",
        "py311-motolatest: 400 passed, 0 failed, 0 errors, 0 skipped",
        "py312-motolatest: not run (no Python 3.12 on this machine)",
        "400 passed, 0 failed",
    ]


@pytest.mark.parametrize(
    ("name", "env"),
    [
        ("py311-motolatest", SKIPPED),  # the running Python's env must run
        ("mypy", SKIPPED),  # an env without a Python factor runs on the running Python
        ("py311-motolatest", ran("no tests ran")),
        ("plain", ran("3 passed, 1 failed")),
        ("plain", ran("3 passed, 1 error")),
        ("awscli", ran("9 passed, 1 skipped")),
        ("plain", ran("3 passed", success=False)),
        ("lint", ran(None, success=False)),
    ],
)
def test_summary__fails_when_what_must_pass_did_not(
    tmp_path: Path, capsys: Any, name: str, env: dict[str, Any]
) -> None:
    code, lines = judge(tmp_path, capsys, {"py310-moto500": ran("5 passed"), name: env})
    assert code == 1
    assert lines[-1].endswith(" failed")


def test_summary__counts_every_test_env_in_the_closing_line(tmp_path: Path, capsys: Any) -> None:
    code, lines = judge(
        tmp_path,
        capsys,
        {"awscli": ran("9 passed"), "plain": ran("200 passed, 1 failed, 2 errors, 7 deselected")},
    )
    assert code == 1
    assert lines[-1] == "209 passed, 3 failed"


def test_summary__no_env_at_all_fails(tmp_path: Path, capsys: Any) -> None:
    code, lines = judge(tmp_path, capsys, {})
    assert (code, lines) == (1, ["tox ran no env", "0 passed, 0 failed"])


def test_summary__an_env_asked_for_that_reported_nothing_fails(tmp_path: Path, capsys: Any) -> None:
    code, lines = judge(tmp_path, capsys, {"lint": ran(None), "mypy": {}}, expected=["lint", "mypy"])
    assert code == 1
    assert lines[0] == "mypy: reported no result  <-- not acceptable"
