"""Read tox's --result-json and say, per env, what pytest ran; fail when a test env ran none.

Prints one ``N passed, N failed`` line for the whole run, so a run that ran no test, or
whose tests failed, can never look green.
"""

from __future__ import annotations

import json
import re
import sys

SUMMARY = re.compile(r"^=+ (?P<counts>.*?) in [\d.]+s(?: \([\d:]+\))? =+$", re.MULTILINE)
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)")


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        envs = json.load(handle)["testenvs"]
    totals = {"passed": 0, "failed": 0}
    ok = True
    for name, env in sorted(envs.items()):
        outputs = [command.get("output", "") for command in env.get("test", [])]
        ran_pytest = any("pytest" in " ".join(command.get("command", [])) for command in env.get("test", []))
        if not ran_pytest:
            continue
        counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
        for match in SUMMARY.finditer("\n".join(outputs)):
            for number, kind in COUNT.findall(match["counts"]):
                key = "errors" if kind.startswith("error") else kind
                counts[key] = counts.get(key, 0) + int(number)
        totals["passed"] += counts["passed"]
        totals["failed"] += counts["failed"] + counts["errors"]
        # the awscli env exists to run the CLI tests: a skip there is a failure
        bad = (
            counts["passed"] == 0
            or counts["failed"]
            or counts["errors"]
            or (name == "awscli" and counts["skipped"])
        )
        ok = ok and not bad
        print(
            f"{name}: {counts['passed']} passed, {counts['failed']} failed, {counts['errors']} errors, "
            f"{counts['skipped']} skipped{'  <-- not acceptable' if bad else ''}"
        )
    print(f"{totals['passed']} passed, {totals['failed']} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
