"""The scoping lint (STYLE.md rule 4): views, APIs and presenters reach personal data only
through a scoping method such as `Referral.objects.visible_to(user)`.

Flags, in those modules, any `<Model>.objects.<method>` on a personal-data model other than
a scoping method, `<Model>._default_manager`, and `get_object_or_404(<Model>, ...)`.
Exit status 1 when anything is found.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "linkwork"
PERSONAL_DATA_MODELS = {
    "Person",
    "Referral",
    "StatusChange",
    "Contact",
    "Connection",
    "SupportPlan",
    "Goal",
    "CaseNote",
    "GoalRating",
    "PlanAction",
    "ConnectionStatusChange",
    "Attendance",
    "FollowUp",
    "Shown",
    "OutcomeMeasure",
    "Consent",
    "Message",
    "Letter",
}
SCOPING_METHODS = {"visible_to", "for_analysis", "for_provider", "for_host_system"}
CHECKED_NAMES = {"views.py", "api.py", "presenters.py", "home.py", "forms.py", "feeds.py"}
CHECKED_DIRS = {"views", "api"}


def checked_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        and (path.name in CHECKED_NAMES or CHECKED_DIRS & set(path.parent.relative_to(ROOT).parts))
    )


def problems_in(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            manager = node.value
            if (
                isinstance(manager.value, ast.Name)
                and manager.value.id in PERSONAL_DATA_MODELS
                and manager.attr == "objects"
                and node.attr not in SCOPING_METHODS
            ):
                found.append(
                    f"{path}:{node.lineno}: {manager.value.id}.objects.{node.attr} is not "
                    f"scoped: use {manager.value.id}.objects.visible_to(user)"
                )
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "_default_manager"
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSONAL_DATA_MODELS
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}._default_manager is not scoped")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in PERSONAL_DATA_MODELS
        ):
            found.append(
                f"{path}:{node.lineno}: {node.func.id}({node.args[0].id}) is not scoped: "
                "use linkwork.core.scoping.get_visible_or_404"
            )
    return found


def main() -> int:
    files = checked_files()
    problems = [problem for path in files for problem in problems_in(path)]
    for problem in problems:
        print(problem)
    print(f"scoping lint: {len(files)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
