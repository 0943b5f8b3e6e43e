"""The course in examples/: numbered lessons that run, print what their headers promise, and
replay by seed; each header says what it teaches and which Microsoft page to read next.

Each lesson is imported from its file (examples/ is not a package) and its ``main`` is run with
pytest's ``capsys``. Expected fragments come from docs/reference.md: the full backup event sequence
(§4.1), writer states after each phase (§2.2), the thread rule (§1.5), session ids and the
creation lock (§8), retry advice (§6), restore (§3.3) and providers (§9).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from collections.abc import Callable
from types import ModuleType

import pytest

from tests.helpers import FULL_BACKUP, PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "examples"

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def load(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as module ``examples_<name>``."""
    module_name = f"examples_lesson_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def run(capsys: pytest.CaptureFixture[str], main: Callable[..., int], **kwargs: int) -> str:
    """Run an example's ``main``; assert it exits 0; its output."""
    capsys.readouterr()
    code = main(**kwargs)
    out = capsys.readouterr().out
    assert code == 0, out
    return out


#: The lessons of the course in reading order; 09 and 10 are written elsewhere.
LESSONS = [
    "01_first_backup",
    "02_events_and_states",
    "03_thread_rule",
    "04_concurrent_sessions",
    "05_when_writers_fail",
    "06_backup_document_and_restore",
    "07_providers",
    "08_testing_your_writer",
]


def test_the_course_is_numbered_in_reading_order() -> None:
    names = sorted(path.stem for path in EXAMPLES.glob("*.py"))
    assert all(re.fullmatch(r"\d\d_[a-z_]+", name) for name in names), names
    assert [name for name in names if name in LESSONS] == LESSONS
    numbers = [int(name[:2]) for name in names]
    assert numbers == sorted(set(numbers))  # one lesson per number


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_says_what_it_teaches_and_what_to_read_next(name: str) -> None:
    module = load(name)
    header = module.__doc__
    assert header is not None
    assert header.startswith(f"Lesson {int(name[:2])}, ")
    assert "What it teaches: " in header
    read_next = header.split("Read next: ", 1)[1]
    assert re.search(r"https://learn\.microsoft\.com/en-us/windows/win32/\S+", read_next)
    assert f"python examples/{name}.py" in header


def test_the_readme_lists_every_lesson() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in LESSONS:
        assert f"examples/{name}.py" in readme, name


# -- 01 the first backup -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_writer() -> ModuleType:
    return load("01_first_backup")


def test_sample_writer_steps(sample_writer: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, sample_writer.main)
    lines = out.splitlines()
    assert "[ 3] GatherWriterMetadata + Wait -> 1 writer(s): MSDNSampleWriter" in lines
    assert "       writer events: OnIdentify" in lines
    # The metadata the sample writer reports (docs/field-failures.md §A.5).
    assert "writer id 079462f1-1079-48dd-b3fb-ccb2f2934ecf" in out
    assert "VSS_UT_USERDATA, VSS_ST_OTHER" in out
    assert (
        "component 'FilesComponent' ('My FileGroup'): VSS_CT_FILEGROUP, selectable=True, "
        "files C:\\MyFiles\\*.dat" in out
    )
    assert "AddToSnapshotSet('C:\\\\') -> snapshot " in out
    # PrepareForBackup brings OnPrepareBackup; DoSnapshotSet the four creation events (§3.2).
    prepare = lines.index("[ 8] PrepareForBackup + Wait -> finished")
    assert lines[prepare + 1] == "       writer events: OnPrepareBackup"
    do_snapshot = lines.index("[10] DoSnapshotSet + Wait -> finished")
    assert lines[do_snapshot + 1] == (
        "       writer events: OnPrepareSnapshot, OnFreeze, OnThaw, OnPostSnapshot"
    )
    # Writer states (§2.2): STABLE after PrepareForBackup, WAITING_FOR_BACKUP_COMPLETE after
    # PostSnapshot, STABLE after BackupComplete.
    statuses = [line for line in lines if "GatherWriterStatus + GetWriterStatus" in line]
    assert [s.split(" -> ")[1] for s in statuses] == [
        "MSDNSampleWriter: VSS_WS_STABLE, S_OK",
        "MSDNSampleWriter: VSS_WS_WAITING_FOR_BACKUP_COMPLETE, S_OK",
        "MSDNSampleWriter: VSS_WS_STABLE, S_OK",
    ]
    assert re.search(
        r"device \\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1, a copy of C:", out
    )
    # Release sends BackupShutdown and deletes the auto-release copy (§3.2 rows 19-20).
    release = lines.index("[17] Release (leaving `with`) -> shadow copies left on the machine: 0")
    assert lines[release + 1] == "       writer events: OnBackupShutdown"
    assert f"Events MSDNSampleWriter received: {', '.join(FULL_BACKUP)}" in lines
    assert "Violations: 0" in lines


def test_sample_writer_trace(sample_writer: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, sample_writer.main)
    trace = out.split("Trace (virtual time")[1]
    assert re.search(r"vss-\d+:DoSnapshotSet event \[MSDNSampleWriter\] OnFreeze -> true", trace)
    assert re.search(r"vss-\d+:Release event \[MSDNSampleWriter\] OnBackupShutdown -> true", trace)
    assert "MainThread call InitializeForBackup -> S_OK" in trace


def test_sample_writer_replays_by_seed(
    sample_writer: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, sample_writer.main, seed=5)
    assert run(capsys, sample_writer.main, seed=5) == first
    assert run(capsys, sample_writer.main, seed=6) != first  # ids come from the seed


# -- 04 concurrent sessions and the creation lock ---------------------------------------------


@pytest.fixture(scope="module")
def parallel_sessions() -> ModuleType:
    return load("04_concurrent_sessions")


def session_blocks(out: str) -> dict[str, dict[str, list[str]]]:
    """Session id -> writer name -> the events printed for that session."""
    blocks: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for line in out.splitlines():
        header = re.match(rf"requester-\d+  session ({GUID})  open ", line)
        if header:
            current = blocks.setdefault(header.group(1), {})
            continue
        if current is not None and line.startswith("  ") and "final status" not in line:
            name, _, events = line.strip().partition("  ")
            current[name] = events.strip().split(", ")
        elif not line.startswith("  "):
            current = None
    return blocks


def test_parallel_sessions_each_id_with_its_own_events(
    parallel_sessions: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, parallel_sessions.main, seed=0, sessions=4)
    assert out.startswith("4 concurrent backup sessions, 3 writers, seed 0")
    blocks = session_blocks(out)
    assert len(blocks) == 4  # four distinct session ids (docs/reference.md §8)
    for writers in blocks.values():
        assert writers == {
            "App Writer": FULL_BACKUP,
            "Database Writer": FULL_BACKUP,
            "System Writer": FULL_BACKUP,
        }
    for name in ("App Writer", "Database Writer", "System Writer"):
        assert re.search(
            rf"{name} +32 handler calls, up to \d at once; 32 saw the id of the session that "
            r"delivered the event, 0 an unknown id",
            out,
        )
    assert out.count("final status: App Writer: VSS_WS_STABLE; Database Writer: VSS_WS_STABLE") == 4
    assert "0 violation(s); every handler saw only its own session's id: yes" in out


def test_parallel_sessions_overlap(
    parallel_sessions: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, parallel_sessions.main, seed=0, sessions=4)
    pairs = re.search(r"session pairs whose lifetimes overlapped: (\d+) of 6", out)
    assert pairs is not None and int(pairs.group(1)) >= 1
    # Only one set may be in creation (§8): four sessions that start together must queue.
    refused = re.search(r"refused with VSS_E_SNAPSHOT_SET_IN_PROGRESS: (\d+) time", out)
    assert refused is not None and int(refused.group(1)) >= 1
    per_session = [int(n) for n in re.findall(r"StartSnapshotSet refused (\d+) time", out)]
    assert sum(per_session) == int(refused.group(1))
    # A writer was inside handlers of several sessions at once.
    assert re.search(r"App Writer +32 handler calls, up to [2-4] at once", out)
    # The creation lock: one holder per session, never two sets in creation at once (§8).
    lock = out.split("The creation lock, from the trace (one set in creation at a time):\n")[1]
    holders = re.findall(r"  session ([0-9a-f]{8}) held it from ([\d.]+) s to ([\d.]+) s", lock)
    assert len(holders) == 4
    spans = sorted((float(start), float(end)) for _, start, end in holders)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert "  sets in creation at the same time, at most: 1" in lock


def test_parallel_sessions_replays_by_seed(
    parallel_sessions: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, parallel_sessions.main, seed=3, sessions=3)
    assert len(session_blocks(first)) == 3
    assert run(capsys, parallel_sessions.main, seed=3, sessions=3) == first


# -- 03 the thread rule --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wrong_thread() -> ModuleType:
    return load("03_thread_rule")


def cases(out: str) -> list[str]:
    """The output of each case, headed "== n. ... ==", in order."""
    return re.split(r"^== ", out, flags=re.MULTILINE)[1:]


def test_wrong_thread_pool_worker(
    wrong_thread: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = cases(run(capsys, wrong_thread.main))[0]
    assert pool.startswith("1. OnFreeze calls GetSessionId from a ThreadPoolExecutor worker")
    assert "the worker got WrongThreadError (VSS_E_BAD_STATE, 0x80042301):" in pool
    assert re.search(
        r"GetSessionId must be called on the thread that invoked the handler \(docs/reference.md §1\.5\): "
        rf"OnFreeze of session {GUID} runs on 'vss-\d+:DoSnapshotSet', but the call came from "
        r"'freeze-worker_0'",
        pool,
    )
    assert re.search(r"\.handler_thread = 'vss-\d+:DoSnapshotSet'", pool)
    assert ".calling_thread = 'freeze-worker_0'" in pool
    assert "system.violations: 1 violation\n" in pool
    assert (
        "wrong-thread: writer PoolSessionIdWriter, handler OnFreeze, thread 'freeze-worker_0'"
        in (pool)
    )


def test_wrong_thread_failure_from_thread_is_lost(
    wrong_thread: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    thread = cases(run(capsys, wrong_thread.main))[1]
    assert re.search(
        r"SetWriterFailure must be called on the thread that invoked the handler .*"
        r"runs on 'vss-\d+:DoSnapshotSet', but the call came from 'failure-reporter'",
        thread,
    )
    assert ".calling_thread = 'failure-reporter'" in thread
    assert "wrong-thread: writer ThreadFailureWriter, handler OnFreeze" in thread
    # The refused SetWriterFailure never reached the requester.
    assert "DoSnapshotSet and BackupComplete succeeded" in thread
    assert "writer status at the end: VSS_WS_STABLE, S_OK" in thread


def test_wrong_thread_corrected_writer(
    wrong_thread: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, wrong_thread.main)
    corrected, failing = cases(out)[2:]
    assert re.search(rf"the handler logged: flushed for session {GUID}", corrected)
    assert "system.violations: 0 violations" in corrected
    assert "WrongThreadError" not in corrected
    assert f"events the writer received: {', '.join(FULL_BACKUP)}" in corrected
    # SetWriterFailure on the handler thread: Freeze fails and Abort follows (§2.2, §4.2).
    assert "system.violations: 0 violations" in failing
    assert "writer status at the end: VSS_WS_FAILED_AT_FREEZE, VSS_E_WRITERERROR_RETRYABLE" in (
        failing
    )
    assert "OnFreeze, OnAbort" in failing
    assert "OnThaw" not in failing
    assert out.rstrip().endswith(
        "the wrong writers made 1 and 1 violation(s); the corrected writer made 0 and 0."
    )


def test_wrong_thread_replays_by_seed(
    wrong_thread: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, wrong_thread.main, seed=11)
    assert run(capsys, wrong_thread.main, seed=11) == first


# -- 02 events and states ----------------------------------------------------------------------


def test_events_and_states_step_by_step(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, load("02_events_and_states").main)
    happy, failed = out.split("== Backup: ")[1:]
    steps = dict(
        re.findall(r"^  (\w+) +.*?state after: (VSS_WS_\w+ \(\d+\))", happy, flags=re.MULTILINE)
    )
    assert steps["PrepareForBackup"] == "VSS_WS_STABLE (1)"
    assert steps["DoSnapshotSet"] == "VSS_WS_WAITING_FOR_BACKUP_COMPLETE (5)"
    assert steps["BackupComplete"] == "VSS_WS_STABLE (1)"
    assert f"  events received: {', '.join(FULL_BACKUP)}" in happy
    assert re.search(
        r"DoSnapshotSet +failed with VSS_E_UNEXPECTED_WRITER_ERROR +state after: "
        r"VSS_WS_FAILED_AT_FREEZE \(9\); events: OnPrepareSnapshot, OnFreeze, OnAbort",
        failed,
    )
    assert "OnThaw" not in failed
    assert out.count("states read that match WRITER_TRANSITIONS: 6 of 6") == 2


# -- 05 when writers fail ----------------------------------------------------------------------


def test_when_writers_fail_retry_advice(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, load("05_when_writers_fail").main)
    veto, timeout, stuck = out.split("== ")[1:]
    assert (
        "GetWriterStatus: VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, VSS_E_WRITERERROR_RETRYABLE -> "
        "transient: wait 10 minutes and retry, at most 3 times" in veto
    )
    assert "  attempt 2 at 600 s: completed" in veto
    assert "GetWriterStatus: VSS_WS_FAILED_AT_FREEZE, VSS_E_WRITERERROR_TIMEOUT" in timeout
    assert "result: completed after 2 attempts" in timeout
    assert "VSS_E_WRITERERROR_NONRETRYABLE -> not retryable" in stuck
    assert "    the requester gives up" in stuck
    assert "result: FAILED VSS_E_UNEXPECTED_WRITER_ERROR after 1 attempt," in stuck


# -- 06 the Backup Components Document and restore ---------------------------------------------


def test_backup_document_carries_the_writers_metadata_to_the_restore(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = run(capsys, load("06_backup_document_and_restore").main)
    assert "OnPrepareBackup: SetBackupMetadata('journal position 4711')" in out
    assert re.search(r'<BACKUP_COMPONENTS [^>]*selectComponents="yes"', out)
    assert (
        '<COMPONENT componentName="Journal" componentType="filegroup" backupSucceeded="yes">' in out
    )
    assert 'the writer\'s metadata: <BACKUP_METADATA metadata="journal position 4711"/>' in out
    assert (
        "OnPreRestore: Journal selected=True, GetBackupMetadata() = 'journal position 4711'" in out
    )
    assert "OnPostRestore: file restore status VSS_RS_ALL; replay from 4711" in out
    assert "  events: OnIdentify, OnPreRestore, OnPostRestore" in out
    assert out.rstrip().endswith("The writer's journal position after the restore: 4711")


# -- 07 providers ------------------------------------------------------------------------------


def test_providers_calls_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, load("07_providers").main)
    system, own, slow, veto = out.split("== ")[1:]
    creation = (
        "BeginPrepareSnapshot, BeginPrepareSnapshot, EndPrepareSnapshots, PreCommitSnapshots, "
        "CommitSnapshots, PostCommitSnapshots, PreFinalCommitSnapshots, PostFinalCommitSnapshots"
    )
    assert f"provider calls in the trace: {creation}, DeleteSnapshot, DeleteSnapshot" in system
    assert system.count("made by Microsoft Software Shadow Copy provider 1.0") == 2
    assert "the provider logged: BeginPrepareSnapshot(C:\\), BeginPrepareSnapshot(D:\\)" in own
    assert own.count("made by Lesson provider") == 2
    assert "DoSnapshotSet failed with VSS_E_HOLD_WRITES_TIMEOUT (0x80042314)" in slow
    assert "CommitSnapshots, AbortSnapshots" in slow and "OnAbort" in slow
    assert "DoSnapshotSet failed with VSS_E_PROVIDER_VETO (0x80042306)" in veto
    assert "OnThaw" not in slow + veto


# -- 08 testing your writer --------------------------------------------------------------------


def test_testing_your_writer_finds_the_abort_path_bug(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, load("08_testing_your_writer").main)
    assert "  test_buggy_writer_in_a_complete_backup: PASSED" in out
    assert "  test_fixed_writer_in_a_complete_backup: PASSED" in out
    assert "  TestBuggyWriterMachine::runTest: FAILED" in out
    assert "  TestFixedWriterMachine::runTest: PASSED" in out
    assert re.search(
        r"what the state machine found: \[wrong-thread\] CleanupWriter 0 in OnAbort: GetSessionId "
        r"must be called on the thread that invoked the handler",
        out,
    )
    assert "catches the buggy one: as expected" in out
