"""`components.fields` draws what the NHS.UK field macros draw: the same elements,
attributes, classes and text, white space aside. Each case renders both through the
project's Jinja environment and compares them; features our pages do not use are refused by
name. Texts carry `<`, `&` and `"` to show they are escaped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms as django_forms
from django.template import engines
from markupsafe import Markup

from linkwork.core import forms
from linkwork.core.components import fields
from tests.macros import draw, normalise

LINKWORK = Path(fields.__file__).resolve().parents[2]

MACROS = {
    "input": "input",
    "select": "select",
    "radios": "radios",
    "checkboxes": "checkboxes",
    "textarea": "textarea",
    "dateInput": "date-input",
    "fieldset": "fieldset",
}


def nhsuk_macro(name: str, params: Any) -> str:
    return draw(f"nhsuk/components/{MACROS[name]}/macro.jinja", name, params)


def ours(name: str, params: Any) -> str:
    return draw("linkwork/components/fields.jinja", name, params)


def assert_same(name: str, params: Any) -> str:
    drawn = ours(name, params)
    assert normalise(drawn) == normalise(nhsuk_macro(name, params))
    return drawn


NASTY = 'Tom & "Jerry" <b>'


class Example(forms.HouseVoice, django_forms.Form):
    name = django_forms.CharField(label="Full <name>", help_text='Say "hi" & wave')
    town = django_forms.CharField(required=False)
    kind = django_forms.ChoiceField(choices=[("a", "A & B"), ("b", '"Bee"'), ("c", "<c>")])
    pick = django_forms.ChoiceField(
        choices=[("a", "A & B"), ("b", "Bee")], widget=django_forms.RadioSelect
    )
    many = django_forms.MultipleChoiceField(
        choices=[("x", "X <1>"), ("y", "Y & 2")], widget=django_forms.CheckboxSelectMultiple
    )
    agree = django_forms.BooleanField(label="I agree & <consent>")


def bound(data: dict[str, Any] | None = None) -> Example:
    form = Example(data)
    if data is not None:
        form.is_valid()
    return form


def error(text: str = NASTY) -> dict[str, str]:
    return {"text": text, "visuallyHiddenText": "Gwall"}


INPUT_CASES: dict[str, Any] = {
    "from a form": lambda: forms.field(bound()["name"]),
    "from a form with an error": lambda: forms.field(bound({"town": "x"})["name"]),
    "optional with value": lambda: forms.field(bound({"town": NASTY})["town"]),
    "type, autocomplete, spellcheck": lambda: forms.field(
        bound()["name"], type="email", autocomplete="email", spellcheck=False
    ),
    "spellcheck on": {"name": "a", "label": "A", "spellcheck": True},
    "inputmode and width classes": lambda: forms.field(
        bound()["town"], classes="nhsuk-input--width-4", inputmode="numeric"
    ),
    "prefix and suffix": {
        "id": "amount",
        "name": "amount",
        "label": {"text": "Amount"},
        "prefix": "£",
        "suffix": {"text": NASTY, "classes": "x"},
        "classes": "nhsuk-input--width-5",
        "inputmode": "decimal",
    },
    "html prefix and wrapper classes": {
        "name": "amount",
        "label": "Amount",
        "prefix": Markup("<b>£</b>"),
        "inputWrapper": {"classes": "lw-wrap", "attributes": {"data-x": "1"}},
    },
    "label as string, hint as string, error as string": {
        "name": "q",
        "label": NASTY,
        "hint": NASTY,
        "errorMessage": NASTY,
    },
    "label as markup": {"name": "q", "label": Markup("<b>Bold</b>"), "hint": Markup("<i>i</i>")},
    "label options": {
        "id": "q",
        "name": "q",
        "label": {
            "text": NASTY,
            "classes": "nhsuk-label--s",
            "size": "m",
            "visuallyHiddenText": NASTY,
            "attributes": {"data-l": "1"},
            "id": "q-label",
        },
        "hint": {"html": Markup("<b>Hint</b>"), "id": "own-hint", "classes": "h"},
        "errorMessage": {"html": Markup("<b>Wrong</b>"), "id": "own-error"},
        "describedBy": "other",
        "placeholder": NASTY,
        "pattern": "[0-9]*",
        "autocapitalize": "none",
        "disabled": True,
        "formGroup": {"classes": "lw-group", "attributes": {"data-g": NASTY}},
        "attributes": {"required": "required", "data-q": NASTY},
    },
    "label sized": {"name": "q", "label": {"text": "Q", "size": "l"}},
    "no label, error true": {"name": "q", "errorMessage": True, "value": 0},
    "width, large and code": {"name": "q", "width": 10, "large": True, "code": True},
    "error without hidden words": {
        "name": "q",
        "errorMessage": {"text": "x", "visuallyHiddenText": ""},
    },
    "error none": {"name": "q", "label": "Q", "errorMessage": None},
    "attributes as string": {"name": "q", "attributes": 'data-x="y"'},
    "no parameters": {},
}

SELECT_CASES: dict[str, Any] = {
    "from a form": lambda: forms.choice_field(bound()["kind"]),
    "from a form with an error and choice": lambda: forms.choice_field(
        bound({"kind": "b"})["kind"], hint={"text": NASTY}
    ),
    "from a form with an error": lambda: forms.choice_field(bound({"kind": "zz"})["kind"]),
    "items in the template": {
        "id": "status",
        "name": "status",
        "label": {"text": "Status"},
        "items": [
            {"value": "", "text": "Any"},
            {"value": "a", "text": NASTY, "selected": True},
            {"value": 3, "text": "Three", "disabled": True, "attributes": {"data-x": "1"}},
            {"divider": "or"},
            {"text": "No value"},
            None,
        ],
    },
    "value picks the item": {
        "name": "s",
        "value": "b",
        "items": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}, {"text": "b"}],
    },
    "value but item not selected": {
        "name": "s",
        "value": "b",
        "items": [{"value": "b", "text": "B", "selected": False}],
    },
    "options": {
        "name": "s",
        "label": "S",
        "classes": "lw-s",
        "disabled": True,
        "describedBy": "x",
        "errorMessage": NASTY,
        "attributes": {"data-s": NASTY},
        "inputWrapper": {"classes": "w"},
        "formGroup": {"classes": "g"},
        "items": [],
    },
    "no parameters": {},
}

CHOICES_CASES: dict[str, Any] = {
    "from a form": lambda: forms.choice_field(
        bound()["pick"], fieldset={"legend": {"text": NASTY, "size": "s"}}
    ),
    "from a form with a choice": lambda: forms.choice_field(
        bound({"pick": "b", "many": ["x", "y"]})["pick"],
        fieldset={"legend": {"text": "Pick", "size": "s"}},
        hint={"text": NASTY},
        classes="nhsuk-radios--inline",
    ),
    "from a form with an error": lambda: forms.choice_field(
        bound({"pick": "zz"})["pick"], fieldset={"legend": {"text": "Pick", "size": "m"}}
    ),
    "without a fieldset, with hint and error": {
        "idPrefix": "q",
        "name": "q",
        "hint": NASTY,
        "errorMessage": error(),
        "items": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}],
    },
    "item hints, dividers, conditionals": {
        "name": "w",
        "fieldset": {
            "legend": {"text": "Who", "size": "s", "classes": "x", "visuallyHiddenText": NASTY},
            "describedBy": "extra",
            "classes": "f",
            "attributes": {"data-f": "1"},
            "id": "fs",
            "role": "group",
        },
        "value": "1",
        "values": ["2"],
        "items": [
            {"value": 1, "text": NASTY, "hint": {"text": NASTY}},
            {
                "value": "1",
                "text": "One",
                "hint": NASTY,
                "conditional": {"html": Markup("<p>More</p>")},
            },
            {"value": "2", "text": "Two", "conditional": {"html": Markup("<p>Two</p>")}},
            {"divider": "or"},
            None,
            {
                "value": "3",
                "html": Markup("<b>Three</b>"),
                "checked": True,
                "disabled": True,
                "id": "own",
                "classes": "c",
                "attributes": {"data-i": NASTY},
                "label": {
                    "classes": "lc",
                    "visuallyHiddenText": "hidden",
                    "attributes": {"data-l": "1"},
                },
            },
            {
                "value": "4",
                "label": "Label as string",
                "hint": {"html": Markup("<i>h</i>"), "id": "hh", "classes": "hc"},
            },
            {"value": "5", "text": "Five", "checked": False},
            {"value": "6", "text": ""},
        ],
    },
    "options": {
        "name": "o",
        "idPrefix": "",
        "small": True,
        "inline": True,
        "disabled": True,
        "id": "group",
        "attributes": {"data-a": "1"},
        "formGroup": {"classes": "g", "attributes": {"data-g": "1"}},
        "errorMessage": True,
        "items": [{"value": "a", "text": "A"}, {"value": "b", "text": "B", "disabled": False}],
    },
    "legend as string and as markup": {
        "name": "l",
        "fieldset": {"legend": NASTY},
        "items": [{"value": "a", "text": "A"}],
    },
    "legend as markup, no items": {"name": "l", "fieldset": {"legend": Markup("<b>L</b>")}},
    "legend sized by classes": {
        "name": "l",
        "fieldset": {"legend": {"text": "L", "size": "l", "classes": "nhsuk-fieldset__legend--s"}},
        "items": [],
    },
    "no parameters": {},
}

CHECKBOX_ONLY_CASES: dict[str, Any] = {
    "checkbox from a form": lambda: forms.checkbox(
        bound()["agree"], fieldset={"legend": {"text": "Agree", "size": "s"}}, hint={"text": NASTY}
    ),
    "checkbox with an error": lambda: forms.checkbox(bound({"town": "x"})["agree"]),
    "multiple from a form": lambda: forms.choice_field(
        bound({"many": ["x"]})["many"],
        fieldset={"legend": {"text": "Many", "size": "s"}},
        hint={"text": "Select all"},
        classes="nhsuk-checkboxes--small",
    ),
    "items described by the group": {
        "name": "d",
        "describedBy": "before",
        "hint": "Hint",
        "errorMessage": "Error",
        "values": ["a"],
        "items": [
            {"value": "a", "text": "A", "hint": "Item hint"},
            {"value": "b", "text": "B", "name": "other"},
            {"divider": "or", "behaviour": "inclusive"},
            {"value": "c", "text": "C", "behaviour": "inclusive"},
            {"value": "n", "text": "None", "exclusive": True, "exclusiveGroup": "g"},
            {"value": "m", "text": "M", "behaviour": "exclusive", "behaviourGroup": "h"},
        ],
    },
}


def cases(table: dict[str, Any]) -> list[Any]:
    return [pytest.param(value, id=key) for key, value in table.items()]


def _params(case: Any) -> Any:
    return case() if callable(case) else case


@pytest.mark.parametrize("case", cases(INPUT_CASES))
def test_input_draws_what_the_nhsuk_macro_draws(case):
    assert_same("input", _params(case))


@pytest.mark.parametrize("case", cases(SELECT_CASES))
def test_select_draws_what_the_nhsuk_macro_draws(case):
    assert_same("select", _params(case))


@pytest.mark.parametrize("case", cases(CHOICES_CASES))
@pytest.mark.parametrize("name", ["radios", "checkboxes"])
def test_radios_and_checkboxes_draw_what_the_nhsuk_macros_draw(name, case):
    # Radios are chosen by `value`, checkboxes by `values`; each refuses the other's.
    params = dict(_params(case))
    params.pop("values" if name == "radios" else "value", None)
    assert_same(name, params)


@pytest.mark.parametrize("case", cases(CHECKBOX_ONLY_CASES))
def test_checkboxes_draw_what_the_nhsuk_macro_draws(case):
    assert_same("checkboxes", _params(case))


@pytest.mark.parametrize("name", ["input", "select", "radios", "checkboxes"])
def test_text_is_escaped(name):
    params = {
        "name": "n",
        "label": NASTY,
        "hint": NASTY,
        "errorMessage": NASTY,
        "fieldset": {"legend": NASTY},
        "items": [{"value": NASTY, "text": NASTY}],
    }
    if name in ("input", "select"):
        del params["fieldset"]
    else:
        del params["label"]
    if name == "input":
        del params["items"]
    drawn = assert_same(name, params)
    assert "<b>" not in drawn
    assert "Tom &amp; &#34;Jerry&#34; &lt;b&gt;" in drawn


@pytest.mark.parametrize(
    ("name", "params", "named"),
    [
        ("input", {"label": {"text": "A", "isPageHeading": True}}, "`isPageHeading`"),
        ("input", {"label": {"text": "A", "caption": "C"}}, "`caption`"),
        ("input", {"formGroup": {"beforeInput": {"text": "x"}}}, "`beforeInput`"),
        ("input", {"nonsense": 1}, "`nonsense`"),
        ("select", {"items": [{"text": "a", "nonsense": 1}]}, "`nonsense`"),
        (
            "radios",
            {"fieldset": {"legend": {"text": "A", "isPageHeading": True}}},
            "`isPageHeading`",
        ),
        ("radios", {"formGroup": {"afterInputs": {"text": "x"}}}, "`afterInputs`"),
        ("checkboxes", {"items": [{"text": "a", "conditional": {"text": "x"}}]}, "`text`"),
        ("checkboxes", ["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_features_our_pages_do_not_use_are_refused_by_name(name, params, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        getattr(fields, f"render_{name}")(params)


def test_features_switched_off_are_not_refused():
    assert_same(
        "input", {"name": "a", "label": {"text": "A", "isPageHeading": False, "caption": None}}
    )


class Dated(forms.HouseVoice, django_forms.Form):
    born = forms.DatePartsField(what="Date of birth", past=True, help_text='Like "4 3 1950" & so')
    notes = django_forms.CharField(widget=django_forms.Textarea, help_text=NASTY)


def dated(data: dict[str, Any] | None = None) -> Dated:
    form = Dated(data)
    if data is not None:
        form.is_valid()
    return form


TEXTAREA_CASES: dict[str, Any] = {
    "from a form": lambda: forms.field(dated()["notes"], rows=4),
    "from a form with a value and an error": lambda: forms.field(
        dated({"notes": NASTY + "\x00"})["notes"], rows=3, autocomplete="street-address"
    ),
    "from a form with an error": lambda: forms.field(dated({})["notes"]),
    "in the template": {
        "id": "note",
        "name": "note",
        "label": {"text": "Note (optional)", "classes": "nhsuk-label--s"},
        "hint": {"text": "Included in the message to the referrer"},
        "rows": 3,
    },
    "options": {
        "name": "t",
        "label": NASTY,
        "value": NASTY,
        "spellcheck": False,
        "disabled": True,
        "describedBy": "d",
        "errorMessage": True,
        "classes": "c",
        "formGroup": {"classes": "g"},
        "attributes": {"data-t": NASTY},
    },
    "spellcheck on, no rows": {"name": "t", "spellcheck": True, "rows": 0},
    "no parameters": {},
}


def welsh_date(bound: Any) -> dict[str, Any]:
    from django.utils import translation

    with translation.override("cy"):
        return forms.date_field(bound, legend="Pryd?")


DATE_CASES: dict[str, Any] = {
    "from a form": lambda: forms.date_field(dated()["born"]),
    "from a form with values": lambda: forms.date_field(
        dated({"born[day]": "4", "born[month]": "3", "born[year]": "1950"})["born"]
    ),
    "from a form with an error": lambda: forms.date_field(
        dated({"born[day]": "40", "born[month]": "<3>", "born[year]": ""})["born"],
        legend=NASTY,
    ),
    "in Welsh": lambda: welsh_date(dated({"born[day]": "4"})["born"]),
    "in Welsh, empty": lambda: welsh_date(dated()["born"]),
    "without a fieldset": {"id": "d", "namePrefix": "d", "values": {"day": 1}, "hint": NASTY},
    "items with errors and options": {
        "id": "d",
        "fieldset": {"legend": {"text": "When", "size": "m"}, "role": None},
        "errorMessage": NASTY,
        "day": {"name": "day", "value": "1", "error": True, "classes": "x"},
        "month": {"name": "month", "classes": "nhsuk-input--error", "label": {"text": "Mis"}},
        "year": {"name": "year", "width": 3, "id": "own", "inputmode": "text", "disabled": True},
        "classes": "lw-date",
        "attributes": {"data-d": NASTY},
        "formGroup": {"classes": "g"},
        "disabled": True,
    },
    "error without item errors": {
        "id": "d",
        "errorMessage": {"text": "Wrong"},
        "day": {"name": "day", "error": False},
    },
    "no parameters": {},
}


@pytest.mark.parametrize("case", cases(TEXTAREA_CASES))
def test_textarea_draws_what_the_nhsuk_macro_draws(case):
    assert_same("textarea", _params(case))


@pytest.mark.parametrize("case", cases(DATE_CASES))
def test_date_input_draws_what_the_nhsuk_macro_draws(case):
    assert_same("dateInput", _params(case))


def call_fieldset(source: str, params: Any) -> str:
    template = engines["jinja2"].from_string(
        f'{{% from "{source}" import fieldset %}}'
        '{% from "linkwork/components/fields.jinja" import input %}'
        "{% call fieldset(params) %}{{ input({'name': 'a', 'label': 'A <&>'}) }}<p>Body</p>"
        "{% endcall %}"
    )
    return template.render({"params": params})


FIELDSET_CASES: dict[str, Any] = {
    "legend sized": {"legend": {"text": NASTY, "size": "s"}},
    "legend as string": {"legend": NASTY},
    "options": {
        "legend": {"html": Markup("<b>L</b>"), "classes": "x", "id": "lg"},
        "id": "f",
        "role": "group",
        "describedBy": "d",
        "classes": "c",
        "attributes": {"data-f": NASTY},
    },
    "no legend": {},
}


@pytest.mark.parametrize("case", cases(FIELDSET_CASES))
def test_fieldset_called_with_a_body_draws_what_the_nhsuk_macro_draws(case):
    mine = call_fieldset("linkwork/components/fields.jinja", case)
    theirs = call_fieldset("nhsuk/components/fieldset/macro.jinja", case)
    assert normalise(mine) == normalise(theirs)


@pytest.mark.parametrize("case", cases(FIELDSET_CASES))
def test_fieldset_with_html_draws_what_the_nhsuk_macro_draws(case):
    assert_same("fieldset", {**case, "html": Markup("<p>Inside &amp; out</p>")})


def test_templates_use_the_fast_fields_not_the_nhsuk_macros():
    """The NHS.UK field macros take most of a form page's time: templates import them from
    "linkwork/components/fields.jinja" instead, which draws the same markup."""
    macros = [f"nhsuk/components/{path}/macro.jinja" for path in MACROS.values()]
    offenders = [
        str(path.relative_to(LINKWORK))
        for path in sorted(LINKWORK.rglob("*.jinja"))
        if any(macro in path.read_text(encoding="utf-8") for macro in macros)
    ]
    assert offenders == []
