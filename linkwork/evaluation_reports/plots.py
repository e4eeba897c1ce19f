"""The report's plots: matplotlib on the Agg backend, written as SVG text to inline in the page.

Each SVG carries a <title> and a <desc> (its text alternative, named by aria-labelledby), keeps
its text as text rather than paths, and holds no link to anything outside itself: the XML
prolog, the DOCTYPE (which names a DTD by URL), the metadata block and the namespace
declarations are removed, since an <svg> inside HTML needs none of them.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

# NHS.UK colours: blue for the intervention or estimate, grey for the comparison.
BLUE = "#005eb8"
DARK = "#212b32"
GREY = "#768692"
WARM = "#d5281b"
STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "linkwork-evaluation",
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": DARK,
    "axes.labelcolor": DARK,
    "xtick.color": DARK,
    "ytick.color": DARK,
}
_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_XLINK = re.compile(r"xlink:href=")
_IDS = re.compile(r'\bid="([^"]+)"')
_REFS = re.compile(r'(href="#|url\(#)([^")]+)')


def to_svg(figure: Figure, *, ident: str, title: str, desc: str) -> str:
    """The figure as an inline <svg> with its title and description first."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = _PROLOG.sub("", buffer.getvalue())
    text = _METADATA.sub("", text)
    text = _NAMESPACES.sub("", text)
    text = _XLINK.sub("href=", text)
    # Ids are matplotlib's own (patch_1, glyph names): unique within one figure only, so each
    # is prefixed with the figure's name to stay unique, and rightly referred to, in the page.
    text = _IDS.sub(lambda m: f'id="{ident}-{m.group(1)}"', text)
    text = _REFS.sub(lambda m: f"{m.group(1)}{ident}-{m.group(2)}", text)
    opening = re.search(r"<svg\b[^>]*>", text)
    assert opening is not None
    tag = opening.group(0)[:-1] + (
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" id="{ident}">'
    )
    heading = (
        f'<title id="{ident}-title">{html.escape(title)}</title>'
        f'<desc id="{ident}-desc">{html.escape(desc)}</desc>'
    )
    return text[: opening.start()] + tag + heading + text[opening.end() :]


def _figure(width: float = 6.4, height: float = 3.6) -> tuple[Figure, Axes]:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(width, height))
    return figure, axes


def change_distributions(
    changes: Sequence[tuple[str, np.ndarray, float | None]],
) -> Figure:
    """One histogram per instrument of the change from baseline to follow-up, with the
    minimal important difference marked either side of zero."""
    with plt.rc_context(STYLE):
        count = max(1, len(changes))
        figure, axes_list = plt.subplots(1, count, figsize=(3.2 * count, 3.0), squeeze=False)
        for axes, (label, values, mcid) in zip(axes_list[0], changes, strict=False):
            axes.hist(values, bins=min(30, max(5, len(values) // 10)), color=BLUE, alpha=0.85)
            axes.axvline(0, color=DARK, linewidth=1)
            if mcid:
                for edge in (-mcid, mcid):
                    axes.axvline(edge, color=WARM, linewidth=1, linestyle="--")
            axes.set_title(label)
            axes.set_xlabel("Change (follow-up minus baseline)")
            axes.set_ylabel("People")
        figure.tight_layout()
    return figure


def trends(
    periods: Sequence[str],
    treated: Sequence[float],
    control: Sequence[float],
    *,
    cut: str,
    ylabel: str,
) -> Figure:
    """Mean outcome by period in the treated and comparison groups, with the cut-off."""
    figure, axes = _figure()
    with plt.rc_context(STYLE):
        x = np.arange(len(periods))
        axes.plot(x, treated, marker="o", color=BLUE, label="Treated")
        axes.plot(x, control, marker="s", color=GREY, linestyle="--", label="Comparison")
        if cut in periods:
            axes.axvline(periods.index(cut) - 0.5, color=WARM, linewidth=1, linestyle=":")
        axes.set_xticks(x, periods, rotation=45, ha="right")
        axes.set_ylabel(ylabel)
        axes.legend(frameon=False)
        figure.tight_layout()
    return figure


def event_study(
    relative: Sequence[int],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    ylabel: str,
) -> Figure:
    """Coefficients and 95% intervals by period relative to the start (reference -1 at 0)."""
    figure, axes = _figure()
    with plt.rc_context(STYLE):
        est = np.asarray(estimates, dtype=float)
        errors = np.vstack([est - np.asarray(lows), np.asarray(highs) - est])
        axes.errorbar(relative, est, yerr=errors, fmt="o", color=BLUE, capsize=3)
        axes.axhline(0, color=DARK, linewidth=1)
        axes.axvline(-0.5, color=WARM, linewidth=1, linestyle=":")
        axes.set_xlabel("Periods since support started (-1 is the reference)")
        axes.set_ylabel(ylabel)
        axes.set_xticks(list(relative))
        figure.tight_layout()
    return figure


def ce_plane(
    delta_qaly: np.ndarray,
    delta_cost: np.ndarray,
    point: tuple[float, float],
    thresholds: Sequence[float],
) -> Figure:
    """Bootstrap replicates on the cost-effectiveness plane, with a line per threshold."""
    figure, axes = _figure(6.4, 4.4)
    with plt.rc_context(STYLE):
        axes.scatter(delta_qaly, delta_cost, s=4, color=BLUE, alpha=0.25, linewidths=0)
        axes.scatter([point[0]], [point[1]], s=40, color=WARM, marker="D", label="Estimate")
        axes.axhline(0, color=DARK, linewidth=1)
        axes.axvline(0, color=DARK, linewidth=1)
        span = float(np.nanmax(np.abs(delta_qaly))) if len(delta_qaly) else 1.0
        xs = np.array([-span, span])
        for threshold, style in zip(thresholds, (":", "--", "-."), strict=False):
            axes.plot(
                xs,
                threshold * xs,
                color=GREY,
                linestyle=style,
                linewidth=1,
                label=f"£{threshold:,.0f} per QALY",
            )
        axes.set_xlim(-span * 1.05, span * 1.05)
        low, high = np.nanpercentile(delta_cost, [0.5, 99.5]) if len(delta_cost) else (0, 1)
        pad = max(abs(low), abs(high)) * 1.2 or 1.0
        axes.set_ylim(min(-pad * 0.1, low - pad * 0.1), max(pad * 0.1, high + pad * 0.1))
        axes.set_xlabel("Incremental QALYs")
        axes.set_ylabel("Incremental cost (£)")
        axes.legend(frameon=False, fontsize=8, loc="best")
        figure.tight_layout()
    return figure


def ceac(
    thresholds: Sequence[float], probabilities: Sequence[float], marks: Sequence[float]
) -> Figure:
    """The probability of being cost-effective against the threshold."""
    figure, axes = _figure()
    with plt.rc_context(STYLE):
        axes.plot(thresholds, probabilities, color=BLUE)
        for mark in marks:
            axes.axvline(mark, color=GREY, linewidth=1, linestyle=":")
        axes.set_ylim(0, 1)
        axes.set_xlabel("Threshold (£ per QALY)")
        axes.set_ylabel("Probability cost-effective")
        axes.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        figure.tight_layout()
    return figure


def forest(
    labels: Sequence[str],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    pooled: tuple[float, float, float] | None,
    xlabel: str,
) -> Figure:
    """Estimates and 95% intervals by subgroup, the pooled estimate last as a diamond."""
    rows = len(labels) + (1 if pooled else 0)
    figure, axes = _figure(6.4, 0.45 * rows + 1.2)
    with plt.rc_context(STYLE):
        y = np.arange(len(labels))[::-1] + (1 if pooled else 0)
        est = np.asarray(estimates, dtype=float)
        errors = np.vstack([est - np.asarray(lows), np.asarray(highs) - est])
        axes.errorbar(est, y, xerr=errors, fmt="s", color=BLUE, capsize=3)
        ticks, names = list(y), list(labels)
        if pooled:
            value, low, high = pooled
            axes.fill([low, value, high, value], [0, 0.25, 0, -0.25], color=DARK, label="Pooled")
            ticks.append(0)
            names.append("Pooled")
        axes.axvline(0, color=GREY, linewidth=1, linestyle=":")
        axes.set_yticks(ticks, names)
        axes.set_xlabel(xlabel)
        figure.tight_layout()
    return figure
