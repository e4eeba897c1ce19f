"""Drawing a table: the NHS.UK table macro against `linkwork.core.tables.render` (issue 12).

Not one of the runner's modules (it needs no database and its figures are hand-written in
docs/performance.md, "Table rendering (issue 12)"). Run it with

    SECRET_KEY=x python -m benchmarks.table_render

It times, in one process with `timeit`, a responsive table of 50 rows and 6 columns (a link
with words for screen readers, text, a number, a date, an NHS.UK tag and an action link)
drawn three ways: by the NHS.UK macro in a template, by `linkwork/table.jinja` in a template,
and by `tables.render` called bare. The tags are drawn once, before timing, as a presenter
would; both drawings are checked to be the same markup first.
"""

from __future__ import annotations

import os
import re
import statistics
import timeit
from typing import Any

ROWS = 50
NUMBER = 20
REPEAT = 7


def _params() -> dict[str, Any]:
    from linkwork.core import tables

    statuses = [
        tables.tag({"text": text, "classes": classes})
        for text, classes in [("New", "nhsuk-tag--blue"), ("Waiting", "nhsuk-tag--grey")]
    ]
    return tables.table(
        "Referrals waiting for triage, oldest first",
        [
            "Person",
            "Needs",
            {"text": "Days waiting", "format": "numeric"},
            "Received",
            "Status",
            tables.hidden_heading("Action"),
        ],
        [
            [
                tables.link(f"Person {n} O'Example", f"/people/{n}/", hidden="profile"),
                tables.text("Loneliness, debt & money <advice>"),
                tables.text(n % 17),
                tables.text(f"{n % 28 + 1} March 2026"),
                tables.html(statuses[n % 2]),
                tables.link("Triage", f"/referrals/{n}/triage/", hidden=f"Person {n}"),
            ]
            for n in range(ROWS)
        ],
        responsive=True,
    )


def _per_call_ms(function: Any) -> tuple[float, float]:
    runs = timeit.repeat(function, number=NUMBER, repeat=REPEAT)
    per_call = [run / NUMBER * 1000 for run in runs]
    return min(per_call), statistics.median(per_call)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    import django

    django.setup()
    from django.template import engines

    from linkwork.core import tables

    environment = engines["jinja2"].env  # type: ignore[attr-defined]
    macro = environment.from_string(
        '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(params) }}'
    )
    ours = environment.from_string(
        '{% from "linkwork/table.jinja" import table %}{{ table(params) }}'
    )
    params = _params()

    def normalise(page: str) -> str:
        page = re.sub(r"\s+", " ", page)
        return re.sub(r">\s+<", "><", re.sub(r"\s+>", ">", page)).strip()

    if normalise(macro.render(params=params)) != normalise(ours.render(params=params)):
        raise SystemExit("The two drawings differ: run tests/unit/core/test_tables_render.py")

    nhsuk_best, nhsuk_median = _per_call_ms(lambda: macro.render(params=params))
    ours_best, ours_median = _per_call_ms(lambda: ours.render(params=params))
    bare_best, bare_median = _per_call_ms(lambda: tables.render(params))
    tag_best, tag_median = _per_call_ms(
        lambda: [tables.tag({"text": "New", "classes": "nhsuk-tag--blue"}) for _ in range(ROWS)]
    )
    print(f"{ROWS} rows x 6 columns, responsive; ms per table, best and median of {REPEAT}")
    print("| drawn by | best ms | median ms |\n|---|---|---|")
    print(f"| NHS.UK table macro (template) | {nhsuk_best:.2f} | {nhsuk_median:.2f} |")
    print(f"| linkwork/table.jinja (template) | {ours_best:.2f} | {ours_median:.2f} |")
    print(f"| tables.render (bare) | {bare_best:.2f} | {bare_median:.2f} |")
    print(f"| (50 NHS.UK tags, tables.tag) | {tag_best:.2f} | {tag_median:.2f} |")
    print(f"ratio, macro / linkwork/table.jinja (median): {nhsuk_median / ours_median:.0f}x")


if __name__ == "__main__":
    main()
