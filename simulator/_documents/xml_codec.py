"""The XML layer shared by the Writer Metadata and Backup Components Documents (docs/reference.md §7).

Reading goes through :func:`parse_document`: ``defusedxml`` with DTDs, entities and external
references forbidden, a size cap (:data:`MAX_DOCUMENT_BYTES`), an element cap
(:data:`MAX_ELEMENTS`) and a depth cap (:data:`MAX_DEPTH`).
It returns a tree of :class:`XmlElement` whose typed accessors (GUIDs, yes/no booleans, integers,
enum spellings) raise :class:`VssInvalidXmlDocument` naming what was expected and where. Every
failure of a read is that one exception type.

Writing goes through :func:`element`, which renders one element with its attributes in the order
given, so the same document always gives the same text.

Enum spellings: one :class:`Spelling` table per enum. The WMD spellings (usage, dataSource,
method, writerRestore) and ``componentType`` / ``backupType`` are those of the real Windows
Server 2012 documents (``vss-real``), completed from Microsoft's VSS Test Writer sample
(``utility.cpp``), which reads and writes the same strings. Members neither shows (``UNDEFINED``
values, ``VSS_RME_RESTORE_STOP_START``, ``VSS_BT_COPY``, ``VSS_RT_ORIGINAL_LOCATION``, the restore
and roll-forward types) are spelled after their enum names in the style of their attribute.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from defusedxml.ElementTree import XMLParser

from .._vocabulary.enums import (
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_RESTORE_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_ROLLFORWARD_TYPE,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from .._vocabulary.error_classes import VssInvalidXmlDocument

WMD_NAMESPACE = "x-schema:#VssWriterMetadataInfo"
"""Namespace of the Writer Metadata Document (root ``WRITER_METADATA``)."""
BCD_NAMESPACE = "x-schema:#VssComponentMetadata"
"""Namespace of the Backup Components Document (root ``BACKUP_COMPONENTS``)."""
DOCUMENT_VERSION = "1.2"
"""The ``version`` attribute Windows Server 2012 writes on both roots."""

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""Documents larger than this (UTF-8 bytes) are rejected before parsing."""
MAX_DEPTH = 64
"""Element nesting deeper than this is rejected while parsing (real documents nest 4 deep)."""
MAX_ELEMENTS = 1_000_000
"""Documents with more elements than this are rejected while parsing [INF]: the largest real
document seen (a System Writer WMD, 2 MB) has 19,000, and a million costs about 200 MB. Without
it, 64 MiB of ``<a/>`` would cost 3 GB."""

E = TypeVar("E", bound=enum.Enum)

_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_DECIMAL = re.compile(r"[0-9]{1,10}")
_HRESULT = re.compile(r"0x[0-9A-Fa-f]{1,8}")
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def invalid(message: str) -> VssInvalidXmlDocument:
    """The exception for a malformed document."""
    return VssInvalidXmlDocument(message)


class Spelling(Generic[E]):
    """How one enum is spelled in XML: a one-to-one table from member to text."""

    def __init__(self, enum_type: type[E], table: Mapping[E, str]) -> None:
        missing = [member.name for member in enum_type if member not in table]
        if missing:
            raise ValueError(f"no spelling for {', '.join(missing)}")
        self.enum_type = enum_type
        self.table: Mapping[E, str] = dict(table)
        self._members = {text: member for member, text in self.table.items()}
        if len(self._members) != len(self.table):
            raise ValueError(f"two {enum_type.__name__} members share a spelling")

    def text(self, member: E) -> str:
        """The XML spelling of ``member``."""
        return self.table[member]

    def member(self, text: str, where: str) -> E:
        """The member spelled ``text``; ``where`` names the attribute for the error message."""
        try:
            return self._members[text]
        except KeyError:
            expected = ", ".join(repr(spelled) for spelled in self._members)
            raise invalid(f"{where} is {text!r}; expected one of {expected}") from None

    def __repr__(self) -> str:
        return f"Spelling({self.enum_type.__name__}, {dict(self.table)!r})"


USAGE = Spelling(
    VSS_USAGE_TYPE,
    {
        VSS_USAGE_TYPE.VSS_UT_UNDEFINED: "UNDEFINED",
        VSS_USAGE_TYPE.VSS_UT_BOOTABLESYSTEMSTATE: "BOOTABLE_SYSTEM_STATE",
        VSS_USAGE_TYPE.VSS_UT_SYSTEMSERVICE: "SYSTEM_SERVICE",
        VSS_USAGE_TYPE.VSS_UT_USERDATA: "USER_DATA",
        VSS_USAGE_TYPE.VSS_UT_OTHER: "OTHER",
    },
)
"""IDENTIFICATION ``usage``."""

DATA_SOURCE = Spelling(
    VSS_SOURCE_TYPE,
    {
        VSS_SOURCE_TYPE.VSS_ST_UNDEFINED: "UNDEFINED",
        VSS_SOURCE_TYPE.VSS_ST_TRANSACTEDDB: "TRANSACTION_DB",
        VSS_SOURCE_TYPE.VSS_ST_NONTRANSACTEDDB: "NONTRANSACTIONAL_DB",
        VSS_SOURCE_TYPE.VSS_ST_OTHER: "OTHER",
    },
)
"""IDENTIFICATION ``dataSource``."""

RESTORE_METHOD = Spelling(
    VSS_RESTOREMETHOD_ENUM,
    {
        VSS_RESTOREMETHOD_ENUM.VSS_RME_UNDEFINED: "UNDEFINED",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_IF_NOT_THERE: "RESTORE_IF_NONE_THERE",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_IF_CAN_REPLACE: "RESTORE_IF_CAN_BE_REPLACED",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_STOP_RESTORE_START: "STOP_RESTART_SERVICE",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_TO_ALTERNATE_LOCATION: "RESTORE_TO_ALTERNATE_LOCATION",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_AT_REBOOT: "REPLACE_AT_REBOOT",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE: (
            "REPLACE_AT_REBOOT_IF_CANNOT_REPLACE"
        ),
        VSS_RESTOREMETHOD_ENUM.VSS_RME_CUSTOM: "CUSTOM",
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_STOP_START: "RESTORE_STOP_START",
    },
)
"""RESTORE_METHOD ``method``."""

WRITER_RESTORE = Spelling(
    VSS_WRITERRESTORE_ENUM,
    {
        VSS_WRITERRESTORE_ENUM.VSS_WRE_UNDEFINED: "undefined",
        VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER: "never",
        VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS: "ifReplaceFails",
        VSS_WRITERRESTORE_ENUM.VSS_WRE_ALWAYS: "always",
    },
)
"""RESTORE_METHOD ``writerRestore``."""

COMPONENT_TYPE = Spelling(
    VSS_COMPONENT_TYPE,
    {
        VSS_COMPONENT_TYPE.VSS_CT_UNDEFINED: "undefined",
        VSS_COMPONENT_TYPE.VSS_CT_DATABASE: "database",
        VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP: "filegroup",
    },
)
"""BCD COMPONENT ``componentType``."""

COMPONENT_ELEMENT = Spelling(
    VSS_COMPONENT_TYPE,
    {
        VSS_COMPONENT_TYPE.VSS_CT_UNDEFINED: "COMPONENT",
        VSS_COMPONENT_TYPE.VSS_CT_DATABASE: "DATABASE",
        VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP: "FILE_GROUP",
    },
)
"""The WMD element a component is written as (``COMPONENT`` is never read back)."""

BACKUP_TYPE = Spelling(
    VSS_BACKUP_TYPE,
    {
        VSS_BACKUP_TYPE.VSS_BT_UNDEFINED: "undefined",
        VSS_BACKUP_TYPE.VSS_BT_FULL: "full",
        VSS_BACKUP_TYPE.VSS_BT_INCREMENTAL: "incremental",
        VSS_BACKUP_TYPE.VSS_BT_DIFFERENTIAL: "differential",
        VSS_BACKUP_TYPE.VSS_BT_LOG: "log",
        VSS_BACKUP_TYPE.VSS_BT_COPY: "copy",
        VSS_BACKUP_TYPE.VSS_BT_OTHER: "other",
    },
)
"""BACKUP_COMPONENTS ``backupType``."""

RESTORE_TYPE = Spelling(
    VSS_RESTORE_TYPE,
    {
        VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED: "undefined",
        VSS_RESTORE_TYPE.VSS_RTYPE_BY_COPY: "byCopy",
        VSS_RESTORE_TYPE.VSS_RTYPE_IMPORT: "import",
        VSS_RESTORE_TYPE.VSS_RTYPE_OTHER: "other",
    },
)
"""BACKUP_COMPONENTS ``restoreType``."""

RESTORE_TARGET = Spelling(
    VSS_RESTORE_TARGET,
    {
        VSS_RESTORE_TARGET.VSS_RT_UNDEFINED: "undefined",
        VSS_RESTORE_TARGET.VSS_RT_ORIGINAL: "original",
        VSS_RESTORE_TARGET.VSS_RT_ALTERNATE: "alternate",
        VSS_RESTORE_TARGET.VSS_RT_DIRECTED: "directed",
        VSS_RESTORE_TARGET.VSS_RT_ORIGINAL_LOCATION: "originalLocation",
    },
)
"""COMPONENT ``restoreTarget``."""

FILE_RESTORE_STATUS = Spelling(
    VSS_FILE_RESTORE_STATUS,
    {
        VSS_FILE_RESTORE_STATUS.VSS_RS_UNDEFINED: "undefined",
        VSS_FILE_RESTORE_STATUS.VSS_RS_NONE: "none",
        VSS_FILE_RESTORE_STATUS.VSS_RS_ALL: "all",
        VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED: "failed",
    },
)
"""COMPONENT ``filesRestored``."""

ROLLFORWARD_TYPE = Spelling(
    VSS_ROLLFORWARD_TYPE,
    {
        VSS_ROLLFORWARD_TYPE.VSS_RF_UNDEFINED: "undefined",
        VSS_ROLLFORWARD_TYPE.VSS_RF_NONE: "none",
        VSS_ROLLFORWARD_TYPE.VSS_RF_ALL: "all",
        VSS_ROLLFORWARD_TYPE.VSS_RF_PARTIAL: "partial",
    },
)
"""COMPONENT ``rollForwardType`` (a simulator attribute)."""


def is_xml_text(text: str) -> bool:
    """True when every character of ``text`` may appear in an XML 1.0 document."""
    return _NOT_XML_CHAR.search(text) is None


def guid_text(value: uuid.UUID) -> str:
    """A GUID as Windows writes it in a BCD: lower case, no braces."""
    return str(value)


def bool_text(value: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if value else "no"


def hresult_text(value: int) -> str:
    """An HRESULT as ``0x%08X``."""
    return f"0x{value & 0xFFFFFFFF:08X}"


def blob_text(value: bytes) -> str:
    """Binary data (an icon) as base64."""
    return base64.b64encode(value).decode("ascii")


def element(
    tag: str, attributes: Iterable[tuple[str, str | None]], children: Iterable[str] = ()
) -> str:
    """Render one element; attributes whose value is None are left out, order is kept."""
    parts = [f"<{tag}"]
    for name, value in attributes:
        if value is None:
            continue
        if not is_xml_text(value):
            raise invalid(f"{tag}/@{name} holds a character XML cannot store: {value!r}")
        parts.append(f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"')
    body = "".join(children)
    if body:
        return "".join(parts) + f">{body}</{tag}>"
    return "".join(parts) + "/>"


class XmlElement:
    """A parsed element: local name, attributes, children and its path for error messages."""

    __slots__ = ("_children", "_parent", "attributes", "tag")

    def __init__(
        self, tag: str, attributes: dict[str, str], parent: XmlElement | None = None
    ) -> None:
        self.tag = tag
        self.attributes = attributes
        self._parent = parent
        self._children: list[XmlElement] = []

    @property
    def path(self) -> str:
        """``Root/Child/Grandchild``: built when an error message needs it, so a document costs
        memory in proportion to its size, not to its depth times its size."""
        tags: list[str] = []
        node: XmlElement | None = self
        while node is not None:
            tags.append(node.tag)
            node = node._parent
        return "/".join(reversed(tags))

    def __repr__(self) -> str:
        return f"<XmlElement {self.path}>"

    def append(self, child: XmlElement) -> None:
        """Add a child element (used while parsing)."""
        self._children.append(child)

    def children(self, *tags: str) -> Iterator[XmlElement]:
        """The child elements named one of ``tags`` (every child when none is given)."""
        return (child for child in self._children if not tags or child.tag in tags)

    def child(self, tag: str, *, required: bool = False) -> XmlElement | None:
        """The first child named ``tag``."""
        found = next(self.children(tag), None)
        if found is None and required:
            raise invalid(f"{self.path}: missing child element {tag}")
        return found

    def where(self, name: str) -> str:
        """``path/@name``, the place of an attribute in error messages."""
        return f"{self.path}/@{name}"

    def text(self, name: str) -> str | None:
        """The attribute ``name``, or None when absent."""
        return self.attributes.get(name)

    def required(self, name: str) -> str:
        """The attribute ``name``; absent is an error."""
        value = self.attributes.get(name)
        if value is None:
            raise invalid(f"{self.path}: missing required attribute {name}")
        return value

    def guid(self, name: str) -> uuid.UUID:
        """A required GUID attribute: any case, with or without braces."""
        return parse_guid(self.required(name), self.where(name))

    def optional_guid(self, name: str, default: uuid.UUID) -> uuid.UUID:
        """A GUID attribute with a default."""
        value = self.text(name)
        return default if value is None else parse_guid(value, self.where(name))

    def boolean(self, name: str, default: bool | None = None) -> bool:
        """A ``yes``/``no`` attribute; required when ``default`` is None."""
        value = self.required(name) if default is None else self.text(name)
        if value is None:
            return bool(default)
        if value == "yes":
            return True
        if value == "no":
            return False
        raise invalid(f"{self.where(name)} is {value!r}; expected 'yes' or 'no'")

    def integer(self, name: str, default: int | None = None) -> int:
        """An unsigned 32-bit decimal attribute; required when ``default`` is None."""
        value = self.required(name) if default is None else self.text(name)
        if value is None:
            return int(default or 0)
        if _DECIMAL.fullmatch(value) is None or int(value) > 0xFFFFFFFF:
            raise invalid(
                f"{self.where(name)} is {value!r}; expected a decimal from 0 to 4294967295"
            )
        return int(value)

    def hresult(self, name: str) -> int:
        """A required HRESULT attribute written as ``0x%08X``."""
        value = self.required(name)
        if _HRESULT.fullmatch(value) is None:
            raise invalid(
                f"{self.where(name)} is {value!r}; expected an HRESULT such as 0x80042301"
            )
        return int(value, 16)

    def blob(self, name: str) -> bytes | None:
        """A base64 attribute, or None when absent."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise invalid(f"{self.where(name)} is not base64 data") from None

    def enum(self, name: str, spelling: Spelling[E], default: E | None = None) -> E:
        """An enum attribute read through its spelling table; required when ``default`` is None."""
        value = self.required(name) if default is None else self.text(name)
        if value is None:
            assert default is not None
            return default
        return spelling.member(value, self.where(name))


def parse_guid(text: str, where: str) -> uuid.UUID:
    """A GUID in upper or lower case, with or without braces."""
    bare = text[1:-1] if text.startswith("{") and text.endswith("}") else text
    if _GUID.fullmatch(bare) is None:
        raise invalid(
            f"{where} is {text!r}; expected a GUID such as 1bddd48e-5052-49db-9b07-b96f96727e6b"
        )
    return uuid.UUID(bare)


class _TreeBuilder:
    """The parser target: builds :class:`XmlElement` nodes and enforces the depth and element caps."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._stack: list[XmlElement] = []
        self.root: XmlElement | None = None
        self._left = MAX_ELEMENTS

    def _local(self, tag: str) -> str:
        if tag.startswith("{"):
            namespace, _, local = tag[1:].partition("}")
            return local if namespace == self._namespace else tag
        return tag

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if len(self._stack) >= MAX_DEPTH:
            raise invalid(f"elements nest deeper than {MAX_DEPTH} levels")
        self._left -= 1
        if self._left < 0:
            raise invalid(f"the document has more than {MAX_ELEMENTS} elements")
        local = self._local(tag)
        parent = self._stack[-1] if self._stack else None
        node = XmlElement(
            local, {k: v for k, v in attributes.items() if not k.startswith("{")}, parent
        )
        if parent is None:
            self.root = node
        else:
            parent.append(node)
        self._stack.append(node)

    def end(self, tag: str) -> None:
        self._stack.pop()

    def data(self, text: str) -> None:
        """Character data is not part of either document."""

    def close(self) -> XmlElement | None:
        return self.root


#: How much of a string is encoded at a time to measure it (the input is never copied whole).
_MEASURE_CHUNK = 1 << 20


def _check_size(xml: str | bytes) -> None:
    size = len(xml)
    if isinstance(xml, str) and size * 4 > MAX_DOCUMENT_BYTES and not xml.isascii():
        size = 0
        for start in range(0, len(xml), _MEASURE_CHUNK):
            size += len(xml[start : start + _MEASURE_CHUNK].encode("utf-8", "surrogatepass"))
            if size > MAX_DOCUMENT_BYTES:
                break
    if size > MAX_DOCUMENT_BYTES:
        raise invalid(f"the document is {size} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes")


def parse_document(xml: object, root_tag: str, namespace: str) -> XmlElement:
    """Parse ``xml`` and check its root is ``root_tag`` in ``namespace`` (or in no namespace).

    DTDs, entities and external references are refused; so are documents over
    :data:`MAX_DOCUMENT_BYTES`, with more than :data:`MAX_ELEMENTS` elements, or with elements
    nested deeper than :data:`MAX_DEPTH`.
    """
    if not isinstance(xml, (str, bytes)):
        raise invalid(f"expected the XML document as str, got {type(xml).__name__}")
    _check_size(xml)
    builder = _TreeBuilder(namespace)
    try:
        parser = XMLParser(
            target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        parser.feed(xml)
        root = parser.close()
    except VssInvalidXmlDocument:
        raise
    except Exception as exc:
        raise invalid(f"not a well-formed XML document without DTD or entities: {exc}") from None
    if not isinstance(root, XmlElement):
        raise invalid(f"expected a {root_tag} document; found no root element")
    if root.tag != root_tag:
        raise invalid(
            f"expected root element {root_tag} in namespace {namespace!r}, found {root.tag}"
        )
    return root
