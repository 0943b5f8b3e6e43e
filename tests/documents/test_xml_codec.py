"""The shared XML layer: safe parsing, typed attributes, spelling tables (docs/reference.md §7)."""

import time
import uuid
from typing import Any

import pytest

from simulator._documents import xml_codec as _xml
from simulator._documents.backup_document import BackupComponentsDocument
from simulator._documents.metadata_examine import CreateVssExamineWriterMetadata
from simulator._vocabulary.enums import VSS_RESTOREMETHOD_ENUM, VSS_USAGE_TYPE
from simulator._vocabulary.error_classes import VssInvalidXmlDocument

WMD = _xml.WMD_NAMESPACE
GUID = "1bddd48e-5052-49db-9b07-b96f96727e6b"


def parse(xml: object) -> _xml.XmlElement:
    return _xml.parse_document(xml, "WRITER_METADATA", WMD)


def element(attributes: str) -> _xml.XmlElement:
    root = parse(f'<WRITER_METADATA xmlns="{WMD}"><E {attributes}/></WRITER_METADATA>')
    found = root.child("E")
    assert found is not None
    return found


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<WRITER_METADATA>&lol9;</WRITER_METADATA>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<WRITER_METADATA>&xxe;</WRITER_METADATA>"""

EXTERNAL_DTD = '<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd"><WRITER_METADATA/>'

HOSTILE = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": EXTERNAL_ENTITY,
    "external DTD": EXTERNAL_DTD,
    "65 MiB": "<WRITER_METADATA>" + " " * (65 * 1024 * 1024) + "</WRITER_METADATA>",
    "65 MiB as bytes": b"<WRITER_METADATA>" + b" " * (65 * 1024 * 1024) + b"</WRITER_METADATA>",
    "deep nesting": "<a>" * 100_000 + "</a>" * 100_000,
    "binary garbage": bytes(range(256)) * 64,
    "garbage text": "\x00\x01\x02\ud800 not xml",
    "empty": "",
    "not a string": 42,
    "unterminated": "<WRITER_METADATA><IDENTIFICATION>",
    "two roots": "<WRITER_METADATA/><WRITER_METADATA/>",
}


@pytest.mark.parametrize("xml", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_or_malformed_input_is_invalid_xml_document_quickly(xml: object) -> None:
    started = time.monotonic()
    with pytest.raises(VssInvalidXmlDocument):
        parse(xml)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<a>" * 100])
def test_public_readers_raise_only_vss_invalid_xml_document(xml: str) -> None:
    with pytest.raises(VssInvalidXmlDocument):
        CreateVssExamineWriterMetadata(xml)
    with pytest.raises(VssInvalidXmlDocument):
        BackupComponentsDocument.from_xml(xml)


def test_nesting_up_to_the_cap_is_accepted() -> None:
    inner = "<a>" * (_xml.MAX_DEPTH - 1) + "</a>" * (_xml.MAX_DEPTH - 1)
    assert parse(f"<WRITER_METADATA>{inner}</WRITER_METADATA>").tag == "WRITER_METADATA"
    with pytest.raises(VssInvalidXmlDocument, match="deeper"):
        parse(f"<WRITER_METADATA><a>{inner}</a></WRITER_METADATA>")


def test_wrong_root_names_what_was_expected() -> None:
    with pytest.raises(VssInvalidXmlDocument, match="expected root element WRITER_METADATA"):
        parse(f'<BACKUP_COMPONENTS xmlns="{_xml.BCD_NAMESPACE}"/>')


def test_root_in_another_namespace_is_refused() -> None:
    with pytest.raises(VssInvalidXmlDocument):
        parse('<WRITER_METADATA xmlns="urn:other"/>')


def test_elements_in_the_document_namespace_or_none_are_read() -> None:
    root = parse(
        f'<WRITER_METADATA xmlns="{WMD}"><A/><B xmlns=""/><C xmlns="urn:x"/></WRITER_METADATA>'
    )
    assert [child.tag for child in root.children()] == ["A", "B", "{urn:x}C"]
    assert root.child("C") is None


@pytest.mark.parametrize(
    "text",
    [GUID, GUID.upper(), "{" + GUID + "}", "{" + GUID.upper() + "}"],
)
def test_guids_in_any_case_with_or_without_braces(text: str) -> None:
    assert element(f'id="{text}"').guid("id") == uuid.UUID(GUID)


@pytest.mark.parametrize(
    "text", ["", "{" + GUID, GUID + "}", GUID[:-1], GUID.replace("-", ""), "x" * 36]
)
def test_bad_guids_say_where(text: str) -> None:
    with pytest.raises(VssInvalidXmlDocument, match=r"WRITER_METADATA/E/@id .* expected a GUID"):
        element(f'id="{text}"').guid("id")


def test_yes_no_booleans() -> None:
    e = element('a="yes" b="no" c="true"')
    assert e.boolean("a") is True
    assert e.boolean("b") is False
    assert e.boolean("missing", False) is False
    with pytest.raises(VssInvalidXmlDocument, match="expected 'yes' or 'no'"):
        e.boolean("c")
    with pytest.raises(VssInvalidXmlDocument, match="missing required attribute missing"):
        e.boolean("missing")


def test_integers_are_unsigned_32_bit_decimals() -> None:
    e = element('a="3855" b="-1" c="4294967296" d="0x10"')
    assert e.integer("a") == 3855
    assert e.integer("missing", 7) == 7
    for name in "bcd":
        with pytest.raises(VssInvalidXmlDocument, match="expected a decimal"):
            e.integer(name)


def test_enum_spellings_reject_unknown_words_listing_the_known_ones() -> None:
    e = element('usage="BOOTABLE_SYSTEM_STATE" bad="BOOTABLESYSTEMSTATE"')
    assert e.enum("usage", _xml.USAGE) is VSS_USAGE_TYPE.VSS_UT_BOOTABLESYSTEMSTATE
    with pytest.raises(VssInvalidXmlDocument, match=r"expected one of .*'USER_DATA'"):
        e.enum("bad", _xml.USAGE)


@pytest.mark.parametrize(
    "spelling",
    [
        _xml.USAGE,
        _xml.DATA_SOURCE,
        _xml.RESTORE_METHOD,
        _xml.WRITER_RESTORE,
        _xml.COMPONENT_TYPE,
        _xml.COMPONENT_ELEMENT,
        _xml.BACKUP_TYPE,
        _xml.RESTORE_TYPE,
        _xml.RESTORE_TARGET,
        _xml.FILE_RESTORE_STATUS,
        _xml.ROLLFORWARD_TYPE,
    ],
    ids=lambda s: s.enum_type.__name__,
)
def test_every_spelling_table_covers_its_enum_both_ways(spelling: _xml.Spelling[Any]) -> None:
    for member in spelling.enum_type:
        assert spelling.member(spelling.text(member), "here") is member


def test_spellings_seen_in_real_documents() -> None:
    assert (
        _xml.RESTORE_METHOD.text(VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE)
        == "REPLACE_AT_REBOOT_IF_CANNOT_REPLACE"
    )
    assert _xml.RESTORE_METHOD.text(VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_IF_CAN_REPLACE) == (
        "RESTORE_IF_CAN_BE_REPLACED"
    )
    assert _xml.DATA_SOURCE.member("TRANSACTION_DB", "here").name == "VSS_ST_TRANSACTEDDB"


def test_element_escapes_and_keeps_attribute_order() -> None:
    text = _xml.element("E", [("b", 'a&b<"c">\t\n\r'), ("a", None), ("c", "")])
    assert text == '<E b="a&amp;b&lt;&quot;c&quot;&gt;&#9;&#10;&#13;" c=""/>'
    root = parse(f"<WRITER_METADATA>{text}</WRITER_METADATA>")
    child = root.child("E")
    assert child is not None
    assert child.attributes == {"b": 'a&b<"c">\t\n\r', "c": ""}


def test_element_refuses_characters_xml_cannot_hold() -> None:
    with pytest.raises(VssInvalidXmlDocument, match="cannot store"):
        _xml.element("E", [("a", "\x00")])


def test_utf8_declaration_is_accepted() -> None:
    assert (
        parse('<?xml version="1.0" encoding="UTF-8"?>\n<WRITER_METADATA/>').tag == "WRITER_METADATA"
    )


def test_a_deep_wide_document_costs_memory_in_proportion_to_its_size() -> None:
    """Elements do not each keep their full path (a 180 KB document once cost 958 MB)."""
    import tracemalloc

    depth = _xml.MAX_DEPTH - 3
    tag = "Level" * 8
    inner = f"<{tag}/>" * 2000
    xml = (
        "".join(f"<{tag}>" for _ in range(depth))
        + inner
        + "".join(f"</{tag}>" for _ in range(depth))
    )
    xml = f"<Root>{xml}</Root>"
    tracemalloc.start()
    try:
        root = _xml.parse_document(xml, "Root", "")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(xml) + 2_000_000, f"{peak} bytes for {len(xml)} characters"
    node = root
    for _ in range(depth + 1):
        node = next(node.children())
    assert node.path.count("/") == depth + 1  # paths are still there for error messages


def test_a_huge_string_is_measured_without_copying_it_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = "é" * (_xml.MAX_DOCUMENT_BYTES // 2 + 10)  # 2 bytes a character in UTF-8
    with pytest.raises(VssInvalidXmlDocument, match="the limit is"):
        _xml.parse_document(big, "Root", "")
    assert len(big) // 10 > _xml._MEASURE_CHUNK
