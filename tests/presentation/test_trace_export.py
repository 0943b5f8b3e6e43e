"""Pictures of a run (simulator.trace_export): JSON lines read back, a Chrome trace that is valid
trace-event JSON (every event has name, ph, ts, pid, tid; slices nest on their track) with one
track per session and per writer, the creation lock's track (docs/reference.md §8), a Mermaid
sequence diagram and a self-contained HTML page."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pytest

from simulator import TraceKind, TraceRecord
from simulator._presentation.trace_export import lock_spans, short_id
from simulator.trace_export import (
    chrome_trace_events,
    read_jsonl,
    to_chrome_trace,
    to_html,
    to_jsonl,
    to_mermaid,
)
from tests.presentation.trace_runs import SLOW_FREEZE_SECONDS, known_run, writer_names


@pytest.fixture(scope="module")
def trace() -> list[TraceRecord]:
    return known_run()


@pytest.fixture(scope="module")
def events(trace: list[TraceRecord]) -> list[dict[str, Any]]:
    document = json.loads(to_chrome_trace(trace))
    assert set(document) >= {"traceEvents", "displayTimeUnit"}
    events: list[dict[str, Any]] = document["traceEvents"]
    return events


def validate_trace_events(events: list[dict[str, Any]]) -> None:
    """The Trace Event Format's rules for the phases used: M, X, i."""
    named_processes = set()
    named_threads = set()
    for event in events:
        assert {"name", "ph", "ts", "pid", "tid"} <= set(event), event
        assert isinstance(event["name"], str) and event["name"]
        assert all(isinstance(event[k], int) for k in ("ts", "pid", "tid")), event
        assert event["ph"] in {"M", "X", "i"}, event
        if event["ph"] == "M":
            assert event["name"] in {
                "process_name",
                "process_sort_index",
                "thread_name",
                "thread_sort_index",
            }
            if event["name"] == "process_name":
                named_processes.add(event["pid"])
            if event["name"] == "thread_name":
                named_threads.add((event["pid"], event["tid"]))
        elif event["ph"] == "X":
            assert isinstance(event["dur"], int) and event["dur"] >= 0, event
        else:
            assert event["s"] in {"t", "p", "g"}, event
    slices: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event["ph"] in {"X", "i"}:
            assert event["pid"] in named_processes, event
            assert (event["pid"], event["tid"]) in named_threads, event
        if event["ph"] == "X":
            slices[(event["pid"], event["tid"])].append(event)
    for track in slices.values():
        open_ends: list[int] = []
        for event in sorted(track, key=lambda e: (e["ts"], -e["dur"])):
            end = event["ts"] + event["dur"]
            while open_ends and open_ends[-1] <= event["ts"]:
                open_ends.pop()
            assert not open_ends or end <= open_ends[-1], f"{event} overlaps its parent"
            open_ends.append(end)


def names(events: list[dict[str, Any]], kind: str) -> dict[tuple[int, int], str]:
    return {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e["ph"] == "M" and e["name"] == kind
    }


# -- JSON lines ---------------------------------------------------------------------------------


def test_json_lines_read_back_into_the_same_records(trace: list[TraceRecord]) -> None:
    text = to_jsonl(trace)
    assert len(text.splitlines()) == len(trace)
    assert read_jsonl(text) == trace
    assert read_jsonl("\n" + text + "\n\n") == trace


def test_handlers_and_provider_calls_carry_their_end_time(trace: list[TraceRecord]) -> None:
    for record in trace:
        if record.kind in (TraceKind.EVENT, TraceKind.PROVIDER):
            assert record.end_time is not None and record.end_time >= record.time, record
        else:
            assert record.end_time is None, record
    slow = [r for r in trace if r.writer == "MSDNSampleWriter" and r.name == "OnFreeze"]
    assert slow and all(r.end_time == r.time + SLOW_FREEZE_SECONDS for r in slow)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "line 1 is not a trace record: not a JSON object"),
        ('{"kind": "call", "name": "x"}', "line 1 is not a trace record: missing key 'time'"),
        ('{"time": 0, "kind": "nope", "name": "x"}', "line 1 is not a trace record: 'nope'"),
        ("{", "line 1 is not a trace record: Expecting property name"),
    ],
)
def test_a_bad_line_is_named(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        read_jsonl(line)


# -- Chrome trace-event JSON --------------------------------------------------------------------


def test_the_chrome_trace_is_valid_trace_event_json(events: list[dict[str, Any]]) -> None:
    validate_trace_events(events)


def test_the_validator_catches_overlapping_slices() -> None:
    meta = [
        {"name": "process_name", "ph": "M", "ts": 0, "pid": 1, "tid": 0, "args": {"name": "p"}},
        {"name": "thread_name", "ph": "M", "ts": 0, "pid": 1, "tid": 1, "args": {"name": "t"}},
    ]
    a = {"name": "a", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 1}
    b = {"name": "b", "ph": "X", "ts": 5, "dur": 10, "pid": 1, "tid": 1}
    with pytest.raises(AssertionError, match="overlaps"):
        validate_trace_events([*meta, a, b])
    with pytest.raises(AssertionError):
        validate_trace_events([*meta, {"name": "c", "ph": "X", "dur": 1, "pid": 1, "tid": 1}])


def test_one_track_per_session_and_per_writer(
    trace: list[TraceRecord], events: list[dict[str, Any]]
) -> None:
    processes = names(events, "process_name")
    threads = names(events, "thread_name")
    sessions = {r.session_id for r in trace if r.session_id}
    session_processes = [name for name in processes.values() if name.startswith("session ")]
    assert len(session_processes) == len(sessions)
    for session in sessions:
        assert any(name.startswith(f"session {short_id(session)} (") for name in session_processes)
    writers_pid = next(pid for (pid, _), name in processes.items() if name == "writers")
    writer_tracks = sorted(name for (pid, _), name in threads.items() if pid == writers_pid)
    assert writer_tracks == sorted(writer_names())


def test_handlers_are_slices_of_their_virtual_duration(events: list[dict[str, Any]]) -> None:
    threads = names(events, "thread_name")
    freezes = [
        e
        for e in events
        if e["ph"] == "X"
        and e["name"] == "OnFreeze"
        and threads[(e["pid"], e["tid"])] == "MSDNSampleWriter"
    ]
    assert freezes and all(e["dur"] == SLOW_FREEZE_SECONDS * 1_000_000 for e in freezes)
    assert all("session" in e["args"] and e["args"]["result"] == "true" for e in freezes)
    operations = {e["name"] for e in events if e["ph"] == "X" and e["tid"] == 1 and e["pid"] >= 10}
    assert {"GatherWriterMetadata", "PrepareForBackup", "DoSnapshotSet"} <= operations


def test_faults_and_violations_are_instants(events: list[dict[str, Any]]) -> None:
    threads = names(events, "thread_name")
    instants = {(e["name"], threads[(e["pid"], e["tid"])]) for e in events if e["ph"] == "i"}
    assert ("violation: wrong-thread", "System Writer") in instants
    assert any(name == "fault: DoSnapshotSet failed" for name, _ in instants)


def test_the_creation_lock_has_its_own_track(
    trace: list[TraceRecord], events: list[dict[str, Any]]
) -> None:
    threads = names(events, "thread_name")
    lock = [
        e for e in events if e["ph"] == "X" and threads[(e["pid"], e["tid"])] == "creation lock"
    ]
    started = [
        r
        for r in trace
        if r.kind is TraceKind.CALL and r.name == "StartSnapshotSet" and r.result == "S_OK"
    ]
    assert len(lock) == len(started) >= 3
    assert all(e["name"].startswith("creation lock: ") for e in lock)
    # One set in creation at a time (§8): the lock's slices never overlap, so one track holds them.
    assert len({(e["pid"], e["tid"]) for e in lock}) == 1
    ended = {e["args"]["ended"] for e in lock}
    assert {"VSS_S_ASYNC_FINISHED", "VSS_E_UNEXPECTED_WRITER_ERROR"} <= ended


def test_lock_spans_close_at_abort_and_release() -> None:
    def call(time: float, name: str, session: int, result: str = "S_OK") -> TraceRecord:
        import uuid

        return TraceRecord(time, TraceKind.CALL, name, uuid.UUID(int=session), result=result)

    records = [
        call(0, "StartSnapshotSet", 1),
        call(1, "StartSnapshotSet", 2, "VSS_E_SNAPSHOT_SET_IN_PROGRESS"),
        call(2, "AbortBackup", 1),
        call(3, "StartSnapshotSet", 2),
        call(4, "Release", 2),
        call(5, "StartSnapshotSet", 1),
    ]
    spans = [(s.session_id.int, s.start, s.end, s.result) for s in lock_spans(records)]  # type: ignore[union-attr]
    assert spans == [(1, 0, 2, "aborted"), (2, 3, 4, "released"), (1, 5, 5, "held")]


def test_overlapping_handlers_of_one_writer_get_a_second_track() -> None:
    import uuid

    one, two = uuid.UUID(int=1), uuid.UUID(int=2)
    records = [
        TraceRecord(0.0, TraceKind.EVENT, "OnFreeze", one, "t1", "W", "true", end_time=5.0),
        TraceRecord(1.0, TraceKind.EVENT, "OnIdentify", two, "t2", "W", "true", end_time=2.0),
    ]
    events = chrome_trace_events(records)
    validate_trace_events(events)
    assert {"W", "W (2)"} <= set(names(events, "thread_name").values())


def test_a_trace_without_end_times_ends_handlers_at_their_tasks_next_record() -> None:
    import uuid

    one = uuid.UUID(int=1)
    records = [
        TraceRecord(0.0, TraceKind.EVENT, "OnFreeze", one, "vss-1", "W", "true"),
        TraceRecord(3.0, TraceKind.EVENT, "OnThaw", one, "vss-1", "W", "true"),
    ]
    slices = [e for e in chrome_trace_events(records) if e["ph"] == "X"]
    assert [(e["name"], e["dur"]) for e in slices] == [("OnFreeze", 3_000_000), ("OnThaw", 0)]


# -- Mermaid ------------------------------------------------------------------------------------


def test_mermaid_is_a_sequence_diagram_requester_vss_writers(trace: list[TraceRecord]) -> None:
    text = to_mermaid(trace)
    lines = text.splitlines()
    assert lines[0] == "sequenceDiagram"
    participants = [
        line.split(" as ", 1)[1] for line in lines if line.startswith("    participant ")
    ]
    assert sorted(participants[:2]) == ["requester session-1", "requester session-2"]
    assert participants[2] == "VSS"
    assert sorted(p for p in participants if "Writer" in p) == sorted(writer_names())
    writer_keys = {line.split()[1]: line.split(" as ", 1)[1] for line in lines if " as " in line}
    sample = next(k for k, v in writer_keys.items() if v == "MSDNSampleWriter")
    assert f"    VSS->>{sample}: OnFreeze → true (2.5 s)" in lines
    assert any(
        re.fullmatch(r"    VSS-->>R\d: DoSnapshotSet completed: VSS_S_ASYNC_FINISHED", line)
        for line in lines
    )
    notes = [line for line in lines if line.startswith("    Note over ")]
    assert any(
        line.startswith("    Note over W") and "violation: wrong-thread" in line for line in notes
    )
    assert any("Note over VSS: creation lock taken by session" in line for line in notes)
    assert any(re.search(r"GetWriterStatus ×\d+$", line) for line in lines)
    for line in lines[1:]:
        assert ";" not in line and "#" not in line, line
        assert re.match(r"    (participant |Note over |[A-Z]+\d*-?->>)", line), line


# -- HTML ---------------------------------------------------------------------------------------


def test_the_html_page_is_self_contained(trace: list[TraceRecord]) -> None:
    page = to_html(trace, title="known run")
    assert page.startswith("<!DOCTYPE html>") and "<title>known run</title>" in page
    assert "default-src 'none'" in page  # the page may load nothing
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\((?!#)", page)
    assert re.findall(r"https?://[^\"' )]+", page) == ["http://www.w3.org/2000/svg"]  # a namespace
    data = json.loads(
        page.split('<script id="trace-data" type="application/json">')[1].split("</script>")[0]
    )
    assert sorted(data["writers"]) == sorted(writer_names())
    assert {s["id"] for s in data["sessions"]} == {str(r.session_id) for r in trace if r.session_id}
    assert "</script>" not in json.dumps(data).replace("<", "\\u003c")
