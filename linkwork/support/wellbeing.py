"""The wellbeing check-in: four questions, each answered 1 (not at all) to 5 (completely),
at most once a month. Short and optional; its answers are the link worker's own."""

from __future__ import annotations

from typing import Final

QUESTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("workload", "How manageable has your workload felt this month?"),
    ("supported", "How supported have you felt by your lead and colleagues?"),
    ("switch_off", "How well have you been able to switch off after work?"),
    ("confident", "How confident have you felt in your role?"),
)
SCALE: Final[tuple[tuple[int, str], ...]] = (
    (1, "1: Not at all"),
    (2, "2: A little"),
    (3, "3: Somewhat"),
    (4, "4: Mostly"),
    (5, "5: Completely"),
)
# A lead sees a month's answers only when at least this many link workers gave them.
MINIMUM_RESPONDENTS: Final = 5
