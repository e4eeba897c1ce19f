"""The Welsh catalogues: every string a person sees has its Welsh, each compiled `.mo` says
what its `.po` says, and each `.po` holds every string its app marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from linkwork.core import catalogues

# The apps whose pages, forms, messages or letters a person sees.
PERSON_FACING_APPS = ["core", "referrals", "notifications"]


def _config(label: str):  # type: ignore[no-untyped-def]
    return apps.get_app_config(label)


def _catalogue(label: str) -> dict[tuple[str, str], catalogues.Entry]:
    po, _mo = catalogues.catalogue_paths(Path(_config(label).path))
    return {entry.key: entry for entry in catalogues.read_po(po)}


def _welsh() -> dict[tuple[str, str], catalogues.Entry]:
    """Every app's catalogue together, as Django merges them."""
    merged: dict[tuple[str, str], catalogues.Entry] = {}
    for label in PERSON_FACING_APPS:
        for key, entry in _catalogue(label).items():
            if entry.translated or key not in merged:
                merged[key] = entry
    return merged


@pytest.mark.django_db
@pytest.mark.parametrize("label", PERSON_FACING_APPS)
def test_every_person_facing_string_has_its_welsh(label):
    welsh = _welsh()
    needed = catalogues.person_facing_strings(_config(label))
    assert needed, "the app names the files a person sees"
    missing = sorted(msgid for msgid, plural in needed if (msgid, plural) not in welsh)
    untranslated = sorted(
        msgid for key in needed if key in welsh and not welsh[key].translated for msgid in key[:1]
    )
    assert not missing, f"not in any Welsh catalogue (run `linkwork gather_messages`): {missing}"
    assert not untranslated, f"no Welsh yet, or only a fuzzy guess: {untranslated}"


@pytest.mark.django_db
@pytest.mark.parametrize("label", PERSON_FACING_APPS)
def test_catalogue_holds_every_marked_string(label):
    gathered = {entry.key for entry in catalogues.gather(_config(label))}
    assert gathered <= set(_catalogue(label)), "run `linkwork gather_messages`"


@pytest.mark.parametrize("label", PERSON_FACING_APPS)
def test_compiled_catalogue_is_up_to_date(label):
    assert catalogues.mo_matches_po(Path(_config(label).path)), (
        "compile it again: `linkwork gather_messages`"
    )


def test_translations_keep_their_placeholders():
    for entry in _welsh().values():
        if entry.translated:
            english = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural)
            for text in entry.msgstr:
                assert _placeholders(text) == english, (entry.msgid, text)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\([a-z_]+\)s", text))


def test_po_round_trip_and_mo_compiler(tmp_path):
    entries = [
        catalogues.Entry(msgid="Send", msgstr=["Anfon"], references=["x.py:1"]),
        catalogues.Entry(msgid='Say "hi"\nnow', msgstr=['Dweud "helo"\nnawr']),
        catalogues.Entry(msgid="Guess", msgstr=["Dyfalu"], fuzzy=True),
        catalogues.Entry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr=["a", "b", "c", "d"]),
    ]
    po, mo = tmp_path / "django.po", tmp_path / "django.mo"
    catalogues.write_po(po, entries, "A test")
    read = catalogues.read_po(po)
    assert [(e.msgid, e.msgid_plural, e.msgstr, e.fuzzy) for e in read] == [
        (e.msgid, e.msgid_plural, e.msgstr, e.fuzzy) for e in entries
    ]
    catalogues.write_mo(mo, read)
    found = catalogues.read_mo(mo)
    assert found["Send"] == "Anfon"
    assert found['Say "hi"\nnow'] == 'Dweud "helo"\nnawr'
    assert "Guess" not in found, "a fuzzy guess is never used"
    assert found["%(n)s day"] == "a\0b\0c\0d"


def test_jinja_and_python_extraction(tmp_path):
    template = tmp_path / "page.jinja"
    template.write_text('{{ _("Hello") }}{% trans %}Bore da{% endtrans %}', encoding="utf-8")
    module = tmp_path / "words.py"
    module.write_text('x = _("One")\ny = gettext_lazy("Two " "parts")\nz = other("No")\n')
    assert [m for m, _p, _l in catalogues.extract_jinja(template)] == ["Hello", "Bore da"]
    assert sorted(m for m, _p, _l in catalogues.extract_python(module)) == ["One", "Two parts"]
