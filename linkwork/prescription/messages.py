"""What the messages carrying a person's links say, in the person's language. Short enough
for one text message; the link is the whole of what matters."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from linkwork.prescription.language import WELSH


def absolute(path: str, language: str) -> str:
    """The full address of `path`, asking for Welsh when the person reads Welsh."""
    query = "?lang=cy" if language == WELSH else ""
    return settings.LINKWORK_BASE_URL.rstrip("/") + path + query


def prescription_message(*, token: str, scheme: str, language: str, days: int) -> tuple[str, str]:
    """The subject and body of the message that sends a prescription link."""
    link = absolute(reverse("prescription:open", args=[token]), language)
    with translation.override(language):
        subject = _("Your social prescription")
        body = _(
            "Your social prescription from %(scheme)s: what we agreed and who to call.\n"
            "Open it here (works once, for %(days)s days): %(link)s"
        ) % {"scheme": scheme, "link": link, "days": days}
    return str(subject), str(body)


def survey_message(*, token: str, service: str, language: str) -> tuple[str, str]:
    """The subject and body of the message that sends a feedback survey link."""
    link = absolute(reverse("prescription:survey_open", args=[token]), language)
    with translation.override(language):
        subject = _("How is %(service)s going?") % {"service": service}
        body = _("How is %(service)s going? Tell us in 4 short questions: %(link)s") % {
            "service": service,
            "link": link,
        }
    return str(subject), str(body)
