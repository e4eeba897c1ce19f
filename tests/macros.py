"""Drawing one component both ways, for the tests that compare our Python drawings of the
NHS.UK components (`linkwork.core.tables`, `linkwork.core.components`) with the macros."""

from __future__ import annotations

import re
from typing import Any

from django.template import engines


def draw(source: str, name: str, params: Any, body: str | None = None) -> str:
    """`name(params)` imported from the template `source`, through the project's Jinja
    environment; with `body`, called as `{% call %}` around it."""
    if body is None:
        call = f"{{{{ {name}(params) }}}}"
    else:
        call = f"{{% call {name}(params) %}}{body}{{% endcall %}}"
    template = engines["jinja2"].from_string(f'{{% from "{source}" import {name} %}}{call}')
    return template.render({"params": params})


def normalise(page: str) -> str:
    """Runs of white space as one space, none before a tag's `>` and none between tags."""
    page = re.sub(r"\s+", " ", page)
    page = re.sub(r"\s+>", ">", page)
    page = re.sub(r">\s+<", "><", page)
    return page.strip()
