"""The library imports and runs without Django settings (issue 15: "no Django settings
needed to import or run it"), and loads no Django module on the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
import numpy as np
import pandas as pd
from linkwork.evaluation import bootstrap_cea, did, twfe

rng = np.random.default_rng(1)
n = 400
frame = pd.DataFrame({
    "y": rng.normal(size=n), "treated": np.repeat([0, 1], n // 2), "post": np.tile([0, 1], n // 2),
    "practice": np.arange(n) % 10, "person": np.arange(n) // 2,
    "cost": rng.gamma(2, 100, n), "qaly": rng.uniform(0, 1, n),
})
print(did(frame, "y", "treated", "post", cluster="practice").to_dict()["kind"])
frame["d"] = frame["treated"] * frame["post"]
print(twfe(frame, "y", "d", "person", "post", cluster="practice").to_dict()["kind"])
print(bootstrap_cea(frame, "cost", "qaly", "treated", B=200, seed=1).to_dict()["kind"])
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print("django modules:", loaded)
"""


def test_library_runs_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["DidResult", "TwfeResult", "CeaResult"]
    assert lines[3] == "django modules: []"
