"""What the NHS.UK macros share when drawn in Python (`tables.render` and the components
drawn like it): reading a macro's parameters as Jinja would, and writing attributes as
`nhsukAttributes` does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from jinja2 import Undefined
from markupsafe import escape

# A parameter the macro would find undefined (not the same as one given as None).
MISSING: Final = object()


def given(mapping: Mapping[str, Any], key: str) -> Any:
    """A parameter, or `MISSING` where the macro would find it undefined."""
    value = mapping.get(key, MISSING)
    return MISSING if isinstance(value, Undefined) else value


def param(mapping: Mapping[str, Any], key: str) -> Any:
    """A parameter, or None where it is missing (as the macro would test it)."""
    value = mapping.get(key)
    return None if isinstance(value, Undefined) else value


def attribute(name: str, value: Any, optional: bool) -> str:
    """One attribute as `nhsukAttributes` writes it."""
    if optional and (value is None or value is False or value is MISSING):
        return ""
    if value is None or value is MISSING:
        value, escaped = None, ""
    elif hasattr(value, "__html__"):
        value, escaped = MISSING, str(value.__html__())
    else:
        escaped = str(escape(value))
    if optional and value is True:
        return f" {escape(name)}"
    written = str(value).lower() if isinstance(value, bool) else escaped
    if '"' in written:
        return f" {escape(name)}='{written}'"
    return f' {escape(name)}="{written}"'


def attributes(attributes: Any) -> str:
    """The `attributes` parameter of a component: a mapping, or a string of trusted HTML."""
    if attributes is None or attributes is MISSING or isinstance(attributes, Undefined):
        return ""
    if isinstance(attributes, str):
        # The macro writes white space before the string, which parts it from the last name.
        return f" {attributes}"
    if not isinstance(attributes, Mapping):
        return ""
    written = []
    for name, item in attributes.items():
        if isinstance(item, Mapping):
            if param(item, "type") == "array":
                raise ValueError(f"attributes: `{name}` of type array is not supported")
            value = given(item, "value")
            written.append(attribute(name, value, param(item, "optional") is True))
        else:
            written.append(attribute(name, None if isinstance(item, Undefined) else item, False))
    return "".join(written)


def refuse(
    where: str, mapping: Mapping[str, Any], known: frozenset[str], *, module: str, tests: str
) -> None:
    """An error naming a parameter the macro draws and `module` does not, unless it is given
    as nothing (so a drawing never silently leaves out what a page asked for); `tests` is
    where the two drawings are compared."""
    for key in mapping:
        if key not in known and param(mapping, key) not in (None, False, "", [], {}):
            raise ValueError(
                f"{where}: `{key}` is not supported by {module}; draw it as the NHS.UK macro "
                f"does there, and compare the two in {tests}"
            )


def modifier(
    prefix: str, chosen: Any, allowed: Iterable[str], classes: Any, *, known: Iterable[str] = ()
) -> str:
    """` {prefix}{chosen}`, the class a macro adds for a size, colour or variant: only for a
    value it knows (`allowed`), and not when `classes` already sets one of the kind (any of
    `known`, by default the allowed values)."""
    kinds = tuple(known) or tuple(allowed)
    if chosen and chosen in allowed and not (classes and any(prefix + k in classes for k in kinds)):
        return f" {prefix}{chosen}"
    return ""
