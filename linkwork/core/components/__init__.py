"""NHS.UK frontend components drawn in Python, as `tables.render` draws the table: the same
markup the nhsuk-frontend-jinja macros write for the same parameters (each module's tests
compare the two), many times faster than the macros, which are most of a page's rendering.
Templates import them from `linkwork/components/*.jinja` with the macros' names.

- `page`: the header, footer and skip link every page has;
- `fields`: the form fields and their labels, hints, errors and fieldsets;
- `content`: summary lists, tags, buttons, back links, callouts, inset text and cards.
"""
