"""``vss-sim vshadow|vssadmin|diskshadow`` as a person types them: subprocesses in a temporary
HOME, one machine kept in the state file between runs (simulator/_commands/machine_state.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from tests.helpers import PROJECT_ROOT

GUID = r"\{([0-9a-f-]{36})\}"


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """The environment of a user whose HOME and XDG_STATE_HOME are fresh folders."""
    env = dict(os.environ)
    env["HOME"] = str(tmp_path / "home")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    (tmp_path / "home").mkdir()
    return env


def vss_sim(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_persistent_copy_lives_until_deleted(home: dict[str, str]) -> None:
    created = vss_sim(home, "vshadow", "-p", "C:")
    (snapshot_id,) = re.findall(r"\* SNAPSHOT ID = " + GUID, created)
    (set_id,) = re.findall(r"Creating shadow set " + GUID, created)
    state = Path(home["XDG_STATE_HOME"]) / "vss-sim" / "machine.json"
    assert json.loads(state.read_text())["snapshots"][0]["snapshot_id"] == snapshot_id

    listed = vss_sim(home, "vssadmin", "list", "shadows")
    assert f"Contents of shadow copy set ID: {{{set_id}}}" in listed
    assert f"      Shadow Copy ID: {{{snapshot_id}}}" in listed
    assert "         Type: ApplicationRollback" in listed
    assert "         Attributes: Persistent, No auto release, Differential" in listed

    vss_sim(home, "vshadow", "-da")
    after = vss_sim(home, "vssadmin", "list", "shadows")
    assert after.splitlines()[-1] == "No items found that satisfy the query."


def test_the_machine_is_the_same_machine_on_every_run(home: dict[str, str]) -> None:
    first = vss_sim(home, "vshadow", "-ws")
    vss_sim(home, "vshadow", "-p", "-nw", "D:")
    second = vss_sim(home, "vshadow", "-p", "-nw", "D:")
    # In the same HOME, in this process: the same writers, and ids drawn later are new ones.
    again = CliRunner().invoke(main, ["vshadow", "-ws"], env=home).output
    assert re.findall(r"Instance ID: " + GUID, first) == re.findall(r"Instance ID: " + GUID, again)
    assert len(re.findall(r"Instance ID: " + GUID, first)) == 10
    listed = CliRunner().invoke(main, ["vshadow", "-q"], env=home).output
    assert len(set(re.findall(r"\* SNAPSHOT ID = " + GUID, listed))) == 2
    assert "HarddiskVolumeShadowCopy2" in second


def test_a_rejected_command_gets_the_usage_screen(home: dict[str, str]) -> None:
    out = vss_sim(home, "vssadmin", "list", "bogus", code=1)
    lines = out.splitlines()
    assert lines[3] == "Error: Invalid command."
    assert "---- Commands Supported ----" in lines
    assert "List Writers          - List subscribed volume shadow copy writers" in lines
    assert not (Path(home["XDG_STATE_HOME"]) / "vss-sim").exists()
    usage = CliRunner().invoke(main, ["vshadow", "-bogus"], env=home).output
    assert "ERROR: invalid parameter '-bogus'" in usage and "Usage:" in usage


def run(state: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, [args[0], "--state", str(state), *args[1:]], input=stdin)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        '{"format": "vss-sim machine state", "version": 99}',
        '{"format": "something else", "version": 1}',
        '{"format": "vss-sim machine state", "version": 1, "seed": "zero"}',
        "[1, 2, 3]",
    ],
)
def test_a_foreign_or_corrupt_state_file_is_one_line_and_left_alone(
    tmp_path: Path, content: str
) -> None:
    state = tmp_path / "machine.json"
    state.write_text(content)
    code, output = run(state, "vssadmin", "list", "shadows")
    assert code == 1
    assert output.count("\n") == 1 and output.startswith("Error: ")
    assert "Traceback" not in output
    assert ("version 99" in output) == ("99" in content)
    assert state.read_text() == content


def test_a_corrupt_snapshot_entry_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    assert run(state, "vshadow", "-p", "-nw", "C:")[0] == 0
    data = json.loads(state.read_text())
    data["snapshots"][0]["snapshot_id"] = "not-a-guid"
    broken = json.dumps(data)
    state.write_text(broken)
    code, output = run(state, "vshadow", "-q")
    assert code == 1 and "'snapshot_id' is not a GUID" in output
    assert state.read_text() == broken


def test_another_seed_than_the_machine_s_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    assert run(state, "vssadmin", "list", "providers")[0] == 0
    code, output = run(state, "vssadmin", "--seed", "5", "list", "providers")
    assert code == 1 and "made with seed 0, not 5" in output
    fresh = tmp_path / "other.json"
    assert run(fresh, "vssadmin", "--seed", "5", "list", "providers")[0] == 0
    assert json.loads(fresh.read_text())["seed"] == 5


def test_a_write_interrupted_before_the_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "machine.json"
    assert run(state, "vshadow", "-p", "-nw", "C:")[0] == 0
    before = state.read_text()

    def crash(source: str, target: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    code, _ = run(state, "vshadow", "-da")
    assert code != 0
    assert state.read_text() == before
    # No temporary file is left behind (the trace beside the state is the first run's).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last-trace.jsonl", "machine.json"]


def test_a_run_killed_while_writing_leaves_a_whole_file(tmp_path: Path) -> None:
    """A child saves two different machines in turn as fast as it can; killed at any moment,
    the file holds one of them whole."""
    state = tmp_path / "machine.json"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                from pathlib import Path
                from simulator._commands.machine_state import new_machine, save_machine
                machines = [new_machine(0), new_machine(0)]
                machines[1].clock.advance_to(10**9)
                path = Path({str(state)!r})
                save_machine(machines[0], path)
                print("ready", flush=True)
                n = 0
                while True:
                    save_machine(machines[n % 2], path)
                    n += 1
                """
            ),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    time.sleep(0.3)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    data = json.loads(state.read_text())
    assert data["clock_ticks"] in (0, 10**9)
    code, output = run(state, "vssadmin", "list", "shadows")
    assert code == 0 and output.endswith("No items found that satisfy the query.\n")


def test_vshadow_commands_over_the_saved_machine(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    made = [run(state, "vshadow", "-p", "-nw", volume)[1] for volume in ("C:", "D:", "C:")]
    sets = [re.findall(r"Creating shadow set " + GUID, out)[0] for out in made]
    copies = [re.findall(r"\* SNAPSHOT ID = " + GUID, out)[0] for out in made]
    code, listed = run(state, "vshadow", f"-qx={{{sets[1]}}}")
    assert code == 0 and re.findall(r"\* SNAPSHOT ID = " + GUID, listed) == [copies[1]]
    assert "- Setting the VSS context to: 0xffffffff" in listed
    assert run(state, "vshadow", "-do=C:")[0] == 0  # the oldest of C: goes
    assert re.findall(r"\* SNAPSHOT ID = " + GUID, run(state, "vshadow", "-q")[1]) == copies[1:]
    assert run(state, "vshadow", f"-ds={copies[2]}")[0] == 0
    assert re.findall(r"\* SNAPSHOT ID = " + GUID, run(state, "vshadow", "-q")[1]) == [copies[1]]
    code, output = run(state, "vshadow", "-ds={00000000-0000-0000-0000-000000000001}")
    assert code == 2 and "VSS_E_OBJECT_NOT_FOUND" in output
    code, usage = run(state, "vshadow", "-?")
    assert code == 0 and usage.splitlines()[5] == "Usage:"
    code, output = run(state, "vshadow", "-tracing")
    assert code == 2 and "vshadow -tracing is not simulated" in output


def test_vshadow_with_writers_excludes_and_verifies(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    code, status = run(state, "vshadow", "-ws")
    assert code == 0 and status.count("* WRITER ") == 10
    assert '* WRITER "System Writer"\n   - Status: 1 (VSS_WS_STABLE)' in status
    code, _ = run(state, "vshadow", "-wi=System Writer", "C:")
    assert code == 0
    code, output = run(state, "vshadow", "-wx=System Writer", "-wi=System Writer", "C:")
    assert code == 2 and "E_INVALIDARG" in output
    bcd = tmp_path / "bc.xml"
    code, _ = run(state, "vshadow", f"-bc={bcd}", "C:")
    assert code == 0 and "<BACKUP_COMPONENTS" in bcd.read_text()


def test_vssadmin_delete_and_create(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    assert run(state, "vssadmin", "create", "shadow", "/for=C:")[0] == 0
    assert run(state, "vssadmin", "create", "shadow", "/for=D:")[0] == 0
    listed = run(state, "vssadmin", "list", "shadows", "/for=D:")[1]
    assert listed.count("Shadow Copy ID") == 1 and "(D:)" in listed
    assert "Type: ClientAccessibleWriters" in listed
    assert run(state, "vssadmin", "delete", "shadows", "/for=C:", "/quiet")[0] == 0
    remaining = run(state, "vssadmin", "list", "shadows")[1]
    assert "(C:)" not in remaining and "(D:)" in remaining
    assert run(state, "vssadmin", "delete", "shadows", "/all", "/for=D:")[0] == 1
    code, output = run(state, "vssadmin", "list", "volumes")
    assert code == 2 and "vssadmin list volumes is not simulated" in output
    assert run(state, "vssadmin", "create", "shadow", "/for=Q:")[0] == 2
    # The copies made their volumes' diff areas, on the volumes themselves.
    storage = run(state, "vssadmin", "list", "shadowstorage")[1]
    assert storage.count("Shadow Copy Storage association") == 2
    assert "   For volume: (C:)" in storage and "   For volume: (D:)" in storage
    # C: has no copy left, but its association stays until deleted.
    assert run(state, "vssadmin", "delete", "shadowstorage", "/for=C:")[0] == 0
    storage = run(state, "vssadmin", "list", "shadowstorage")[1]
    assert storage.count("Shadow Copy Storage association") == 1
    assert "   For volume: (D:)" in storage


def test_diskshadow_script_persistent_and_volatile(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    script = tmp_path / "s.dsh"
    script.write_text(
        "set context volatile\nadd volume C:\ncreate\nexit\n"
        "set context persistent nowriters\nadd volume D: alias data\ncreate\nexit\n",
        encoding="utf-8",
    )
    code, output = run(state, "diskshadow", "/s", str(script))
    assert code == 0 and "Alias VSS_SHADOW_1 for shadow ID" in output
    # The volatile set went away at exit; the script stops at the first exit.
    assert "No items found" in run(state, "vssadmin", "list", "shadows")[1]
    script.write_text(
        "set context persistent nowriters\nadd volume D: alias data\ncreate\n", encoding="utf-8"
    )
    code, output = run(state, "diskshadow", "/s", str(script))
    assert code == 0 and "%data%" in output
    listed = run(state, "vssadmin", "list", "shadows")[1]
    assert "(D:)" in listed and "Type: DataVolumeRollback" in listed
    script.write_text("delete shadows volume D:\nlist shadows all\n", encoding="utf-8")
    code, output = run(state, "diskshadow", "/s", str(script))
    assert code == 0 and "Shadow copy ID" not in output
    script.write_text("format c:\n", encoding="utf-8")
    code, output = run(state, "diskshadow", "/s", str(script))
    assert code == 1 and "'format c:' is not simulated" in output


def cli(env: dict[str, str], *args: str, code: int = 0) -> str:
    """``vss-sim`` in this process with ``env`` (faster than ``vss_sim``); stdout and stderr."""
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def _storage_blocks(output: str) -> dict[str, list[str]]:
    """``list shadowstorage``: "(C:)" -> the block's lines after its "For volume" line."""
    blocks: dict[str, list[str]] = {}
    for block in output.split("Shadow Copy Storage association\n")[1:]:
        lines = block.strip("\n").splitlines()
        blocks[lines[0].split(": ", 1)[1][:4]] = lines[1:]
    return blocks


def test_resize_shadowstorage_then_list_shows_the_new_maximum(home: dict[str, str]) -> None:
    """docs/reference.md §10.5: resized in one run, kept in the state file, listed by the next."""
    resized = vss_sim(
        home, "vssadmin", "resize", "shadowstorage", "/For=C:", "/On=C:", "/MaxSize=20%"
    )
    assert resized.splitlines()[-2:] == [
        "",
        "Successfully resized the shadow copy storage association",
    ]
    state = json.loads((Path(home["XDG_STATE_HOME"]) / "vss-sim" / "machine.json").read_text())
    c_bytes = 100 * 1024**3  # the default volume size
    assert state["shadow_storage"] == [{"for": "C:\\", "on": "C:\\", "max_bytes": c_bytes // 5}]
    listed = vss_sim(home, "vssadmin", "list", "shadowstorage")
    assert (
        _storage_blocks(listed)["(C:)"][-1] == "   Maximum Shadow Copy Storage space: 20 GB (20%)"
    )
    cli(home, "vssadmin", "resize", "shadowstorage", "/for=c:", "/on=c:", "/maxsize=900MB")
    cli(home, "vshadow", "-p", "-nw", "C:")  # a copy fits: 900 MB holds the 320 MB minimum
    listed = cli(home, "vssadmin", "list", "shadowstorage", "/for=C:")
    assert _storage_blocks(listed)["(C:)"][1:] == [
        "   Used Shadow Copy Storage space: 0 B (0%)",
        "   Allocated Shadow Copy Storage space: 0 B (0%)",
        "   Maximum Shadow Copy Storage space: 900 MB (0%)",
    ]
    assert "Contents of shadow copy set ID" in cli(home, "vssadmin", "list", "shadows")
    cli(home, "vssadmin", "resize", "shadowstorage", "/For=C:", "/On=C:", "/MaxSize=UNBOUNDED")
    assert "Maximum Shadow Copy Storage space: UNBOUNDED (100%)" in cli(
        home, "vssadmin", "list", "shadowstorage", "/on=C:"
    )
    assert "No items found" in cli(home, "vssadmin", "list", "shadowstorage", "/on=D:")


def test_a_maxsize_below_1_mb_fails_with_the_documented_rule(home: dict[str, str]) -> None:
    resize = ("resize", "shadowstorage", "/For=C:", "/On=C:", "/MaxSize=512KB")
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "vssadmin", *resize],
        capture_output=True,
        text=True,
        env=home,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout.startswith("vssadmin 1.1 - Volume Shadow Copy Service")
    assert "Successfully" not in result.stdout
    assert result.stderr.strip() == (
        "vss-sim: vssadmin resize shadowstorage failed: E_INVALIDARG (0x80070057): "
        "/MaxSize=512KB is 524288 bytes: the MaxSizeSpec value must be 1 MB or greater "
        "(vssadmin's documentation)"
    )
    # Nothing was changed; exactly 1 MB, in bytes, is taken.
    assert "No items found" in cli(home, "vssadmin", "list", "shadowstorage")
    cli(home, "vssadmin", "resize", "shadowstorage", "/For=C:", "/On=C:", "/MaxSize=1048576")
    assert "Maximum Shadow Copy Storage space: 1 MB (0%)" in cli(
        home, "vssadmin", "list", "shadowstorage"
    )


def test_add_shadowstorage_and_its_refusals(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    code, output = run(
        state, "vssadmin", "add", "shadowstorage", "/for=D:", "/on=E:", "/maxsize=2GB"
    )
    assert code == 0 and output.endswith("Successfully added the shadow copy storage association\n")
    listed = run(state, "vssadmin", "list", "shadowstorage", "/on=E:")[1]
    assert listed.count("Shadow Copy Storage association") == 1
    assert "   Shadow Copy Storage volume: (E:)" in listed
    code, output = run(state, "vssadmin", "add", "shadowstorage", "/for=D:", "/on=E:")
    assert code == 2 and "VSS_E_OBJECT_ALREADY_EXISTS" in output
    code, output = run(state, "vssadmin", "resize", "shadowstorage", "/for=D:", "/on=D:")
    assert code == 2 and "VSS_E_OBJECT_NOT_FOUND" in output
    code, output = run(
        state, "vssadmin", "add", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=100MB"
    )
    assert code == 2 and "less than the smallest diff area of C:\\ (320 MB" in output
    code, output = run(state, "vssadmin", "resize", "shadowstorage", "/for=Q:", "/on=C:")
    assert code == 2 and "Q: is not a volume of this machine" in output
    # A maximum resize takes but no copy fits in (320 MB minimum): creation fails (§6).
    assert (
        run(state, "vssadmin", "resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=100MB")[0]
        == 0
    )
    code, output = run(state, "vshadow", "-p", "-nw", "C:")
    assert code == 2 and "VShadow stopped: VSS_E_INSUFFICIENT_STORAGE" in output
    # vssadmin's syntax: both volumes, a MaxSizeSpec it knows, /for or /on in a listing.
    for line in (
        ["resize", "shadowstorage", "/for=C:"],
        ["resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=12XB"],
        ["resize", "shadowstorage", "/for=C:", "/on=C:", "/maxsize=101%"],
        ["list", "shadowstorage", "/for=C:", "/on=C:"],
    ):
        code, output = run(state, "vssadmin", *line)
        assert code == 1 and "Error: Invalid command." in output, line


def test_delete_shadowstorage_deletes_the_association_and_its_copies(home: dict[str, str]) -> None:
    """docs/reference.md §10.5: the association goes, with the copy whose data it held ([INF],
    docs/design.md); the state file no longer holds either."""
    vss_sim(home, "vssadmin", "add", "shadowstorage", "/for=C:", "/on=D:", "/maxsize=2GB")
    created = vss_sim(home, "vshadow", "-p", "C:")
    (snapshot_id,) = re.findall(r"\* SNAPSHOT ID = " + GUID, created)
    assert f"Shadow Copy ID: {{{snapshot_id}}}" in cli(home, "vssadmin", "list", "shadows")

    deleted = vss_sim(home, "vssadmin", "delete", "shadowstorage", "/For=C:", "/On=D:", "/Quiet")
    # The banner only: no capture or page shows vssadmin's line after the deletion.
    assert deleted.splitlines() == [
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool",
        "(C) Copyright 2001-2013 Microsoft Corp.",
        "",
    ]
    listed = vss_sim(home, "vssadmin", "list", "shadowstorage")
    assert listed.splitlines()[-1] == "No items found that satisfy the query."
    shadows = vss_sim(home, "vssadmin", "list", "shadows")
    assert shadows.splitlines()[-1] == "No items found that satisfy the query."
    state = json.loads((Path(home["XDG_STATE_HOME"]) / "vss-sim" / "machine.json").read_text())
    assert state["shadow_storage"] == [] and state["snapshots"] == []


def test_delete_shadowstorage_refusals(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    code, output = run(state, "vssadmin", "delete", "shadowstorage", "/for=C:")
    assert code == 2
    assert output.splitlines()[-1] == (
        "vss-sim: vssadmin delete shadowstorage failed: VSS_E_OBJECT_NOT_FOUND (0x80042308): "
        "C:\\ has no shadow copy storage association to delete (docs/reference.md §10.5)"
    )
    assert run(state, "vshadow", "-p", "-nw", "C:")[0] == 0  # C:'s association, on C:
    code, output = run(state, "vssadmin", "delete", "shadowstorage", "/for=C:", "/on=D:")
    assert code == 2 and "its association is on C:\\" in output
    code, output = run(state, "vssadmin", "delete", "shadowstorage", "/for=Q:")
    assert code == 2 and "Q: is not a volume of this machine" in output
    assert run(state, "vssadmin", "list", "shadows")[1].count("Shadow Copy ID") == 1
    # vssadmin's syntax: /for is needed, /quiet takes no value, no /maxsize.
    for line in (
        ["delete", "shadowstorage"],
        ["delete", "shadowstorage", "/on=C:"],
        ["delete", "shadowstorage", "/for=C:", "/quiet=yes"],
        ["delete", "shadowstorage", "/for=C:", "/maxsize=1GB"],
        ["delete", "shadowstorage", "/for=C:", "/for=C:"],
    ):
        code, output = run(state, "vssadmin", *line)
        assert code == 1 and "Error: Invalid command." in output, line
    assert run(state, "vssadmin", "delete", "shadowstorage", "/for=c:", "/on=c:")[0] == 0
    assert "No items found" in run(state, "vssadmin", "list", "shadows")[1]


def test_a_state_file_without_the_newer_fields_still_loads(tmp_path: Path) -> None:
    """Version 1 as first written had no ``shadow_storage`` or ``applications``."""
    state = tmp_path / "machine.json"
    assert run(state, "vshadow", "-p", "-nw", "C:")[0] == 0
    data = json.loads(state.read_text())
    assert data["shadow_storage"] == [{"for": "C:\\", "on": "C:\\", "max_bytes": None}]
    del data["shadow_storage"], data["applications"]
    state.write_text(json.dumps(data))
    code, output = run(state, "vssadmin", "list", "shadows")
    assert code == 0 and output.count("Shadow Copy ID") == 1
    assert "No items found" in run(state, "vssadmin", "list", "shadowstorage")[1]
    data["shadow_storage"] = [{"for": "Q:\\", "on": "C:\\", "max_bytes": None}]
    broken = json.dumps(data)
    state.write_text(broken)
    code, output = run(state, "vssadmin", "list", "shadowstorage")
    assert code == 1 and "names a volume the machine lacks" in output
    assert state.read_text() == broken


def _records(env: dict[str, str]) -> list[dict[str, str]]:
    return [json.loads(line) for line in cli(env, "trace").splitlines()]


def _events(env: dict[str, str], writer: str) -> list[str]:
    return [r["name"] for r in _records(env) if r["kind"] == "event" and r["writer"] == writer]


def test_vshadow_restores_from_the_document_it_saved(home: dict[str, str], tmp_path: Path) -> None:
    """``-p -bc=F C:`` then ``-r=F`` (docs/field-failures.md §A.6 V-1, V-2): the writer that was
    backed up and takes restore events gets PreRestore then PostRestore."""
    document = tmp_path / "bc.xml"
    cli(home, "vshadow", "--sql-server", "-p", f"-bc={document}", "C:")
    assert 'logicalPath="SIMHOST" componentName="master"' in document.read_text()
    restored = vss_sim(home, "vshadow", f"-r={document}")
    assert restored.strip().splitlines() == [
        "VSHADOW.EXE 3.0 - Volume Shadow Copy sample client.",
        "Copyright (C) 2005 Microsoft Corporation. All rights reserved.",
    ]
    assert _events(home, "SqlServerWriter") == ["OnIdentify", "OnPreRestore", "OnPostRestore"]
    # The in-box writers backed up say VSS_WRE_NEVER: no restore events for them (§4.4).
    assert _events(home, "System Writer") == ["OnIdentify"]
    calls = [r["name"] for r in _records(home) if r["kind"] == "call"]
    assert calls.count("SetSelectedForRestore") == calls.count("SetFileRestoreStatus") == 3
    assert (
        calls.index("InitializeForRestore")
        < calls.index("PreRestore")
        < calls.index("SetFileRestoreStatus")
        < calls.index("PostRestore")
    )
    cli(home, "vshadow", "-wx=SqlServerWriter", f"-r={document}")  # excluded: no events
    assert _events(home, "SqlServerWriter") == ["OnIdentify"]
    assert "SetSelectedForRestore" not in [r["name"] for r in _records(home)]
    cli(home, "vshadow", f"-rs={document}")  # simulated: the selection, no restore events
    assert _events(home, "SqlServerWriter") == ["OnIdentify"]
    writers = cli(home, "vssadmin", "list", "writers")
    sql = writers.split("Writer name: 'SqlServerWriter'")[1]
    assert "   State: [1] Stable" in sql and "   Last error: No error" in sql


def test_vshadow_restore_from_a_missing_or_corrupt_document(
    home: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.xml"
    output = cli(home, "vshadow", f"-r={missing}", code=2)
    assert output.splitlines()[-1] == (
        f"vss-sim: VShadow cannot read {missing}: No such file or directory"
    )
    corrupt = tmp_path / "bad.xml"
    corrupt.write_text("<BACKUP_COMPONENTS", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "vshadow", f"-r={corrupt}"],
        capture_output=True,
        text=True,
        env=home,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"vss-sim: VShadow stopped: {corrupt} is not a Backup Components Document "
        "(InitializeForRestore: VSS_E_INVALID_XML_DOCUMENT)\n"
    )


def test_sql_server_needs_a_machine_made_with_it(tmp_path: Path) -> None:
    state = tmp_path / "machine.json"
    assert run(state, "vssadmin", "list", "writers")[0] == 0
    code, output = run(state, "vshadow", "--sql-server", "-ws")
    assert code == 1 and "was made without SqlServerWriter" in output
    fresh = tmp_path / "sql.json"
    assert "SqlServerWriter" in run(fresh, "vssadmin", "--sql-server", "list", "writers")[1]
    assert json.loads(fresh.read_text())["applications"] == ["SqlServerWriter"]
    assert "SqlServerWriter" in run(fresh, "vssadmin", "list", "writers")[1]
