"""Faults of the machine rather than of one call: the VSS service restarted, a writer's host
restarted, a volume removed, a writer that stops responding (docs/field-failures.md #9), and the
kernel's steps of creation taking too long (``KERNEL_STEPS``, docs/reference.md §5).

``VssSystem`` exposes them as ``restart_vss_service()``, ``restart_writer_host(writer)``,
``remove_volume(name)``, ``writer_not_responding()``, ``set_flush_time(volume, seconds)`` and
``set_transaction_manager_times(freeze, thaw)``; ``fakes.faults`` builds its presets on them.

Policies where the documentation is silent ([INF], docs/design.md):
* Restarting the VSS service aborts every session still under way (AbortSnapshots to its providers,
  OnAbort to the writers that joined and have not had PostSnapshot, the creation lock freed),
  deletes the auto-release copies of every object not yet released (those objects refuse further
  calls as released ones do: the RPC disconnection Windows reports is not modelled), and forgets
  every writer's last state, failure and metadata (vssadmin shows them Stable, No error); every
  provider gets OnUnload(TRUE), then OnLoad.
* Restarting a writer's host keeps the writer object and its instance id, and resets its last
  state, failure and metadata and its shutting-down flag; it is refused while one of the writer's
  handlers runs.
* A removed volume is unknown from then on (AddToSnapshotSet: VSS_E_OBJECT_NOT_FOUND,
  IsVolumeSupported: false); its shadow copies are gone with it, without provider calls.
* A writer that does not respond fails the event being delivered with
  VSS_E_WRITER_NOT_RESPONDING, as if VSS had given up waiting; no virtual time passes.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable

from .. import hresults as hr
from .._engine.threads import current_thread_key
from .._engine.trace import TraceKind
from .._vocabulary.enums import VSS_SNAPSHOT_STATE, VSS_WRITER_STATE
from .._vocabulary.errors import VssBadState, VssObjectNotFound
from .coordinator import Coordinator
from .machine import Machine
from .records import Session, Volume, WriterCore

__all__ = ["MachineFaults"]


class MachineFaults:
    """The machine-level faults of one machine, and how often each writer's host restarted."""

    def __init__(self, machine: Machine, coordinator: Coordinator) -> None:
        self.machine = machine
        self.coordinator = coordinator
        #: writer instance id -> how many times its host was restarted
        self.host_restarts: dict[uuid.UUID, int] = {}
        #: how many times the VSS service was restarted
        self.service_restarts = 0

    # -- the VSS service ---------------------------------------------------------------------

    def restart_vss_service(
        self, under_way: Iterable[Session], dropped: Iterable[Session] = ()
    ) -> None:
        """Abort the sessions ``under_way`` (and the lock holder's), delete the auto-release
        copies of every ``dropped`` session, then reset every writer's last state."""
        machine = self.machine
        holder = machine.creation_lock.holder
        todo = list(under_way)
        if holder is not None and holder not in todo:
            todo.insert(0, holder)
        machine.record(TraceKind.FAULT, "VSS service restarted", detail=f"{len(todo)} session(s)")
        for session in todo:
            session.abort_requested = True
            self._run(functools.partial(self.coordinator.abort_backup, session), "service restart")
        for session in dropped:
            machine.release_snapshots(session)
        # The service's process ends: its providers are released and loaded again (§9).
        machine.unload_providers()
        machine.load_providers()
        for core in machine.writers:
            core.last_state = VSS_WRITER_STATE.VSS_WS_STABLE
            core.last_failure = hr.S_OK
            core.last_metadata = None
        self.service_restarts += 1

    def _run(self, body: Callable[[], None], what: str) -> None:
        machine = self.machine
        task = machine.spawn_operation(body, what)
        machine.scheduler.join(task)
        if task.error is not None:
            machine.scheduler.failed.remove(task)
            raise task.error

    # -- a writer's host -----------------------------------------------------------------------

    def restart_writer_host(self, core: WriterCore) -> None:
        """The process that hosts the writer was restarted: its state starts afresh."""
        if core.active:
            running = ", ".join(inv.name for inv in core.active.values())
            raise VssBadState(
                f"restart_writer_host: writer {core.name!r} is running {running}; restart its "
                "host between sessions"
            )
        core.last_state = VSS_WRITER_STATE.VSS_WS_STABLE
        core.last_failure = hr.S_OK
        core.last_metadata = None
        core.shutting_down = False
        self.host_restarts[core.instance_id] = self.host_restarts.get(core.instance_id, 0) + 1
        self.machine.record(TraceKind.FAULT, "writer host restarted", writer=core.name)

    def not_responding(self, core: WriterCore, detail: str) -> None:
        """Called from inside one of ``core``'s handlers: VSS gave up waiting for it, so the
        event fails with VSS_E_WRITER_NOT_RESPONDING once the handler returns."""
        inv = core.active.get(current_thread_key())
        if inv is None:
            raise VssBadState(
                f"writer_not_responding: no handler of writer {core.name!r} runs on this thread"
            )
        inv.ws.fail(hr.VSS_E_WRITER_NOT_RESPONDING)
        inv.failed = True
        self.machine.record(
            TraceKind.FAULT, "writer not responding", inv.session, core.name, detail=detail
        )

    # -- the kernel's steps of creation (KERNEL_STEPS) ----------------------------------------

    def set_flush_time(self, volume: Volume, ticks: int) -> None:
        """The kernel takes ``ticks`` to flush ``volume`` when a set is committed."""
        self.machine.kernel.set_flush_ticks(volume.name.lower(), ticks)

    def set_transaction_manager_times(self, freeze_ticks: int, thaw_ticks: int) -> None:
        """The transaction managers take these to freeze and to thaw when a set is committed."""
        self.machine.kernel.set_transaction_manager_ticks(freeze_ticks, thaw_ticks)

    # -- volumes ---------------------------------------------------------------------------------

    def remove_volume(self, name: str) -> None:
        """The volume disappears (unplugged, dismounted); its shadow copies go with it."""
        machine = self.machine
        volume = machine.find_volume(name)
        if volume is None:
            raise VssObjectNotFound(
                f"remove_volume: no volume {name!r}; volumes are "
                f"{', '.join(v.name for v in machine.volumes)}"
            )
        machine.forget_volume(volume)
        for snapshot in list(machine.snapshots.values()):
            if snapshot.original_volume == volume.name:
                snapshot.state = VSS_SNAPSHOT_STATE.VSS_SS_DELETED
                del machine.snapshots[snapshot.snapshot_id]
        machine.record(TraceKind.FAULT, "volume removed", detail=volume.name)
