"""Insights: what a scheme achieves and for whom, as dashboards, exports, a quarterly return
and a pseudonymised extract for evaluation (issue 14).

Top floor: insights reads every app below it and nothing imports insights. It shows
aggregates only; a person's record is never shown here, and counts small enough to single
someone out are suppressed wherever someone without case access can see them.
"""
