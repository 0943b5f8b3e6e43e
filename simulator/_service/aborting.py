"""Aborting a snapshot set (docs/reference.md §4.2): providers first, then the writers that joined.

Policies where the documentation is silent ([INF], docs/design.md):
* OnAbort goes to writers that joined (PrepareForBackup or PrepareForSnapshot) and have not had
  PostSnapshot.
* Providers hear of an abort (AbortSnapshots) only once EndPrepareSnapshots went out; an
  AbortSnapshots failure is traced and otherwise ignored.
"""

from __future__ import annotations

import contextlib

from .._engine.trace import TraceKind
from .._rules.writer_states import WriterEvent
from .._vocabulary.errors import VssError
from .delivery import EventDelivery, compiled
from .machine import Machine
from .provider_calls import call_provider
from .providers import VssProvider
from .records import Session

__all__ = ["Aborts"]

_ABORT = compiled[WriterEvent.ABORT]


class Aborts:
    """The abort path of one machine."""

    def __init__(self, machine: Machine, delivery: EventDelivery) -> None:
        self.machine = machine
        self._deliver = delivery.deliver

    def abort(self, session: Session, providers: list[VssProvider], reason: str) -> None:
        """Abort the set, saying why in the trace."""
        self.machine.record(TraceKind.FAULT, "abort", session, detail=reason)
        self.abort_providers(session, providers)
        self.abort_writers(session)

    def abort_writers(self, session: Session) -> None:
        """OnAbort to every writer that joined and has not had PostSnapshot."""
        deliver = self._deliver
        for ws in session.contacted:
            if ws.joined and not ws.post_snapshot_done:
                deliver(session, ws, _ABORT)

    def abort_providers(self, session: Session, providers: list[VssProvider]) -> None:
        """AbortSnapshots to each provider once EndPrepareSnapshots went out; the set's copies
        are discarded."""
        if not session.providers_prepared or session.snapshot_set_id is None:
            return  # before EndPrepareSnapshots a provider learns of it from a new set id
        recorder = self.machine.recorder
        for provider in providers:
            with contextlib.suppress(VssError):
                call_provider(
                    recorder, session, provider, "AbortSnapshots", session.snapshot_set_id
                )
        self.machine.discard(session)
