"""Evaluation reports: `linkwork evaluate SPEC.toml`, and the standard evaluation of a scheme
run from the insights pages through the task worker (issue 15, items 3 and 5).

The analyses are `linkwork.evaluation`'s (no Django there); this app reads the spec, shapes the
pseudonymised extract into the frames each analysis takes, draws the plots and writes the
report. It sits on the top floor, above insights, whose extract it reads.
"""
