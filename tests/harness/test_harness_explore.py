"""Exhaustive exploration: the lesson's bug found over every interleaving of two sessions and two
writers, the fixed writer clean; reduction loses no outcome; schedules replay."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.harness import ScheduleRandom, load_scenario, replay_schedule
from simulator.testing import explore
from tests.harness import scenarios
from tests.harness.harness_support import scenario_spec


@pytest.fixture(scope="module")
def lesson():  # type: ignore[no-untyped-def]
    return scenarios.lesson()


def test_explore_finds_the_bug_and_passes_the_fix(lesson, capsys) -> None:  # type: ignore[no-untyped-def]
    buggy = explore(lesson.buggy_backups)
    fixed = explore(lesson.fixed_backups)
    plain = explore(lesson.fixed_backups, reduce=False, max_schedules=fixed.schedules)
    print(f"buggy: {buggy.summary()}")
    print(f"fixed: {fixed.summary()}")
    print(f"fixed without reduction: {plain.summary()}")
    assert buggy.complete and fixed.complete and not plain.complete
    assert {f.failure for f in buggy.failing} == {"wrong-thread in OnFreeze"}
    assert fixed.failing == [] and fixed.schedules == buggy.schedules
    assert "partial" in plain.summary()
    out = capsys.readouterr().out
    assert re.search(r"fixed: \d+ schedules, 0 failing, complete", out)
    first = buggy.failing[0]
    outcome = replay_schedule(lesson.buggy_backups, first.choices)
    assert outcome.failure is not None and outcome.failure[0] == first.failure
    assert replay_schedule(lesson.fixed_backups, first.choices).ok


def test_reduction_keeps_every_outcome() -> None:
    scenario = load_scenario(scenario_spec("two_gathers"))
    module = __import__("sys").modules[scenario.__module__]
    module.ORDERS.clear()
    reduced = explore(scenario)
    reduced_orders = set(module.ORDERS)
    module.ORDERS.clear()
    plain = explore(scenario, reduce=False)
    assert plain.complete and reduced.complete
    assert plain.schedules == 3432  # C(14, 7): every interleaving of two 7-step tasks
    assert reduced.schedules < plain.schedules / 10
    assert reduced_orders == set(module.ORDERS) and len(reduced_orders) == 2
    assert {f.failure for f in reduced.failing} == {f.failure for f in plain.failing}


def test_max_schedules_makes_it_partial() -> None:
    result = explore(load_scenario(scenario_spec("two_gathers")), max_schedules=5)
    assert result.schedules == 5 and not result.complete


def test_schedule_random_follows_its_choices_then_zero() -> None:
    rng = ScheduleRandom([2, 1], seed=3)
    assert [rng.randrange(3), rng.randrange(2), rng.randrange(4)] == [2, 1, 0]
    assert rng.decisions == [(3, 2), (2, 1), (4, 0)]
    assert rng.getrandbits(128) == __import__("random").Random(3).getrandbits(128)
    assert rng.randrange(2, 9) in range(2, 9)  # not a scheduling decision
    assert len(rng.decisions) == 3


def test_cli_explore_and_replay_schedule() -> None:
    runner = CliRunner()
    spec = scenario_spec("two_gathers")
    result = runner.invoke(main, ["explore", spec])
    assert result.exit_code == 1, result.output
    assert re.search(r"82 schedules, 41 failing, complete", result.output)
    command = re.search(r"vss-sim replay (\S+) --schedule (\S+)", result.output)
    assert command is not None
    replayed = runner.invoke(main, ["replay", command[1], "--schedule", command[2]])
    assert replayed.exit_code == 1 and "FAILED: AssertionError" in replayed.output
    partial = runner.invoke(main, ["explore", spec, "--max-schedules", "3", "--no-reduce"])
    assert "3 schedules" in partial.output and "partial" in partial.output
