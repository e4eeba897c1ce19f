"""Languages offered in forms: English, Welsh and those most often needed in England, by ISO 639-1
code (the code the directory's HSDS `languages[].code` and the person record use)."""

LANGUAGES = [
    ("en", "English"),
    # Welsh: pages a person sees, messages and letters are written in it (`core.i18n`).
    ("cy", "Welsh"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("zh", "Chinese"),
    ("gu", "Gujarati"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("so", "Somali"),
    ("ti", "Tigrinya"),
    ("ur", "Urdu"),
]


def language_name(code: str) -> str:
    """The English name of a language code ("pl" -> "Polish"); an unlisted code as given."""
    return dict(LANGUAGES).get(code, code)
