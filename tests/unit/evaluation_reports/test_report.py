"""A report built from a small synthetic extract has every section populated, plots with
text alternatives and the numbers beside them, and fetches nothing from anywhere."""

from __future__ import annotations

import re
import tomllib

import pytest

from linkwork.evaluation_reports.analyses import build_report, load_files
from linkwork.evaluation_reports.render import html_of
from linkwork.evaluation_reports.spec import spec_from_mapping

from .synthetic import SPEC, write_extract

SECTIONS = [
    "methods",
    "change",
    "did-0",
    "event-study",
    "cost-effectiveness",
    "subgroups",
]
PLOTS = [
    "change-distributions",
    "did-0-trends",
    "event-study-coefficients",
    "ce-plane",
    "ceac",
    "forest-deprivation_quintile",
    "forest-ethnicity_group",
    "forest-long_term_conditions",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("extract")
    write_extract(folder)
    spec = spec_from_mapping(tomllib.loads(SPEC), base=folder, origin="spec.toml")
    report = build_report(spec, load_files(spec))
    return report, html_of(report)


def test_report_has_every_section_and_no_problem(built):
    report, _ = built
    assert [s.ident for s in report.sections] == SECTIONS
    assert report.problems == []
    for section in report.sections:
        assert section.paragraphs or section.tables, section.ident


def test_report_html_has_every_plot_with_title_desc_and_table(built):
    _report, html = built
    for ident in PLOTS:
        svg = re.search(rf'<svg\b[^>]*id="{ident}"[^>]*>(.*?)</svg>', html, re.DOTALL)
        assert svg is not None, ident
        assert f'aria-labelledby="{ident}-title {ident}-desc"' in svg.group(0)
        assert svg.group(1).startswith(f'<title id="{ident}-title">')
        figure = re.search(rf'<figure id="figure-{ident}".*?</figure>', html, re.DOTALL)
        assert figure is not None
        assert "<table>" in figure.group(0)
        assert "<figcaption" in figure.group(0)


def test_report_html_fetches_nothing(built):
    _, html = built
    assert "http:" not in html
    assert "https:" not in html
    assert "<link" not in html
    assert "<script" not in html
    assert "@import" not in html
    assert not re.search(r'\bsrc="', html)
    assert not re.search(r"url\((?!#)", html)


def test_report_html_ids_are_unique(built):
    _, html = built
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_report_finds_the_effects_built_into_the_data(built):
    report, _ = built
    did = report.results["did"]["hba1c"]["did"]
    assert did["ci_low"] < -2.0 + 0.5
    assert did["ci_high"] > -2.0 - 0.5
    assert report.results["event_study"]["estimate"] < 0
    assert report.results["cost_effectiveness"]["delta_qaly"]["estimate"] > 0
