"""The self-assessment questionnaire is reviewed data: every cell of the frame has a question,
every answer describes each archetype, every question cites a source, and a file that breaks a
rule fails naming the field."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from linkwork.healthcheck.framework import ARCHETYPE_ORDER, Level, Setting
from linkwork.healthcheck.questionnaire import QuestionnaireError, parse, questionnaire


def raw() -> dict[str, Any]:
    path = resources.files("linkwork.healthcheck") / "data" / "self_assessment.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_questionnaire_covers_every_cell_of_the_frame():
    cells = {q.cell for q in questionnaire().questions}
    assert cells == {(level, setting) for level in Level for setting in Setting}
    assert len(cells) == 12


def test_questionnaire_is_reviewed_data_with_sources():
    asked = questionnaire()
    assert asked.authored_by
    assert asked.checked_by
    keys = {source.key for source in asked.sources}
    assert {"husk2020", "pescheny2018", "tierney2020"} <= keys
    for question in asked.questions:
        assert question.sources
        assert question.basis
        assert [rating for rating, _ in question.answers] == list(ARCHETYPE_ORDER)
        assert all(text for _, text in question.answers)


def test_questionnaire_cites_the_reviews_accurately():
    sources = {source.key: source for source in questionnaire().sources}
    assert sources["husk2020"].doi == "10.1111/hsc.12839"
    assert "2020;28(2):309-324" in sources["husk2020"].citation
    assert sources["pescheny2018"].doi == "10.1186/s12913-018-2893-4"
    assert "2018;18:86" in sources["pescheny2018"].citation
    assert sources["tierney2020"].doi == "10.1186/s12916-020-1510-7"
    assert "2020;18:49" in sources["tierney2020"].citation


def test_questions_are_asked_level_by_level():
    levels = [q.level for q in questionnaire().questions]
    assert levels == sorted(levels, key=list(Level).index)


def test_questionnaire_missing_cell_is_refused():
    data = raw()
    data["questions"] = [
        q for q in data["questions"] if (q["level"], q["setting"]) != ("policy", "community")
    ]
    with pytest.raises(QuestionnaireError, match="no question for policy x community"):
        parse(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["questions"][0].update(level="cosmic"), "questions[0].level"),
        (lambda d: d["questions"][1].update(setting="pub"), "questions[1].setting"),
        (lambda d: d["questions"][0]["answers"].pop("poor"), "questions[0].answers"),
        (lambda d: d["questions"][2].update(sources=["nobody2099"]), "questions[2].sources"),
        (lambda d: d["questions"][3].update(id=d["questions"][0]["id"]), "questions[3].id"),
        (lambda d: d.pop("checked_by"), "checked_by"),
        (lambda d: d["questions"][0].update(colour="red"), "questions[0].colour"),
    ],
)
def test_questionnaire_error_names_the_field(change, field):
    data = copy.deepcopy(raw())
    change(data)
    with pytest.raises(QuestionnaireError) as caught:
        parse(data)
    assert caught.value.field == field
