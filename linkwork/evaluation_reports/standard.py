"""The standard evaluation of one scheme, as a spec: what the insights page runs. The same
analyses as the demo spec (docs/guides/evaluation-demo.toml), on the scheme's own extract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linkwork.evaluation_reports.spec import Spec, spec_from_mapping

CONNECTED = {"column": "connections_attended_count", "at_least": 1}
# Instruments with a minimal important difference the report can use (their units).
CHANGE = (
    {"instrument": "swemwbs", "mcid": 3},
    {"instrument": "wemwbs", "mcid": 3},
    {"instrument": "eq5d5l", "mcid": 0.06},
    {"instrument": "phq9", "mcid": 5, "higher_is_better": False},
    {"instrument": "gad7", "mcid": 4, "higher_is_better": False},
)


def standard_spec(
    *, title: str, analyses: list[str], period_from: str = "", period_to: str = ""
) -> Spec:
    data: dict[str, Any] = {"title": title, "data": {"source": "database"}, "B": 1000}
    if period_from:
        data["period_from"] = period_from
    if period_to:
        data["period_to"] = period_to
    if "change" in analyses or "subgroups" in analyses:
        data["change"] = [dict(item) for item in CHANGE]
    if "did" in analyses:
        data["did"] = [
            {
                "outcome": "hba1c",
                "treated": CONNECTED,
                "post_after": "received_month",
                "se": "cluster",
                "cluster": "gp_practice",
            }
        ]
    if "event_study" in analyses:
        data["event_study"] = {
            "outcome": ["ae_attendance", "non_elective_admission"],
            "cluster": "gp_practice",
        }
    if "cost_effectiveness" in analyses:
        data["cost_effectiveness"] = {"arm": CONNECTED, "qaly_instrument": "eq5d5l"}
    if "subgroups" in analyses:
        data["subgroups"] = {
            "by": ["deprivation_quintile", "ethnicity_group", "long_term_conditions"],
            "analysis": "change:swemwbs",
        }
    return spec_from_mapping(data, base=Path.cwd(), origin="the standard evaluation")
