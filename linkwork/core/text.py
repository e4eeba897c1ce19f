"""One rule for control characters in text people or systems send us.

A NUL byte cannot be stored by PostgreSQL, and other control characters (bell, escape,
backspace...) have no place in a name, a note or an address: they hide text, break exports and
can smuggle terminal escapes into logs. Forms (every form, through `core.forms.HouseVoice`) and
the JSON API (`api.schemas.Input`) refuse them, naming the field. Tab, line feed and carriage
return are ordinary text.
"""

from __future__ import annotations

import re
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE: Final = "Remove the hidden characters (such as NUL or other control characters)"


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


@deconstructible
class NoControlCharacters:
    """Validator for text fields; its code lets forms word the message in the house voice."""

    code = "control_characters"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(MESSAGE, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(self.code)
