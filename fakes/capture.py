"""A real server's writers as a regression fixture: a machine rebuilt from a diskshadow metadata
folder (``fakes.capture_files`` reads it).

``machine_from_capture(folder)`` returns a :class:`CaptureMachine`, a ``VssSystem`` with

* one :class:`CapturedWriter` per Writer Metadata Document, in the Manifest's order, each with
  the captured writer's id, name, instance id, instance name, version, usage and source type, and
  an OnIdentify that reports exactly the captured document: the metadata a requester reads back
  (``IVssExamineWriterMetadata.SaveAsXML``, or ``WriterMetadata.to_xml()``) parses to a
  ``WriterMetadata`` equal to the captured document's (equality of the parsed values; the XML text
  differs in whitespace, attribute order and GUID case);
* the volumes the documents name (``Capture.named_volumes``);
* each writer's behaviour a script a test changes: ``machine.writer("SqlServerWriter")`` is a
  ``ScriptedWriter``, so ``machine.writer("SqlServerWriter").on(WriterEvent.FREEZE, Veto())`` or
  ``fakes.faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(machine.writer("SqlServerWriter"))``.

``machine.replay()`` is the captured backup done again by the VShadow-style requester: the
Manifest's volumes, every writer the captured BCD leaves out excluded (``-wx``), and the BCD saved
(``-bc``), so ``bcd_selection(report.backup_components) == machine.capture.selection``.

Policies where the capture is silent ([INF], docs/design.md): a captured writer freezes at the
SYSTEM level when its usage is BOOTABLE_SYSTEM_STATE or SYSTEM_SERVICE and at FRONT_END otherwise,
with the default 60 s timeout; a volume the documents name only by ``\\\\?\\Volume{…}\\`` is added
under that name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator import (
    VSS_APPLICATION_LEVEL,
    VSS_USAGE_TYPE,
    IVssCreateWriterMetadata,
    VssSystem,
    WriterEvent,
    WriterMetadata,
    current_system,
)

from .actions import Action
from .capture_files import Capture, read_capture
from .reports import BackupReport
from .vshadow import vshadow_backup
from .writers import ScriptedWriter, install

__all__ = ["CaptureMachine", "CapturedWriter", "machine_from_capture"]

UT = VSS_USAGE_TYPE
_SYSTEM_STATE = (UT.VSS_UT_BOOTABLESYSTEMSTATE, UT.VSS_UT_SYSTEMSERVICE)


class CapturedWriter(ScriptedWriter):
    """A writer that identifies with one captured Writer Metadata Document (``metadata``).

    Its handlers follow ``script`` as any ``ScriptedWriter``'s do; OnIdentify reports the whole
    document, alternate location mappings included, before its own action.
    """

    def __init__(
        self,
        metadata: WriterMetadata,
        *,
        level: VSS_APPLICATION_LEVEL | None = None,
        timeout_freeze: int = 60000,
        script: Mapping[WriterEvent, Action] | None = None,
    ) -> None:
        identity = metadata.identity
        if level is None:
            level = (
                VSS_APPLICATION_LEVEL.VSS_APP_SYSTEM
                if identity.usage_type in _SYSTEM_STATE
                else VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END
            )
        super().__init__(
            name=identity.writer_name,
            writer_id=identity.writer_id,
            usage=identity.usage_type,
            source=identity.source_type,
            level=level,
            timeout_freeze=timeout_freeze,
            instance_name=identity.instance_name,
            components=metadata.components,
            restore_method=metadata.restore_method,
            exclude_files=metadata.exclude_files,
            exclude_from_snapshot=metadata.exclude_from_snapshot,
            backup_schema=int(metadata.backup_schema),
            script=script,
        )
        self.metadata = metadata

    def __repr__(self) -> str:
        i = self.metadata.identity
        return f"<CapturedWriter {i.writer_name!r} instance {i.instance_id}>"

    def setup(self) -> CapturedWriter:
        """InitializeEx with the captured version, the captured instance id, then Subscribe."""
        identity = self.metadata.identity
        self.InitializeEx(
            self.writer_id,
            self.name,
            identity.major_version,
            identity.minor_version,
            self.usage,
            self.source,
            self.level,
            self.timeout_freeze,
            writer_instance_name=self.instance_name,
        )
        current_system().assign_instance_id(self, identity.instance_id)
        self.Subscribe()
        return self

    def _report_metadata(self, metadata: IVssCreateWriterMetadata) -> None:
        super()._report_metadata(metadata)
        for f in self.metadata.alternate_location_mappings:
            metadata.AddAlternateLocationMapping(
                f.path, f.filespec, f.recursive, f.alternate_location or ""
            )


class CaptureMachine(VssSystem):
    """A ``VssSystem`` rebuilt from a capture (``capture``), with its writers in ``captured``."""

    def __init__(self, capture: Capture, *, seed: int = 0) -> None:
        super().__init__(seed, machine_name=capture.machine_name or "SIMHOST")
        self.capture = capture
        known = {v.lower() for v in self.volume_names}
        for volume in capture.named_volumes():
            if volume.lower() not in known:
                self.add_volume(volume)
                known.add(volume.lower())
        self.captured = [CapturedWriter(metadata) for metadata in capture.writers]
        install(self, self.captured)

    def writer(self, name: str, *, instance_name: str | None = None) -> CapturedWriter:
        """The captured writer called ``name`` (or with that writer or instance id)."""
        wanted = name.strip("{}").lower()
        found = [
            w
            for w in self.captured
            if wanted in (w.name.lower(), str(w.writer_id), str(w.metadata.identity.instance_id))
            and (instance_name is None or w.instance_name == instance_name)
        ]
        if len(found) == 1:
            return found[0]
        names = ", ".join(repr(w.name) for w in self.captured)
        if not found:
            raise KeyError(f"no captured writer {name!r}; the capture has {names}")
        instances = ", ".join(repr(w.instance_name) for w in found)
        raise KeyError(f"{len(found)} writers are called {name!r}; pick one of {instances}")

    def replay(self, **options: Any) -> BackupReport:
        """The captured backup again, by ``fakes.vshadow_backup``: the Manifest's volumes, the
        writers the captured BCD leaves out excluded, the BCD saved in the report."""
        exclude = [str(m.identity.instance_id) for m in self.capture.left_out()]
        options.setdefault("exclude", exclude)
        options.setdefault("save_bcd", True)
        return vshadow_backup(self, self.capture.volumes or ("C:\\",), **options)


def machine_from_capture(
    folder: str | Path, *, seed: int = 0, allow_missing: bool = False
) -> CaptureMachine:
    """A machine whose writers identify with exactly the documents of a diskshadow metadata
    folder (``Manifest.xml``, ``BCDocument.xml``, ``WM*.xml``); see the module docstring.

    Bad or partial folders raise ``fakes.CaptureError`` naming the file; ``allow_missing`` skips
    documents the Manifest names but the folder lacks (listed in ``machine.capture.missing``).
    """
    return CaptureMachine(read_capture(folder, allow_missing=allow_missing), seed=seed)
