"""`.env.example` lists every variable the settings read, so operators see them all."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_env_example_lists_every_setting_variable():
    source = (ROOT / "linkwork" / "settings.py").read_text()
    read = set(re.findall(r'env\.(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no variables found: the pattern no longer matches settings.py"
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"
