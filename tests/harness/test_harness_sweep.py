"""Local seed sweeps: the lesson's buggy writer found on one worker and on two, the same seeds,
each printed replay command reproducing its failure; JSON lines; determinism checks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.harness import SweepResult, load_scenario, parse_seeds, sweep, write_results
from simulator.harness.scenario import SeedResult
from tests.harness.harness_support import LESSON_SPEC, ROOT, SEEDS, scenario_spec, subprocess_env


@pytest.fixture(scope="module")
def one_worker() -> SweepResult:
    return sweep(LESSON_SPEC, SEEDS, workers=1)


def test_seed_syntax() -> None:
    assert parse_seeds("5") == range(5)
    assert parse_seeds("0..10000") == range(10000)
    assert parse_seeds("3..=7") == range(3, 8)
    for bad in ("7..3", "a..b", "-1"):
        with pytest.raises(ValueError):
            parse_seeds(bad)


def test_load_scenario_by_module_and_by_path() -> None:
    assert load_scenario("simulator.testing:run_backup").__name__ == "run_backup"
    assert load_scenario(scenario_spec("raises")).__name__ == "raises"
    with pytest.raises(ValueError, match="module:function"):
        load_scenario("no-function")
    with pytest.raises(FileNotFoundError):
        load_scenario("nowhere/missing.py:f")
    with pytest.raises(AttributeError):
        load_scenario(scenario_spec("absent"))


def test_one_worker_finds_the_failing_seeds(one_worker: SweepResult) -> None:
    assert one_worker.done == len(SEEDS) and not one_worker.interrupted
    assert one_worker.failing_seeds[:2] == [159, 197]
    assert list(one_worker.groups()) == ["wrong-thread in OnFreeze"]
    assert [r.seed for r in one_worker.ordered] == list(SEEDS)


def test_two_workers_give_the_same_results(one_worker: SweepResult) -> None:
    two = sweep(LESSON_SPEC, SEEDS, workers=2, batch_size=25)
    assert two.workers == 2
    assert two.results == one_worker.results


def test_exceptions_are_grouped_by_type_and_first_line() -> None:
    result = sweep(scenario_spec("raises"), range(6), workers=1)
    assert result.groups() == {"ValueError: odd seed; session {guid}": [1, 3, 5]}
    assert result.results[1].detail is not None and "second line" not in result.results[1].detail


def test_results_are_written_atomically_in_seed_order(tmp_path: Path) -> None:
    result = sweep(scenario_spec("raises"), range(4), workers=1)
    out = tmp_path / "results.jsonl"
    out.write_text("old\n")
    write_results(str(out), result)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["seed"] for line in lines] == [0, 1, 2, 3]
    assert lines[1]["replay"].endswith("--seed 1") and "replay" not in lines[0]
    assert SeedResult.from_json(lines[1]) == result.results[1]
    assert [p.name for p in tmp_path.iterdir()] == ["results.jsonl"]


def test_check_determinism_names_the_seeds_whose_traces_differ() -> None:
    steady = sweep(LESSON_SPEC, range(150, 160), workers=1, check_determinism=True)
    assert steady.nondeterministic_seeds == []
    shaky = sweep(scenario_spec("nondeterministic"), range(3), workers=1, check_determinism=True)
    assert shaky.nondeterministic_seeds == [0, 1, 2]


def test_an_interrupted_sweep_keeps_what_finished() -> None:
    calls = []

    def progress(result: SweepResult) -> None:
        calls.append(result.done)
        if result.done >= 20:
            raise KeyboardInterrupt

    result = sweep(LESSON_SPEC, SEEDS, workers=1, batch_size=10, progress=progress)
    assert result.interrupted and result.done == 20
    assert result.missing_seeds == list(SEEDS)[20:]


def test_cli_sweep_prints_replay_commands_that_reproduce(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    runner = CliRunner()
    args = ["sweep", LESSON_SPEC, "--seeds", "150..350", "--workers", "2", "--out", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "seeds 150..350 (200)" in result.output
    assert "done: 200 of 200 seeds" in result.output
    assert "wrong-thread in OnFreeze: " in result.output
    commands = re.findall(r"^  (vss-sim replay .*)$", result.output, flags=re.MULTILINE)
    assert commands and f"vss-sim replay {LESSON_SPEC} --seed 159" in commands
    assert len(out.read_text().splitlines()) == 200
    for command in commands:
        argv = command.split()[1:]
        replayed = subprocess.run(
            [sys.executable, "-m", "simulator", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=subprocess_env(tmp_path),
            timeout=60,
        )
        assert replayed.returncode == 1, replayed.stdout + replayed.stderr
        assert "FAILED: wrong-thread in OnFreeze" in replayed.stdout
        assert "violations: 1" in replayed.stdout


def test_cli_replay_of_a_passing_seed(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["replay", LESSON_SPEC, "--seed", "150", "--tail", "5"])
    assert result.exit_code == 0, result.output
    assert "trace (last 5 of " in result.output
    assert result.output.rstrip().endswith("passed")


def test_cli_errors() -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["sweep", "nowhere/missing.py:f"])
    assert bad.exit_code == 2 and "cannot load scenario" in bad.output
    seeds = runner.invoke(main, ["sweep", LESSON_SPEC, "--seeds", "9..2"])
    assert seeds.exit_code == 2 and "empty" in seeds.output
