"""Refusal messages generated from the call-order table (simulator/_rules/refusals.py,
docs/reference.md §3.5): every restore phase names a backup call as one, and a call taken in
several phases lists them all."""

from __future__ import annotations

import pytest

from simulator import Call, Phase, VssBadState, VssSystem
from simulator.rules import BACKUP_ORDER, explain_refusal
from tests.helpers import drive_to, make_writer

P = Phase
RESTORE = [P.RESTORE_INITIALIZED, P.RESTORE_METADATA_GATHERED, P.PRE_RESTORED, P.POST_RESTORED]


@pytest.mark.parametrize("phase", RESTORE, ids=lambda p: p.name)
def test_a_backup_call_in_any_restore_phase_is_named_so(system: VssSystem, phase: Phase) -> None:
    make_writer(system)
    bc = drive_to(system.CreateVssBackupComponents(), phase)
    with pytest.raises(VssBadState) as refused:
        bc.StartSnapshotSet()
    assert "it is a backup call and this object is doing a restore" in refused.value.message
    assert bc.phase is phase


def test_a_call_taken_in_several_phases_lists_them_all() -> None:
    message = explain_refusal(
        BACKUP_ORDER, P.BACKUP_INITIALIZED, Call.GET_SNAPSHOT_PROPERTIES, [], writerless=False
    )
    assert message == (
        "GetSnapshotProperties is not allowed now (after InitializeForBackup): it is taken only "
        "after a successful DoSnapshotSet or after BackupComplete. Calls so far: none."
    )


def test_a_call_taken_in_three_phases_is_listed_with_commas() -> None:
    message = explain_refusal(
        BACKUP_ORDER, P.CREATED, Call.ADD_TO_SNAPSHOT_SET, [], writerless=False
    )
    assert "not initialized" in message
    message = explain_refusal(
        BACKUP_ORDER, P.BACKUP_COMPLETED, Call.ADD_COMPONENT, ["X"], writerless=False
    )
    assert message.endswith(
        "it is taken only after GatherWriterMetadata or after StartSnapshotSet. Calls so far: X."
    )
    message = explain_refusal(
        BACKUP_ORDER, P.BACKUP_COMPLETED, Call.SET_BACKUP_STATE, [], writerless=False
    )
    assert (
        "it is taken only after InitializeForBackup, after SetContext, after "
        "GatherWriterMetadata, after StartSnapshotSet or after InitializeForRestore." in message
    )
