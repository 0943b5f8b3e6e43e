"""Shared by the harness tests: the scenario specs, the seed range, the subprocess environment."""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

LESSON_SPEC = f"{ROOT / 'examples' / '11_sweep_and_explore.py'}:buggy_backups"
#: A range with a few failing seeds of the lesson's buggy scenario (159 and 197 among them).
SEEDS = range(150, 350)


def scenario_spec(name: str) -> str:
    return f"{HERE / 'scenarios.py'}:{name}"


def subprocess_env(home: Path) -> dict[str, str]:
    """The environment for ``python -m simulator``: this checkout first on the path."""
    env = dict(os.environ)
    env["HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env
