"""Every string the person reads on their prescription page and survey, and in the messages
that carry their links, has a Welsh translation in the app's catalogue, compiled."""

from __future__ import annotations

import ast
from pathlib import Path

from django.template import engines
from django.utils import translation

APP = Path(__file__).resolve().parents[3] / "linkwork" / "prescription"
PERSON_TEMPLATES = [
    "_person_layout",
    "gone",
    "page",
    "easy_read",
    "survey",
    "survey_answered",
    "survey_done",
]
PERSON_MODULES = ["content.py", "forms.py", "messages.py", "views.py"]


def person_strings() -> set[tuple[str, str]]:
    """(context, message) of every translatable string of the person's pages and messages."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    found: set[tuple[str, str]] = set()
    for name in PERSON_TEMPLATES:
        source = (APP / "jinja2" / "prescription" / f"{name}.jinja").read_text()
        for _, _, message in env.extract_translations(source):
            found.add(("", message if isinstance(message, str) else message[0]))
    for module in PERSON_MODULES:
        for node in ast.walk(ast.parse((APP / module).read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id in {"_", "gettext", "gettext_lazy"} and args:
                found.add(("", args[0]))
            elif node.func.id in {"pgettext", "pgettext_lazy"} and len(args) == 2:
                found.add((args[0], args[1]))
    return found


def test_person_strings_are_found():
    strings = person_strings()
    assert ("", "Your social prescription") in strings
    assert ("would you recommend", "Yes") in strings
    assert len(strings) > 90


def test_every_person_string_has_a_welsh_translation():
    missing = []
    with translation.override("cy"):
        for context, message in sorted(person_strings()):
            welsh = (
                translation.pgettext(context, message) if context else translation.gettext(message)
            )
            if welsh == message:
                missing.append(f"{context}|{message}" if context else message)
    assert not missing, "not in the Welsh catalogue:\n" + "\n".join(missing)
