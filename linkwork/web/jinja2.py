"""The Jinja2 environment of the site: core's, with the page header and its navigation."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from linkwork.core import jinja2 as core_jinja2
from linkwork.web import navigation


def environment(**options: Any) -> Environment:
    env = core_jinja2.environment(**options)
    env.globals["header_for"] = navigation.header_for
    return env
