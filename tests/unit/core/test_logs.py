"""The log's safety net: what it removes, and what it leaves for the log to be useful."""

from __future__ import annotations

import pytest

from linkwork.core.logs import scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to jo.bloggs+gp@nhs.example.org.", "to [email removed]."),
        ("NHS 999 000 0018 and 9990000018", "NHS [number removed] and [number removed]"),
        ("NHS 999-000-0018", "NHS [number removed]"),
        ("call 07700 900982 or +44 7700 900982", "call [phone removed] or [phone removed]"),
        ("call 0113 496 0000", "call [phone removed]"),
        ('"GET /people/?q=Ann+Lee HTTP/1.1" 200', '"GET /people/?[query removed] HTTP/1.1" 200'),
    ],
)
def test_personal_details_are_removed(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Task id=PLAhQAPLgt08Oxy8DfW7A8LSnyF0Vrhd path=linkwork.tasks.deliver state=RUNNING",
        "Text message 2189597b-6056-4893-9b68-e074a5a7acba kept in the local outbox",
        "Forbidden (Permission denied): /casework/caseload/",
        "2026-12-06 11:45:37,085 took 1234.5678 ms, 12345 rows, port 5432",
    ],
)
def test_ids_times_and_paths_are_left_alone(text: str) -> None:
    assert scrub(text) == text
