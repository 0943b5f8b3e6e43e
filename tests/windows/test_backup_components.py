"""IVssBackupComponents over the indexed Backup Components Document (docs/reference.md §3.2 rows
5–7, 16; §7.3, §7.4): AddComponent and the calls that name a component find what a scan would,
with many components per writer, two instances of one writer class, and a thousand writers in
linear work."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from simulator import (
    VSS_BT_FULL,
    VSS_CT_DATABASE,
    VSS_CT_FILEGROUP,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    ViolationRule,
    VssInvalidArg,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssSystem,
)
from tests.helpers import QuietWriter, instance_id, make_writer

CT = VSS_CT_FILEGROUP


class ManyComponents(QuietWriter):
    """QuietWriter plus twelve selectable components and one nonselectable subcomponent of
    ``Files`` (more than the few a writer's components are searched for, so they are indexed)."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        for n in range(12):
            metadata.AddComponent(CT, "Many", f"c{n}", f"c{n}", None, 0, False, False, True)
        metadata.AddComponent(CT, "Files", "Sub", "Sub", None, 0, False, False, False)
        return True


def gathered(system: VssSystem) -> IVssBackupComponents:
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(True, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    return bc


def prepare(bc: IVssBackupComponents) -> str:
    """PrepareForBackup, then the BCD as XML (SaveAsXML is taken from there)."""
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    bc.PrepareForBackup().Wait()
    return bc.SaveAsXML()


@pytest.fixture
def many(system: VssSystem) -> Iterator[tuple[IVssBackupComponents, uuid.UUID, uuid.UUID]]:
    writer = make_writer(system, "Many", cls=ManyComponents)
    bc = gathered(system)
    yield bc, instance_id(writer), writer._vss.writer_id
    bc.Release()


def test_add_component_finds_each_of_many_components(
    many: tuple[IVssBackupComponents, uuid.UUID, uuid.UUID], system: VssSystem
) -> None:
    bc, instance, writer_id = many
    for n in reversed(range(12)):
        bc.AddComponent(instance, writer_id, CT, "Many", f"c{n}")
    bc.AddComponent(instance, writer_id, CT, "", "Files")
    assert system.violations == []
    for wrong in [(CT, "Many", "c12"), (VSS_CT_DATABASE, "Many", "c1"), (CT, None, "c1")]:
        with pytest.raises(VssObjectNotFound):
            bc.AddComponent(instance, writer_id, *wrong)
    with pytest.raises(VssObjectAlreadyExists):
        bc.AddComponent(instance, writer_id, CT, "Many", "c3")
    with pytest.raises(VssObjectNotFound):
        bc.AddComponent(instance, uuid.UUID(int=7), CT, "Many", "c3")
    names = re.findall(r'componentName="([^"]+)"', prepare(bc))
    assert names == [f"c{n}" for n in reversed(range(12))] + ["Files"]


def test_a_nonselectable_subcomponent_is_still_reported(
    many: tuple[IVssBackupComponents, uuid.UUID, uuid.UUID], system: VssSystem
) -> None:
    bc, instance, writer_id = many
    bc.AddComponent(instance, writer_id, CT, "Files", "Sub")
    assert [v.rule for v in system.violations] == [ViolationRule.NONSELECTABLE_SUBCOMPONENT_ADDED]


def test_get_writer_metadata_by_index(
    many: tuple[IVssBackupComponents, uuid.UUID, uuid.UUID],
) -> None:
    bc, instance, writer_id = many
    assert bc.GetWriterMetadata(0)[0] == instance
    assert bc.GetWriterMetadataEx(0)[:3] == (instance, writer_id, "Many")
    for bad in (1, -1):
        with pytest.raises(VssObjectNotFound, match="there are 1"):
            bc.GetWriterMetadata(bad)
    for garbage in ("0", 0.0, None, True):
        # [INF] an index that is not an integer is E_INVALIDARG, never "not found"
        with pytest.raises(VssInvalidArg, match="GetWriterMetadata: index must be an integer"):
            bc.GetWriterMetadata(garbage)  # type: ignore[arg-type]
        with pytest.raises(VssInvalidArg, match="GetWriterMetadataEx: index must be an integer"):
            bc.GetWriterMetadataEx(garbage)  # type: ignore[arg-type]


def test_get_writer_status_by_index(
    many: tuple[IVssBackupComponents, uuid.UUID, uuid.UUID],
) -> None:
    bc, instance, _ = many
    bc.GatherWriterStatus().Wait()
    assert bc.GetWriterStatus(0).instance_id == instance
    with pytest.raises(VssObjectNotFound, match="there are 1"):
        bc.GetWriterStatus(1)
    with pytest.raises(VssInvalidArg, match="GetWriterStatus: index must be an integer"):
        bc.GetWriterStatus("0")  # type: ignore[arg-type]


def test_two_instances_of_one_writer_class(system: VssSystem) -> None:
    writer_id = system.new_guid()
    first, second = QuietWriter(), QuietWriter()
    for writer, name in ((first, "one"), (second, "two")):
        writer.InitializeEx(
            writer_id, "Twin", 1, 0, VSS_UT_USERDATA, VSS_ST_OTHER, writer_instance_name=name
        )
        writer.Subscribe()
    with gathered(system) as bc:
        for writer in (second, first):
            bc.AddComponent(instance_id(writer), writer_id, CT, None, "Files")
        # A call naming only the class sets the first instance in the BCD (second, here).
        bc.SetBackupOptions(writer_id, CT, None, "Files", "options")
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.SetBackupSucceeded(instance_id(first), writer_id, CT, None, "Files", True)
        bc.BackupComplete().Wait()
        xml = bc.SaveAsXML()
    [unmarked] = system.violations
    assert unmarked.rule is ViolationRule.BACKUP_SUCCEEDED_NOT_SET
    assert xml.index('instanceName="two"') < xml.index('backupOptions="options"')
    assert xml.index('backupOptions="options"') < xml.index('instanceName="one"')
    assert xml.index('instanceName="one"') < xml.index('backupSucceeded="yes"')
    assert xml.count("backupOptions=") == 1 and xml.count("backupSucceeded=") == 1


def test_a_thousand_writers_cost_linear_work(
    system: VssSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = 1000
    for n in range(writers):
        make_writer(system, f"W{n}")
    compared = [0]
    compare = uuid.UUID.__eq__

    def counting(a: uuid.UUID, b: Any) -> Any:
        compared[0] += 1
        return compare(a, b)

    with gathered(system) as bc:
        monkeypatch.setattr(uuid.UUID, "__eq__", counting)
        for index in range(bc.GetWriterMetadataCount()):
            instance, examine = bc.GetWriterMetadata(index)
            writer_id = examine.GetIdentity()[1]
            bc.AddComponent(instance, writer_id, CT, None, "Files")
            bc.SetBackupOptions(writer_id, CT, None, "Files", "o")
        monkeypatch.undo()
        assert prepare(bc).count('backupOptions="o"') == writers
    # A scan per call would compare about writers² / 2 = 500,000 times.
    assert compared[0] < 10 * writers
