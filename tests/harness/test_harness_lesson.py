"""The lesson examples/11_sweep_and_explore.py runs and prints what it teaches."""

from __future__ import annotations

import re

import pytest

from tests.harness import scenarios


def test_lesson(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenarios.lesson().main() == 0
    out = capsys.readouterr().out
    assert re.search(r"400 seeds run, \d+ failed", out)
    assert "wrong-thread in OnFreeze: seeds 159, 197" in out
    assert "violation: [wrong-thread] JournalWriter in OnFreeze" in out
    assert re.search(r"buggy writer: \d+ schedules, [1-9]\d* failing, complete", out)
    assert re.search(r"fixed writer: \d+ schedules, 0 failing, complete", out)
    assert "without it, depth-first search over every choice needs more than" in out
