import pytest

from linkwork.core.env import ConfigurationError, Env


def test_env_str_missing_required_names_variable_and_hint():
    with pytest.raises(ConfigurationError, match=r"SECRET_KEY is required.*Set it"):
        Env({}).str("SECRET_KEY", hint="Set it.")


def test_env_str_default_used_when_empty():
    assert Env({"A": ""}).str("A", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("off", False), ("", False)]
)
def test_env_bool_accepts_common_spellings(raw, expected):
    assert Env({"FLAG": raw}).bool("FLAG", not expected) is expected


def test_env_bool_rejects_nonsense():
    with pytest.raises(ConfigurationError, match="FLAG must be true or false"):
        Env({"FLAG": "maybe"}).bool("FLAG", False)


def test_env_int_rejects_words():
    with pytest.raises(ConfigurationError, match="PORT must be a whole number"):
        Env({"PORT": "eighty"}).int("PORT", 8000)


def test_env_list_splits_and_strips():
    assert Env({"HOSTS": " a.example , b.example ,"}).list("HOSTS", []) == [
        "a.example",
        "b.example",
    ]
