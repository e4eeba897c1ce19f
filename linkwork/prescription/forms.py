"""The staff forms that make a link and set the scheme's contact details, and the person's
feedback survey (in their language)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from linkwork.core.forms import HouseVoice, PhoneField
from linkwork.core.text import NoControlCharacters
from linkwork.prescription.models import Helped, Recommend, Welcome, Went


class LinkForm(HouseVoice, forms.Form):
    how = forms.ChoiceField(
        label="How should the person get it?",
        choices=[
            ("send", "Send it by the person's chosen way (text message, email or letter)"),
            ("print", "Print it and hand it over or post it"),
        ],
        widget=forms.RadioSelect,
    )


# The survey's choices, worded for the person and translated when shown.
# Welsh answers "yes" and "no" with the question's own verb, so each has its context.
WENT = [
    (Went.YES, pgettext_lazy("have you been", "Yes")),
    (Went.NOT_YET, pgettext_lazy("have you been", "Not yet")),
    (Went.NO, pgettext_lazy("have you been", "No")),
]
WELCOME = [
    (Welcome.VERY, gettext_lazy("Very welcome")),
    (Welcome.QUITE, gettext_lazy("Quite welcome")),
    (Welcome.NOT_VERY, gettext_lazy("Not very welcome")),
    (Welcome.NOT_AT_ALL, gettext_lazy("Not welcome at all")),
    (Welcome.NOT_GONE, gettext_lazy("I have not been")),
]
HELPED = [
    (Helped.A_LOT, gettext_lazy("Yes, a lot")),
    (Helped.A_LITTLE, gettext_lazy("Yes, a little")),
    (Helped.NO, pgettext_lazy("has it helped", "No")),
    (Helped.TOO_SOON, gettext_lazy("Too soon to say")),
]
RECOMMEND = [
    (Recommend.YES, pgettext_lazy("would you recommend", "Yes")),
    (Recommend.MAYBE, pgettext_lazy("would you recommend", "Maybe")),
    (Recommend.NO, pgettext_lazy("would you recommend", "No")),
]


class SurveyForm(HouseVoice, forms.Form):
    """Four questions and a comment. Messages are set in the active language when the form
    is made, so the house voice keeps them."""

    went = forms.ChoiceField(
        label=gettext_lazy("Have you been to the service?"), choices=WENT, widget=forms.RadioSelect
    )
    welcome = forms.ChoiceField(
        label=gettext_lazy("How welcome did you feel?"), choices=WELCOME, widget=forms.RadioSelect
    )
    helped = forms.ChoiceField(
        label=gettext_lazy("Has it helped with what matters to you?"),
        choices=HELPED,
        widget=forms.RadioSelect,
    )
    recommend = forms.ChoiceField(
        label=gettext_lazy("Would you recommend it to someone like you?"),
        choices=RECOMMEND,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else you want to tell us (optional)"),
        help_text=gettext_lazy("Do not include your name or anyone else's."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label)
            field.error_messages.update(
                {
                    "required": _('Select an answer to "%(question)s"') % {"question": label},
                    "invalid_choice": _('Select one of the answers to "%(question)s"')
                    % {"question": label},
                    NoControlCharacters.code: _("Remove the hidden characters from your answer"),
                }
            )
            if name == "comment":
                field.error_messages["max_length"] = _(
                    "Your comment must be 1000 characters or fewer"
                )


class SchemeContactForm(HouseVoice, forms.Form):
    """Who people call at their scheme: shown on each person's prescription page."""

    phone = PhoneField(
        label="Phone number (optional)",
        required=False,
        max_length=20,
        help_text="For example, 01632 960 001",
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    hours = forms.CharField(
        label="When the phone is answered (optional)",
        required=False,
        max_length=200,
        help_text="In plain words, for example Monday to Friday, 9am to 5pm",
    )
