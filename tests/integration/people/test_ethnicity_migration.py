"""Moving the person record from the NHS 2001 ethnic categories to the ONS 2021 ones keeps each
person's answer in its 2021 group, and can be undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linkwork.people.models import Person

BEFORE = ("people", "0003_person_change")


def _migrate_people_to(target: tuple[str, str] | None) -> MigrationExecutor:
    """Every other app at its latest migration, people at `target` (None: its latest)."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = [node for node in leaves if node[0] != "people"]
    targets.append(target or next(node for node in leaves if node[0] == "people"))
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_nhs_codes_become_ons_2021_groups_and_back():
    executor = _migrate_people_to(BEFORE)
    old_person = executor.loader.project_state([BEFORE]).apps.get_model("people", "Person")
    codes = {"A": "white_british", "R": "asian_chinese", "N": "black_african"}
    codes |= {"Z": "prefer_not_to_say", "99": "not_known"}
    ids = {
        code: old_person.objects.create(
            given_name=f"Person {code}",
            family_name="Example",
            date_of_birth=dt.date(1970, 1, 1),
            ethnicity=code,
        ).pk
        for code in codes
    }

    _migrate_people_to(None)
    assert {code: Person.objects.get(pk=pk).ethnicity for code, pk in ids.items()} == codes

    Person.objects.filter(pk=ids["A"]).update(ethnicity="white_roma")
    executor = _migrate_people_to(BEFORE)
    old_person = executor.loader.project_state([BEFORE]).apps.get_model("people", "Person")
    back = dict(old_person.objects.values_list("pk", "ethnicity"))
    # Roma has no 2001 code of its own: it goes back as "any other White background".
    assert back == {pk: ("C" if code == "A" else code) for code, pk in ids.items()}
    _migrate_people_to(None)
