"""The version check behind every edit form: a stale version is refused, naming the change."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.core import concurrency

AT = dt.datetime(2027, 3, 1, 14, 5, tzinfo=dt.UTC)


def last() -> concurrency.LastChange:
    return "Lee Lead", AT, "Phone number"


def test_same_version_passes():
    concurrency.check(sent="3", current=3, what="support plan", last_change=last)


def test_no_version_sent_is_not_checked():
    concurrency.check(sent=None, current=3, what="support plan", last_change=last)


def test_stale_version_names_who_when_and_what():
    with pytest.raises(concurrency.EditConflict) as raised:
        concurrency.check(sent="2", current=3, what="person's details", last_change=last)
    conflict = raised.value
    assert conflict.current == "3"
    assert conflict.message.startswith(
        "Lee Lead changed this person's details on 1 March 2027 at 14:05 (Phone number), "
        "after you opened it."
    )


def test_timestamps_are_versions_too():
    concurrency.check(sent=AT.isoformat(), current=AT, what="listing", last_change=last)
    with pytest.raises(concurrency.EditConflict):
        concurrency.check(
            sent=(AT - dt.timedelta(seconds=1)).isoformat(),
            current=AT,
            what="listing",
            last_change=last,
        )


def test_version_to_show_keeps_the_users_starting_point_until_a_conflict():
    assert concurrency.version_to_show(stored=4, posted=None) == "4"
    assert concurrency.version_to_show(stored=4, posted={"version": "3"}) == "3"
    assert concurrency.version_to_show(stored=4, posted={}) == "4"
    conflict = concurrency.EditConflict(what="plan", by="Someone", at=None, current="4")
    assert concurrency.version_to_show(stored=4, posted={"version": "3"}, conflict=conflict) == "4"
