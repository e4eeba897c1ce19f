"""Coded events for GP systems (issue 17, item 2): per GP practice, the SNOMED CT coded events
of social prescribing to write to each person's GP record, as CSV or a FHIR R4B Bundle.

`events` finds what is due, `render` writes it, `actions` exports it once and keeps the
ledger (`models`), so no event is ever sent to a practice twice. Its own Django app (label
`gp_events`) inside `interop`, on the top floor."""
