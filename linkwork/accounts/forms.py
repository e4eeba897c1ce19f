from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from linkwork.accounts.models import User
from linkwork.core.forms import HouseVoice


class LoginForm(HouseVoice, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=200,
        error_messages={"required": "Enter your password"},
    )


class CodeForm(HouseVoice, forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=10,
        error_messages={"required": "Enter the 6-digit security code"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return code


# The longest password accepted anywhere: the login form's limit, so every password set here
# can be typed there.
PASSWORD_MAX_LENGTH = 200


class PasswordResetRequestForm(HouseVoice, forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The email address you log in with",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class NewPasswordForm(HouseVoice, forms.Form):
    """A new password, typed twice, checked by the installation's password validators."""

    password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. Three or four words you will remember work well.",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={
            "required": "Enter a new password",
            "max_length": f"Enter a password of {PASSWORD_MAX_LENGTH} characters or fewer",
        },
    )
    password_again = forms.CharField(
        label="Type the new password again",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={
            "required": "Type the new password again",
            "max_length": f"Enter a password of {PASSWORD_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        try:
            password_validation.validate_password(password, self.user)
        except ValidationError as error:
            raise forms.ValidationError(
                [" ".join(message.rstrip(".") for message in error.messages)]
            ) from None
        return password

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        first, again = data.get("password"), data.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", "The passwords do not match: type the same one twice")
        return data


class ChangePasswordForm(NewPasswordForm):
    """A signed-in user's new password: their current one first, then the new one twice."""

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={
            "required": "Enter your current password",
            "max_length": f"Enter a password of {PASSWORD_MAX_LENGTH} characters or fewer",
        },
    )

    field_order = ["current_password", "password", "password_again"]

    def clean_current_password(self) -> str:
        current: str = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise forms.ValidationError("Your current password is wrong: enter it again")
        return current

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("password") and data.get("password") == data.get("current_password"):
            self.add_error("password", "Choose a new password that is not your current one")
        return data


# Why an authenticator was reset, kept in the audit log as a code: never free text there.
TWO_FACTOR_RESET_REASONS = [
    ("lost_phone", "They lost their phone, or it was stolen"),
    ("new_phone", "They have a new phone and could not move the app"),
    ("app_removed", "The authenticator app was deleted or reset"),
    ("other", "Another reason, recorded where your organisation keeps such requests"),
]


class TwoFactorResetForm(HouseVoice, forms.Form):
    reason = forms.ChoiceField(
        label="Why are you resetting it?",
        choices=TWO_FACTOR_RESET_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are resetting their authenticator app"},
    )
    confirm = forms.BooleanField(
        label="I have checked that this request came from the account holder",
        error_messages={"required": "Confirm that you have checked who asked"},
    )


class AddLinkWorkerForm(HouseVoice, forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address. If they already have an account, we add them with it.",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        help_text="Only needed if they do not have an account yet",
        required=False,
        max_length=200,
    )
