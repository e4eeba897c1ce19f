"""The indicator files load, each names a measure that exists, and a broken file is refused
with a message naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwork.healthcheck.framework import Archetype, Level, Setting
from linkwork.healthcheck.indicators import INDICATORS, IndicatorError, load_indicator
from linkwork.healthcheck.measures import MEASURES

GOOD = """
key = "{key}"
title = "A title"
definition = "What it measures."
level = "organisational"
setting = "link_workers"
unit = "percent"
direction = "higher"
source = "casework.supported_linking"
numerator = "Some"
denominator = "All"
threshold_basis = "A starting point."
act = "Do something."
authored_by = "Someone"
checked_by = "Someone else"

[thresholds]
best = 90
good = 75
developing = 50

[[evidence]]
citation = "Author A (2020). A title. A journal."
finding = "Something found."
"""


def write(tmp_path: Path, text: str, key: str = "sample") -> Path:
    path = tmp_path / f"{key}.toml"
    path.write_text(text.format(key=key) if "{key}" in text else text, encoding="utf-8")
    return path


def test_every_file_loads_with_a_measure_and_cited_evidence():
    assert len(INDICATORS) >= 12
    for indicator in INDICATORS.values():
        assert indicator.source in MEASURES
        assert indicator.evidence
        assert all(e.citation for e in indicator.evidence)
        assert indicator.authored_by
        assert indicator.checked_by


def test_indicators_cover_every_setting_and_three_levels():
    cells = {(i.level, i.setting) for i in INDICATORS.values()}
    assert {s for _, s in cells} == set(Setting)
    assert {lv for lv, _ in cells} == {
        Level.INDIVIDUAL,
        Level.INTERPERSONAL,
        Level.ORGANISATIONAL,
        Level.POLICY,
    }


def test_a_good_file_loads_and_rates_on_its_direction(tmp_path):
    indicator = load_indicator(write(tmp_path, GOOD))
    assert [indicator.rate(v) for v in (90, 89.9, 75, 50, 49.9, None)] == [
        Archetype.BEST,
        Archetype.GOOD,
        Archetype.GOOD,
        Archetype.DEVELOPING,
        Archetype.POOR,
        None,
    ]
    lower = (
        GOOD.replace('"higher"', '"lower"')
        .replace("best = 90", "best = 10")
        .replace("good = 75", "good = 20")
        .replace("developing = 50", "developing = 30")
    )
    indicator = load_indicator(write(tmp_path, lower, "lower"))
    assert [indicator.rate(v) for v in (10, 15, 30, 31)] == [
        Archetype.BEST,
        Archetype.GOOD,
        Archetype.DEVELOPING,
        Archetype.POOR,
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('level = "organisational"', 'level = "team"'), "level", "is not one of"),
        (('setting = "link_workers"', 'setting = "gps"'), "setting", "is not one of"),
        (('unit = "percent"', 'unit = "pounds"'), "unit", "is not one of"),
        (('direction = "higher"', 'direction = "up"'), "direction", "is not one of"),
        (("good = 75", "good = 95"), "thresholds", "best must be above good"),
        (("good = 75", 'good = "75"'), "thresholds.good", "must be a number"),
        (('title = "A title"', 'title = " "'), "title", "must be non-empty text"),
        (('title = "A title"', 'titel = "A title"'), "", "missing title"),
        (('act = "Do something."', 'act = "Do something."\nextra = 1'), "", "unknown key(s) extra"),
        (('source = "casework.supported_linking"', 'source = "linking"'), "source", "measure name"),
        (('finding = "Something found."', ""), "evidence[0]", "missing finding"),
        (('key = "{key}"', 'key = "other"'), "key", "must be the file's name"),
    ],
)
def test_a_broken_file_is_refused_naming_the_field(tmp_path, change, field, message):
    old, new = change
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(IndicatorError) as raised:
        load_indicator(path)
    assert raised.value.field == field
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    with pytest.raises(IndicatorError, match="cannot be read as TOML"):
        load_indicator(write(tmp_path, "key = ["))


def test_the_guide_explains_every_indicator():
    guide = (Path(__file__).parents[3] / "docs" / "guides" / "health-check.md").read_text()
    for indicator in INDICATORS.values():
        assert f"#### {indicator.title}" in guide, indicator.key
        assert f"`{indicator.source}`" in guide, indicator.key
