import pytest

from linkwork.referrals.lifecycle import TRANSITIONS, InvalidTransition, Status, check_transition

ALLOWED = [
    ("received", "accepted"),
    ("received", "declined"),
    ("received", "redirected"),
    ("accepted", "active"),
    ("active", "on_hold"),
    ("on_hold", "active"),
    ("active", "closed"),
    ("on_hold", "closed"),
    # The referrer takes a referral back from any status that has not ended.
    ("received", "withdrawn"),
    ("accepted", "withdrawn"),
    ("active", "withdrawn"),
    ("on_hold", "withdrawn"),
]


@pytest.mark.parametrize(("current", "wanted"), ALLOWED)
def test_transition_allowed(current, wanted):
    check_transition(current, wanted)


REFUSED = [
    (current, wanted)
    for current in Status
    for wanted in Status
    if (current.value, wanted.value) not in ALLOWED
]


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_transition_refused_with_message(current, wanted):
    with pytest.raises(InvalidTransition, match=f"is {current.label.lower()} cannot become"):
        check_transition(current, wanted)


def test_transitions_cover_every_status():
    assert set(TRANSITIONS) == set(Status)
