"""The scoping lint (STYLE.md rule 4): views, APIs and the helper modules they call reach
personal data only through a scoping method such as `Referral.objects.visible_to(user)`.

Checked: views, APIs, presenters, forms and feeds by name, and every module of the project
that one of them imports (capacity, inbox helpers, schedules, matching and so on), following
a package's `__init__` to the modules it re-exports. Writes live in `actions.py`, called with
records the access gate let through, so actions, models, lifecycles, tasks and app plumbing
are not checked.

Flags any `<Model>.objects.<method>` on a personal-data model other than a scoping method,
`<Model>._default_manager`, and `get_object_or_404(<Model>, ...)`. A helper function may read
without a scope only when it is listed in `REVIEWED` with the reason it cannot leak a record;
an entry that no longer matches anything is a problem too. Exit status 1 when anything is found.
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
    "Appointment",
    "Shown",
    "OutcomeMeasure",
    "Consent",
    "Message",
    "Letter",
    "InboundMessage",
    "ClinicalMeasure",
    "CareUse",
    "RegisterEntry",
}
SCOPING_METHODS = {"visible_to", "for_analysis", "for_provider", "for_host_system"}
CHECKED_NAMES = {"views.py", "api.py", "presenters.py", "home.py", "forms.py", "feeds.py"}
CHECKED_DIRS = {"views", "api"}
NOT_HELPERS = {"actions.py", "models.py", "lifecycle.py", "tasks.py", "apps.py", "admin.py"}
# (module under linkwork/, function) -> why it may read without a scope. Each reads only for
# records the caller already reached through the gate, or returns counts, never a record.
REVIEWED = {
    ("support/prompts.py", "complex_counts"): (
        "counts open and complex open referrals per link worker of a scheme the caller leads; "
        "numbers only"
    ),
    ("referrals/capacity.py", "_loads"): (
        "counts open referrals per link worker of the schemes the caller passes (the ones the "
        "lead leads); numbers only"
    ),
    ("referrals/capacity.py", "waiting_list_position"): (
        "the place on its scheme's waiting list of a referral the caller reached; a number only"
    ),
    ("casework/capacity.py", "annotate_caseload"): (
        "subqueries correlated (OuterRef) with the caller's scoped referrals: they read only "
        "those referrals' contacts and follow-ups"
    ),
    ("casework/capacity.py", "connection_counts"): (
        "counts the connections of the scoped referrals queryset it is given"
    ),
    ("outcomes/schedules.py", "due_measures"): (
        "the status history and measures of the referrals it is given, which the caller "
        "reached; dates and instrument ids only"
    ),
    ("casework/matching.py", "_answered"): (
        "the answered connections that `provider_stats` groups into answer times and acceptance "
        "per provider organisation; aggregates only, never a record"
    ),
    ("casework/matching.py", "profile_for_referral"): "the plan of a referral the caller reached",
    ("casework/matching.py", "cases_visible_to"): (
        "is the scope itself: the referral ids of the caller's own schemes, which matching's "
        "Shown.objects.visible_to filters by"
    ),
    ("insights/scope.py", "records"): (
        "the one start of every insights builder: records of `Filters.schemes`, which "
        "`scheme_ids_for(user)` set from the schemes the user may count; builders return "
        "counts, never a record"
    ),
    ("insights/facts.py", "_write"): (
        "writes the dashboards' facts of the referrals `refresh` or `rebuild` picked; run by "
        "the task worker and `linkwork insights refresh`, never returns a record"
    ),
    ("insights/facts.py", "refresh"): (
        "picks the referrals whose records changed, for the task worker; returns a count"
    ),
    ("insights/facts.py", "rebuild"): (
        "pages through every referral to rewrite the facts; returns a count"
    ),
    ("casework/matching.py", "outcomes_of_shown"): (
        "what followed every showing, for `linkwork fit-matching-weights` to learn from; "
        "run by the command, never by a view, and it returns ids and flags, never a record"
    ),
    ("interop/fhir/access.py", "owned_connections"): (
        "is the FHIR scope of a provider's token: connections to the token's own organisation's "
        "services, drafts and signposting left out (tests/integration/interop/test_tasks.py)"
    ),
    ("interop/gp_events/events.py", "owed"): (
        "the coded events of one scheme for one practice; the scheme comes from `schemes_of`, "
        "the schemes the user leads or whose host they administer"
    ),
    ("interop/gp_events/events.py", "_first_interactions"): (
        "the first attended contact's date of the referrals `owed` picked; dates only"
    ),
    ("interop/gp_events/views.py", "practices_of"): (
        "the GP practices of the people of a scheme from `schemes_of`; organisations only"
    ),
    ("records/export.py", "held_referrals"): (
        "is the subject access scope: the person's referrals to the organisation's schemes or "
        "made by it, for that organisation's admin (tests/integration/records/test_export.py)"
    ),
    ("records/export.py", "gather"): (
        "reads the records of the referrals `held_referrals` gave, and the person's own rows, "
        "for the organisation's admin; another organisation's records are absent "
        "(tests/integration/records/test_export.py)"
    ),
    ("records/forms.py", "held_people"): (
        "is the rights requests' scope: people of whom the admin's organisation holds a "
        "referral, to its schemes or made by it"
    ),
    ("records/retention.py", "referrals_with_last_contact"): (
        "the nightly retention review's dates of last contact per organisation and person; "
        "run by the task worker, it writes review items and never returns a record to a view"
    ),
    ("records/retention.py", "due_messages"): (
        "the nightly retention review's last message date per referral; ids and dates only"
    ),
    ("records/views.py", "_people_of"): (
        "names the people of the review items the view already scoped to the user's organisations"
    ),
}


def _module(dotted: str) -> Path | None:
    parts = dotted.split(".")
    if parts[0] != "linkwork" or len(parts) < 2:
        return None
    base = ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imports_of(path: Path) -> set[Path]:
    """The project's modules that `path` imports, by `import` or `from ... import`."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {module for name in names if (module := _module(name)) is not None}
    return found


def _is_view_module(path: Path) -> bool:
    return path.name in CHECKED_NAMES or bool(
        CHECKED_DIRS & set(path.parent.relative_to(ROOT).parts)
    )


def checked_files() -> list[Path]:
    views = {
        path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and _is_view_module(path)
    }
    helpers: set[Path] = set()
    waiting = [module for view in views for module in imports_of(view)]
    while waiting:
        module = waiting.pop()
        if (
            module in views
            or module in helpers
            or module.name in NOT_HELPERS
            or "management" in module.parts
        ):
            continue
        helpers.add(module)
        if module.name == "__init__.py":  # follow what the package re-exports
            waiting.extend(imports_of(module))
    return sorted(views | helpers)


def _functions(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of each module-level function, and of each method."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.lineno, node.end_lineno or node.lineno, node.name))
    return found


def problems_in(path: Path, reviewed: set[tuple[str, str]] | None = None) -> list[str]:
    """Unscoped reads in `path`. Those inside a `REVIEWED` function are left out; the entries
    used are added to `reviewed`."""
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = _functions(tree)
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name

    def report(line: int, message: str) -> None:
        for first, last, name in functions:
            if first <= line <= last and (where, name) in REVIEWED:
                if reviewed is not None:
                    reviewed.add((where, name))
                return
        found.append(f"{path}:{line}: {message}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            manager = node.value
            if (
                isinstance(manager.value, ast.Name)
                and manager.value.id in PERSONAL_DATA_MODELS
                and manager.attr == "objects"
                and node.attr not in SCOPING_METHODS
            ):
                report(
                    node.lineno,
                    f"{manager.value.id}.objects.{node.attr} is not scoped: use "
                    f"{manager.value.id}.objects.visible_to(user)",
                )
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "_default_manager"
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSONAL_DATA_MODELS
        ):
            report(node.lineno, f"{node.value.id}._default_manager is not scoped")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in PERSONAL_DATA_MODELS
        ):
            report(
                node.lineno,
                f"{node.func.id}({node.args[0].id}) is not scoped: "
                "use linkwork.accounts.gate.get_visible_or_404",
            )
    return found


def main() -> int:
    files = checked_files()
    reviewed: set[tuple[str, str]] = set()
    problems = [problem for path in files for problem in problems_in(path, reviewed)]
    problems += [
        f"scripts/check_scoping.py: REVIEWED names {module}:{function}, which reads nothing "
        "unscoped any more (or is no longer checked): remove the entry"
        for module, function in sorted(set(REVIEWED) - reviewed)
    ]
    for problem in problems:
        print(problem)
    print(f"scoping lint: {len(files)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
