"""The page header's links, worked out once, still follow the address prefix."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix

from linkwork.web.navigation import href


def test_the_headers_links_follow_the_address_prefix() -> None:
    assert href("casework:caseload") == reverse("casework:caseload")
    set_script_prefix("/linkwork/")
    try:
        assert href("casework:caseload") == "/linkwork/casework/caseload/"
        assert href("casework:caseload") == reverse("casework:caseload")
    finally:
        set_script_prefix("/")
    assert href("casework:caseload") == "/casework/caseload/"
