"""Read tox's --result-json and say, per env, what ran; fail unless everything that had to run passed.

One line per env: what pytest ran, "ok" for an env without tests, or "not run" for an env
whose Python this machine does not have (tox skipped it: allowed only for an env pinned to
another Python than the one running this script). Fails when an env failed, a test env
ran no test or had a failure or error, the ``awscli`` env skipped a test, or an env that
must always run (no Python factor, or this Python's) did not run. The last line is
``N passed, N failed`` for the whole run, so a run that ran nothing can never look green.

Usage: python .ci/summary.py RESULT_JSON [ENV,ENV,...]; with the list of the envs tox was
asked to run, each of them must have reported a result (tox lists every env its config
defines, with an empty entry for those it was not asked to run, which are left out).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

SUMMARY = re.compile(r"^=+ (?P<counts>.*?) in [\d.]+s(?: \([\d:]+\))? =+$", re.MULTILINE)
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)")
PYTHON_FACTOR = re.compile(r"^py(?P<major>\d)(?P<minor>\d+)$")


def pinned_python(name: str) -> tuple[int, int] | None:
    """The Python an env's name asks for (``py310-moto500`` -> (3, 10)), if any."""
    for factor in name.split("-"):
        match = PYTHON_FACTOR.match(factor)
        if match:
            return int(match["major"]), int(match["minor"])
    return None


def pytest_counts(env: dict[str, Any]) -> dict[str, int] | None:
    """What pytest's closing lines in the env's test commands count; None if none ran pytest."""
    commands = env.get("test", [])
    if not any("pytest" in " ".join(command.get("command", [])) for command in commands):
        return None
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    output = "\n".join(command.get("output", "") for command in commands)
    for match in SUMMARY.finditer(output):
        for number, kind in COUNT.findall(match["counts"]):
            key = "errors" if kind.startswith("error") else kind
            counts[key] = counts.get(key, 0) + int(number)
    return counts


def judge(name: str, env: dict[str, Any], running: tuple[int, int]) -> tuple[str, bool]:
    """The line to print for one env, and whether it is acceptable."""
    result = env.get("result", {})
    if result.get("skipped"):
        pinned = pinned_python(name)
        if pinned is not None and pinned != running:
            return f"{name}: not run (no Python {pinned[0]}.{pinned[1]} on this machine)", True
        return f"{name}: not run, but it must run on every machine", False
    counts = pytest_counts(env)
    succeeded = bool(result.get("success")) and result.get("exit_code", 0) == 0
    if counts is None:
        return f"{name}: {'ok' if succeeded else 'FAILED'}", succeeded
    bad = (
        not succeeded
        or counts["passed"] == 0
        or counts["failed"]
        or counts["errors"]
        # the awscli env exists to run the CLI tests: a skip there is a failure
        or (name == "awscli" and counts["skipped"])
    )
    line = (
        f"{name}: {counts['passed']} passed, {counts['failed']} failed, {counts['errors']} errors, "
        f"{counts['skipped']} skipped"
    )
    return line + ("  <-- not acceptable" if bad else ""), not bad


def main(path: str, expected: list[str] | None = None, running: tuple[int, int] | None = None) -> int:
    running = running or (sys.version_info.major, sys.version_info.minor)
    with open(path, encoding="utf-8") as handle:
        reported: dict[str, dict[str, Any]] = json.load(handle).get("testenvs", {})
    envs = {name: env for name, env in reported.items() if "result" in env}
    missing = sorted(set(expected or ()) - set(envs))
    totals = {"passed": 0, "failed": 0}
    ok = bool(envs) and not missing
    for name in missing:
        print(f"{name}: reported no result  <-- not acceptable")
    for name, env in sorted(envs.items()):
        line, acceptable = judge(name, env, running)
        ok = ok and acceptable
        print(line)
        counts = pytest_counts(env) if not env.get("result", {}).get("skipped") else None
        if counts is not None:
            totals["passed"] += counts["passed"]
            totals["failed"] += counts["failed"] + counts["errors"]
    if not envs and not missing:
        print("tox ran no env")
    print(f"{totals['passed']} passed, {totals['failed']} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2].split(",") if len(sys.argv) > 2 else None))
