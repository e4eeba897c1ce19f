from __future__ import annotations

import pytest

from tests.unit.notifications import helpers


@pytest.fixture(autouse=True)
def _fresh_fakes() -> None:
    """Each test counts its own calls to the fake backends."""
    for fake in (helpers.Flaky, helpers.AlwaysDown, helpers.Refusing):
        fake.calls = 0
    helpers.Flaky.failures = 2
