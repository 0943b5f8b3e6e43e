"""How the fault presets take effect, built from what the model has today: scripted writer
actions, providers registered for the purpose, requesters that misbehave or hold the creation
lock, the machine's fault hooks (``VssSystem.restart_vss_service`` and friends), and, where the
model has no knob yet, a thin patch of one object (said in the preset's ``mechanism``).

Every ``arm_*`` function takes the :class:`~fakes.faults.base.Armed` record, installs the fault,
registers its cure and says how its firings are counted.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Hashable
from typing import Any

import attrs

from simulator import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_PROVIDER_TYPE,
    CVssWriter,
    IVssAsync,
    IVssBackupComponents,
    Phase,
    TraceKind,
    VssError,
    VssProvider,
    WriterEvent,
    current_system,
    hresults,
    make_error,
    system_of,
)

from ..actions import Action
from ..writers import ScriptedWriter
from .base import Armed, refused

__all__ = [
    "FaultAction",
    "FaultProvider",
    "NotResponding",
    "arm_denied",
    "arm_kernel",
    "arm_lock",
    "arm_misuse",
    "arm_provider",
    "arm_restart",
    "arm_script",
    "arm_snapshot_limit",
    "arm_volume_declined",
    "arm_volume_removed",
    "end_requester_process",
    "prepared",
    "wait",
]


# ---------------------------------------------------------------------------------------------
# Writers: a scripted action that fires by the fault's progression
# ---------------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class FaultAction(Action):
    """Performs ``inner`` when the armed fault is active in this session, else succeeds."""

    armed: Armed
    inner: Action

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        if self.armed.fire_if_active(writer.GetSessionId()):
            return self.inner.perform(writer, event)
        return True

    def __repr__(self) -> str:
        return f"<fault {self.armed.fault.name}: {self.inner!r}>"


@attrs.frozen(repr=False)
class NotResponding(Action):
    """VSS stops waiting for the handler: the event fails with VSS_E_WRITER_NOT_RESPONDING."""

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        system_of(writer).writer_not_responding(writer, f"{event.value} was not answered")
        return False

    def __repr__(self) -> str:
        return "NotResponding()"


def arm_script(event: WriterEvent, make: Callable[[dict[str, Any]], Action]) -> Any:
    """A writer fault: ``event``'s handler performs ``make(options)`` while the fault is active."""

    def arm(armed: Armed) -> None:
        writer = armed.target
        if not isinstance(writer, ScriptedWriter):
            raise TypeError(
                f"{armed.fault.name} scripts a fakes.ScriptedWriter (CapturedWriter, "
                f"SampleWriter, inbox_writers()...); got {writer!r}"
            )
        event_of = armed.options.pop("event", event)
        action = FaultAction(armed, make(armed.options))
        previous = writer.script.get(event_of)
        writer.on(event_of, action)

        def undo() -> None:
            if writer.script.get(event_of) is action:
                if previous is None:
                    writer.clear(event_of)
                else:
                    writer.on(event_of, previous)

        armed.on_cure(undo)

    return arm


# ---------------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------------


class FaultProvider(VssProvider):
    """A software provider that takes every volume until its fault is cured (after that the
    system provider does) and, while the fault is active, does ``act`` at creation step ``at``."""

    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self, armed: Armed, at: str, act: Callable[[], None]) -> None:
        self.armed = armed
        self.at = at
        self.act = act
        self.provider_id = armed.system.new_guid()
        self.provider_name = f"{armed.fault.name} provider"

    def __repr__(self) -> str:
        return f"<FaultProvider {self.armed.fault.name} at {self.at}>"

    def IsVolumeSupported(self, volume: str) -> bool:
        return not self.armed.cured

    def _step(self, method: str, key: Hashable) -> None:
        if method == self.at and self.armed.fire_if_active(key):
            self.act()

    def BeginPrepareSnapshot(
        self, snapshot_set_id: Any, snapshot_id: Any, volume: str, context: int
    ) -> None:
        self._step("BeginPrepareSnapshot", snapshot_set_id)

    def EndPrepareSnapshots(self, snapshot_set_id: Any) -> None:
        self._step("EndPrepareSnapshots", snapshot_set_id)

    def PreCommitSnapshots(self, snapshot_set_id: Any) -> None:
        self._step("PreCommitSnapshots", snapshot_set_id)

    def CommitSnapshots(self, snapshot_set_id: Any) -> None:
        self._step("CommitSnapshots", snapshot_set_id)

    def PostCommitSnapshots(self, snapshot_set_id: Any, snapshots_count: int) -> None:
        self._step("PostCommitSnapshots", snapshot_set_id)


def arm_provider(at: str, *, code: int | None = None, seconds: float | None = None) -> Any:
    """A provider fault: fail step ``at`` with ``code``, or spend ``seconds`` in it."""

    def arm(armed: Armed) -> None:
        step = armed.options.pop("at", at)
        spend = armed.options.pop("seconds", seconds)

        def act() -> None:
            if spend is not None:
                current_system().sleep(spend)
                return
            assert code is not None
            raise make_error(code, f"{armed.fault.name}: the provider fails {step}")

        provider = FaultProvider(armed, step, act)
        armed.system.register_provider(provider)
        armed.details["provider"] = provider

    return arm


class _FullProvider(VssProvider):
    """A software provider whose volumes hold as many copies as it allows (none more)."""

    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE
    max_snapshots_per_volume = 0

    def __init__(self, armed: Armed) -> None:
        self.armed = armed
        self.provider_id = armed.system.new_guid()
        self.provider_name = f"{armed.fault.name} provider"

    def IsVolumeSupported(self, volume: str) -> bool:
        return self.armed.active()


def arm_snapshot_limit(armed: Armed) -> None:
    """#12: every volume holds its limit of shadow copies: AddToSnapshotSet refuses."""
    provider = _FullProvider(armed)
    armed.system.register_provider(provider)
    armed.details["provider"] = provider
    armed.count_in_trace(
        refused("AddToSnapshotSet", hresults.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED)
    )


# ---------------------------------------------------------------------------------------------
# Patches of one object, where the model has no knob yet
# ---------------------------------------------------------------------------------------------


def _patch(obj: object, name: str, replacement: Callable[..., Any], armed: Armed) -> None:
    previous = vars(obj).get(name)
    setattr(obj, name, replacement)

    def undo() -> None:
        if vars(obj).get(name) is replacement:
            if previous is None:
                delattr(obj, name)
            else:
                setattr(obj, name, previous)

    armed.on_cure(undo)


def _volume_option(armed: Armed) -> str:
    volume = str(armed.options.pop("volume", "C:\\"))
    return volume if volume.endswith("\\") else volume + "\\"


def arm_volume_declined(armed: Armed) -> None:
    """#13: every registered provider declines the volume while the fault is active."""
    volume = _volume_option(armed)
    armed.details["volume"] = volume
    for provider in armed.system.providers:
        original = provider.IsVolumeSupported

        def declines(name: str, _original: Callable[[str], bool] = original) -> bool:
            if name.lower() == volume.lower() and armed.active():
                armed.fired_once()
                return False
            return _original(name)

        _patch(provider, "IsVolumeSupported", declines, armed)


def arm_denied(armed: Armed) -> None:
    """#15: the caller's token has neither administrator nor backup-operator rights."""
    system = armed.system
    create = system.CreateVssBackupComponents

    def denied_object() -> IVssBackupComponents:
        bc = create()
        if not armed.active(bc.session_id):
            return bc
        for method in ("InitializeForBackup", "InitializeForRestore"):

            def refuse(*args: object, _method: str = method) -> None:
                armed.fired_once()
                raise make_error(
                    hresults.E_ACCESSDENIED,
                    f"{_method}: access denied; the caller is neither an administrator nor a "
                    "backup operator (docs/field-failures.md #15)",
                )

            setattr(bc, method, refuse)
        return bc

    _patch(system, "CreateVssBackupComponents", denied_object, armed)


# ---------------------------------------------------------------------------------------------
# Requesters: one that holds the creation lock, ones that misuse their object
# ---------------------------------------------------------------------------------------------


def wait(op: IVssAsync) -> int:
    """Wait for an operation without raising; its final QueryStatus."""
    with contextlib.suppress(VssError):
        op.Wait()
    return op.QueryStatus()


def _release(bc: IVssBackupComponents) -> None:
    if bc.phase is not Phase.RELEASED:
        bc.Release()


def arm_lock(*, leaked: bool) -> Any:
    """#1 / #2: another requester's set is in creation (released after ``hold`` seconds, or,
    ``leaked``, never: only Release, ``Armed.cure()``, frees it)."""

    def arm(armed: Armed) -> None:
        system = armed.system
        hold = float(armed.options.pop("hold", 30.0))
        volume = _volume_option(armed)
        bc = system.CreateVssBackupComponents()
        armed.details["requester"] = bc
        try:
            bc.InitializeForBackup()
            bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
            wait(bc.GatherWriterMetadata())
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet(volume, GUID_NULL)
            if leaked:
                # Its PrepareForBackup failed (or it crashed right after it), and it never
                # called AbortBackup nor Release (docs/field-failures.md #2).
                wait(bc.PrepareForBackup())
        except VssError as exc:
            # Another set is in creation already (or the volume is gone): this requester
            # gives up at once and holds nothing.
            armed.details["error"] = exc.name
            _release(bc)
            return
        armed.count_in_trace(
            refused(
                "StartSnapshotSet",
                hresults.VSS_E_SNAPSHOT_SET_IN_PROGRESS,
                other_than=bc.session_id,
            )
        )
        armed.on_cure(lambda: _release(bc))
        if not leaked:

            def finish() -> None:
                system.sleep(hold)
                if not armed.cured:
                    armed.cure()

            system.spawn(finish, name=f"fault {armed.fault.name}")

    return arm


def end_requester_process(armed: Armed) -> None:
    """The leaked requester's process ends (the other documented cure of #2).

    Its object is dropped without Release, as a process that exits drops its COM objects; the
    machine releases a dead requester's object as COM does (docs/design.md, "When user code
    misbehaves"): what was under way is aborted and the creation lock freed. The machine's
    pending tasks run until that is done.
    """
    armed.details.pop("requester", None)
    armed.forget_cures()
    gc.collect()
    armed.system.run()


def arm_misuse(expected: int, steps: Callable[[IVssBackupComponents], None]) -> Any:
    """#5, #6, #14: a requester makes ``steps`` on a new object; fired when the last refused
    call's code is ``expected``. The object is released afterwards, which aborts a set left in
    creation (it leaks nothing)."""

    def arm(armed: Armed) -> None:
        system = armed.system
        with system.CreateVssBackupComponents() as bc:
            armed.details["requester"] = bc
            try:
                steps(bc)
            except VssError as exc:
                armed.details["error"] = exc.name
                armed.details["message"] = str(exc)
                if exc.hresult == expected:
                    armed.fired_once()

    return arm


def prepared(bc: IVssBackupComponents, volume: str = "C:\\") -> None:
    """The documented calls up to a finished PrepareForBackup of ``volume`` (§A.6 V-1 1–7)."""
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
    wait(bc.GatherWriterMetadata())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet(volume, GUID_NULL)
    wait(bc.PrepareForBackup())


# ---------------------------------------------------------------------------------------------
# The machine: volumes removed, services and writer hosts restarted
# ---------------------------------------------------------------------------------------------


def _now_or_later(armed: Armed, act: Callable[[], None]) -> None:
    delay = armed.when.delay

    def once() -> None:
        if armed.cured:
            return
        act()
        armed.fired_once()

    if delay <= 0:
        once()
        return

    def later() -> None:
        armed.system.sleep(delay)
        once()

    armed.system.spawn(later, name=f"fault {armed.fault.name}")


def arm_volume_removed(armed: Armed) -> None:
    """The volume disappears (``VssSystem.remove_volume``); the cure adds it back."""
    system = armed.system
    volume = _volume_option(armed)
    armed.details["volume"] = volume

    def remove() -> None:
        if volume.lower() in (v.lower() for v in system.volume_names):
            system.remove_volume(volume)

    _now_or_later(armed, remove)

    def add_back() -> None:
        if volume.lower() not in (v.lower() for v in system.volume_names):
            system.add_volume(volume)

    armed.on_cure(add_back)


def arm_restart(what: str) -> Any:
    """The VSS service (``"service"``) or the target writer's host (``"host"``) restarts, now or
    after the progression's delay."""

    def arm(armed: Armed) -> None:
        system = armed.system
        if what == "service":
            _now_or_later(armed, system.restart_vss_service)
            return
        writer = armed.target
        if not isinstance(writer, CVssWriter):
            raise TypeError(f"{armed.fault.name} applies to a writer; got {writer!r}")
        _now_or_later(armed, lambda: system.restart_writer_host(writer))

    return arm


def arm_kernel(step: str, seconds: float) -> Any:
    """A kernel step of creation (``"flush"`` of a volume, the transaction managers'
    ``"freeze"`` or ``"thaw"``) takes ``seconds``, now or after the progression's delay; firings
    are the trace's timed-out kernel steps; the cure makes every kernel step instant again."""

    def arm(armed: Armed) -> None:
        system = armed.system
        spend = float(armed.options.pop("seconds", seconds))
        what = {
            "flush": "every volume of the set is flushed",
            "freeze": "the transaction managers (KTM, DTC) are frozen",
            "thaw": "the transaction managers are thawed",
        }[step]
        if step == "flush":
            volume = _volume_option(armed)
            armed.details["volume"] = volume

            def act() -> None:
                system.set_flush_time(volume, spend)
        else:

            def act() -> None:
                system.set_transaction_manager_times(**{step: spend})

        delay = armed.when.delay
        if delay <= 0:
            act()
        else:

            def later() -> None:
                system.sleep(delay)
                if not armed.cured:
                    act()

            system.spawn(later, name=f"fault {armed.fault.name}")
        armed.count_in_trace(
            lambda record: (
                record.kind is TraceKind.FAULT
                and record.name == "kernel step timed out"
                and (record.detail or "").startswith(what)
            )
        )
        armed.on_cure(system.reset_kernel_times)

    return arm
