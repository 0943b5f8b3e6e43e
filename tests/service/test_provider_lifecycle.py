"""Loading and unloading providers (docs/reference.md §9, IVssProviderNotifications): OnLoad when a
provider is registered, OnUnload(FALSE) when it is unregistered (S_FALSE keeps it), OnUnload(TRUE)
when the machine closes or the VSS service restarts, where S_OK is the only answer allowed.
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    SYSTEM_PROVIDER_ID,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_PROVIDER_IN_USE,
    VSS_E_PROVIDER_NOT_REGISTERED,
    VSS_E_PROVIDER_VETO,
    ViolationRule,
    VssError,
    VssProvider,
    VssProviderInUse,
    VssSystem,
    make_error,
)
from tests.helpers import begin_backup, make_writer

PROVIDER_ID = uuid.UUID("88888888-8888-4888-8888-888888888888")


class Lifecycle(VssProvider):
    """Records OnLoad / OnUnload; ``answer`` is what OnUnload returns (False: S_FALSE)."""

    provider_id = PROVIDER_ID
    provider_name = "Lifecycle provider"

    def __init__(self, answer: bool | None = None, fail: int | None = None) -> None:
        self.log: list[str] = []
        self.answer = answer
        self.fail = fail

    def OnLoad(self, callback: object = None) -> None:
        self.log.append("OnLoad")

    def OnUnload(self, force_unload: bool) -> bool | None:
        self.log.append(f"OnUnload({force_unload})")
        if self.fail is not None:
            raise make_error(self.fail, "the provider cannot unload now")
        return self.answer


def test_unregistering_calls_on_unload_false(system: VssSystem) -> None:
    provider = Lifecycle()
    system.register_provider(provider)
    assert system.unregister_provider(PROVIDER_ID) is provider
    assert provider.log == ["OnLoad", "OnUnload(False)"]
    assert [p.provider_id for p in system.providers] == [SYSTEM_PROVIDER_ID]
    with pytest.raises(VssError) as unknown:
        system.unregister_provider(PROVIDER_ID)
    assert unknown.value.hresult == VSS_E_PROVIDER_NOT_REGISTERED == 0x80042304


def test_s_false_keeps_the_provider(system: VssSystem) -> None:
    """OnUnload: S_FALSE "the provider should not be unloaded" (only when bForceUnload is
    FALSE): unregistering fails with VSS_E_PROVIDER_IN_USE and it stays [INF]."""
    provider = Lifecycle(answer=False)
    system.register_provider(provider)
    with pytest.raises(VssProviderInUse) as refused:
        system.unregister_provider(PROVIDER_ID)
    assert refused.value.hresult == VSS_E_PROVIDER_IN_USE == 0x80042307
    assert "S_FALSE" in str(refused.value)
    assert provider in system.providers


def test_on_unload_codes_are_not_converted(system: VssSystem) -> None:
    """§9: OnUnload's codes are not turned into VSS_E_UNEXPECTED_PROVIDER_ERROR."""
    provider = Lifecycle(fail=VSS_E_PROVIDER_VETO)
    system.register_provider(provider)
    with pytest.raises(VssError) as failed:
        system.unregister_provider(PROVIDER_ID)
    assert failed.value.hresult == VSS_E_PROVIDER_VETO
    assert provider in system.providers


def test_the_system_provider_and_a_provider_in_use_stay(system: VssSystem) -> None:
    """VSS_E_PROVIDER_IN_USE for the system provider, and for a provider of the set being
    created, without OnUnload [INF]."""
    with pytest.raises(VssProviderInUse):
        system.unregister_provider(SYSTEM_PROVIDER_ID)
    provider = Lifecycle()
    system.register_provider(provider)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\", PROVIDER_ID)
        with pytest.raises(VssProviderInUse, match="being created"):
            system.unregister_provider(PROVIDER_ID)
        assert provider.log == ["OnLoad"]
        bc.DoSnapshotSet().Wait()
    system.unregister_provider(PROVIDER_ID)
    assert provider.log == ["OnLoad", "OnUnload(False)"]
    # Its copy stays, managed by no provider.
    assert [s.provider_id for s in system.shadow_copies()] == [PROVIDER_ID]


def test_the_machine_closing_unloads_with_force_and_entering_loads() -> None:
    """OnUnload(TRUE) when the machine's ``with`` block ends; OnLoad when it is entered again."""
    provider = Lifecycle()
    system = VssSystem()
    with system:
        system.register_provider(provider)
        assert provider.log == ["OnLoad"]
    assert provider.log == ["OnLoad", "OnUnload(True)"]
    with system:
        assert provider.log == ["OnLoad", "OnUnload(True)", "OnLoad"]
    assert provider.log[-1] == "OnUnload(True)"
    assert system.violations == []


@pytest.mark.parametrize(("answer", "fail"), [(False, None), (None, VSS_E_PROVIDER_VETO)])
def test_a_forced_unload_must_be_s_ok(answer: bool | None, fail: int | None) -> None:
    """OnUnload: "If bForceUnload is TRUE, the return value must be S_OK"; anything else is a
    violation of the provider, and it is released all the same."""
    provider = Lifecycle(answer=answer, fail=fail)
    with VssSystem() as system:
        system.register_provider(provider)
    [violation] = system.violations
    assert violation.rule is ViolationRule.PROVIDER_MISBEHAVED
    assert "OnUnload(TRUE)" in violation.message and "S_OK" in violation.message


def test_a_service_restart_unloads_and_loads_the_providers(system: VssSystem) -> None:
    provider = Lifecycle()
    system.register_provider(provider)
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        system.restart_vss_service()
    assert provider.log == ["OnLoad", "OnUnload(True)", "OnLoad"]


class FailingLoad(Lifecycle):
    """OnLoad raises."""

    def OnLoad(self, callback: object = None) -> None:
        self.log.append("OnLoad")
        raise ValueError("provider bug in OnLoad")


def test_an_on_load_that_raises_is_a_violation_and_the_provider_stays_loaded() -> None:
    system = VssSystem(seed=1)
    with system:
        provider = FailingLoad()
        system.register_provider(provider)
        assert [v.rule for v in system.violations] == [ViolationRule.PROVIDER_MISBEHAVED]
        assert "OnLoad raised ValueError" in system.violations[0].message
        assert PROVIDER_ID in [p.provider_id for p in system.providers]
    with system:  # entered again: OnLoad again, the machine is entered all the same
        assert provider.log == ["OnLoad", "OnUnload(True)", "OnLoad"]
        assert len(system.violations) == 2
        begin_backup(system.CreateVssBackupComponents()).Release()
