"""`linkwork score -`: one JSON request on stdin, one JSON answer on stdout.

Kept free of Django so scoring can be scripted and tested without a project or database.
Exit codes: 0 scored, 2 invalid input (the JSON body says what and where).
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from linkwork.outcomes.errors import ScoreError
from linkwork.outcomes.scoring import score

USAGE = """usage: linkwork score -

Reads one JSON object from standard input and prints one JSON object, for example:
  echo '{"instrument": "eq5d5l", "responses": {"state": "12345"}}' | linkwork score -

Request keys: "instrument", "responses", plus context where it applies
("method", "sex", "age" for eq5d5l; "cutoff" for ucla3).
"""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A repeated key would silently keep the last answer; refuse it instead."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ScoreError(f"The key {key!r} appears more than once.", "input")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ScoreError(f"{name} is not valid JSON.", "input")


def _parse(text: str) -> dict[str, Any]:
    try:
        payload = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise ScoreError(
            f"The input is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}).",
            "input",
        ) from None
    if not isinstance(payload, dict):
        raise ScoreError("The input must be one JSON object.", "input")
    return payload


def run(text: str) -> dict[str, Any]:
    """Score one request given as JSON text; raises ScoreError for anything invalid."""
    payload = _parse(text)
    if "instrument" not in payload:
        raise ScoreError('The request needs "instrument", e.g. "swemwbs".', "instrument")
    if "responses" not in payload:
        raise ScoreError('The request needs "responses", a JSON object.', "responses")
    instrument = payload.pop("instrument")
    responses = payload.pop("responses")
    if not isinstance(instrument, str):
        raise ScoreError('"instrument" must be a string such as "swemwbs".', "instrument")
    if not isinstance(responses, dict):
        raise ScoreError('"responses" must be a JSON object.', "responses")
    return score(instrument, responses, **payload).to_dict()


def main(
    argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Entry point wired to `linkwork score`; returns the process exit code."""
    args = sys.argv[1:] if argv is None else argv
    out = sys.stdout if stdout is None else stdout
    if args in (["-h"], ["--help"]):
        out.write(USAGE)
        return 0
    try:
        if args != ["-"]:
            raise ScoreError("Usage: linkwork score - (the request is read from stdin).", "argv")
        try:
            text = (sys.stdin if stdin is None else stdin).read()
        except UnicodeDecodeError:
            raise ScoreError("The input is not valid UTF-8 text.", "input") from None
        body = run(text)
    except ScoreError as exc:
        out.write(json.dumps(exc.to_dict()) + "\n")
        return 2
    out.write(json.dumps(body) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
