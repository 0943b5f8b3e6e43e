"""Names and values of enums, HRESULTs and error classes, checked against docs/reference.md."""

import enum
import pickle
import re
import uuid

import pytest

from simulator import hresults
from simulator._vocabulary import enum_members as _enums
from simulator._vocabulary import errors as _errors
from tests.helpers import PROJECT_ROOT

FACTS = PROJECT_ROOT / "docs" / "reference.md"
MISSING_FACTS = f"docs/reference.md not found at {FACTS}"

FAMILIES = (_errors.VssRequesterError, _errors.VssWriterError, _errors.VssProviderError)
BASES = {_errors.VssError, *FAMILIES}


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def _facts_hresults() -> dict[str, int]:
    """Name -> value from the docs/reference.md §5 table, its range rows and its ASR sub-code list."""
    section = _section(FACTS.read_text(encoding="utf-8"), "## §5 HRESULT codes")
    found: dict[str, int] = {}
    row = re.compile(
        r"^\| ([A-Z][A-Z0-9_ \u2026]*?) \| (0x[0-9A-Fa-f]{8})(?:\u2013(0x[0-9A-Fa-f]{8}))? \|"
    )
    for line in section.splitlines():
        match = row.match(line)
        if match is None:
            continue
        names, first, last = match.groups()
        if "\u2026" in names:
            low, high = (n.strip() for n in names.split("\u2026"))
            found[low] = int(first, 16)
            found[high] = int(last, 16)
        else:
            found[names] = int(first, 16)
    asr = section[section.index("ASR sub-codes") :].split("\n\n")[0]
    for name, value in re.findall(r"([A-Z][A-Z0-9_]+) (0x[0-9A-Fa-f]{8})", asr):
        found[f"VSS_E_ASRERROR_{name}"] = int(value, 16)
    return found


def _facts_params() -> list[object]:
    if not FACTS.is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING_FACTS))]
    return [pytest.param(n, v, id=n) for n, v in sorted(_facts_hresults().items())]


def _enum_classes() -> list[type[enum.Enum]]:
    return [
        obj
        for obj in vars(_enums).values()
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__name__.startswith("VSS_")
    ]


def _failing_codes() -> list[tuple[str, int]]:
    return [(n, v) for v, n in sorted(hresults.HRESULT_NAMES.items()) if hresults.failed(v)]


def _failing_params() -> list[object]:
    return [pytest.param(n, v, id=n) for n, v in _failing_codes()]


def _code_classes() -> list[type[_errors.VssError]]:
    return [
        obj
        for obj in vars(_errors).values()
        if isinstance(obj, type)
        and issubclass(obj, _errors.VssError)
        and obj not in BASES
        and obj is not _errors.WrongThreadError
    ]


_SPLITS = {
    "ACCESSDENIED": "AccessDenied",
    "ASRERROR": "AsrError",
    "INCONSISTENTSNAPSHOT": "InconsistentSnapshot",
    "INVALIDARG": "InvalidArg",
    "NOTIMPL": "NotImplemented",
    "OUTOFMEMORY": "OutOfMemory",
    "OUTOFRESOURCES": "OutOfResources",
    "TOOSMALL": "TooSmall",
    "WRITERERROR": "WriterError",
}


def _expected_class_name(hr_name: str) -> str:
    if hr_name == "E_UNEXPECTED":
        return "VssEUnexpected"
    rest = hr_name.removeprefix("VSS_E_") if hr_name.startswith("VSS_E_") else hr_name[2:]
    return "Vss" + "".join(_SPLITS.get(w, w.capitalize()) for w in rest.split("_"))


# --- HRESULTs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), _facts_params())
def test_hresult_value_matches_vss_facts(name: str, value: int) -> None:
    assert getattr(hresults, name) == value, name
    assert hresults.HRESULT_NAMES[value] == name
    assert name in hresults.__all__


@pytest.mark.skipif(not FACTS.is_file(), reason=MISSING_FACTS)
def test_hresults_module_has_exactly_the_vss_facts_codes() -> None:
    facts = _facts_hresults()
    assert len(facts) > 80
    assert set(hresults.HRESULT_NAMES.values()) == set(facts)


def test_hresult_constants_agree_with_names_mapping() -> None:
    constants = {n for n in hresults.__all__ if n.isupper() and n != "HRESULT_NAMES"}
    assert constants == set(hresults.HRESULT_NAMES.values())
    for value, name in hresults.HRESULT_NAMES.items():
        assert getattr(hresults, name) == value
        assert 0 <= value <= 0xFFFFFFFF


def test_name_of() -> None:
    assert hresults.name_of(0x80042301) == "VSS_E_BAD_STATE"
    assert hresults.name_of(-2147212543) == "VSS_E_BAD_STATE"
    assert hresults.name_of(0) == "S_OK"
    assert hresults.name_of(0x0004230A) == "VSS_S_ASYNC_FINISHED"
    assert hresults.name_of(0x80049999) == "0x80049999"
    assert hresults.name_of(0xABC) == "0x00000ABC"
    assert hresults.name_of(-1) == "0xFFFFFFFF"


def test_succeeded_and_failed() -> None:
    for hr in (hresults.S_OK, hresults.S_FALSE, hresults.VSS_S_ASYNC_PENDING):
        assert hresults.succeeded(hr)
        assert not hresults.failed(hr)
    for hr in (hresults.VSS_E_BAD_STATE, hresults.E_FAIL, -2147212543, 0x80000000):
        assert hresults.failed(hr)
        assert not hresults.succeeded(hr)


# --- enums ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value"),
    [
        (_enums.VSS_WS_UNKNOWN, 0),
        (_enums.VSS_WS_STABLE, 1),
        (_enums.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, 5),
        (_enums.VSS_WS_FAILED_AT_FREEZE, 9),
        (_enums.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, 15),
        (_enums.VSS_WS_COUNT, 16),
        (_enums.VSS_SM_BACKUP_EVENTS_FLAG, 2),
        (_enums.VSS_SM_ALL_FLAGS, 0xFFFFFFFF),
        (_enums.VSS_CT_DATABASE, 1),
        (_enums.VSS_CT_FILEGROUP, 2),
        (_enums.VSS_UT_USERDATA, 3),
        (_enums.VSS_ST_OTHER, 3),
        (_enums.VSS_RME_RESTORE_IF_CAN_REPLACE, 2),
        (_enums.VSS_RME_RESTORE_STOP_START, 8),
        (_enums.VSS_WRE_ALWAYS, 3),
        (_enums.VSS_BS_COPY, 0x10),
        (_enums.VSS_BS_WRITER_SUPPORTS_PARALLEL_RESTORES, 0x8000),
        (_enums.VSS_FSBT_ALL_SNAPSHOT_REQUIRED, 0xF00),
        (_enums.VSS_FSBT_CREATED_DURING_BACKUP, 0x10000),
        (_enums.VSS_CF_NOT_SYSTEM_STATE, 4),
        (_enums.VSS_APP_FRONT_END, 3),
        (_enums.VSS_APP_AUTO, -1),
        (_enums.VSS_AWS_NO_ALTERNATE_WRITER, 1),
        (_enums.VSS_BT_FULL, 1),
        (_enums.VSS_BT_COPY, 5),
        (_enums.VSS_RTYPE_IMPORT, 2),
        (_enums.VSS_RT_ORIGINAL_LOCATION, 4),
        (_enums.VSS_RS_FAILED, 3),
        (_enums.VSS_RF_PARTIAL, 3),
        (_enums.VSS_VOLSNAP_ATTR_TRANSPORTABLE, 0x20),
        (_enums.VSS_VOLSNAP_ATTR_FILE_SHARE, 0x4000000),
        (_enums.VSS_CTX_BACKUP, 0),
        (_enums.VSS_CTX_FILE_SHARE_BACKUP, 0x10),
        (_enums.VSS_CTX_NAS_ROLLBACK, 0x19),
        (_enums.VSS_CTX_APP_ROLLBACK, 9),
        (_enums.VSS_CTX_CLIENT_ACCESSIBLE, 0x1D),
        (_enums.VSS_CTX_CLIENT_ACCESSIBLE_WRITERS, 0x0D),
        (_enums.VSS_CTX_ALL, 0xFFFFFFFF),
        (_enums.VSS_SS_CREATED, 12),
        (_enums.VSS_SS_POSTCOMMITTED, 15),
        (_enums.VSS_OBJECT_SNAPSHOT, 3),
        (_enums.VSS_PROV_SOFTWARE, 2),
        (_enums.VSS_SPROPID_STATUS, 13),
    ],
    ids=lambda x: getattr(x, "name", None) or str(x),
)
def test_enum_value(member: int, value: int) -> None:
    assert isinstance(member, enum.Enum)
    assert int(member) == value


@pytest.mark.skipif(not FACTS.is_file(), reason=MISSING_FACTS)
def test_writer_states_match_vss_facts_table() -> None:
    section = _section(FACTS.read_text(encoding="utf-8"), "### §2.1 VSS_WRITER_STATE")
    rows = re.findall(r"^\| (\d+) \| (VSS_WS_[A-Z_]+) \|", section, flags=re.MULTILINE)
    assert len(rows) == 17
    assert {n: int(v) for v, n in rows} == {
        m.name: m.value for m in _enums.VSS_WRITER_STATE.__members__.values()
    }


def test_contexts_are_ors_of_attribute_bits() -> None:
    a = _enums.VSS_VOLUME_SNAPSHOT_ATTRIBUTES
    persistent_no_release = a.VSS_VOLSNAP_ATTR_PERSISTENT | a.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE
    assert int(persistent_no_release) == _enums.VSS_CTX_APP_ROLLBACK.value
    nas = persistent_no_release | a.VSS_VOLSNAP_ATTR_NO_WRITERS
    assert int(nas) == _enums.VSS_CTX_NAS_ROLLBACK.value


def test_flag_types_keep_unnamed_bits() -> None:
    ctx = _enums.VSS_SNAPSHOT_CONTEXT(0x29)
    assert ctx == _enums.VSS_CTX_APP_ROLLBACK | _enums.VSS_VOLSNAP_ATTR_TRANSPORTABLE
    assert isinstance(ctx, _enums.VSS_SNAPSHOT_CONTEXT)
    assert int(_enums.VSS_SUBSCRIBE_MASK(0x40000002)) == 0x40000002
    assert _enums.VSS_SNAPSHOT_CONTEXT(0xFFFFFFFF) is _enums.VSS_CTX_ALL


def test_enum_kinds() -> None:
    flags = {
        "VSS_SUBSCRIBE_MASK",
        "VSS_BACKUP_SCHEMA",
        "VSS_FILE_SPEC_BACKUP_TYPE",
        "VSS_COMPONENT_FLAGS",
        "VSS_VOLUME_SNAPSHOT_ATTRIBUTES",
        "VSS_SNAPSHOT_CONTEXT",
    }
    classes = {c.__name__: c for c in _enum_classes()}
    assert len(classes) == 23
    for name, cls in classes.items():
        expected = enum.IntFlag if name in flags else enum.IntEnum
        assert issubclass(cls, expected), name
        assert cls.__doc__ and "docs/reference.md §" in cls.__doc__, name


def test_every_member_is_exported_once() -> None:
    seen: set[str] = set()
    for cls in _enum_classes():
        assert cls.__name__ in _enums.__all__
        for name, member in cls.__members__.items():
            assert name not in seen, f"{name} is in two enums"
            seen.add(name)
            assert getattr(_enums, name) is member
            assert name in _enums.__all__
    assert set(_enums.__all__) == seen | {c.__name__ for c in _enum_classes()} | {
        "INFINITE",
        "GUID_NULL",
    }


def test_infinite_and_guid_null() -> None:
    assert hex(_enums.INFINITE) == "0xffffffff"
    assert isinstance(_enums.GUID_NULL, uuid.UUID)
    assert str(_enums.GUID_NULL) == "00000000-0000-0000-0000-000000000000"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), _failing_params())
def test_each_failing_hresult_has_one_class(name: str, value: int) -> None:
    matching = [c for c in _code_classes() if c.hresult == value]
    assert len(matching) == 1, (name, matching)
    cls = matching[0]
    assert cls.__name__ == _expected_class_name(name)
    assert cls.__name__ in _errors.__all__
    assert sum(issubclass(cls, f) for f in FAMILIES) == 1
    assert _errors.error_class_for(value) is cls
    err = _errors.make_error(value, "x")
    assert type(err) is cls
    assert err.hresult == value
    assert err.name == name
    assert err.message == "x"
    assert str(err) == f"{name} (0x{value:08X}): x"


def test_no_class_without_hresult() -> None:
    failing = {v for _, v in _failing_codes()}
    assert all(c.hresult in failing for c in _code_classes())
    assert len(_code_classes()) == len(failing)


@pytest.mark.parametrize(
    ("hr", "family"),
    [
        (hresults.VSS_E_BAD_STATE, _errors.VssRequesterError),
        (hresults.E_INVALIDARG, _errors.VssRequesterError),
        (hresults.VSS_E_OBJECT_NOT_FOUND, _errors.VssRequesterError),
        (hresults.VSS_E_OBJECT_ALREADY_EXISTS, _errors.VssRequesterError),
        (hresults.VSS_E_INVALID_XML_DOCUMENT, _errors.VssRequesterError),
        (hresults.VSS_E_WRITERERROR_RETRYABLE, _errors.VssWriterError),
        (hresults.VSS_E_WRITERERROR_TIMEOUT, _errors.VssWriterError),
        (hresults.VSS_E_WRITER_NOT_RESPONDING, _errors.VssWriterError),
        (hresults.VSS_E_UNEXPECTED_WRITER_ERROR, _errors.VssWriterError),
        (hresults.VSS_E_PROVIDER_VETO, _errors.VssProviderError),
        (hresults.VSS_E_UNEXPECTED_PROVIDER_ERROR, _errors.VssProviderError),
        (hresults.VSS_E_INSUFFICIENT_STORAGE, _errors.VssProviderError),
        (hresults.VSS_E_FLUSH_WRITES_TIMEOUT, _errors.VssProviderError),
        (hresults.VSS_E_SNAPSHOT_SET_IN_PROGRESS, _errors.VssProviderError),
        (hresults.VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, _errors.VssProviderError),
        (hresults.E_ACCESSDENIED, _errors.VssProviderError),
        (hresults.E_OUTOFMEMORY, _errors.VssProviderError),
        (hresults.E_FAIL, _errors.VssProviderError),
        (hresults.E_UNEXPECTED, _errors.VssProviderError),
        (hresults.VSS_E_UNEXPECTED, _errors.VssProviderError),
        (hresults.VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN, _errors.VssProviderError),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else hresults.name_of(x),
)
def test_family(hr: int, family: type[_errors.VssError]) -> None:
    err = _errors.make_error(hr, "x")
    assert isinstance(err, family)
    assert isinstance(err, _errors.VssError)
    others = [f for f in FAMILIES if f is not family]
    assert not any(isinstance(err, f) for f in others)


def test_named_classes_and_builtin_bases() -> None:
    assert _errors.VssBadState.hresult == hresults.VSS_E_BAD_STATE
    assert _errors.VssUnexpected.hresult == hresults.VSS_E_UNEXPECTED
    assert _errors.VssEUnexpected.hresult == hresults.E_UNEXPECTED
    assert _errors.VssFail.hresult == hresults.E_FAIL
    assert _errors.VssWriterErrorRetryable.hresult == hresults.VSS_E_WRITERERROR_RETRYABLE
    assert issubclass(_errors.VssAccessDenied, PermissionError)
    assert issubclass(_errors.VssInvalidArg, ValueError)
    assert issubclass(_errors.VssNotImplemented, NotImplementedError)
    assert not issubclass(_errors.VssOutOfMemory, MemoryError)
    with pytest.raises(PermissionError):
        raise _errors.VssAccessDenied("not an administrator")


def test_unknown_and_success_codes() -> None:
    assert _errors.error_class_for(0x80049999) is _errors.VssProviderError
    err = _errors.make_error(0x80049999, "odd")
    assert type(err) is _errors.VssProviderError
    assert err.hresult == 0x80049999
    assert str(err) == "0x80049999 (0x80049999): odd"
    for hr in (hresults.S_OK, hresults.S_FALSE, hresults.VSS_S_ASYNC_FINISHED):
        with pytest.raises(ValueError):
            _errors.error_class_for(hr)


def test_constructor_rules() -> None:
    with pytest.raises(TypeError):
        _errors.VssError("no code")
    with pytest.raises(TypeError):
        _errors.VssWriterError("no code")
    with pytest.raises(ValueError):
        _errors.VssError("success", hresults.S_OK)
    with pytest.raises(ValueError):
        _errors.VssBadState("wrong code", hresults.E_FAIL)
    err = _errors.VssError("signed", -2147212543)
    assert err.hresult == hresults.VSS_E_BAD_STATE
    assert err.name == "VSS_E_BAD_STATE"
    assert _errors.VssBadState("same", hresults.VSS_E_BAD_STATE).hresult == 0x80042301


def test_wrong_thread_error() -> None:
    err = _errors.WrongThreadError(
        "SetWriterFailure called off the handler thread",
        handler_thread="vss-handler-1",
        calling_thread="worker-3",
    )
    assert isinstance(err, _errors.VssBadState)
    assert isinstance(err, _errors.VssRequesterError)
    assert err.hresult == hresults.VSS_E_BAD_STATE
    assert err.name == "VSS_E_BAD_STATE"
    assert err.handler_thread == "vss-handler-1"
    assert err.calling_thread == "worker-3"
    assert str(err) == (
        "VSS_E_BAD_STATE (0x80042301): SetWriterFailure called off the handler thread"
    )


@pytest.mark.parametrize(
    "err",
    [
        _errors.VssBadState("state"),
        _errors.VssAccessDenied("denied"),
        _errors.VssInvalidArg("arg"),
        _errors.VssError("base", hresults.VSS_E_PROVIDER_VETO),
        _errors.make_error(0x80049999, "unknown"),
        _errors.WrongThreadError("thread", handler_thread=None, calling_thread="main"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_pickle_round_trip(err: _errors.VssError) -> None:
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert copy.hresult == err.hresult
    assert copy.name == err.name
    assert copy.message == err.message
    assert copy.args == err.args
    assert str(copy) == str(err)
    if isinstance(err, _errors.WrongThreadError):
        assert isinstance(copy, _errors.WrongThreadError)
        assert copy.handler_thread == err.handler_thread
        assert copy.calling_thread == err.calling_thread


def test_errors_all_is_complete() -> None:
    public = {
        n
        for n, obj in vars(_errors).items()
        if not n.startswith("_")
        and callable(obj)
        and str(getattr(obj, "__module__", "")).startswith("simulator._vocabulary.error")
    }
    assert set(_errors.__all__) == public
    assert {"error_class_for", "make_error", "WrongThreadError", "VssError"} <= public
