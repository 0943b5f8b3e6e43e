"""The ``vss-sim`` command line (docs/api.md "CLI"): ``demo`` replays from its seed, ``rules`` prints
the rules tables."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from simulator import Call, TraceKind, WriterEvent
from simulator._rules.writer_calls import WRITER_CALLS
from simulator.cli import main


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def without_wall_time(output: str) -> list[str]:
    lines = output.splitlines()
    assert sum(line.startswith("wall time: ") for line in lines) == 1
    assert re.fullmatch(r"wall time: \d+\.\d{3}s", lines[-1])
    return lines[:-1]


def test_demo_replays_exactly_from_its_seed() -> None:
    first = run("demo", "--seed", "3")
    second = run("demo", "--seed", "3")
    assert without_wall_time(first) == without_wall_time(second)
    assert without_wall_time(first) != without_wall_time(run("demo", "--seed", "4"))


def test_demo_prints_the_seed_first() -> None:
    assert run("demo", "--seed", "3").splitlines()[0] == "seed: 3 (replay with --seed 3)"
    output = run("demo", "--sessions", "2")
    match = re.fullmatch(r"seed: (\d+) \(replay with --seed (\d+)\)", output.splitlines()[0])
    assert match is not None and match.group(1) == match.group(2)
    replay = run("demo", "--sessions", "2", "--seed", match.group(1))
    assert without_wall_time(replay) == without_wall_time(output)


def test_demo_shows_the_veto_and_the_retry() -> None:
    """One RETRYABLE veto at PrepareForSnapshot (docs/field-failures.md #4): one attempt fails with
    VSS_E_UNEXPECTED_WRITER_ERROR, is retried after 600 s, and every session completes."""
    output = run("demo", "--seed", "3")
    vetoed = [line for line in output.splitlines() if "FAILED_AT_PREPARE_SNAPSHOT" in line]
    assert len(vetoed) == 1
    assert "VSS_E_UNEXPECTED_WRITER_ERROR" in vetoed[0]
    assert "SqlServerWriter" in vetoed[0] and "VSS_E_WRITERERROR_RETRYABLE" in vetoed[0]
    assert vetoed[0].endswith("retrying")
    assert (
        "#1 VSS_E_UNEXPECTED_WRITER_ERROR (SqlServerWriter VSS_E_WRITERERROR_RETRYABLE)" in output
    )
    totals = next(line for line in output.splitlines() if line.startswith("totals: "))
    assert "4 sessions (4 completed)" in totals and "0 violations" in totals
    header = next(line for line in output.splitlines() if line.startswith("session "))
    assert header.split() == [
        "session",
        "requester",
        "tries",
        "writers",
        "final",
        "states",
        "start",
        "end",
        "failures",
    ]
    # No time passes after the last session ends (a wait that ended early leaves no timer).
    ends = [float(m) for m in re.findall(r"\s(\d+\.\d{3})s\s+(?:-|#)", output)]
    assert len(ends) == 4
    assert f"virtual time {max(ends):.3f}s" in totals
    # One progress line per session, each naming how the session ended.
    assert sum(" after " in line and "attempt(s)" in line for line in output.splitlines()) == 4


def test_demo_writes_the_trace_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    output = run("demo", "--seed", "5", "--sessions", "2", "--trace-out", str(path))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert f"trace: {len(records)} records written to {path}" in output
    assert all(
        set(r) == {"time", "kind", "name", "session_id", "thread", "writer", "result", "detail"}
        for r in records
    )
    assert {r["kind"] for r in records} <= {k.value for k in TraceKind}
    assert records[0]["kind"] == "call" and records[0]["name"] == "InitializeForBackup"
    times = [r["time"] for r in records]
    assert times == sorted(times)
    events = [r for r in records if r["kind"] == "event"]
    totals = next(line for line in output.splitlines() if line.startswith("totals: "))
    assert f"{len(events)} events delivered" in totals


def test_rules_prints_every_call_event_and_writer_call() -> None:
    output = run("rules")
    assert output.startswith("# The rules of the model\n")
    for call in Call:
        assert f"`{call.value}`" in output, call
    for event in WriterEvent:
        assert f"`{event.value}`" in output, event
    for method in WRITER_CALLS:
        assert f"| `{method}` |" in output, method
    assert (
        "| VSS_WS_WAITING_FOR_THAW (3) | `OnThaw` | VSS_WS_WAITING_FOR_POST_SNAPSHOT (4) |"
        in output
    )


def test_python_dash_m_simulator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "rules"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == run("rules")
