"""A small synthetic extract, written as the extract writes its files, with a known design:
8 practices (4 treated), quarterly care use, EQ-5D-5L and SWEMWBS before and after, HbA1c
every quarter with a drop in treated practices after the cut-off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

PRACTICES = [f"Z9000{i}" for i in range(1, 9)]
TREATED = PRACTICES[:4]
QUARTERS = ["2024-01", "2024-04", "2024-07", "2024-10", "2025-01", "2025-04", "2025-07", "2025-10"]
CUT = "2025-01"


def _month(index: int) -> str:
    return f"{2024 + index // 12}-{index % 12 + 1:02d}"


def write_extract(folder: Path, *, people: int = 240, seed: int = 1) -> dict[str, Path]:
    rng = np.random.default_rng(seed)
    episodes, measures, clinical, care = [], [], [], []
    for i in range(people):
        person, episode = f"p{i:04d}", f"e{i:04d}"
        practice = PRACTICES[i % len(PRACTICES)]
        treated = practice in TREATED
        received = int(rng.integers(3, 18))
        started = received + 1 if rng.random() < 0.8 else None
        sw0, eq0 = float(rng.normal(20, 3)), float(np.clip(rng.normal(0.65, 0.12), -0.2, 1))
        gain = 0.04 if treated else 0.01
        episodes.append(
            {
                "person_key": person,
                "episode_key": episode,
                "age_band": ["25-34", "45-54", "65-74"][i % 3],
                "sex": ["female", "male"][i % 2],
                "ethnicity_group": ["White", "Asian or Asian British", "Black"][i % 3],
                "imd_decile": int(rng.integers(1, 11)),
                "gp_practice": practice,
                "long_term_conditions_count": int(rng.integers(0, 5)),
                "scheme": "demo",
                "needs": ";".join(["loneliness", "low_mood", "money_debt"][: 1 + i % 3]),
                "received_month": _month(received),
                "first_contact_month": _month(started) if started is not None else "",
                "contacts_count": int(rng.integers(1, 10)),
                "swemwbs_baseline": round(sw0, 2),
                "swemwbs_follow_up": round(sw0 + rng.normal(2, 2.5), 2) if i % 5 else None,
                "eq5d5l_baseline": round(eq0, 3),
                "eq5d5l_follow_up": round(min(1.0, eq0 + rng.normal(gain, 0.05)), 3),
            }
        )
        for instrument, point, month in (
            ("eq5d5l", "baseline", received + 1),
            ("eq5d5l", "follow_up", received + 4),
        ):
            measures.append(
                {
                    "person_key": person,
                    "episode_key": episode,
                    "instrument": instrument,
                    "time_point": point,
                    "recorded_month": _month(month),
                    "score": 0.7,
                    "band": "",
                }
            )
        level = float(rng.normal(50, 6))
        for quarter in QUARTERS:
            effect = -2.0 if treated and quarter >= CUT else 0.0
            clinical.append(
                {
                    "person_key": person,
                    "measure": "hba1c",
                    "measured_month": quarter,
                    "value": round(level + effect + rng.normal(0, 2), 1),
                    "unit": "mmol/mol",
                    "category": "",
                }
            )
            on = started is not None and quarter >= _month(started)
            for setting, rate in (("gp_appointment", 1.2), ("ae_attendance", 0.3)):
                care.append(
                    {
                        "person_key": person,
                        "setting": setting,
                        "period_start_month": quarter,
                        "period_end_month": f"{quarter[:5]}{int(quarter[5:]) + 2:02d}",
                        "count": int(rng.poisson(rate * (0.7 if on else 1.0))),
                    }
                )
    paths = {}
    for name, rows in (
        ("episodes", episodes),
        ("measures", measures),
        ("clinical", clinical),
        ("care_use", care),
    ):
        paths[name] = folder / f"{name}.csv"
        pd.DataFrame(rows).to_csv(paths[name], index=False)
    return paths


SPEC = """
title = "Synthetic evaluation"
B = 200
seed = 7

[data]
source = "files"
episodes = "episodes.csv"
measures = "measures.csv"
clinical = "clinical.csv"
care_use = "care_use.csv"

[[change]]
instrument = "swemwbs"
mcid = 3

[[change]]
instrument = "eq5d5l"
mcid = 0.06

[[did]]
outcome = "hba1c"
treated = { column = "gp_practice", in = ["Z90001", "Z90002", "Z90003", "Z90004"] }
post_from = "2025-01"
cluster = "gp_practice"
wild_cluster_bootstrap = true

[event_study]
outcome = ["gp_appointment", "ae_attendance"]
leads = 3
lags = 3

[cost_effectiveness]
arm = { column = "gp_practice", in = ["Z90001", "Z90002", "Z90003", "Z90004"] }
intervention_cost = 300
unit_costs = { ae_attendance = 300 }

[subgroups]
by = ["deprivation_quintile", "ethnicity_group", "long_term_conditions"]
analysis = "change:swemwbs"
"""
