"""``FaultProvider``: a software provider whose calls fail on cue, with the documented codes
(docs/reference.md §6, §9).
"""

from __future__ import annotations

import uuid

from simulator import (
    VSS_PROVIDER_TYPE,
    VssProvider,
    VssSystem,
    make_error,
)
from simulator import hresults as hr
from simulator.rules import PROVIDER_CODES

# -- faults (docs/reference.md §6, §9) ----------------------------------------------------------------

#: The provider calls of shadow copy creation, in the order VSS makes them (docs/reference.md §9).
CREATION_STEPS = (
    "BeginPrepareSnapshot",
    "EndPrepareSnapshots",
    "PreCommitSnapshots",
    "CommitSnapshots",
    "PostCommitSnapshots",
    "PreFinalCommitSnapshots",
    "PostFinalCommitSnapshots",
)

#: Codes the model raises for the kernel, not a provider's to return (docs/reference.md §6).
_KERNEL_CODES = frozenset({hr.VSS_E_FLUSH_WRITES_TIMEOUT, hr.VSS_E_HOLD_WRITES_TIMEOUT})

#: Fault codes a provider may return, by name, each with the code its requester sees: the
#: allowed codes pass unchanged, any other becomes VSS_E_UNEXPECTED_PROVIDER_ERROR (docs/reference.md §9).
PROVIDER_FAULTS: dict[str, tuple[int, int]] = {
    **{hr.name_of(code): (code, code) for code in sorted(PROVIDER_CODES - _KERNEL_CODES)},
    **{
        hr.name_of(code): (code, hr.VSS_E_UNEXPECTED_PROVIDER_ERROR)
        for code in (hr.E_FAIL, hr.E_UNEXPECTED, hr.E_NOTIMPL, hr.VSS_E_UNEXPECTED)
    },
}

#: The kernel's flush-and-hold window around CommitSnapshots, in ms (docs/reference.md §6).
HOLD_WINDOW_MS = 10_000


class FaultProvider(VssProvider):
    """A software provider for C:\\ only, chosen before the system provider (docs/reference.md §9).

    ``arm(step, fault, times)`` makes creation step ``step`` fail ``times`` times with
    ``PROVIDER_FAULTS[fault]``; ``delay(ms)`` makes the next CommitSnapshots take ``ms``
    of virtual time (past 10 s the hold window is overrun, §6). ``expected`` maps each set it
    broke to the code that set's requester must see.
    """

    provider_id = uuid.UUID("0f6c3b52-9e1d-4a7b-8c25-3d4e5f607182")
    provider_name = "Fault-injecting provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.step: str | None = None
        self.fault = ""
        self.failures_left = 0
        self.delay_ms = 0
        self.expected: dict[uuid.UUID, int] = {}

    def arm(self, step: str, fault: str, times: int) -> None:
        """Fail ``step`` with ``fault`` the next ``times`` times it is called."""
        if step not in CREATION_STEPS or fault not in PROVIDER_FAULTS:
            raise ValueError(f"no such creation step or fault: {step!r}, {fault!r}")
        self.step, self.fault, self.failures_left = step, fault, times

    def delay(self, milliseconds: int) -> None:
        """Sleep ``milliseconds`` of virtual time inside the next CommitSnapshots."""
        self.delay_ms = milliseconds

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "C:\\"

    def _maybe_fail(self, step: str, snapshot_set_id: uuid.UUID) -> None:
        if step != self.step or self.failures_left <= 0:
            return
        self.failures_left -= 1
        code, seen = PROVIDER_FAULTS[self.fault]
        self.expected[snapshot_set_id] = seen
        raise make_error(code, f"{self.provider_name} fails {step} with {self.fault}")

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        self._maybe_fail("BeginPrepareSnapshot", snapshot_set_id)

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("EndPrepareSnapshots", snapshot_set_id)

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PreCommitSnapshots", snapshot_set_id)

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        delay, self.delay_ms = self.delay_ms, 0
        if delay > HOLD_WINDOW_MS:
            # The model gives up on the call at the end of the window: the sleep never returns.
            self.expected[snapshot_set_id] = hr.VSS_E_HOLD_WRITES_TIMEOUT
        if delay:
            self.system.sleep(delay / 1000)
        self._maybe_fail("CommitSnapshots", snapshot_set_id)

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self._maybe_fail("PostCommitSnapshots", snapshot_set_id)

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PreFinalCommitSnapshots", snapshot_set_id)

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PostFinalCommitSnapshots", snapshot_set_id)
