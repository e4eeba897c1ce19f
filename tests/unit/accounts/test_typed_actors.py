"""Every action names who acts as a user (`by: User`, or `User | None` where imports, commands
and the public form act), never `Any`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3] / "linkwork"


def test_every_action_types_its_actor():
    found = []
    for path in sorted(ROOT.glob("*/actions.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args.args + node.args.kwonlyargs + node.args.posonlyargs
            for argument in arguments:
                if argument.arg != "by":
                    continue
                annotation = ast.unparse(argument.annotation) if argument.annotation else ""
                if annotation not in {"User", "User | None"}:
                    found.append(f"{path}:{node.lineno} {node.name}(by: {annotation or '?'})")
    assert not found, "\n".join(found)
