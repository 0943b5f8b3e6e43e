"""Hypothesis strategies for the simulator's values.

Names are nouns in the plural (``writer_identities()``) or mass nouns (``writer_metadata()``);
options are keyword-only and checked when the strategy is built.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from simulator import (
    VSS_APPLICATION_LEVEL,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    IVssCreateWriterMetadataEx,
    WriterEvent,
    WriterIdentity,
    WriterMetadata,
)
from simulator.rules import WRITER_FAILURE_CODES

from .inbox import INBOX_WRITER_IDS
from .requesters import REQUESTERS, SessionPlan
from .writers import (
    Action,
    Fail,
    Raise,
    ReportFailure,
    ScriptedWriter,
    Sleep,
    Succeed,
    Veto,
    WrongThread,
    file_group,
)

__all__ = [
    "actions",
    "fault_scripts",
    "scenarios",
    "scripts",
    "writer_identities",
    "writer_metadata",
    "writers",
]

# Characters an XML 1.0 document can hold (no other control characters, no surrogates).
_CHARACTERS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
_TEXTS = st.text(_CHARACTERS, max_size=12)
_OPTIONAL_TEXTS = st.none() | _TEXTS
# Component names and filespecs may not contain a backslash.
_NAMES = st.text(_CHARACTERS.filter(lambda c: c != "\\"), min_size=1, max_size=12)


def _check_count(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(f"{name}={value!r} must be a non-negative integer")
    return value


def writer_identities(*, instance_names: bool = True) -> st.SearchStrategy[WriterIdentity]:
    """Writer identities with defined usage and source types (docs/reference.md §1.2).

    ``instance_names=False`` leaves the instance name out (a plain ``Initialize``).
    """
    if not isinstance(instance_names, bool):
        raise InvalidArgument(f"instance_names={instance_names!r} must be a bool")
    return st.builds(
        WriterIdentity,
        instance_id=st.uuids(),
        writer_id=st.uuids(),
        writer_name=_NAMES,
        usage_type=st.sampled_from([u for u in VSS_USAGE_TYPE if u]),
        source_type=st.sampled_from([s for s in VSS_SOURCE_TYPE if s]),
        instance_name=_OPTIONAL_TEXTS if instance_names else st.none(),
        major_version=st.integers(0, 0xFFFFFFFF),
        minor_version=st.integers(0, 0xFFFFFFFF),
    )


def writer_metadata(
    *,
    identities: st.SearchStrategy[WriterIdentity] | None = None,
    min_components: int = 0,
    max_components: int = 4,
    max_file_sets: int = 3,
) -> st.SearchStrategy[WriterMetadata]:
    """Writer Metadata Documents built through ``IVssCreateWriterMetadataEx`` (docs/reference.md §7.1).

    Every call the builder accepts may appear: a restore method, components of both types with
    their file sets and dependencies, exclude lists, alternate location mappings, a backup schema.
    ``identities`` defaults to :func:`writer_identities`; ``max_file_sets`` bounds every list of
    file sets.
    """
    if identities is None:
        identities = writer_identities()
    elif not isinstance(identities, st.SearchStrategy):
        raise InvalidArgument(f"identities={identities!r} must be a SearchStrategy")
    low = _check_count("min_components", min_components)
    high = _check_count("max_components", max_components)
    if low > high:
        raise InvalidArgument(f"min_components={low} is more than max_components={high}")
    files = _check_count("max_file_sets", max_file_sets)
    return _writer_metadata(identities, low, high, files)


def _file_sets(max_size: int) -> st.SearchStrategy[list[tuple[str, str, bool]]]:
    return st.lists(st.tuples(_TEXTS, _NAMES, st.booleans()), max_size=max_size)


@st.composite
def _writer_metadata(
    draw: st.DrawFn,
    identities: st.SearchStrategy[WriterIdentity],
    min_components: int,
    max_components: int,
    max_files: int,
) -> WriterMetadata:
    identity = draw(identities)
    builder = IVssCreateWriterMetadataEx(identity)
    if draw(st.booleans()):
        builder.SetRestoreMethod(
            draw(st.sampled_from(VSS_RESTOREMETHOD_ENUM)),
            draw(_OPTIONAL_TEXTS),
            draw(_OPTIONAL_TEXTS),
            draw(st.sampled_from(VSS_WRITERRESTORE_ENUM)),
            draw(st.booleans()),
        )
    keys = draw(
        st.lists(
            st.tuples(_OPTIONAL_TEXTS, _NAMES),
            min_size=min_components,
            max_size=max_components,
            unique_by=lambda key: (key[0] or None, key[1]),
        )
    )
    masks = st.integers(0, 0xFFFFFFFF)
    other_writers = st.uuids().filter(lambda writer_id: writer_id != identity.writer_id)
    for logical_path, name in keys:
        component_type = draw(
            st.sampled_from(
                [VSS_COMPONENT_TYPE.VSS_CT_DATABASE, VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP]
            )
        )
        icon = draw(st.none() | st.binary(min_size=1, max_size=16))
        builder.AddComponent(
            component_type,
            logical_path,
            name,
            draw(_OPTIONAL_TEXTS),
            icon,
            0 if icon is None else len(icon),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.integers(0, 7)),
        )
        if component_type == VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP:
            for path, filespec, recursive in draw(_file_sets(max_files)):
                builder.AddFilesToFileGroup(
                    logical_path,
                    name,
                    path,
                    filespec,
                    recursive,
                    draw(_OPTIONAL_TEXTS),
                    draw(masks),
                )
        else:
            for path, filespec, _ in draw(_file_sets(max_files)):
                builder.AddDatabaseFiles(logical_path, name, path, filespec, draw(masks))
            for path, filespec, _ in draw(_file_sets(max_files)):
                builder.AddDatabaseLogFiles(logical_path, name, path, filespec, draw(masks))
        for _ in range(draw(st.integers(0, max_files))):
            on_writer: uuid.UUID = draw(other_writers)
            builder.AddComponentDependency(
                logical_path, name, on_writer, draw(_OPTIONAL_TEXTS), draw(_NAMES)
            )
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddExcludeFiles(path, filespec, recursive)
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddExcludeFilesFromSnapshot(path, filespec, recursive)
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddAlternateLocationMapping(path, filespec, recursive, draw(_TEXTS))
    builder.SetBackupSchema(draw(st.integers(0, 0xFFFF)))
    return builder.finish()


# ---------------------------------------------------------------------------------------------
# Scripted writers and scenarios (fakes.writers, fakes.requesters)
# ---------------------------------------------------------------------------------------------

_ALL_EVENTS = tuple(WriterEvent)
_BACKUP_EVENTS = (
    WriterEvent.IDENTIFY,
    WriterEvent.PREPARE_BACKUP,
    WriterEvent.PREPARE_SNAPSHOT,
    WriterEvent.FREEZE,
    WriterEvent.THAW,
    WriterEvent.POST_SNAPSHOT,
    WriterEvent.ABORT,
    WriterEvent.BACKUP_COMPLETE,
    WriterEvent.BACKUP_SHUTDOWN,
)
_FAILURE_CODES = sorted(WRITER_FAILURE_CODES)
#: Virtual handler durations: quick, a few seconds, and past the 60 s Freeze→Thaw window (§6).
_SECONDS = (0.0, 0.5, 5.0, 61.0, 90.0)
_TIMES = st.none() | st.integers(1, 3)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be a bool")
    return value


def _check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a SearchStrategy (use st.just(...))")


def _check_events(value: object) -> tuple[WriterEvent, ...]:
    if value is None:
        return _BACKUP_EVENTS
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise InvalidArgument(f"events={value!r} must be a collection of WriterEvent members")
    events = tuple(value)
    if not events or not all(isinstance(e, WriterEvent) for e in events):
        raise InvalidArgument(f"events={value!r} must hold at least one WriterEvent member")
    return tuple(dict.fromkeys(events))


def _check_range(low_name: str, low: object, high_name: str, high: object) -> tuple[int, int]:
    lo = _check_count(low_name, low)
    hi = _check_count(high_name, high)
    if lo > hi:
        raise InvalidArgument(f"{low_name}={lo} is more than {high_name}={hi}")
    return lo, hi


def _fault_actions(event: WriterEvent, violations: bool) -> st.SearchStrategy[Action]:
    """Actions that fail ``event``; rule-breaking ones only with ``violations``."""
    codes = st.sampled_from(_FAILURE_CODES)
    options: list[st.SearchStrategy[Action]] = [
        st.builds(Fail, times=_TIMES),
        st.builds(Sleep, st.sampled_from(_SECONDS[3:]), times=_TIMES),
    ]
    # SetWriterFailure in OnIdentify is refused (docs/reference.md §1.5): a violation.
    if event is not WriterEvent.IDENTIFY or violations:
        options.append(st.builds(Veto, st.none() | codes, times=_TIMES))
        options.append(st.builds(ReportFailure, codes, times=_TIMES))
    if violations:
        options.append(st.builds(Raise, st.sampled_from([RuntimeError, OSError]), times=_TIMES))
        options.append(
            st.builds(WrongThread, st.sampled_from(["GetSessionId", "SetWriterFailure"]))
        )
    return st.one_of(options)


def actions(
    *, faults: bool = True, violations: bool = False, event: WriterEvent | None = None
) -> st.SearchStrategy[Action]:
    """Handler actions for :class:`~fakes.writers.ScriptedWriter` scripts.

    ``faults=False`` draws only ``Succeed`` and harmless ``Sleep``s. ``violations=True`` adds
    actions that break a documented rule (``Raise``, ``WrongThread``, SetWriterFailure in
    OnIdentify); the model records each in ``system.violations``. ``event``: the event the action
    is for (the OnIdentify restriction depends on it).
    """
    _check_bool("faults", faults)
    _check_bool("violations", violations)
    if event is not None and not isinstance(event, WriterEvent):
        raise InvalidArgument(f"event={event!r} must be a WriterEvent member or None")
    calm: st.SearchStrategy[Action] = st.builds(Succeed) | st.builds(
        Sleep, st.sampled_from(_SECONDS[:3])
    )
    if not faults:
        return calm
    return calm | _fault_actions(event or WriterEvent.PREPARE_SNAPSHOT, violations)


def scripts(
    *,
    events: Collection[WriterEvent] | None = None,
    faults: bool = True,
    violations: bool = False,
    max_size: int | None = None,
) -> st.SearchStrategy[dict[WriterEvent, Action]]:
    """Scripts: which of ``events`` (default: the backup events) gets which action.

    Events left out succeed. ``faults`` and ``violations`` as for :func:`actions`; ``max_size``
    bounds how many events are scripted.
    """
    chosen = _check_events(events)
    _check_bool("faults", faults)
    _check_bool("violations", violations)
    size = len(chosen) if max_size is None else _check_count("max_size", max_size)
    return _scripts(chosen, faults, violations, 0, size)


def fault_scripts(
    *,
    events: Collection[WriterEvent] | None = None,
    min_faults: int = 1,
    max_faults: int = 2,
    violations: bool = False,
) -> st.SearchStrategy[dict[WriterEvent, Action]]:
    """Scripts in which between ``min_faults`` and ``max_faults`` events fail (docs/field-failures.md).

    A fault is a veto (SetWriterFailure + false), a bare false, a failure reported with true, or a
    handler that takes 61 s or more; with ``violations=True`` also a raise, a call from the wrong
    thread, or SetWriterFailure in OnIdentify. Every fault may carry ``times`` (first n only).
    """
    chosen = _check_events(events)
    low, high = _check_range("min_faults", min_faults, "max_faults", max_faults)
    if low > len(chosen):
        raise InvalidArgument(f"min_faults={low} is more than the {len(chosen)} events given")
    _check_bool("violations", violations)
    return _fault_scripts(chosen, low, min(high, len(chosen)), violations)


@st.composite
def _scripts(
    draw: st.DrawFn,
    events: tuple[WriterEvent, ...],
    faults: bool,
    violations: bool,
    low: int,
    high: int,
) -> dict[WriterEvent, Action]:
    keys = draw(st.lists(st.sampled_from(events), min_size=low, max_size=high, unique=True))
    return {
        event: draw(actions(faults=faults, violations=violations, event=event)) for event in keys
    }


@st.composite
def _fault_scripts(
    draw: st.DrawFn, events: tuple[WriterEvent, ...], low: int, high: int, violations: bool
) -> dict[WriterEvent, Action]:
    failing = draw(st.lists(st.sampled_from(events), min_size=low, max_size=high, unique=True))
    script: dict[WriterEvent, Action] = {}
    for event in events:
        if event in failing:
            script[event] = draw(_fault_actions(event, violations))
        elif draw(st.booleans()):
            script[event] = draw(actions(faults=False))
    return script


def _default_scripts() -> st.SearchStrategy[dict[WriterEvent, Action]]:
    return scripts()


_LEVELS = (
    VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END,
    VSS_APPLICATION_LEVEL.VSS_APP_BACK_END,
    VSS_APPLICATION_LEVEL.VSS_APP_SYSTEM,
)


def writers(
    *,
    scripts: st.SearchStrategy[dict[WriterEvent, Action]] | None = None,
    names: st.SearchStrategy[str] | None = None,
    min_components: int = 0,
    max_components: int = 2,
) -> st.SearchStrategy[ScriptedWriter]:
    """Uninitialized :class:`~fakes.writers.ScriptedWriter` values (``fakes.install`` sets them up).

    Each has a drawn writer id, usage and source type, application level, Freeze→Thaw window
    (60, 20 or 5 s) and file-group components on ``C:\\``; ``scripts`` defaults to
    :func:`scripts`, ``names`` to ``"Writer <n>"``.
    """
    _check_strategy("scripts", scripts)
    _check_strategy("names", names)
    low, high = _check_range("min_components", min_components, "max_components", max_components)
    return _writers(
        scripts if scripts is not None else _default_scripts(),
        names if names is not None else st.integers(1, 999).map(lambda n: f"Writer {n}"),
        low,
        high,
    )


@st.composite
def _writers(
    draw: st.DrawFn,
    script_strategy: st.SearchStrategy[dict[WriterEvent, Action]],
    names: st.SearchStrategy[str],
    low: int,
    high: int,
) -> ScriptedWriter:
    count = draw(st.integers(low, high))
    components = [
        file_group(
            f"Component {index}",
            [(f"C:\\Data\\Component {index}", "*", draw(st.booleans()))],
            selectable=draw(st.booleans()),
        )
        for index in range(1, count + 1)
    ]
    return ScriptedWriter(
        name=draw(names),
        writer_id=draw(st.uuids()),
        usage=draw(st.sampled_from([u for u in VSS_USAGE_TYPE if u])),
        source=draw(st.sampled_from([s for s in VSS_SOURCE_TYPE if s])),
        level=draw(st.sampled_from(_LEVELS)),
        timeout_freeze=draw(st.sampled_from([60000, 20000, 5000])),
        components=components,
        script=draw(script_strategy),
    )


def scenarios(
    *,
    writer_names: Sequence[str] | None = None,
    kinds: Sequence[str] = ("vshadow", "restic"),
    volumes: Sequence[str] = ("C:\\",),
    min_sessions: int = 1,
    max_sessions: int = 4,
    max_attempts: int = 1,
) -> st.SearchStrategy[list[SessionPlan]]:
    """Lists of :class:`~fakes.requesters.SessionPlan`, to run with ``fakes.run_scenario``.

    Each session is a requester kind from ``kinds``, a non-empty subset of ``volumes``, and, for
    VShadow, the subset of ``writer_names`` it keeps (or all; restic selects no components), with a
    start delay, a copy time and up to ``max_attempts`` tries. ``writer_names`` defaults to the
    in-box writers' names (docs/reference.md §11).
    """
    names = list(INBOX_WRITER_IDS) if writer_names is None else writer_names
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise InvalidArgument(f"writer_names={writer_names!r} must be a sequence of names")
    if isinstance(kinds, str) or not kinds or not all(k in REQUESTERS for k in kinds):
        raise InvalidArgument(f"kinds={kinds!r} must name requesters from {sorted(REQUESTERS)}")
    if isinstance(volumes, str) or not volumes or not all(isinstance(v, str) for v in volumes):
        raise InvalidArgument(f"volumes={volumes!r} must be a non-empty sequence of volume names")
    low, high = _check_range("min_sessions", min_sessions, "max_sessions", max_sessions)
    attempts = _check_count("max_attempts", max_attempts)
    if attempts < 1:
        raise InvalidArgument("max_attempts must be at least 1")
    plan = _session_plans(tuple(dict.fromkeys(names)), tuple(kinds), tuple(volumes), attempts)
    return st.lists(plan, min_size=low, max_size=high)


@st.composite
def _session_plans(
    draw: st.DrawFn,
    names: tuple[str, ...],
    kinds: tuple[str, ...],
    volumes: tuple[str, ...],
    max_attempts: int,
) -> SessionPlan:
    kind = draw(st.sampled_from(kinds))
    keep: tuple[str, ...] | None = None
    if kind == "vshadow" and names and draw(st.booleans()):
        keep = tuple(draw(st.lists(st.sampled_from(names), unique=True)))
    return SessionPlan(
        kind=kind,  # type: ignore[arg-type]
        volumes=draw(st.lists(st.sampled_from(volumes), min_size=1, unique=True)),
        writers=keep,
        attempts=draw(st.integers(1, max_attempts)),
        start=draw(st.sampled_from([0.0, 1.0, 5.0])),
        hold=draw(st.sampled_from([0.0, 10.0])),
    )
