"""The self-assessment questionnaire: reviewed data in `data/self_assessment.toml`, read and
checked here. Each question belongs to one level and one setting of the health check's frame
and is answered with an archetype, described for that question. A file that breaks a rule
fails with an error naming the field, and every one of the twelve cells must have a question.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

from linkwork.healthcheck.framework import ARCHETYPE_ORDER, Level, Setting

_ID_RE: Final = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
_TOP: Final = frozenset(
    {"name", "version", "authored_by", "checked_by", "notes", "sources", "questions"}
)
_SOURCE: Final = frozenset({"citation", "doi", "summary"})
_QUESTION: Final = frozenset({"id", "level", "setting", "text", "sources", "basis", "answers"})


class QuestionnaireError(ValueError):
    """A questionnaire file that breaks a rule; `field` is the path of what is wrong."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source = source
        self.field = field
        super().__init__(f"{source}: {field}: {message}")


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    doi: str
    summary: str


@dataclass(frozen=True)
class Question:
    id: str
    level: Level
    setting: Setting
    text: str
    sources: tuple[Source, ...]
    basis: str
    # What each archetype looks like for this question, best first.
    answers: tuple[tuple[str, str], ...]

    @property
    def cell(self) -> tuple[Level, Setting]:
        return (self.level, self.setting)

    def describe(self, rating: str) -> str:
        return dict(self.answers).get(rating, "")


@dataclass(frozen=True)
class Questionnaire:
    name: str
    version: str
    authored_by: str
    checked_by: str
    sources: tuple[Source, ...]
    questions: tuple[Question, ...]

    def by_level(self, level: str) -> list[Question]:
        return [q for q in self.questions if q.level == level]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _text(
    source: str, table: Mapping[str, Any], key: str, where: str, *, blank: bool = False
) -> str:
    value = table.get(key)
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise QuestionnaireError(source, f"{where}{key}", "must be a non-empty string")
    return value.strip()


def _keys(source: str, table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise QuestionnaireError(source, f"{where}{unknown[0]}", "is not a known field")
    missing = sorted(allowed - set(table) - {"notes", "doi"})
    if missing:
        raise QuestionnaireError(source, f"{where}{missing[0]}", "is required")


def parse(data: Mapping[str, Any], source: str = "self_assessment.toml") -> Questionnaire:
    """A checked questionnaire from the file's parsed TOML."""
    _keys(source, data, _TOP, "")
    raw_sources = data["sources"]
    if not isinstance(raw_sources, Mapping) or not raw_sources:
        raise QuestionnaireError(source, "sources", "must be a table of one or more sources")
    sources: dict[str, Source] = {}
    for key, table in raw_sources.items():
        where = f"sources.{key}."
        if not isinstance(table, Mapping):
            raise QuestionnaireError(source, f"sources.{key}", "must be a table")
        _keys(source, table, _SOURCE, where)
        sources[key] = Source(
            key=key,
            citation=_text(source, table, "citation", where),
            doi=_text(source, table, "doi", where, blank=True) if "doi" in table else "",
            summary=_text(source, table, "summary", where),
        )
    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionnaireError(source, "questions", "must list one or more questions")
    questions: list[Question] = []
    seen: set[str] = set()
    for index, table in enumerate(raw_questions):
        where = f"questions[{index}]."
        if not isinstance(table, Mapping):
            raise QuestionnaireError(source, f"questions[{index}]", "must be a table")
        _keys(source, table, _QUESTION, where)
        question_id = _text(source, table, "id", where)
        if not _ID_RE.match(question_id):
            raise QuestionnaireError(
                source, f"{where}id", "must be lower case letters, digits and _"
            )
        if question_id in seen:
            raise QuestionnaireError(source, f"{where}id", f"{question_id!r} is used twice")
        seen.add(question_id)
        level, setting = table["level"], table["setting"]
        if level not in Level.values:
            raise QuestionnaireError(source, f"{where}level", f"must be one of {Level.values}")
        if setting not in Setting.values:
            raise QuestionnaireError(source, f"{where}setting", f"must be one of {Setting.values}")
        cited = table["sources"]
        if not isinstance(cited, list) or not cited:
            raise QuestionnaireError(source, f"{where}sources", "must name one or more sources")
        for key in cited:
            if key not in sources:
                raise QuestionnaireError(source, f"{where}sources", f"{key!r} is not in [sources]")
        answers = table["answers"]
        if not isinstance(answers, Mapping) or set(answers) != set(ARCHETYPE_ORDER):
            raise QuestionnaireError(
                source, f"{where}answers", f"must describe exactly {list(ARCHETYPE_ORDER)}"
            )
        questions.append(
            Question(
                id=question_id,
                level=Level(level),
                setting=Setting(setting),
                text=_text(source, table, "text", where),
                sources=tuple(sources[key] for key in cited),
                basis=_text(source, table, "basis", where),
                answers=tuple(
                    (rating, _text(source, answers, rating, f"{where}answers."))
                    for rating in ARCHETYPE_ORDER
                ),
            )
        )
    covered = {q.cell for q in questions}
    for level in Level:
        for setting in Setting:
            if (level, setting) not in covered:
                raise QuestionnaireError(
                    source, "questions", f"no question for {level.value} x {setting.value}"
                )
    # Questions are asked level by level, in the frame's order, keeping the file's order within.
    questions.sort(key=lambda q: list(Level).index(q.level))
    return Questionnaire(
        name=_text(source, data, "name", ""),
        version=_text(source, data, "version", ""),
        authored_by=_text(source, data, "authored_by", ""),
        checked_by=_text(source, data, "checked_by", ""),
        sources=tuple(sources.values()),
        questions=tuple(questions),
    )


def load(path: Path | Traversable) -> Questionnaire:
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(str(path), "", f"cannot be read: {exc}") from exc
    return parse(data, Path(str(path)).name)


@functools.cache
def questionnaire() -> Questionnaire:
    """The bundled questionnaire, read once."""
    return load(resources.files("linkwork.healthcheck") / "data" / "self_assessment.toml")
