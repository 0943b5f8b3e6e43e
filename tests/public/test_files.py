"""Files the command line writes (simulator/_commands/files.py)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from simulator._commands.files import write_atomically


def test_a_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_symlink_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    with pytest.raises(click.ClickException, match="symbolic link"):
        write_atomically(link, "overwrite")
    assert victim.read_text() == "keep me"


def test_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(click.ClickException, match="does not exist") as refused:
        write_atomically(tmp_path / "missing" / "out.txt", "x")
    assert "\n" not in refused.value.message


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_demo_refuses_a_missing_folder_before_it_runs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from simulator.cli import main

    result = CliRunner().invoke(
        main, ["demo", "--seed", "1", "--trace-out", str(tmp_path / "missing" / "t.jsonl")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert "seed:" not in result.output  # refused before the run
    assert "Traceback" not in result.output


def test_demo_writes_its_trace_atomically_and_not_through_a_symlink(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from simulator.cli import main

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "trace.jsonl"
    link.symlink_to(victim)
    result = CliRunner().invoke(main, ["demo", "--seed", "1", "--trace-out", str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert victim.read_text() == "keep me"
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["demo", "--seed", "1", "--trace-out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text().count("\n") > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "trace.jsonl", "victim.txt"]
