"""The element cap of the XML reader (simulator/_documents/xml_codec.py): a document of many tiny
elements under the size cap is refused with VSS_E_INVALID_XML_DOCUMENT while it is parsed, so
64 MiB of ``<a/>`` costs about 200 MB and seconds, not 3 GB and two minutes."""

from __future__ import annotations

import pytest

from simulator import VssSystem
from simulator._documents import xml_codec as _xml
from simulator._vocabulary.error_classes import VssInvalidXmlDocument
from tests.helpers import REAL_DATA


def document(elements: int) -> str:
    return "<Root>" + "<a/>" * (elements - 1) + "</Root>"


def test_a_document_with_more_elements_than_the_cap_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_xml, "MAX_ELEMENTS", 1000)
    assert _xml.parse_document(document(1000), "Root", "").tag == "Root"
    with pytest.raises(VssInvalidXmlDocument, match="more than 1000 elements"):
        _xml.parse_document(document(1001), "Root", "")


def test_the_public_readers_refuse_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "MAX_ELEMENTS", 1000)
    xml = '<BACKUP_COMPONENTS xmlns="x-schema:#VssComponentMetadata">' + "<a/>" * 1000
    xml += "</BACKUP_COMPONENTS>"
    with VssSystem(seed=1) as system:
        bc = system.CreateVssBackupComponents()
        with pytest.raises(VssInvalidXmlDocument, match="more than 1000 elements"):
            bc.InitializeForRestore(xml)


def test_the_cap_leaves_room_for_the_largest_real_document() -> None:
    sizes = [path.read_text(encoding="utf-8").count("<") for path in REAL_DATA.glob("**/*.xml")]
    if not sizes:
        pytest.skip("the real documents are not on this machine")
    assert max(sizes) * 50 < _xml.MAX_ELEMENTS
    assert _xml.MAX_ELEMENTS * 4 < _xml.MAX_DOCUMENT_BYTES, "the cap bites below the size cap"
