"""Every README shell example of server mode runs, as written, against a real server.

A ```bash block is a server example when it starts ``moto-glue-jobruns-server`` or talks
to ``127.0.0.1:5000``. Each runs on its own: the server it starts (its own options, on a
free port instead of 5000), else ``moto-glue-jobruns-server --demo``, since the README's
examples assume the demo is running. Install lines (venv, ``pip install``) are what tox
has already done and are left out; every other line runs in one ``bash -euo pipefail``,
so each command must succeed (``curl`` with ``--fail-with-body``), and a ``# -> TEXT``
line must match what the command before it printed (``...`` stands for anything).
Blocks that run ``aws`` need the AWS CLI and carry the ``awscli`` marker; the others
carry ``server``. ``nightly-runs.json``, which the replay example reads, is the AWS CLI
output fixture of ``cli_output.py``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_output import get_job_runs_output
from conftest import aws_executable
from console import console_server, free_port

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
_SERVER = "moto-glue-jobruns-server"
_ADDRESS = "127.0.0.1:5000"
_INSTALL = ("python3 -m venv ", "pip install ", ". .venv/bin/activate")
_MARK = "@@readme-command@@"


@dataclass
class Example:
    """One README block: the server it starts and the commands it runs after."""

    server_args: list[str] = field(default_factory=lambda: ["--demo"])
    commands: list[str] = field(default_factory=list)
    expected: dict[int, str] = field(default_factory=dict)  # command index -> `# -> ` text

    @property
    def uses_aws(self) -> bool:
        return any(re.search(r"(^|\$\(|\s)aws\s", command) for command in self.commands)


def parse(block: str) -> Example:
    example = Example()
    lines = block.replace("\\\n", " ").splitlines()
    for line in (line.strip() for line in lines):
        if line.startswith("# -> "):
            assert example.commands, "an expected output follows a command"
            example.expected[len(example.commands) - 1] = line.removeprefix("# -> ")
        elif not line or line.startswith("#") or line.startswith(_INSTALL):
            continue
        elif line.startswith(_SERVER):
            assert not example.commands, "the server starts before the commands that use it"
            words = shlex.split(line, comments=True)[1:]
            example.server_args = [word for word in words if word != "&"]
        else:
            example.commands.append(line)
    return example


def readme_examples() -> list[pytest.ParameterSet]:
    text = README.read_text(encoding="utf-8")
    params = []
    for match in _BLOCK.finditer(text):
        code = [line for line in match.group(1).splitlines() if not line.lstrip().startswith("#")]
        if not any(line.startswith(_SERVER) or _ADDRESS in line for line in code):
            continue
        example = parse(match.group(1))
        heading = re.sub(r"\W+", "-", _HEADING.findall(text, 0, match.start())[-1]).strip("-").lower()
        line = text.count("\n", 0, match.start()) + 1
        marks = [pytest.mark.awscli] if example.uses_aws else [pytest.mark.server]
        params.append(pytest.param(example, id=f"{heading}-line{line}", marks=marks))
    return params


def test_readme_server__examples_found() -> None:
    examples = [param.values[0] for param in readme_examples()]
    assert len(examples) >= 5
    assert all(isinstance(example, Example) and example.commands for example in examples)


def _script(example: Example, port: int) -> str:
    lines = [
        'curl() { command curl --fail-with-body --silent --show-error "$@"; echo; }',
        'aws() { "$README_AWS" "$@"; }',
    ]
    for index, command in enumerate(example.commands):
        lines += [f"echo {_MARK}{index}", command.replace(_ADDRESS, f"127.0.0.1:{port}")]
    return "\n".join(lines) + "\n"


def _environment(home: Path) -> dict[str, str]:
    """The caller's environment without AWS settings: the example must give its own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(home / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        AWS_PAGER="",
        README_AWS=aws_executable() or "aws",
    )
    return env


def _outputs(stdout: str) -> dict[int, str]:
    parts = re.split(rf"^{_MARK}(\d+)\n", stdout, flags=re.MULTILINE)
    return {int(index): output for index, output in zip(parts[1::2], parts[2::2], strict=True)}


def _matches(expected: str, output: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in re.sub(r"\s+", "", expected).split("..."))
    return re.fullmatch(pattern, re.sub(r"\s+", "", output)) is not None


@pytest.mark.parametrize("example", readme_examples())
def test_readme_server__example_runs(example: Example, tmp_path: Path) -> None:
    (tmp_path / "nightly-runs.json").write_text(json.dumps(get_job_runs_output(), indent=4))
    port = free_port()
    with console_server(*example.server_args, port=port, cwd=tmp_path):
        completed = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _script(example, port)],
            cwd=tmp_path,
            env=_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
        )
    outputs = _outputs(completed.stdout)
    failed = max(outputs, default=0)
    assert completed.returncode == 0, f"{example.commands[failed]}\n{outputs.get(failed)}\n{completed.stderr}"
    assert sorted(outputs) == list(range(len(example.commands)))
    for index, expected in example.expected.items():
        assert _matches(expected, outputs[index]), (example.commands[index], expected, outputs[index])
