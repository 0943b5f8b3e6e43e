"""The ``vss-sim`` command line (docs/api.md "CLI"): ``demo`` replays from its seed, tells its two
kinds of retry apart and saves its trace; ``trace`` exports it; ``rules`` prints the rules tables
for a terminal or as docs/rules.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import fakes.presets
from simulator import Call, TraceKind, WriterEvent
from simulator._commands.demo_faults import FAULTS
from simulator._rules.writer_calls import WRITER_CALLS
from simulator.cli import main
from simulator.trace_export import read_jsonl
from tests.helpers import PROJECT_ROOT


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every command of these tests keeps its state under a temporary XDG_STATE_HOME."""
    home = tmp_path / "state-home"
    home.mkdir()
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    yield home


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code != 0, result.output
    return result.output


def without_wall_time(output: str) -> list[str]:
    lines = output.splitlines()
    assert sum(line.startswith("wall time: ") for line in lines) == 1
    assert re.fullmatch(r"wall time: \d+\.\d{3}s", lines[-1])
    return lines[:-1]


def table(output: str) -> dict[str, list[str]]:
    """The demo's summary table: backup number -> its cells (two spaces or more apart)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#   requester"))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.startswith("#"):
            break
        cells = re.split(r"\s{2,}", line)
        rows[cells[0]] = cells
    return rows


# -- demo ---------------------------------------------------------------------------------------


def test_demo_replays_exactly_from_its_seed() -> None:
    first = run("demo", "--seed", "3")
    second = run("demo", "--seed", "3")
    assert without_wall_time(first) == without_wall_time(second)
    assert without_wall_time(first) != without_wall_time(run("demo", "--seed", "4"))


def test_demo_prints_the_seed_and_its_replay_command_first() -> None:
    assert run("demo", "--seed", "3").splitlines()[0] == (
        "seed: 3 (replay with: vss-sim demo --seed 3)"
    )
    output = run("demo", "--sessions", "2", "--fault", "none")
    match = re.fullmatch(
        r"seed: (\d+) \(replay with: vss-sim demo --seed (\d+) --sessions 2 --fault none\)",
        output.splitlines()[0],
    )
    assert match is not None and match.group(1) == match.group(2)
    replay = run("demo", "--sessions", "2", "--fault", "none", "--seed", match.group(1))
    assert without_wall_time(replay) == without_wall_time(output)


def test_demo_tells_the_two_kinds_of_retry_apart() -> None:
    """The default fault: SqlServerWriter vetoes once with VSS_E_WRITERERROR_RETRYABLE
    (docs/field-failures.md #4), retried after 600 s; VShadow's StartSnapshotSet refused while
    another set is in creation (docs/reference.md §8), retried after 5 s; all four complete."""
    output = run("demo", "--seed", "3")
    lines = output.splitlines()
    vetoed = [line for line in lines if "FAILED_AT_PREPARE_SNAPSHOT" in line]
    assert len(vetoed) == 1
    assert "VSS_E_UNEXPECTED_WRITER_ERROR [SqlServerWriter" in vetoed[0]
    assert vetoed[0].endswith("; the writer asked us to retry: attempt 2 in 600 s")
    busy = [line for line in lines if "failed: VSS_E_SNAPSHOT_SET_IN_PROGRESS" in line]
    assert busy and all(
        re.search(r"another backup was creating its set: attempt \d in 5 s$", line) for line in busy
    )
    assert not any(line.endswith("retrying") for line in lines)
    totals = next(line for line in lines if line.startswith("totals: "))
    assert totals.startswith("totals: 4 backups (4 completed) in ")
    assert "; 0 violations;" in totals
    rows = table(output)
    assert sorted(rows) == ["#1", "#2", "#3", "#4"]
    assert any(cells[-1] == "1: the writer asked us to retry" for cells in rows.values())
    assert any("another backup was creating its set" in cells[-1] for cells in rows.values())
    # No time passes after the last backup ends.
    ends = [float(cells[8].rstrip("s")) for cells in rows.values()]
    assert f"virtual time {max(ends):.3f}s" in totals


def test_demo_keeps_one_number_per_backup_and_lists_each_attempts_session() -> None:
    output = run("demo", "--seed", "3")
    rows = table(output)
    for number, cells in rows.items():
        ids = cells[4].split(", ")
        assert len(ids) == int(cells[3])  # one VSS session id per attempt
        attempt_lines = [
            line for line in output.splitlines() if re.match(rf"\[ *[\d.]+s\] {number} ", line)
        ]
        # Every line about this backup names it by its number and one of its sessions' ids.
        assert attempt_lines
        named = {re.search(r"VSS session ([0-9a-f]{8})", line)[1] for line in attempt_lines}  # type: ignore[index]
        assert named == set(ids)


def test_demo_says_what_its_columns_and_counts_mean() -> None:
    output = run("demo", "--seed", "3")
    header = next(line for line in output.splitlines() if line.startswith("#   requester"))
    assert re.split(r"\s{2,}", header) == [
        "#",
        "requester",
        "result",
        "tries",
        "VSS session ids",
        "in backup",
        "states at end",
        "start",
        "end",
        "retried because",
    ]
    legend = " ".join(output.split("columns: ", 1)[1].split("\n\n", 1)[0].split())
    for column in (
        "tries:",
        "VSS session ids:",
        "in backup:",
        "states at end:",
        "retried because:",
    ):
        assert column in legend
    rows = table(output)
    assert {cells[5] for cells in rows.values()} == {"8 of 11", "11 of 11"}
    assert {cells[6] for cells in rows.values()} == {"all 11 STABLE"}
    assert "11 writers installed" in output
    assert not re.search(r"\b1 (sessions|backups|attempts|violations)\b", output)


def test_demo_in_one_session_says_one_backup() -> None:
    output = run("demo", "--seed", "1", "--sessions", "1", "--fault", "none")
    assert "1 backup start at 0 s: #1 vshadow C:\\" in output
    assert "totals: 1 backup (1 completed) in 1 attempt; " in output


def test_demo_offers_every_failure_preset() -> None:
    presets = {name for name in fakes.presets.__all__ if name[0].islower()}
    offered = {preset for preset, _ in FAULTS.values() if preset is not None}
    assert offered == presets - {"restart_writer"}  # the one preset that undoes a fault
    help_text = " ".join(run("demo", "--help").split())
    for name in FAULTS:
        assert name in help_text
    assert "Error" in fails("demo", "--fault", "bogus")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("none", "totals: 4 backups (4 completed)"),
        ("wrong-thread", "; 1 violation;"),
        ("stuck-writer", "totals: 4 backups (0 completed)"),
        ("provider-veto", "VSS_E_PROVIDER_VETO"),
        ("slow-commit-provider", "VSS_E_HOLD_WRITES_TIMEOUT"),
        ("insufficient-storage-provider", "VSS_E_INSUFFICIENT_STORAGE"),
        ("slow-freeze", "FAILED_AT_FREEZE VSS_E_WRITERERROR_TIMEOUT"),
    ],
)
def test_demo_fault_presets_show_their_failure(fault: str, expected: str) -> None:
    output = run("demo", "--seed", "2", "--fault", fault)
    assert f"fault {fault}: {FAULTS[fault][1]}" in output
    assert expected in output


def test_demo_saves_its_trace_for_vss_sim_trace(state_home: Path, tmp_path: Path) -> None:
    output = run("demo", "--seed", "5", "--sessions", "2")
    saved = state_home / "vss-sim" / "last-trace.jsonl"
    assert f"trace saved to {saved}: " in output
    records = read_jsonl(saved.read_text(encoding="utf-8"))
    totals = next(line for line in output.splitlines() if line.startswith("totals: "))
    events = [r for r in records if r.kind is TraceKind.EVENT]
    assert f"; {len(events)} events delivered;" in totals
    assert all(r.end_time is not None and r.end_time >= r.time for r in events)
    other = tmp_path / "elsewhere" / "machine.json"  # the trace goes beside that state file
    run("demo", "--seed", "5", "--sessions", "2", "--state", str(other))
    assert (other.parent / "last-trace.jsonl").read_text(encoding="utf-8") == saved.read_text(
        encoding="utf-8"
    )
    assert not other.exists()  # the demo leaves the tools' machine alone
    quiet = run("demo", "--seed", "6", "--no-save-trace")
    assert "trace saved" not in quiet
    assert read_jsonl(saved.read_text(encoding="utf-8")) == records


def test_demo_writes_the_trace_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    output = run("demo", "--seed", "5", "--sessions", "2", "--trace-out", str(path))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert f"trace: {len(records)} records written to {path}" in output
    keys = {"time", "end_time", "kind", "name", "session_id", "thread", "writer", "result"}
    assert all(set(r) == keys | {"detail"} for r in records)
    assert {r["kind"] for r in records} <= {k.value for k in TraceKind}
    assert records[0]["kind"] == "call" and records[0]["name"] == "InitializeForBackup"
    times = [r["time"] for r in records]
    assert times == sorted(times)
    assert all((r["end_time"] is None) == (r["kind"] not in ("event", "provider")) for r in records)


def test_demo_refuses_a_trace_file_it_cannot_write(tmp_path: Path) -> None:
    output = fails("demo", "--seed", "1", "--trace-out", str(tmp_path / "missing" / "t.jsonl"))
    assert output.strip().splitlines()[-1].startswith("Error: cannot write ")


def test_version_comes_from_package_metadata() -> None:
    from importlib import metadata

    version = metadata.version("vss-simulator")
    assert run("--version") == f"vss-sim {version}\n"
    assert run("demo", "--version") == f"vss-sim {version}\n"
    assert f"vss-sim {version}; machine SIMHOST" in run("demo", "--seed", "1")


# -- trace --------------------------------------------------------------------------------------


def test_trace_exports_the_last_run_in_every_format(state_home: Path, tmp_path: Path) -> None:
    run("demo", "--seed", "5", "--sessions", "2")
    saved = (state_home / "vss-sim" / "last-trace.jsonl").read_text(encoding="utf-8")
    assert run("trace") == saved
    assert run("trace", "--format", "jsonl") == saved
    chrome = json.loads(run("trace", "--format", "chrome"))
    assert {e["ph"] for e in chrome["traceEvents"]} >= {"M", "X"}
    assert run("trace", "--format", "mermaid").startswith("sequenceDiagram\n")
    out = tmp_path / "run.html"
    line = run("trace", "--format", "html", "--out", str(out))
    assert line.startswith("trace: ") and f"written to {out} as an HTML page" in line
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "vss-sim trace: last-trace.jsonl" in page


def test_trace_reads_another_file(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    run("demo", "--seed", "5", "--sessions", "1", "--no-save-trace", "--trace-out", str(path))
    assert run("trace", "--from", str(path)) == path.read_text(encoding="utf-8")


def test_trace_without_a_run_or_with_a_broken_file_is_one_line(tmp_path: Path) -> None:
    missing = fails("trace", "--state", str(tmp_path / "none" / "machine.json"))
    assert missing.strip() == (
        f"Error: no trace at {tmp_path / 'none' / 'last-trace.jsonl'}: run `vss-sim demo` first "
        "(it saves its trace there)"
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"time": 0, "kind": "call", "name": "x"}\nnot json\n', encoding="utf-8")
    output = fails("trace", "--from", str(broken))
    assert output.strip().splitlines() == [
        f"Error: {broken}: line 2 is not a trace record: "
        + (output.split("line 2 is not a trace record: ", 1)[1].strip())
    ]
    assert "Traceback" not in output


def test_cli_subprocess_saves_in_the_default_state_folder(tmp_path: Path) -> None:
    """A real ``vss-sim`` process in a temporary HOME, XDG_STATE_HOME unset."""
    env = {k: v for k, v in os.environ.items() if k != "XDG_STATE_HOME"}
    env["HOME"] = str(tmp_path)
    command = [sys.executable, "-m", "simulator"]
    demo = subprocess.run(
        [*command, "demo", "--seed", "1", "--sessions", "1"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    saved = tmp_path / ".local" / "state" / "vss-sim" / "last-trace.jsonl"
    assert f"trace saved to {saved}" in demo.stdout
    mermaid = subprocess.run(
        [*command, "trace", "--format", "mermaid"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert mermaid.stdout.startswith("sequenceDiagram\n")
    assert "VSS->>W" in mermaid.stdout


# -- rules --------------------------------------------------------------------------------------


def test_rules_markdown_is_docs_rules_md() -> None:
    output = run("rules", "--format", "markdown")
    assert output == (PROJECT_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for call in Call:
        assert f"`{call.value}`" in output, call
    for event in WriterEvent:
        assert f"`{event.value}`" in output, event
    for method in WRITER_CALLS:
        assert f"| `{method}` |" in output, method


@pytest.mark.parametrize("width", [80, 100, 120])
def test_rules_fit_a_terminal(width: int) -> None:
    output = run("rules", "--width", str(width))
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "|---" not in output and "`" not in output
    for call in Call:
        assert call.value in output, call
    for method in WRITER_CALLS:
        assert f"* {method}" in lines, method
    # A row of WRITER_TRANSITIONS as a list entry.
    row = lines.index("* VSS_WS_WAITING_FOR_THAW (3)")
    assert lines[row + 1 : row + 4] == [
        "    Trigger: OnThaw",
        "    On success: VSS_WS_WAITING_FOR_POST_SNAPSHOT (4)",
        "    On failure: VSS_WS_FAILED_AT_THAW (10)",
    ]


def test_rules_default_width_is_within_80_and_120() -> None:
    assert max(len(line) for line in run("rules").splitlines()) <= 80  # no terminal: 80


def test_python_dash_m_simulator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "rules", "--format", "markdown"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    assert result.stdout == run("rules", "--format", "markdown")
