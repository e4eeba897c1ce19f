"""The one rule for web addresses (`linkwork.core.links`): only http(s) is linked or kept,
whatever the case, whitespace or hidden characters an attacker puts around the scheme."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from linkwork.core import links

UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VbScript:msgbox(1)",
    "ftp://files.example.org/",
    "https://exa mple.org/",
    "https://",
    "//example.org",
    "example.org",
]


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_address_is_refused_everywhere(value):
    assert not links.is_safe(value)
    assert links.safe_or_empty(value) == ""
    with pytest.raises(ValidationError):
        links.validate_web_address(value)
    rendered = str(links.link(value))
    assert "<a" not in rendered
    assert "href" not in rendered


@pytest.mark.parametrize(
    "value", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://Example.org/x"]
)
def test_web_address_is_linked(value):
    assert links.is_safe(value)
    assert str(links.link(value, "Site")) == f'<a href="{value}">Site</a>'


def test_mailto_and_tel_only_where_asked_for():
    assert not links.is_safe("mailto:a@example.org")
    assert links.is_safe("mailto:a@example.org", schemes={"mailto"})
    assert links.is_safe("tel:+44 1632 960001", schemes={"tel"})
    assert not links.is_safe("mailto:a@example.org?body=x%0A", schemes={"mailto"})
    assert not links.is_safe("javascript:alert(1)", schemes={"mailto", "tel"})


def test_link_text_is_escaped():
    assert str(links.link('javascript:"<b>"')) == "javascript:&#34;&lt;b&gt;&#34;"
    assert str(links.link("https://example.org/", "<b>")) == (
        '<a href="https://example.org/">&lt;b&gt;</a>'
    )


def test_bare_domain_gets_https_and_unsafe_stays_unsafe():
    assert links.normalise(" www.example.org/walks ") == "https://www.example.org/walks"
    assert links.normalise(" javascript:alert(1)") == "javascript:alert(1)"
    assert not links.is_safe(links.normalise(" javascript:alert(1)"))
