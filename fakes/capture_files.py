"""Reading a diskshadow metadata folder: ``Manifest.xml``, ``BCDocument.xml`` and one Writer
Metadata Document per writer (``WM0.xml`` … ``WMn.xml``), as diskshadow leaves them after
``set metadata`` and ``backup`` (docs/reference.md §7.1, §7.3).

Encodings: a byte-order mark decides (UTF-8, UTF-16 LE or BE); without one, a first character
whose second byte is 0 means UTF-16 LE, as diskshadow writes ``Manifest.xml``, a first byte 0 means
UTF-16 BE, anything else UTF-8. An XML declaration is dropped once the text is decoded.

Every problem with a folder raises :class:`CaptureError` (a ``ValueError``) naming the file.
"""

from __future__ import annotations

import functools
import ntpath
import re
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.etree.ElementTree import Element

import attrs
from defusedxml import ElementTree

from simulator import (
    VSS_COMPONENT_TYPE,
    BackupComponentsDocument,
    VssError,
    WriterMetadata,
)

__all__ = [
    "MANIFEST",
    "Capture",
    "CaptureError",
    "Selection",
    "bcd_selection",
    "decode_document",
    "read_capture",
]

#: The manifest's file name in a diskshadow metadata folder.
MANIFEST = "Manifest.xml"

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DRIVE = re.compile(r"^([A-Za-z]):(?:\\|$)")
_GUID_VOLUME = re.compile(r"^(\\\\\?\\Volume\{[0-9A-Fa-f-]{36}\}\\)", re.IGNORECASE)

#: (instance id, writer id) -> the components selected, as (type, logical path, name).
Selection = Mapping[
    tuple[uuid.UUID, uuid.UUID], frozenset[tuple[VSS_COMPONENT_TYPE, str | None, str]]
]


class CaptureError(ValueError):
    """A metadata folder, or one of its files, cannot be read; ``path`` names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def decode_document(path: Path) -> str:
    """The text of one document of the folder, whatever encoding diskshadow chose."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CaptureError(path, "no such file") from None
    except OSError as exc:
        raise CaptureError(path, f"cannot be read ({exc.strerror})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", data
    elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
        encoding, body = "utf-16-le", data
    elif len(data) >= 2 and data[0] == 0 and data[1] != 0:
        encoding, body = "utf-16-be", data
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CaptureError(path, f"is not valid {encoding.upper()} text ({exc.reason})") from None
    if not text.strip():
        raise CaptureError(path, "is empty")
    return _DECLARATION.sub("", text, count=1)


def _read_metadata(path: Path) -> WriterMetadata:
    """A parsed Writer Metadata Document; unchanged files are parsed once per process."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise CaptureError(path, "no such file") from None
    return _parse_metadata(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=128)
def _parse_metadata(path: str, size: int, mtime_ns: int) -> WriterMetadata:
    text = decode_document(Path(path))
    try:
        return WriterMetadata.from_xml(text)
    except VssError as exc:
        raise CaptureError(Path(path), f"is not a Writer Metadata Document: {exc}") from None


def _parse_manifest(path: Path) -> Element:
    text = decode_document(path)
    try:
        root = ElementTree.fromstring(text, forbid_dtd=True)
    except Exception as exc:
        raise CaptureError(path, f"is not a well-formed manifest: {exc}") from None
    if root.tag != "Manifest":
        raise CaptureError(path, f"the root element is {root.tag}, not Manifest")
    return root


def _writer_files(path: Path, root: Element) -> list[tuple[str, str]]:
    """(writer name, file name) of each Writer element, with diskshadow's %s turned to spaces."""
    writers = root.find("Writers")
    if writers is None:
        raise CaptureError(path, "has no Writers element")
    found = []
    for element in writers.findall("Writer"):
        name = element.get("Name")
        file = element.get("MetadataFile")
        if not name or not file:
            raise CaptureError(path, "a Writer element lacks Name or MetadataFile")
        found.append((name.replace("%s", " "), ntpath.basename(file)))
    count = writers.get("Count")
    if count is not None and count.strip().isdigit() and int(count) != len(found):
        raise CaptureError(path, f"Writers Count is {count} but {len(found)} are listed")
    return found


def _guid(path: Path, text: str | None, what: str) -> uuid.UUID | None:
    if text is None:
        return None
    try:
        return uuid.UUID(text.strip().strip("{}"))
    except ValueError:
        raise CaptureError(path, f"{what} is {text!r}, not a GUID") from None


def bcd_selection(document: BackupComponentsDocument | str) -> Selection:
    """The writers and components a Backup Components Document selects."""
    bcd = document if isinstance(document, BackupComponentsDocument) else None
    if bcd is None:
        bcd = BackupComponentsDocument.from_xml(str(document))
    return {
        (w.instance_id, w.writer_id): frozenset(
            (VSS_COMPONENT_TYPE(c.component_type), c.logical_path, c.component_name)
            for c in w.components
        )
        for w in bcd.writers
    }


def _volume_of(path: str) -> str | None:
    guid = _GUID_VOLUME.match(path)
    if guid is not None:
        return guid.group(1)
    drive = _DRIVE.match(path)
    if drive is not None:
        return f"{drive.group(1).upper()}:\\"
    return None


def _paths(metadata: WriterMetadata) -> Iterable[str]:
    for component in metadata.components:
        for files in (component.files, component.database_files, component.database_log_files):
            for f in files:
                yield f.path
                if f.alternate_location:
                    yield f.alternate_location
    for files in (
        metadata.exclude_files,
        metadata.exclude_from_snapshot,
        metadata.alternate_location_mappings,
    ):
        for f in files:
            yield f.path


@attrs.frozen
class Capture:
    """A diskshadow metadata folder, read.

    ``documents`` holds (file name, parsed WMD) in the Manifest's order; ``volumes`` the volumes
    of the shadow copy set; ``missing`` the documents the Manifest names that the folder lacks
    (only with ``allow_missing``); ``backup_components`` the parsed ``BCDocument.xml``, if any.
    """

    folder: Path
    machine_name: str | None
    snapshot_set_id: uuid.UUID | None
    volumes: tuple[str, ...]
    documents: tuple[tuple[str, WriterMetadata], ...]
    missing: tuple[str, ...] = ()
    backup_components: BackupComponentsDocument | None = None

    @property
    def writers(self) -> tuple[WriterMetadata, ...]:
        """Every parsed Writer Metadata Document, in the Manifest's order."""
        return tuple(metadata for _, metadata in self.documents)

    def named_volumes(self) -> tuple[str, ...]:
        """The set's volumes, then every other volume a document's paths name (drive letters
        and ``\\\\?\\Volume{…}\\`` paths), in order of first mention; ``%SystemRoot%``-style
        variables count as C:."""
        names = dict.fromkeys(self.volumes)
        for metadata in self.writers:
            for path in _paths(metadata):
                if path.startswith("%"):
                    path = "C:\\"
                volume = _volume_of(path)
                if volume is not None:
                    names.setdefault(volume)
        return tuple(names)

    @property
    def selection(self) -> Selection:
        """The writers and components the captured BCD selects (empty without a BCD)."""
        bcd = self.backup_components
        return {} if bcd is None else bcd_selection(bcd)

    def left_out(self) -> tuple[WriterMetadata, ...]:
        """The writers the captured BCD does not select (excluded by the operator, or with
        nothing to back up on the set's volumes)."""
        selected = {instance for instance, _ in self.selection}
        return tuple(m for m in self.writers if m.identity.instance_id not in selected)


def read_capture(folder: str | Path, *, allow_missing: bool = False) -> Capture:
    """Read a diskshadow metadata folder; :class:`CaptureError` names any file that fails.

    ``allow_missing``: a document the Manifest names but the folder lacks is recorded in
    ``Capture.missing`` instead of failing.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise CaptureError(folder, "is not a folder")
    root = _parse_manifest(manifest_path)
    shadow_set = root.find("ShadowCopySet")
    machine_name = shadow_set.get("MachineName") if shadow_set is not None else None
    set_id = _guid(
        manifest_path,
        shadow_set.get("GUID") if shadow_set is not None else None,
        "ShadowCopySet GUID",
    )
    volumes: list[str] = []
    if shadow_set is not None:
        for copy in shadow_set.findall("ShadowCopy"):
            volume = copy.get("OriginalVolume")
            if volume:
                volumes.append(volume if volume.endswith("\\") else volume + "\\")
    documents: list[tuple[str, WriterMetadata]] = []
    missing: list[str] = []
    for name, file in _writer_files(manifest_path, root):
        path = folder / file
        if allow_missing and not path.exists():
            missing.append(file)
            continue
        metadata = _read_metadata(path)
        if metadata.identity.writer_name != name:
            raise CaptureError(
                path,
                f"describes writer {metadata.identity.writer_name!r}, but {MANIFEST} names it "
                f"{name!r}",
            )
        if metadata.include_files:
            raise CaptureError(
                path, "holds INCLUDE_FILES, which no writer can report (AddIncludeFiles)"
            )
        documents.append((file, metadata))
    bcd: BackupComponentsDocument | None = None
    element = root.find("BackupComponents")
    bcd_file = element.get("File") if element is not None else None
    if bcd_file:
        bcd_path = folder / ntpath.basename(bcd_file)
        text = decode_document(bcd_path)
        try:
            bcd = BackupComponentsDocument.from_xml(text)
        except VssError as exc:
            raise CaptureError(bcd_path, f"is not a Backup Components Document: {exc}") from None
    return Capture(
        folder=folder,
        machine_name=machine_name,
        snapshot_set_id=set_id,
        volumes=tuple(volumes),
        documents=tuple(documents),
        missing=tuple(missing),
        backup_components=bcd,
    )
