"""Each simulated tool command against the real captures, line by line (docs/reference.md §10):
``vss-sim vshadow``, ``vss-sim vssadmin``, ``vss-sim diskshadow`` and ``system.vssadmin``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from simulator import (
    VSS_BT_FULL,
    VSS_CTX_CLIENT_ACCESSIBLE,
    VSS_E_PROVIDER_VETO,
    VssSystem,
)
from simulator._presentation import diskshadow_text
from simulator.cli import main
from tests.public.capture_compare import assert_lines_match, capture


def tool(state: Path, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, [args[0], "--state", str(state), *args[1:]], input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def block(output: str, start: str) -> list[str]:
    """The lines from the one starting with ``start`` to the next blank line."""
    lines = output.split("\n")
    first = lines.index(start) if start in lines else -1
    assert first >= 0, f"{start!r} not in output"
    end = lines.index("", first)
    return lines[first:end]


def test_vssadmin_usage_screen(tmp_path: Path) -> None:
    assert_lines_match(
        tool(tmp_path / "m.json", "vssadmin", "list", "bogus", code=1),
        capture("vssadmin-usage-invalid-command.txt"),
    )


def test_vssadmin_list_providers(tmp_path: Path) -> None:
    theirs = [
        line.replace("System``", "System") for line in capture("vssadmin-list-providers-01.txt")
    ]
    assert_lines_match(tool(tmp_path / "m.json", "vssadmin", "list", "providers"), theirs)


def test_vssadmin_list_writers_block_by_block(tmp_path: Path) -> None:
    theirs = capture("vssadmin-list-writers-10.txt")
    ours = tool(tmp_path / "m.json", "vssadmin", "list", "writers")
    assert_lines_match(ours.split("\n")[:3], theirs[:3])
    assert_lines_match(block(ours, theirs[3]), theirs[3:])
    assert "Waiting for responses" not in ours
    assert not ours.endswith("\n\n")


def test_vssadmin_list_shadows_client_accessible() -> None:
    with VssSystem(seed=1) as system:
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetContext(VSS_CTX_CLIENT_ACCESSIBLE)
            bc.SetBackupState(False, False, VSS_BT_FULL)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.DoSnapshotSet().Wait()
        assert_lines_match(system.vssadmin("list shadows"), capture("vssadmin-list-shadows-02.txt"))


def test_vshadow_usage_screen(tmp_path: Path) -> None:
    ours = tool(tmp_path / "m.json", "vshadow", "--bogus", code=1)
    assert_lines_match(ours.replace("'--bogus'", "'--help'"), capture("vshadow-usage.txt"))


def test_vshadow_no_writers_creation(tmp_path: Path) -> None:
    """vshadow-create-02 is VShadow 3.0 creating a non-persistent no-writer copy (its prompt line
    says ``-nw -p`` but its output, context 0x10 and Auto_Release, is that of ``-nw``)."""
    assert_lines_match(
        tool(tmp_path / "m.json", "vshadow", "-nw", "C:"), capture("vshadow-create-02.txt")
    )


def test_vshadow_persistent_no_writers_creation(tmp_path: Path) -> None:
    """vshadow-create-01 is VShadow 2.2: its banner differs and it waits twice; from the option
    lines on, the rest is 3.0's text."""
    theirs = capture("vshadow-create-01.txt")
    theirs = theirs[theirs.index("(Option: Persistent shadow copy)") :]
    theirs = theirs[: theirs.index("Snapshot creation done.") + 1]
    theirs.remove("(Waiting for the asynchronous operation to finish...)")
    ours = tool(tmp_path / "m.json", "vshadow", "-p", "-nw", "C:").split("\n")
    assert_lines_match(ours[5:-1], theirs)


def test_diskshadow_interactive_create(tmp_path: Path) -> None:
    ours = tool(
        tmp_path / "m.json",
        "diskshadow",
        stdin="set context persistent\nadd volume E:\ncreate\nexit\n",
    )
    theirs = capture("diskshadow-create-01.txt")
    assert_lines_match(ours.split("\n")[: len(theirs)], theirs)


def test_diskshadow_script_echo(tmp_path: Path) -> None:
    script = tmp_path / "backup.dsh"
    script.write_text("SET VERBOSE ON\nSET CONTEXT PERSISTENT\n", encoding="utf-8")
    theirs = capture("diskshadow-script-03-writer-exclusion.txt")[:6]
    assert_lines_match(tool(tmp_path / "m.json", "diskshadow", "/s", str(script)), theirs)


def test_diskshadow_create_failure_text() -> None:
    theirs = capture("diskshadow-create-02-provider-veto.txt")
    start = theirs.index("The last operation failed.") - 1
    assert_lines_match(
        diskshadow_text.create_failed(VSS_E_PROVIDER_VETO), theirs[start : start + 4]
    )


def test_diskshadow_list_providers(tmp_path: Path) -> None:
    script = tmp_path / "s.dsh"
    script.write_text("list providers\n", encoding="utf-8")
    ours = tool(tmp_path / "m.json", "diskshadow", "/s", str(script)).split("\n")
    assert_lines_match(ours[5:-1], capture("diskshadow-list-providers-doc.txt"))


def test_diskshadow_list_writers_status_during_a_backup(tmp_path: Path) -> None:
    """Microsoft's sample shows the System Writer waiting for BackupComplete: a persistent
    create of C: with writers, listed before ``end backup``."""
    script = tmp_path / "s.dsh"
    script.write_text(
        "set context persistent\nadd volume C:\ncreate\nlist writers status\nexit\n",
        encoding="utf-8",
    )
    ours = tool(tmp_path / "m.json", "diskshadow", "/s", str(script))
    theirs = capture("diskshadow-list-writers-status-doc.txt")
    listing = ours.split("\n")
    first = listing.index("Listing writer status ...")
    assert_lines_match(listing[first : first + 6], theirs[:6])
    # The Shadow Copy Optimization Writer has no component on C: and stays STABLE.
    at = theirs.index('* WRITER "Shadow Copy Optimization Writer"')
    assert_lines_match(listing[listing.index(theirs[at]) :][:5], theirs[at : at + 5])
    assert listing[-3] == "10 writers listed."
