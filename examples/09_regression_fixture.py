"""Lesson 9: a real server's writers as a regression fixture, in one call.

A customer sends the metadata folder diskshadow left behind (Manifest.xml, BCDocument.xml,
WM0.xml … WMn.xml). ``fakes.machine_from_capture`` turns it into a simulated machine with the
same writers, components, files and volumes; ``machine.replay()`` runs the customer's backup
again with the VShadow-style requester, and the BCD it saves selects what the captured one
selects. Then the lesson turns on a fault the customer might meet (the SQL Server writer vetoes
Freeze) and shows what the backup tool would see.

Run it with the path of a metadata folder, e.g. the ``no_sql`` capture of
``KevinGoode/vssbackup``::

    python examples/09_regression_fixture.py path/to/no_sql
"""

from __future__ import annotations

import sys
from pathlib import Path

import fakes
from simulator import VSS_E_WRITERERROR_RETRYABLE, WriterEvent, WriterMetadata


def main(folder: str | Path, *, seed: int = 0) -> int:
    machine = fakes.machine_from_capture(folder, seed=seed)
    capture = machine.capture
    print(f"machine {capture.machine_name}, volumes {', '.join(machine.volume_names)}")
    print(f"{len(machine.captured)} writers:")
    for writer in machine.captured:
        components = writer.metadata.components
        files = sum(len(c.files) + len(c.database_files) for c in components)
        print(f"  {writer.name}: {len(components)} component(s), {files} file set(s)")

    # Each writer identifies with exactly its captured document.
    with machine.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        same = 0
        for index in range(bc.GetWriterMetadataCount()):
            instance_id, examine = bc.GetWriterMetadata(index)
            saved = WriterMetadata.from_xml(examine.SaveAsXML())
            captured = machine.writer(str(instance_id)).metadata
            same += saved == captured
    print(f"documents equal to the captured ones: {same} of {len(machine.captured)}")

    # The customer's backup, again: the same writers and components are selected.
    report = machine.replay()
    assert report.backup_components is not None
    selection = fakes.bcd_selection(report.backup_components)
    names = {w.metadata.identity.instance_id: w.name for w in machine.captured}
    print(f"replay: {'ok' if report.ok else report.error}; selection:")
    for (instance_id, _), components in selection.items():
        listed = ", ".join(
            sorted(f"{path}\\{name}" if path else name for _, path, name in components)
        )
        print(f"  {names[instance_id]}: {listed}")
    print(f"same selection as the captured BCD: {selection == capture.selection}")

    # A fault on the customer's machine: the SQL Server writer vetoes Freeze.
    # (The captured backup left the SQL Server writer out; this one includes it.)
    machine.writer("SqlServerWriter").on(
        WriterEvent.FREEZE, fakes.Veto(VSS_E_WRITERERROR_RETRYABLE)
    )
    failed = fakes.vshadow_backup(machine, capture.volumes)
    status = failed.status_of("SqlServerWriter")
    assert status is not None
    print(f"with SqlServerWriter vetoing Freeze: {failed.error}, {status.state.name}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1]))
