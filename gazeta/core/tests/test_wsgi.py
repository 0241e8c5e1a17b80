"""The WSGI entry point freezes what it loaded out of the garbage collector's reach."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc
import gazeta.wsgi
print(gc.get_freeze_count(), len(gc.get_objects()), callable(gazeta.wsgi.application))
"""


def test_what_the_entry_point_loaded_is_frozen_out_of_the_collectors_reach():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gazeta.settings.test"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    frozen, tracked, callable_app = result.stdout.split()
    # Django and the apps alone are tens of thousands of objects; left to the collector
    # after the freeze: only what was made since (a few, not thousands).
    assert int(frozen) > 20_000
    assert int(tracked) < 1_000
    assert callable_app == "True"
