"""Providers, with expected results written from the documentation.

docs/reference.md §9 (provider call order, the allowed provider return codes, conversion of any other code
to VSS_E_UNEXPECTED_PROVIDER_ERROR, GUID_NULL selection: hardware, then software, then system;
no partial commit; one set may mix providers), §3.2 row 10 (AddToSnapshotSet errors), §4.2
(AbortSnapshots only after DoSnapshotSet was called), §5 (HRESULT values).
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    GUID_NULL,
    SYSTEM_PROVIDER_ID,
    VSS_BT_FULL,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_PROVIDER_ALREADY_REGISTERED,
    VSS_E_PROVIDER_NOT_REGISTERED,
    VSS_E_UNEXPECTED_PROVIDER_ERROR,
    VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
    VSS_PROV_HARDWARE,
    VSS_PROV_SOFTWARE,
    VSS_PROV_SYSTEM,
    IVssBackupComponents,
    TraceKind,
    ViolationRule,
    VssError,
    VssProvider,
    VssProviderAlreadyRegistered,
    VssProviderNotRegistered,
    VssSystem,
    VssUnexpectedProviderError,
    VssVolumeNotSupportedByProvider,
    WriterEvent,
    make_error,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import PROVIDER_CODES

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, make_writer, settle

HARDWARE_ID = uuid.UUID("11111111-1111-4111-8111-111111111111")
SOFTWARE_ID = uuid.UUID("22222222-2222-4222-8222-222222222222")


class Hardware(VssProvider):
    """A hardware provider that supports C:\\ only."""

    provider_id = HARDWARE_ID
    provider_name = "Documented hardware provider"
    provider_type = VSS_PROV_HARDWARE

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "C:\\"


class Software(VssProvider):
    """A software provider that supports C:\\ and D:\\."""

    provider_id = SOFTWARE_ID
    provider_name = "Documented software provider"
    provider_type = VSS_PROV_SOFTWARE

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() in ("C:\\", "D:\\")


PROVIDER_IDS = {"hardware": HARDWARE_ID, "software": SOFTWARE_ID, "system": SYSTEM_PROVIDER_ID}

#: (volume, the provider GUID_NULL picks) — §3.2 row 10 / §9: "hardware providers first, then
#: software, then system". C:\ is supported by all three, D:\ by software and system, E:\ by the
#: system provider only.
SELECTION = [("C:\\", "hardware"), ("D:\\", "software"), ("E:\\", "system")]


def _machine(system: VssSystem) -> None:
    system.add_volume("D:\\")
    system.add_volume("E:\\")
    # Registered software first: registration order must not pass for the documented order.
    system.register_provider(Software())
    system.register_provider(Hardware())


def _start(bc: IVssBackupComponents) -> None:
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()


def test_the_system_provider_exists_by_default(system: VssSystem) -> None:
    """§9: the in-box system provider, 'Microsoft Software Shadow Copy provider 1.0'."""
    (provider,) = system.providers
    assert provider.provider_id == SYSTEM_PROVIDER_ID
    assert provider.provider_name == "Microsoft Software Shadow Copy provider 1.0"


@pytest.mark.parametrize(("volume", "chosen"), [pytest.param(*row, id=row[1]) for row in SELECTION])
def test_guid_null_selection_order(system: VssSystem, volume: str, chosen: str) -> None:
    _machine(system)
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        snapshot_id = bc.AddToSnapshotSet(volume, GUID_NULL)
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        assert bc.GetSnapshotProperties(snapshot_id).m_ProviderId == PROVIDER_IDS[chosen]


def test_one_set_mixes_providers(system: VssSystem) -> None:
    """§9: "One set may mix providers"; each provider is driven for its own volume."""
    _machine(system)
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        ids = {volume: bc.AddToSnapshotSet(volume) for volume, _ in SELECTION}
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        chosen = {v: bc.GetSnapshotProperties(i).m_ProviderId for v, i in ids.items()}
    assert chosen == {volume: PROVIDER_IDS[kind] for volume, kind in SELECTION}
    committed = {
        r.writer
        for r in system.trace
        if r.kind is TraceKind.PROVIDER and r.name == "CommitSnapshots"
    }
    assert committed == {
        "Documented hardware provider",
        "Documented software provider",
        "Microsoft Software Shadow Copy provider 1.0",
    }


def test_explicit_provider_that_does_not_support_the_volume(system: VssSystem) -> None:
    """§3.2 row 10 / §9: VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER (0x8004230E)."""
    _machine(system)
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        with pytest.raises(VssVolumeNotSupportedByProvider) as refused:
            bc.AddToSnapshotSet("E:\\", HARDWARE_ID)
        assert refused.value.hresult == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER == 0x8004230E
        # The provider named explicitly is used even where a hardware one would be chosen.
        snapshot_id = bc.AddToSnapshotSet("C:\\", SYSTEM_PROVIDER_ID)
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        assert bc.GetSnapshotProperties(snapshot_id).m_ProviderId == SYSTEM_PROVIDER_ID


def test_unknown_provider_id(system: VssSystem) -> None:
    """§3.2 row 10 / §5: VSS_E_PROVIDER_NOT_REGISTERED (0x80042304)."""
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        with pytest.raises(VssProviderNotRegistered) as refused:
            bc.AddToSnapshotSet("C:\\", uuid.UUID(int=42))
        assert refused.value.hresult == VSS_E_PROVIDER_NOT_REGISTERED == 0x80042304


def test_registering_a_provider_twice(system: VssSystem) -> None:
    """§5: VSS_E_PROVIDER_ALREADY_REGISTERED (0x80042303)."""
    system.register_provider(Hardware())
    with pytest.raises(VssProviderAlreadyRegistered) as refused:
        system.register_provider(Hardware())
    assert refused.value.hresult == VSS_E_PROVIDER_ALREADY_REGISTERED == 0x80042303


# ---------------------------------------------------------------------------------------------
# Provider call order (§9 table, §4.1 steps 8–8j)
# ---------------------------------------------------------------------------------------------

#: (earlier, later) — §9 "Call (order)" and "Relative to writers" columns.
PROVIDER_ORDER = [
    ("OnPrepareSnapshot", "BeginPrepareSnapshot"),  # §9 "after PrepareForSnapshot" [INF order]
    ("BeginPrepareSnapshot", "EndPrepareSnapshots"),
    ("EndPrepareSnapshots", "OnFreeze"),  # "before Freeze"
    ("OnFreeze", "PreCommitSnapshots"),  # "after Freeze"
    ("PreCommitSnapshots", "CommitSnapshots"),
    ("CommitSnapshots", "PostCommitSnapshots"),
    ("PostCommitSnapshots", "OnThaw"),  # "before Thaw"
    ("OnThaw", "PreFinalCommitSnapshots"),  # §4.1 8h then 8i
    ("PreFinalCommitSnapshots", "PostFinalCommitSnapshots"),
    ("OnThaw", "OnPostSnapshot"),  # §4.1 8j [INF] placement: after Thaw
]


@pytest.mark.parametrize(
    ("earlier", "later"), [pytest.param(*row, id=f"{row[0]}<{row[1]}") for row in PROVIDER_ORDER]
)
def test_provider_calls_in_documented_order(system: VssSystem, earlier: str, later: str) -> None:
    system.register_provider(Software())
    make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
    names = [r.name for r in system.trace if r.kind in (TraceKind.EVENT, TraceKind.PROVIDER)]
    assert names.count(earlier) == 1
    assert names.count(later) == 1
    assert names.index(earlier) < names.index(later)


def _abort_snapshots_calls(system: VssSystem) -> int:
    return sum(
        1 for r in system.trace if r.kind is TraceKind.PROVIDER and r.name == "AbortSnapshots"
    )


def test_no_abort_snapshots_before_do_snapshot_set(system: VssSystem) -> None:
    """§4.2: providers are told through AbortSnapshots only after DoSnapshotSet was called."""
    system.register_provider(Software())
    make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.AbortBackup()
    assert _abort_snapshots_calls(system) == 0


def test_abort_snapshots_after_a_freeze_veto(system: VssSystem) -> None:
    """§9: AbortSnapshots after DoSnapshotSet was called (so after EndPrepareSnapshots)."""

    class FreezeVeto(QuietWriter):
        def on_event(self, event: WriterEvent, arg: object) -> bool:
            return event is not WriterEvent.FREEZE

    system.register_provider(Software())
    make_writer(system, "Veto", cls=FreezeVeto)
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        settle(bc.DoSnapshotSet())
    assert _abort_snapshots_calls(system) == 1


# ---------------------------------------------------------------------------------------------
# Provider return codes (§9)
# ---------------------------------------------------------------------------------------------

#: §9 "Allowed provider return codes" (failure codes; S_OK is success), with §5 values.
DOCUMENTED_PROVIDER_CODES = [
    ("E_OUTOFMEMORY", 0x8007000E),
    ("E_INVALIDARG", 0x80070057),
    ("E_ACCESSDENIED", 0x80070005),
    ("VSS_E_BAD_STATE", 0x80042301),
    ("VSS_E_OBJECT_NOT_FOUND", 0x80042308),
    ("VSS_E_INSUFFICIENT_STORAGE", 0x8004231F),
    ("VSS_E_VOLUME_NOT_SUPPORTED", 0x8004230C),
    ("VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER", 0x8004230E),
    ("VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED", 0x80042317),
    ("VSS_E_PROVIDER_VETO", 0x80042306),
    ("VSS_E_CANNOT_REVERT_DISKID", 0x800423FE),
    # §5 / DoSnapshotSet: "the provider encountered an error that requires the user to restart
    # the computer" reaches the requester.
    ("VSS_E_REBOOT_REQUIRED", 0x80042327),
]
#: §9: "Any other return (S_FALSE, E_FAIL, E_UNEXPECTED, E_ABORT…) is … converted to
#: VSS_E_UNEXPECTED_PROVIDER_ERROR"; more codes outside the list, from §5.
CONVERTED_CODES = [
    ("E_FAIL", 0x80004005),
    ("E_UNEXPECTED", 0x8000FFFF),
    ("E_ABORT", 0x80004004),
    ("E_NOTIMPL", 0x80004001),
    ("VSS_E_UNEXPECTED", 0x80042302),
    ("VSS_E_WRITERERROR_RETRYABLE", 0x800423F3),
    ("VSS_E_SNAPSHOT_SET_IN_PROGRESS", 0x80042316),
]
#: Outside §9's list too: VSS raises them itself for the kernel's steps (§5, §6), so a provider
#: returning one is converted like any other code.
KERNEL_CODES = [
    ("VSS_E_FLUSH_WRITES_TIMEOUT", 0x80042313),
    ("VSS_E_HOLD_WRITES_TIMEOUT", 0x80042314),
    ("VSS_E_TRANSACTION_FREEZE_TIMEOUT", 0x80042328),
    ("VSS_E_TRANSACTION_THAW_TIMEOUT", 0x80042329),
]

STEPS = ["EndPrepareSnapshots", "PreCommitSnapshots", "CommitSnapshots", "PostCommitSnapshots"]


class Failing(VssProvider):
    """A software provider for C:\\ that fails one creation step with one code."""

    provider_id = uuid.UUID("33333333-3333-4333-8333-333333333333")
    provider_name = "Failing provider"
    provider_type = VSS_PROV_SOFTWARE

    def __init__(self, step: str, code: int | None) -> None:
        self.step = step
        self.code = code

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "C:\\"

    def _maybe(self, step: str) -> None:
        if step == self.step:
            if self.code is None:
                raise RuntimeError("not a VssError at all")
            raise make_error(self.code, f"{self.provider_name} fails {step}")

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe("EndPrepareSnapshots")

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe("PreCommitSnapshots")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe("CommitSnapshots")

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self._maybe("PostCommitSnapshots")


def _fail_creation(system: VssSystem, step: str, code: int | None) -> VssError:
    system.register_provider(Failing(step, code))
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        with pytest.raises(VssError) as failed:
            op.Wait()
        assert op.QueryStatus() == failed.value.hresult
        bc.AbortBackup()
    return failed.value


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*row, id=row[0]) for row in DOCUMENTED_PROVIDER_CODES]
)
def test_documented_provider_code_is_passed_through(
    system: VssSystem, name: str, code: int, step: str
) -> None:
    error = _fail_creation(system, step, code)
    assert error.hresult == code
    assert error.name == name


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*row, id=row[0]) for row in CONVERTED_CODES]
)
def test_other_provider_code_becomes_unexpected_provider_error(
    system: VssSystem, name: str, code: int
) -> None:
    error = _fail_creation(system, "CommitSnapshots", code)
    assert isinstance(error, VssUnexpectedProviderError)
    assert error.hresult == VSS_E_UNEXPECTED_PROVIDER_ERROR == 0x8004230F


@pytest.mark.parametrize(("name", "code"), [pytest.param(*row, id=row[0]) for row in KERNEL_CODES])
def test_kernel_code_from_a_provider_becomes_unexpected_provider_error(
    system: VssSystem, name: str, code: int
) -> None:
    """§9 lists none of VSS's own timeout codes among the provider codes: converted."""
    error = _fail_creation(system, "CommitSnapshots", code)
    assert error.hresult == VSS_E_UNEXPECTED_PROVIDER_ERROR
    assert code not in PROVIDER_CODES


def test_provider_raising_a_non_vss_exception(system: VssSystem) -> None:
    """§9 "any other return": converted; the model also records the broken contract."""
    error = _fail_creation(system, "PreCommitSnapshots", None)
    assert error.hresult == VSS_E_UNEXPECTED_PROVIDER_ERROR
    assert [v.rule for v in system.violations] == [ViolationRule.PROVIDER_MISBEHAVED]


def test_no_partial_commit(system: VssSystem) -> None:
    """§9: "No partial commit. If any provider fails any volume, the whole set fails"."""
    system.add_volume("D:\\")
    system.register_provider(Failing("PostCommitSnapshots", 0x80042306))  # for C:\ only
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)  # persistent: committed copies would outlive bc
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.AddToSnapshotSet("D:\\")  # the system provider
        with pytest.raises(VssError):
            bc.DoSnapshotSet().Wait()
    assert system.shadow_copies() == []


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*row, id=row[0]) for row in DOCUMENTED_PROVIDER_CODES]
)
def test_provider_code_table_has_the_documented_code(name: str, code: int) -> None:
    assert code in PROVIDER_CODES


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*row, id=row[0]) for row in CONVERTED_CODES]
)
def test_provider_code_table_lacks_the_other_code(name: str, code: int) -> None:
    assert code not in PROVIDER_CODES


# ---------------------------------------------------------------------------------------------
# The provider contract in the documented argument order (§9)
# ---------------------------------------------------------------------------------------------


class Recording(VssProvider):
    """A software provider for D:\\ that records what VSS calls, in order."""

    provider_name = "Recording provider"
    provider_type = VSS_PROV_SOFTWARE

    def __init__(self, provider_id: uuid.UUID, log: list[tuple[str, object]]) -> None:
        self.provider_id = provider_id
        self.log = log

    def OnLoad(self, callback: object = None) -> None:
        self.log.append(("OnLoad", self.provider_id))

    def SetContext(self, context: int) -> None:
        super().SetContext(context)
        self.log.append(("SetContext", context))

    def IsVolumeSupported(self, volume: str) -> bool:
        self.log.append(("IsVolumeSupported", (volume, self.context)))
        return volume.upper() in ("D:\\", "E:\\")

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        self.log.append(("BeginPrepareSnapshot", (snapshot_set_id, snapshot_id, volume, context)))

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.log.append(("PreFinalCommitSnapshots", self.provider_id))

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.log.append(("PostFinalCommitSnapshots", self.provider_id))


def test_contract_argument_order_and_set_context(system: VssSystem) -> None:
    """§9: BeginPrepareSnapshot(SnapshotSetId, SnapshotId, VolumeName, NewContext); VSS sets the
    provider's context before asking about a volume; OnLoad when the provider is loaded."""
    log: list[tuple[str, object]] = []
    system.add_volume("D:\\")
    system.register_provider(Recording(SOFTWARE_ID, log))
    assert log == [("OnLoad", SOFTWARE_ID)]
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        set_id = bc.StartSnapshotSet()
        snapshot_id = bc.AddToSnapshotSet("D:\\", SOFTWARE_ID)
        bc.DoSnapshotSet().Wait()
    assert log[1:4] == [
        ("SetContext", VSS_CTX_NAS_ROLLBACK),
        ("IsVolumeSupported", ("D:\\", VSS_CTX_NAS_ROLLBACK)),
        ("BeginPrepareSnapshot", (set_id, snapshot_id, "D:\\", VSS_CTX_NAS_ROLLBACK)),
    ]


def test_final_commits_go_to_every_provider_pre_then_post(system: VssSystem) -> None:
    """§9: PreFinalCommitSnapshots to every provider of the set, then PostFinalCommitSnapshots."""
    log: list[tuple[str, object]] = []
    system.add_volume("D:\\")
    system.add_volume("E:\\")
    system.register_provider(Recording(SOFTWARE_ID, log))
    other = uuid.UUID("77777777-7777-4777-8777-777777777777")
    system.register_provider(Recording(other, log))
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("D:\\", SOFTWARE_ID)
        bc.AddToSnapshotSet("E:\\", other)
        bc.DoSnapshotSet().Wait()
    finals = [entry for entry in log if entry[0].endswith("FinalCommitSnapshots")]
    assert finals == [
        ("PreFinalCommitSnapshots", SOFTWARE_ID),
        ("PreFinalCommitSnapshots", other),
        ("PostFinalCommitSnapshots", SOFTWARE_ID),
        ("PostFinalCommitSnapshots", other),
    ]


def test_hardware_software_and_system_registered_for_one_volume(system: VssSystem) -> None:
    """§3.2 row 10 / §9: with a hardware, a software and the system provider all taking the
    volume, GUID_NULL picks hardware; without the hardware one, software; then system."""
    _machine(system)  # registers software first, then hardware (§9 order must not follow it)
    assert [p.provider_type for p in system.providers] == [
        VSS_PROV_SYSTEM,
        VSS_PROV_SOFTWARE,
        VSS_PROV_HARDWARE,
    ]
    chosen = []
    for volume in ("C:\\", "D:\\", "E:\\"):
        with system.CreateVssBackupComponents() as bc:
            _start(bc)
            snapshot_id = bc.AddToSnapshotSet(volume)
            bc.PrepareForBackup().Wait()
            bc.DoSnapshotSet().Wait()
            chosen.append(bc.GetSnapshotProperties(snapshot_id).m_ProviderId)
    assert chosen == [HARDWARE_ID, SOFTWARE_ID, SYSTEM_PROVIDER_ID]
