"""Every ```python block in README.md is a test module that must pass: docs cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_plugin import QUIET

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
_TEST = re.compile(r"^def (test_\w+)\(", re.MULTILINE)


def readme_blocks() -> list[pytest.ParameterSet]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in _BLOCK.finditer(text):
        headings = _HEADING.findall(text, 0, match.start())
        section = re.sub(r"\W+", "-", headings[-1]).strip("-").lower() if headings else "top"
        source = match.group(1)
        # a script's run reaches the mock through a loopback server: the server extra
        marks = [pytest.mark.server] if "execute_job_scripts" in source else []
        line = text.count(chr(10), 0, match.start()) + 1
        blocks.append(pytest.param(source, id=f"{section}-line{line}", marks=marks))
    return blocks


def test_readme__has_examples() -> None:
    assert len(readme_blocks()) >= 8


@pytest.mark.usefixtures("stock_moto")  # each example must opt in by itself, as a reader's would
@pytest.mark.parametrize("source", readme_blocks())
def test_readme__example_passes(pytester: pytest.Pytester, source: str) -> None:
    tests = _TEST.findall(source)
    assert tests, "every README python example defines at least one test_ function"
    pytester.makepyfile(test_example=source)
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=len(tests))
