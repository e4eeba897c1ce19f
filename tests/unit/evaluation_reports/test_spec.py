"""The spec is checked key by key: each mistake is one error naming the key at fault."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from linkwork.evaluation_reports.spec import SpecError, parse_spec, spec_from_mapping

from .synthetic import SPEC, write_extract


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_extract(tmp_path, people=40)
    return tmp_path


def _spec(folder: Path, text: str = SPEC):
    return spec_from_mapping(tomllib.loads(text), base=folder, origin="spec.toml")


def test_spec_reads_every_section(folder):
    spec = _spec(folder)
    assert spec.analyses() == ["change", "did", "event_study", "cost_effectiveness", "subgroups"]
    assert spec.thresholds == (20_000.0, 30_000.0)
    assert spec.B == 200
    assert spec.did[0].treated.values == ("Z90001", "Z90002", "Z90003", "Z90004")
    assert spec.cost_effectiveness is not None
    assert spec.cost_effectiveness.unit_costs == {"ae_attendance": 300.0}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("B = 200", "B = 5"), "B"),
        (('source = "files"', 'source = "ftp"'), "data.source"),
        (('episodes = "episodes.csv"', 'episodes = "missing.csv"'), "data.episodes"),
        (('post_from = "2025-01"', 'post_from = "January"'), "did[0].post_from"),
        (('cluster = "gp_practice"\nwild', 'se = "cluster"\nwild'), "did[0].cluster"),
        (("mcid = 3\n", "mcid = -3\n"), "change[0].mcid"),
        (("lags = 3", "lags = 30"), "event_study.lags"),
        (
            ("intervention_cost = 300", 'intervention_cost = "a lot"'),
            "cost_effectiveness.intervention_cost",
        ),
        (('"long_term_conditions"]', '"shoe_size"]'), "subgroups.by"),
        (('analysis = "change:swemwbs"', 'analysis = "change:phq9"'), "subgroups.analysis"),
        (("seed = 7", "seed = 7\nsede = 8"), "sede"),
        (
            ("unit_costs = { ae_attendance = 300 }", "unit_costs = { ae_attendance = -1 }"),
            "cost_effectiveness.unit_costs.ae_attendance",
        ),
        (
            ('arm = { column = "gp_practice", in', 'arm = { colum = "gp_practice", in'),
            "cost_effectiveness.arm.column",
        ),
    ],
)
def test_spec_error_names_the_key(folder, change, key):
    old, new = change
    assert old in SPEC
    with pytest.raises(SpecError) as raised:
        _spec(folder, SPEC.replace(old, new, 1))
    assert raised.value.key == key
    assert str(raised.value).startswith(f"{key}: ")


def test_spec_without_analyses_is_refused(folder):
    with pytest.raises(SpecError, match="asks for no analysis"):
        _spec(folder, '[data]\nepisodes = "episodes.csv"\n')


def test_spec_file_that_is_not_toml_is_one_line(folder):
    path = folder / "broken.toml"
    path.write_text("title = \n")
    with pytest.raises(SpecError, match="not valid TOML"):
        parse_spec(path)


def test_database_source_takes_no_file_names(folder):
    text = SPEC.replace('source = "files"', 'source = "database"')
    with pytest.raises(SpecError) as raised:
        _spec(folder, text)
    assert raised.value.key == "data.episodes"
