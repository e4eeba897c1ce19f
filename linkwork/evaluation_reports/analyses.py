"""Run the analyses a spec asks for on an extract, and lay the results out as report sections:
text, tables and plots with their text alternatives. The statistics are all
`linkwork.evaluation`'s; this module only shapes the data and words the results.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from linkwork.evaluation import (
    EvaluationInputError,
    bootstrap_cea,
    did,
    event_study,
    paired_change,
    qaly_auc,
    subgroups,
    twfe,
)
from linkwork.evaluation.costs import CostError, cost_utilisation, default_unit_costs
from linkwork.evaluation_reports import frames, plots
from linkwork.evaluation_reports.spec import (
    SUBGROUPS,
    ChangeSpec,
    CostEffectivenessSpec,
    DidSpec,
    EventStudySpec,
    Spec,
    SpecError,
)

CEAC_POINTS = 51


# --- What a report holds --------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]


@dataclass
class Plot:
    ident: str
    title: str
    desc: str
    caption: str
    svg: str
    table: Table


@dataclass
class Section:
    ident: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Analyses of this section that could not run, each with the reason."""


@dataclass
class Report:
    title: str
    generated: str
    origin: str
    sections: list[Section]
    results: dict[str, Any] = field(default_factory=dict)
    """Every result's `to_dict()`, by section: the report's numbers as data."""

    @property
    def problems(self) -> list[str]:
        return [f"{s.title}: {p}" for s in self.sections for p in s.problems]


# --- Formatting -----------------------------------------------------------------------------


def num(value: Any, places: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:,.{places}f}"


def money(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def interval(low: Any, high: Any, places: int = 2, *, pounds: bool = False) -> str:
    if low is None or high is None:
        return "-"
    shown = money if pounds else (lambda v: num(v, places))
    return f"{shown(low)} to {shown(high)}"


def p_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def share(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{100 * value:.0f}%"


def label_of(instrument: str) -> str:
    labels = {
        "swemwbs": "SWEMWBS",
        "wemwbs": "WEMWBS",
        "eq5d5l": "EQ-5D-5L index",
        "phq9": "PHQ-9",
        "gad7": "GAD-7",
        "ons4": "ONS4",
        "ucla3": "UCLA-3",
        "pam": "PAM",
        "mycaw": "MYCaW",
        "hba1c": "HbA1c (mmol/mol)",
        "bmi": "BMI (kg/m²)",
        "systolic_bp": "Systolic blood pressure (mmHg)",
        "diastolic_bp": "Diastolic blood pressure (mmHg)",
        "total_cholesterol": "Total cholesterol (mmol/L)",
        "gp_appointment": "GP appointments",
        "ae_attendance": "A&E attendances",
        "non_elective_admission": "non-elective admissions",
        "elective_admission": "elective admissions",
        "outpatient_attendance": "outpatient attendances",
    }
    return labels.get(instrument, instrument.replace("_", " "))


# --- Running --------------------------------------------------------------------------------


class Runner:
    """Runs one spec on one extract, section by section; an analysis the data cannot support
    is written into its section as a problem, and the others still run."""

    def __init__(self, spec: Spec, extract: frames.Extract, *, progress: bool = False) -> None:
        self.spec = spec
        self.extract = extract
        self.people = frames.people(extract)
        self.results: dict[str, Any] = {}
        self.changes: dict[str, Any] = {}
        self.did_panels: dict[str, pd.DataFrame] = {}
        steps = len(spec.change) + 2 * len(spec.did) + 3
        steps += 1 if spec.event_study else 0
        steps += 1 if spec.cost_effectiveness else 0
        steps += len(spec.subgroups.by) if spec.subgroups else 0
        self.bar = tqdm(
            total=steps, desc="Evaluating", unit=" steps", file=sys.stderr, disable=not progress
        )

    @contextmanager
    def step(self, section: Section, what: str) -> Iterator[None]:
        self.bar.set_postfix_str(what)
        try:
            yield
        except (EvaluationInputError, CostError, SpecError) as error:
            section.problems.append(f"{what}: {error}")
        except Exception as error:  # one analysis failing must not lose the whole report
            section.problems.append(
                f"{what}: unexpected error ({type(error).__name__}: {error}); please report it"
            )
        finally:
            self.bar.update(1)

    def run(self) -> Report:
        spec = self.spec
        sections = []
        if spec.change:
            sections.append(self.change_section())
        for index, item in enumerate(spec.did):
            sections.append(self.did_section(index, item))
        if spec.event_study is not None:
            sections.append(self.event_study_section(spec.event_study))
        if spec.cost_effectiveness is not None:
            sections.append(self.cea_section(spec.cost_effectiveness))
        if spec.subgroups is not None:
            sections.append(self.subgroup_section())
        methods = self.methods_section()
        self.bar.update(self.bar.total - self.bar.n)
        self.bar.close()
        return Report(
            title=spec.title,
            generated=dt.datetime.now().strftime("%d %B %Y %H:%M"),
            origin=spec.origin,
            sections=[methods, *sections],
            results=self.results,
        )

    # --- Data and methods -------------------------------------------------------------------

    def methods_section(self) -> Section:
        spec, extract, people = self.spec, self.extract, self.people
        section = Section("methods", "Data and methods")
        period = "every month in the extract"
        if spec.period_from or spec.period_to:
            period = f"{spec.period_from or 'the start'} to {spec.period_to or 'the end'}"
        source = (
            "the live database's pseudonymised extract, written for this report"
            if spec.data.source == "database"
            else "a pseudonymised extract read from files"
        )
        section.paragraphs.append(
            f"This report analyses {source}. Of {extract.episodes_read:,} episodes (referrals) in "
            f"the extract, {len(extract.episodes):,} were received in the period ({period}); "
            f"they belong to {len(people):,} people. Each person is counted once, at their first "
            "episode in the period. The extract holds no names, NHS numbers, dates of birth, "
            "addresses or free text; dates are months and ages are bands."
        )
        tables = [
            ("Outcome measures", extract.measures),
            ("Clinical measures", extract.clinical),
            ("Counts of health-care use", extract.care_use),
        ]
        rows = [
            ["Episodes in the period", f"{len(extract.episodes):,}"],
            ["People", f"{len(people):,}"],
        ]
        rows += [
            [name, "not given" if frame is None else f"{len(frame):,} rows"]
            for name, frame in tables
        ]
        section.tables.append(Table("What was analysed", ["Data", "Count"], rows))
        if self.changes:
            attrition = [
                [
                    label_of(name),
                    f"{r.n_before:,}",
                    f"{r.n:,}",
                    f"{r.attrition:,}",
                    share(r.attrition_rate),
                ]
                for name, r in self.changes.items()
            ]
            section.tables.append(
                Table(
                    "Attrition: people with a baseline score and how many also have a follow-up",
                    [
                        "Measure",
                        "Baseline",
                        "Baseline and follow-up",
                        "Lost to follow-up",
                        "Attrition",
                    ],
                    attrition,
                )
            )
        section.paragraphs += self.assumptions()
        section.paragraphs.append(
            f"Bootstrap analyses use B = {spec.B:,} resamples with seed {spec.seed}, so the "
            "report is the same each time it is built from the same extract. Thresholds: "
            + ", ".join(f"£{t:,.0f}" for t in spec.thresholds)
            + " per QALY (NICE's range, PMG36 2022, section 4.10, unless the spec says other)."
        )
        return section

    def assumptions(self) -> list[str]:
        spec = self.spec
        found = []
        if spec.change:
            found.append(
                "Change before and after: the mean within-person change from the first baseline "
                "score to the latest follow-up or discharge score, with a t interval. People "
                "without a follow-up are left out, which assumes they would have changed as "
                "those followed up did; the attrition table shows how many that is. Without a "
                "comparison group the change is not an effect of the scheme: regression to the "
                "mean and time alone also move scores."
            )
        if spec.did:
            found.append(
                "Difference-in-differences: the regression outcome ~ treated + post + "
                "treated:post on every clinical measure of the people of the treated and "
                "comparison groups (intention to treat by group, as SPRING_NE did by practice), "
                "with the errors named in the table. It assumes parallel trends: without the "
                "scheme, both groups' outcomes would have moved alike. The two-way fixed-effects "
                "fit adds a fixed effect per person and per month; with few clusters the wild "
                "cluster bootstrap gives the interval (Cameron, Gelbach and Miller 2008)."
            )
        if spec.event_study:
            found.append(
                "Event study: two-way fixed effects (person and period) with one coefficient per "
                "period before and after support started, the period before start (-1) the "
                "reference; people whose support never started are the comparison throughout. "
                "Leads near zero support parallel trends; the joint F test of the leads is "
                "given. Periods missing from the care-use file for a person in it count as no "
                "use."
            )
        if spec.cost_effectiveness:
            ce = spec.cost_effectiveness
            found.append(
                f"Cost-effectiveness: QALYs are the area under each person's "
                f"{label_of(ce.qaly_instrument)} from baseline to follow-up, the follow-up value "
                f"carried to a {ce.horizon_months}-month horizon (follow-up times come from the "
                f"measures file, or {ce.follow_up_months:g} months without it). Costs are "
                "health-care use in the horizon after support started, priced by the unit-cost "
                "table, plus the intervention's cost as the spec gives it. The non-parametric "
                "bootstrap resamples people (or clusters) within arm (Briggs, Wonderling and "
                "Mooney 1997)"
                + (
                    "; QALYs are adjusted for baseline utility (Manca et al. 2005)."
                    if ce.baseline_adjusted
                    else "."
                )
            )
        if spec.subgroups:
            found.append(
                "Subgroups: the same analysis in each level, with Cochran's Q as the test that "
                "the effect differs between levels (it treats the levels as independent). "
                "Subgroup results are for exploring equity, not proof of a difference."
            )
        return found

    # --- Change ---------------------------------------------------------------------------

    def change_section(self) -> Section:
        section = Section("change", "Change before and after support")
        rows, distributions = [], []
        for item in self.spec.change:
            with self.step(section, f"change in {label_of(item.instrument)}"):
                result = self.paired(item)
                self.changes[item.instrument] = result
                self.results.setdefault("change", {})[item.instrument] = result.to_dict()
                before = f"{item.instrument}_baseline"
                after = f"{item.instrument}_follow_up"
                both = self.people.dropna(subset=[before, after])
                values = (both[after] - both[before]).to_numpy(dtype=float)
                distributions.append((label_of(item.instrument), values, item.mcid))
                rows.append(
                    [
                        label_of(item.instrument),
                        f"{result.n:,}",
                        num(result.estimate),
                        interval(result.ci_low, result.ci_high),
                        p_value(result.p_value),
                        num(result.effect_size),
                        num(result.standardised_response_mean),
                        "-" if item.mcid is None else num(item.mcid, 1),
                        share(result.share_improved),
                    ]
                )
        if rows:
            section.paragraphs.append(
                "Mean change from baseline to follow-up for each outcome measure, among people "
                "with both scores. The effect size divides the mean change by the baseline "
                "standard deviation; the standardised response mean divides it by the standard "
                "deviation of the change. The share improved counts changes of at least the "
                "minimal important difference (MID) in the better direction."
            )
            section.tables.append(
                Table(
                    "Change from baseline to follow-up",
                    [
                        "Measure",
                        "People",
                        "Mean change",
                        "95% CI",
                        "p",
                        "Effect size",
                        "SRM",
                        "MID",
                        "Improved by MID or more",
                    ],
                    rows,
                )
            )
        if distributions:
            quantile_rows = []
            for name, values, _ in distributions:
                q = np.percentile(values, [0, 25, 50, 75, 100])
                quantile_rows.append([name, *(num(v) for v in q), num(float(np.mean(values)))])
            desc = "; ".join(
                f"{name}: median change {num(float(np.median(v)))}, middle half from "
                f"{num(float(np.percentile(v, 25)))} to {num(float(np.percentile(v, 75)))}"
                for name, v, _ in distributions
            )
            section.plots.append(
                self.plot(
                    "change-distributions",
                    "Distribution of change from baseline to follow-up",
                    desc,
                    "Histograms of each person's change; dashed lines mark the minimal "
                    "important difference either side of no change.",
                    plots.change_distributions(distributions),
                    Table(
                        "Change by measure: quantiles",
                        ["Measure", "Minimum", "25th", "Median", "75th", "Maximum", "Mean"],
                        quantile_rows,
                    ),
                )
            )
        return section

    def paired(self, item: ChangeSpec, frame: pd.DataFrame | None = None) -> Any:
        key = f"change[{self.spec.change.index(item)}].instrument"
        data = frames.change_frame(self.people if frame is None else frame, item.instrument, key)
        return paired_change(
            data,
            f"{item.instrument}_baseline",
            f"{item.instrument}_follow_up",
            mcid=item.mcid,
            higher_is_better=item.higher_is_better,
        )

    # --- Difference-in-differences ------------------------------------------------------------

    def did_panel(self, index: int, item: DidSpec) -> pd.DataFrame:
        if item.outcome in self.did_panels:
            return self.did_panels[item.outcome]
        key = f"did[{index}]"
        panel = frames.clinical_panel(self.extract, self.people, item.outcome, f"{key}.outcome")
        panel["treated"] = frames.in_rule(panel, item.treated, f"{key}.treated")
        if item.post_from is not None:
            panel["post"] = (panel["measured_month"].astype(str) >= item.post_from).astype(int)
            panel["since"] = panel["measured_month"].astype(str).map(_quarter)
        else:
            assert item.post_after is not None
            own = panel[item.post_after].astype("string").replace("", pd.NA)
            panel = panel.loc[own.notna()].copy()
            gap = frames.months_between(panel[item.post_after], panel["measured_month"])
            panel["post"] = (gap > 0).astype(int)
            panel["since"] = (np.floor((gap - 1) / 3) + 1).astype(int).map(_quarters_since)
        panel["treatment"] = panel["treated"] * panel["post"]
        if item.cluster is not None and item.cluster not in panel.columns:
            raise SpecError(f"{key}.cluster", f"the extract has no {item.cluster!r} column")
        self.did_panels[item.outcome] = panel
        return panel

    def did_fit(self, item: DidSpec, panel: pd.DataFrame) -> Any:
        return did(panel, "value", "treated", "post", se=item.se, cluster=item.cluster)

    def did_section(self, index: int, item: DidSpec) -> Section:
        name = label_of(item.outcome)
        section = Section(f"did-{index}", f"Difference-in-differences: {name}")
        post = (
            f"measures in {item.post_from} or later"
            if item.post_from is not None
            else f"measures after the person's {item.post_after.replace('_', ' ')}"
            if item.post_after is not None
            else ""
        )
        section.paragraphs.append(
            f"Treated: {item.treated.describe()}; comparison: everyone else. Post: {post}."
        )
        rows: list[list[str]] = []
        results: dict[str, Any] = {}
        with self.step(section, f"difference-in-differences of {name}"):
            panel = self.did_panel(index, item)
            result = self.did_fit(item, panel)
            results["did"] = result.to_dict()
            means = result.cell_means
            section.tables.append(
                Table(
                    f"Mean {name} by group and period",
                    ["Group", "Before", "After", "Change"],
                    [
                        [
                            "Treated",
                            num(means["treated_pre"]),
                            num(means["treated_post"]),
                            num(means["treated_post"] - means["treated_pre"]),
                        ],
                        [
                            "Comparison",
                            num(means["control_pre"]),
                            num(means["control_post"]),
                            num(means["control_post"] - means["control_pre"]),
                        ],
                    ],
                )
            )
            rows.append(
                [
                    "Difference-in-differences (OLS)",
                    num(result.estimate),
                    interval(result.ci_low, result.ci_high),
                    p_value(result.p_value),
                    result.se_type,
                    f"{result.n:,}",
                    "-" if result.n_clusters is None else str(result.n_clusters),
                ]
            )
            section.plots.append(self.trend_plot(index, item, panel))
        if item.twfe:
            with self.step(section, f"two-way fixed effects of {name}"):
                panel = self.did_panel(index, item)
                fit = twfe(
                    panel,
                    "value",
                    "treatment",
                    "person_key",
                    "measured_month",
                    cluster=item.cluster,
                    wild_cluster_bootstrap=item.wild_cluster_bootstrap,
                    B=max(self.spec.B, 999),
                    seed=self.spec.seed,
                )
                results["twfe"] = fit.to_dict()
                rows.append(
                    [
                        "Two-way fixed effects (person and month)",
                        num(fit.estimate),
                        interval(fit.ci_low, fit.ci_high),
                        p_value(fit.p_value),
                        fit.inference if item.wild_cluster_bootstrap else fit.se_type,
                        f"{fit.n:,}",
                        "-" if fit.n_clusters is None else str(fit.n_clusters),
                    ]
                )
        else:
            self.bar.update(1)
        if rows:
            section.tables.append(
                Table(
                    f"Effect on {name}",
                    ["Model", "Estimate", "95% CI", "p", "Inference", "Measures", "Clusters"],
                    rows,
                )
            )
        self.results.setdefault("did", {})[item.outcome] = results
        return section

    def trend_plot(self, index: int, item: DidSpec, panel: pd.DataFrame) -> Plot:
        name = label_of(item.outcome)
        means = panel.pivot_table(index="since", columns="treated", values="value", aggfunc="mean")
        if item.post_from is None:
            means = means.sort_index(key=lambda labels: labels.map(_since_order))
        periods = [str(p) for p in means.index]
        treated = [float(v) for v in means.get(1, pd.Series(np.nan, index=means.index))]
        control = [float(v) for v in means.get(0, pd.Series(np.nan, index=means.index))]
        cut = _quarter(item.post_from) if item.post_from is not None else _quarters_since(1)
        axis = "by quarter" if item.post_from is not None else "by quarter since referral"
        return self.plot(
            f"did-{index}-trends",
            f"Mean {name} {axis}, treated and comparison",
            f"Mean {name} {axis} from {periods[0]} to {periods[-1]}: treated from "
            f"{num(treated[0])} to {num(treated[-1])}, comparison from {num(control[0])} to "
            f"{num(control[-1])}; the dotted line marks the start of the post period ({cut}).",
            "Parallel lines before the dotted line support the parallel-trends assumption.",
            plots.trends(periods, treated, control, cut=cut, ylabel=name),
            Table(
                f"Mean {name} {axis}",
                ["Quarter", "Treated", "Comparison"],
                [[p, num(t), num(c)] for p, t, c in zip(periods, treated, control, strict=True)],
            ),
        )

    # --- Event study ----------------------------------------------------------------------

    def event_study_section(self, item: EventStudySpec) -> Section:
        name = " and ".join(label_of(o) for o in item.outcome)
        section = Section("event-study", f"Event study: {name} around the start of support")
        with self.step(section, f"event study of {name}"):
            panel = frames.care_use_panel(
                self.extract, self.people, item.outcome, "event_study.outcome"
            )
            start = panel["first_contact_month"].astype("string").replace("", pd.NA)
            started = start.notna()
            ends = panel["period_end_month"].astype(str)
            panel["treatment"] = (started & (ends >= start.fillna("9999-99"))).astype(int)
            panel["event_time"] = frames.event_time(panel, "received_month")
            panel = panel.loc[panel["event_time"].notna()].copy()
            started = started.loc[panel.index]
            if item.cluster is not None and item.cluster not in panel.columns:
                raise SpecError(
                    "event_study.cluster", f"the extract has no {item.cluster!r} column"
                )
            leads, lags = _window(panel, item.leads, item.lags)
            result = event_study(
                panel,
                "count",
                "treatment",
                "person_key",
                "event_time",
                leads=leads,
                lags=lags,
                cluster=item.cluster,
            )
            self.results["event_study"] = result.to_dict()
            by_period = {_relative(c.name): c for c in result.periods}
            relative = sorted([-1, *by_period])
            estimates = [_value(by_period[r].estimate) if r in by_period else 0.0 for r in relative]
            lows = [_value(by_period[r].ci_low) if r in by_period else 0.0 for r in relative]
            highs = [_value(by_period[r].ci_high) if r in by_period else 0.0 for r in relative]
            n_started = int(panel.loc[started, "person_key"].nunique())
            section.paragraphs.append(
                f"{name} per person and period for {result.n_units:,} people over "
                f"{result.n_periods} periods ({n_started:,} whose support started, the rest the "
                f"comparison); {result.n:,} person-periods. Errors: {result.se_type}. The mean "
                f"effect after the start is {num(result.estimate, 3)} "
                f"(95% CI {interval(result.ci_low, result.ci_high, 3)}) per person and period."
            )
            if result.pretrend_p_value is not None:
                section.paragraphs.append(
                    f"Pre-trend test (all leads zero): F = {num(result.pretrend_f)}, "
                    f"p = {p_value(result.pretrend_p_value)}."
                )
            else:
                section.paragraphs.append(
                    "No pre-trend test: the care-use file has only one period before support "
                    "started for these people. Counts by month or quarter give the leads that "
                    "test for parallel trends."
                )
            table = Table(
                "Coefficients by period relative to the start of support",
                ["Period", "Estimate", "95% CI", "p"],
                [
                    [_period_label(r), num(e, 3)]
                    + (
                        ["reference", "-"]
                        if r not in by_period
                        else [interval(lo, hi, 3), p_value(by_period[r].p_value)]
                    )
                    for r, e, lo, hi in zip(relative, estimates, lows, highs, strict=True)
                ],
            )
            desc = "; ".join(
                f"period {_period_label(r)}: {num(e, 3)} ({interval(lo, hi, 3)})"
                for r, e, lo, hi in zip(relative, estimates, lows, highs, strict=True)
            )
            section.plots.append(
                self.plot(
                    "event-study-coefficients",
                    f"Event study of {name}",
                    f"Change in {name} per person and period relative to the period before "
                    f"support started, with 95% intervals: {desc}.",
                    "Points left of the dotted line are leads (before the start), right of it "
                    "lags; the period just before the start is the reference, fixed at 0.",
                    plots.event_study(relative, estimates, lows, highs, ylabel=name),
                    table,
                )
            )
        return section

    # --- Cost-effectiveness -----------------------------------------------------------------

    def cea_frame(self, item: CostEffectivenessSpec) -> tuple[pd.DataFrame, list[str]]:
        notes: list[str] = []
        people = self.people.copy()
        before = f"{item.qaly_instrument}_baseline"
        after = f"{item.qaly_instrument}_follow_up"
        if before not in people.columns:
            raise SpecError(
                "cost_effectiveness.qaly_instrument",
                f"{item.qaly_instrument!r} is not an instrument of the extract",
            )
        people["arm"] = frames.in_rule(people, item.arm, "cost_effectiveness.arm")
        people = people.dropna(subset=[before, after])
        months = pd.Series(item.follow_up_months, index=people.index, dtype=float)
        if self.extract.measures is not None:
            measured = self.extract.measures
            measured = measured.loc[measured["instrument"] == item.qaly_instrument]
            first = (
                measured.loc[measured["time_point"] == "baseline"]
                .groupby("episode_key")["recorded_month"]
                .min()
            )
            last = (
                measured.loc[measured["time_point"] != "baseline"]
                .groupby("episode_key")["recorded_month"]
                .max()
            )
            gap = frames.months_between(
                people["episode_key"].map(first), people["episode_key"].map(last)
            )
            months = gap.where(gap.notna(), months).clip(lower=0.5)
        horizon = float(item.horizon_months)
        qalys = []
        for u0, u1, m in zip(people[before], people[after], months, strict=True):
            follow = min(float(m), horizon)
            if follow < horizon:
                value = qaly_auc([u0, u1, u1], [0.0, follow / 12, horizon / 12])
            else:
                value = qaly_auc([u0, u1], [0.0, horizon / 12])
            qalys.append(float(value))
        people["qaly"] = qalys
        people["baseline_utility"] = people[before]
        if item.cost_column is not None:
            if item.cost_column not in people.columns:
                raise SpecError(
                    "cost_effectiveness.cost_column",
                    f"the extract has no {item.cost_column!r} column",
                )
            people["cost"] = pd.to_numeric(people[item.cost_column], errors="coerce")
            notes.append(f"Costs are the extract's {item.cost_column!r} column.")
            return people.dropna(subset=["cost"]), notes
        cost = item.intervention_cost * people["arm"]
        if item.cost_per_contact:
            contacts = people.get("contacts_count", pd.Series(0, index=people.index)).fillna(0)
            cost = cost + item.cost_per_contact * contacts
        notes.append(
            f"Intervention cost: £{item.intervention_cost:,.0f} per person in the intervention "
            f"arm"
            + (
                f", and £{item.cost_per_contact:,.0f} per contact with a link worker in either arm"
                if item.cost_per_contact
                else ""
            )
            + "."
        )
        people["cost"] = cost
        if self.extract.care_use is None:
            notes.append("No care-use file: health-care use is not costed.")
            return people, notes
        use = self.extract.care_use
        index = people[["person_key", "first_contact_month", "received_month"]].copy()
        index["index_month"] = index["first_contact_month"].where(
            index["first_contact_month"].notna() & (index["first_contact_month"] != ""),
            index["received_month"],
        )
        joined = use.merge(index[["person_key", "index_month"]], on="person_key", how="inner")
        ends = joined["index_month"].map(lambda m: frames.add_month(str(m), item.horizon_months))
        starts = joined["period_start_month"].astype(str)
        window = joined.loc[(starts >= joined["index_month"].astype(str)) & (starts < ends)]
        unit_costs = item.unit_costs
        costed = cost_utilisation(
            window.assign(count=window["count"].astype(int)),
            unit_costs,
            period=None,
            uncosted="leave_out",
        )
        left_out = costed.attrs.get("uncosted", [])
        covered = set(use["person_key"])
        people = people.loc[people["person_key"].isin(covered)].copy()
        health = people["person_key"].map(costed.set_index("person_key")["total_cost"]).fillna(0.0)
        people["cost"] = people["cost"] + health
        priced = sorted({s for s in window["setting"].unique() if s not in left_out})
        notes.append(
            "Health-care use costed: "
            + (", ".join(s.replace("_", " ") for s in priced) or "none")
            + "."
        )
        if left_out:
            notes.append(
                "Not costed (no unit cost in the table): "
                + ", ".join(s.replace("_", " ") for s in left_out)
                + ". Give unit costs for them in cost_effectiveness.unit_costs."
            )
        if item.unit_costs is None:
            table = default_unit_costs()
            notes.append(
                "Unit costs: Linkwork's default table ("
                + "; ".join(
                    f"{c.setting.replace('_', ' ')} £{c.cost:,.0f} ({c.price_year})"
                    for c in table.costs.values()
                    if c.cost is not None
                )
                + ")."
            )
        return people, notes

    def cea_section(self, item: CostEffectivenessSpec) -> Section:
        section = Section("cost-effectiveness", "Cost-effectiveness")
        with self.step(section, "cost-effectiveness"):
            frame, notes = self.cea_frame(item)
            section.paragraphs.append(
                f"Intervention arm: {item.arm.describe()}; control arm: everyone else with "
                f"{label_of(item.qaly_instrument)} at baseline and follow-up."
            )
            section.paragraphs += notes
            if item.cluster is not None and item.cluster not in frame.columns:
                raise SpecError(
                    "cost_effectiveness.cluster", f"the extract has no {item.cluster!r} column"
                )
            result = bootstrap_cea(
                frame,
                "cost",
                "qaly",
                "arm",
                cluster=item.cluster,
                baseline_utility="baseline_utility" if item.baseline_adjusted else None,
                B=self.spec.B,
                seed=self.spec.seed,
                thresholds=self.spec.thresholds,
            )
            self.results["cost_effectiveness"] = result.to_dict()
            arms = frame.groupby("arm").agg(
                n=("cost", "size"), cost=("cost", "mean"), qaly=("qaly", "mean")
            )
            section.tables.append(
                Table(
                    "Mean cost and QALYs by arm",
                    ["Arm", "People", "Mean cost", "Mean QALYs"],
                    [
                        [
                            ("Intervention" if arm == 1 else "Control"),
                            f"{int(r.n):,}",
                            money(r.cost),
                            num(r.qaly, 3),
                        ]
                        for arm, r in arms.sort_index(ascending=False).iterrows()
                    ],
                )
            )
            dc, dq = result.delta_cost, result.delta_qaly
            icer_text = (
                money(result.estimate)
                if result.estimate is not None
                else (result.status.replace("_", " "))
            )
            section.tables.append(
                Table(
                    "Incremental results (intervention minus control)",
                    ["Quantity", "Estimate", "95% CI (bootstrap percentile)"],
                    [
                        [
                            "Incremental cost",
                            money(dc.estimate),
                            interval(dc.ci_low, dc.ci_high, pounds=True),
                        ],
                        [
                            "Incremental QALYs",
                            num(dq.estimate, 4),
                            interval(dq.ci_low, dq.ci_high, 4),
                        ],
                        [
                            "ICER (£ per QALY)",
                            icer_text,
                            interval(result.ci_low, result.ci_high, pounds=True)
                            if result.ci_low is not None
                            else result.icer_ci_note,
                        ],
                    ]
                    + [
                        [
                            f"Net monetary benefit at £{b.threshold:,.0f}",
                            money(b.estimate),
                            interval(b.ci_low, b.ci_high, pounds=True),
                        ]
                        for b in result.nmb
                    ],
                )
            )
            section.tables.append(
                Table(
                    "Probability cost-effective at each threshold",
                    ["Threshold (£ per QALY)", "Probability"],
                    [[money(b.threshold), share(b.probability_cost_effective)] for b in result.nmb],
                )
            )
            section.paragraphs.append(
                f"Bootstrap: {result.B:,} replicates resampling {result.resampled}; "
                f"{result.n_intervention:,} people in the intervention arm and "
                f"{result.n_control:,} in the control arm."
            )
            replicates = result.replicates
            quadrants = result.quadrants
            section.plots.append(
                self.plot(
                    "ce-plane",
                    "Cost-effectiveness plane",
                    f"{result.B:,} bootstrap replicates of incremental QALYs against incremental "
                    f"cost. Point estimate: {num(dq.estimate, 4)} QALYs at "
                    f"{money(dc.estimate)}. Share of replicates: "
                    + "; ".join(f"{k.replace('_', ' ')} {share(v)}" for k, v in quadrants.items())
                    + ".",
                    "Each dot is one bootstrap replicate; the diamond is the estimate. Points "
                    "below a threshold line are cost-effective at that threshold.",
                    plots.ce_plane(
                        replicates["delta_qaly"].to_numpy(),
                        replicates["delta_cost"].to_numpy(),
                        (float(dq.estimate or 0.0), float(dc.estimate or 0.0)),
                        self.spec.thresholds,
                    ),
                    Table(
                        "Share of replicates in each quadrant",
                        ["Quadrant", "Share"],
                        [
                            [k.replace("_", " ").capitalize(), share(v)]
                            for k, v in quadrants.items()
                        ],
                    ),
                )
            )
            grid = np.linspace(0.0, item.ceac_max, CEAC_POINTS)
            curve = result.ceac(grid.tolist())
            marks = [0.0, *self.spec.thresholds, item.ceac_max]
            marked = result.ceac(sorted(set(marks)))
            section.plots.append(
                self.plot(
                    "ceac",
                    "Cost-effectiveness acceptability curve",
                    "Probability that the intervention is cost-effective, from "
                    + "; ".join(
                        f"{share(p)} at {money(t)}"
                        for t, p in zip(
                            marked["threshold"], marked["probability_cost_effective"], strict=True
                        )
                    )
                    + " per QALY.",
                    "The share of bootstrap replicates with a positive net monetary benefit at "
                    "each threshold; dotted lines mark the spec's thresholds.",
                    plots.ceac(
                        curve["threshold"].to_numpy(),
                        curve["probability_cost_effective"].to_numpy(),
                        self.spec.thresholds,
                    ),
                    Table(
                        "Probability cost-effective by threshold",
                        ["Threshold (£ per QALY)", "Probability"],
                        [
                            [money(t), share(p)]
                            for t, p in zip(
                                marked["threshold"],
                                marked["probability_cost_effective"],
                                strict=True,
                            )
                        ],
                    ),
                )
            )
        return section

    # --- Subgroups ------------------------------------------------------------------------

    def subgroup_section(self) -> Section:
        assert self.spec.subgroups is not None
        item = self.spec.subgroups
        kind, _, name = item.analysis.partition(":")
        section = Section("subgroups", f"Subgroups: {label_of(name)}")
        fn: Callable[[pd.DataFrame], Any]
        frame: pd.DataFrame | None = None
        if kind == "change":
            change = next(c for c in self.spec.change if c.instrument == name)
            section.paragraphs.append(
                f"Mean change in {label_of(name)} (as in the change section) in each subgroup."
            )

            def fn(data: pd.DataFrame) -> Any:
                return self.paired(change, data)

            frame = self.people
        else:
            index, spec_did = next((i, d) for i, d in enumerate(self.spec.did) if d.outcome == name)
            section.paragraphs.append(
                f"The difference-in-differences estimate for {label_of(name)} in each subgroup."
            )

            def fn(data: pd.DataFrame) -> Any:
                return self.did_fit(spec_did, data)

            try:
                frame = self.did_panel(index, spec_did)
            except SpecError as error:
                section.problems.append(str(error))
        summary_rows = []
        for by in item.by:
            if frame is None:
                self.bar.update(1)
                continue
            with self.step(section, f"subgroups by {SUBGROUPS[by]}"):
                if by not in frame.columns or frame[by].notna().sum() == 0:
                    raise SpecError("subgroups.by", f"the extract has no values for {by!r}")
                result = subgroups(fn, frame, by)
                self.results.setdefault("subgroups", {})[by] = result.to_dict()
                levels = [g for g in result.subgroups if g.result.estimate is not None]
                labels = [str(g.level) for g in levels]
                estimates = [float(g.result.estimate) for g in levels]
                lows = [float(g.result.ci_low) for g in levels]
                highs = [float(g.result.ci_high) for g in levels]
                pooled = None
                if result.estimate is not None:
                    pooled = (
                        result.estimate,
                        _value(result.ci_low),
                        _value(result.ci_high),
                    )
                test = result.interaction
                rows = [
                    [
                        str(g.level),
                        f"{g.result.n:,}",
                        num(g.result.estimate),
                        interval(g.result.ci_low, g.result.ci_high),
                    ]
                    for g in levels
                ]
                if pooled is not None:
                    rows.append(
                        [
                            "Pooled",
                            f"{sum(g.result.n for g in levels):,}",
                            num(pooled[0]),
                            interval(pooled[1], pooled[2]),
                        ]
                    )
                summary_rows.append(
                    [
                        SUBGROUPS[by],
                        str(len(levels)),
                        "-" if test.statistic is None else num(test.statistic),
                        "-" if test.df is None else str(test.df),
                        p_value(test.p_value),
                    ]
                )
                skipped = "; ".join(f"{k}: {v}" for k, v in result.skipped.items())
                section.plots.append(
                    self.plot(
                        f"forest-{by}",
                        f"{label_of(name)} by {SUBGROUPS[by]}",
                        "Estimate and 95% interval in each level: "
                        + "; ".join(f"{r[0]} {r[2]} ({r[3]}, n = {r[1]})" for r in rows)
                        + f". Test of difference between levels: p = {p_value(test.p_value)}.",
                        f"Forest plot by {SUBGROUPS[by]}; the diamond is the pooled estimate."
                        + (f" Left out: {skipped}." if skipped else ""),
                        plots.forest(
                            labels,
                            estimates,
                            lows,
                            highs,
                            pooled=pooled,
                            xlabel=f"Effect on {label_of(name)}",
                        ),
                        Table(f"By {SUBGROUPS[by]}", ["Level", "n", "Estimate", "95% CI"], rows),
                    )
                )
        if summary_rows:
            section.tables.append(
                Table(
                    "Does the effect differ between subgroups? (Cochran's Q)",
                    ["Subgroups by", "Levels", "Q", "df", "p"],
                    summary_rows,
                )
            )
        return section

    # --- Helpers --------------------------------------------------------------------------

    def plot(
        self, ident: str, title: str, desc: str, caption: str, figure: Any, table: Table
    ) -> Plot:
        svg = plots.to_svg(figure, ident=ident, title=title, desc=desc)
        return Plot(ident=ident, title=title, desc=desc, caption=caption, svg=svg, table=table)


def _quarter(month: str) -> str:
    return f"{month[:4]} Q{(int(month[5:7]) - 1) // 3 + 1}"


def _value(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _quarters_since(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _since_order(label: str) -> int:
    return int(label)


def _window(panel: pd.DataFrame, leads: int, lags: int) -> tuple[int, int]:
    """The spec's leads and lags, cut to the periods the data hold around each start (a lead
    or lag with no rows cannot be estimated)."""
    time = panel["event_time"].astype(int)
    order = {value: rank for rank, value in enumerate(sorted(time.unique()))}
    ranks = time.map(order)
    treated = panel["treatment"] == 1
    first = ranks.where(treated).groupby(panel["person_key"]).transform("min")
    relative = (ranks - first).loc[first.notna()]
    if relative.empty:
        return leads, lags
    return max(1, min(leads, int(-relative.min()))), max(0, min(lags, int(relative.max())))


def _relative(name: str) -> int:
    return int(name[1:]) if name != "t0" else 0


def _period_label(relative: int) -> str:
    return f"{relative:+d}" if relative else "0 (start)"


def build_report(spec: Spec, extract: frames.Extract, *, progress: bool = False) -> Report:
    """Run every analysis of `spec` on `extract`."""
    return Runner(spec, extract, progress=progress).run()


def load_files(spec: Spec) -> frames.Extract:
    data = spec.data
    assert data.episodes is not None
    return frames.load_extract(
        episodes=data.episodes,
        measures=data.measures,
        clinical=data.clinical,
        care_use=data.care_use,
        period_from=spec.period_from,
        period_to=spec.period_to,
    )
