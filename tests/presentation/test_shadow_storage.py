"""vssadmin's shadowstorage syntax and MaxSizeSpec (docs/reference.md §10.5), and the listing's
filters (simulator/_presentation/shadow_storage.py)."""

from __future__ import annotations

import pytest

from simulator import VssSystem
from simulator._presentation.shadow_storage import (
    MIN_MAX_SIZE,
    ShadowStorageCommand,
    max_size_bytes,
    parse_shadow_storage,
)

MB = 1024**2
GB = 1024**3


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("900MB", 900 * MB),
        ("900mb", 900 * MB),
        ("900M", 900 * MB),
        ("2GB", 2 * GB),
        ("1.5GB", 3 * GB // 2),
        ("1048576", MIN_MAX_SIZE),
        ("1048576B", MIN_MAX_SIZE),
        ("512KB", 512 * 1024),
        ("1TB", 1024 * GB),
        ("1PB", 1024**5),
        ("1EB", 1024**6),
        ("20%", 20 * GB),
        ("100%", 100 * GB),
        ("UNBOUNDED", None),
        ("unbounded", None),
        (None, None),
    ],
)
def test_max_size_spec(spec: str | None, expected: int | None) -> None:
    assert max_size_bytes(spec, 100 * GB) == expected


@pytest.mark.parametrize("spec", ["12XB", "MB", "0%", "101%", "2.5%", "-1MB", "1 0MB"])
def test_a_spec_vssadmin_does_not_know_is_its_usage_screen(spec: str) -> None:
    assert (
        parse_shadow_storage(["resize", "shadowstorage", "/for=C:", "/on=C:", f"/maxsize={spec}"])
        is None
    )


def test_shadowstorage_syntax() -> None:
    assert parse_shadow_storage(
        ["Resize", "ShadowStorage", "/For=C:", "/On=D:", "/MaxSize=900MB"]
    ) == (ShadowStorageCommand("resize shadowstorage", "C:", "D:", "900MB"))
    assert parse_shadow_storage(["add", "shadowstorage", "/for=c:", "/on=d:"]) == (
        ShadowStorageCommand("add shadowstorage", "c:", "d:", None)
    )
    assert parse_shadow_storage(["list", "shadowstorage", "/on=C:"]) == (
        ShadowStorageCommand("list shadowstorage", None, "C:", None)
    )
    for words in (
        ["resize", "shadowstorage", "/for=C:"],  # /on is required
        ["add", "shadowstorage", "/on=C:"],  # /for is required
        ["list", "shadowstorage", "/for=C:", "/on=C:"],  # not both in a listing
        ["list", "shadowstorage", "/maxsize=1GB"],
        ["resize", "shadowstorage", "/for=C:", "/for=C:", "/on=C:"],
        ["resize", "shadowstorage", "for=C:", "/on=C:"],
        ["resize", "shadowstorage", "/for=", "/on=C:"],
    ):
        assert parse_shadow_storage(words) is None, words


def test_the_listing_filters_by_volume(system: VssSystem) -> None:
    system.add_volume("D:\\")
    system.add_volume("E:\\")
    system.resize_shadow_storage("C:\\", None)
    system.resize_shadow_storage("D:\\", 2 * GB, "E:\\")
    everything = system.shadow_storage_text()
    assert everything.count("Shadow Copy Storage association") == 2
    assert not everything.endswith("\n\n")
    on_e = system.shadow_storage_text("list shadowstorage /on=E:")
    assert on_e.count("Shadow Copy Storage association") == 1
    assert "   For volume: (D:)" in on_e and "Maximum Shadow Copy Storage space: 2 GB (2%)" in on_e
    for_c = system.shadow_storage_text("list shadowstorage /for=C:")
    assert "   For volume: (C:)" in for_c and "(D:)" not in for_c
    assert system.shadow_storage_text("list shadowstorage /for=E:").endswith(
        "\nNo items found that satisfy the query.\n"
    )
    assert [(v.name, s.name, m) for v, s, m in system.shadow_storage_associations()] == [
        ("C:\\", "C:\\", None),
        ("D:\\", "E:\\", 2 * GB),
    ]
    with pytest.raises(ValueError, match="no volume 'Q:'"):
        system.shadow_storage_text("list shadowstorage /for=Q:")
    with pytest.raises(ValueError, match="try 'list shadowstorage"):
        system.shadow_storage_text("list shadowstorage /for=C: /on=C:")


def test_system_vssadmin_answers_list_shadowstorage(system: VssSystem) -> None:
    system.add_volume("D:\\")
    system.resize_shadow_storage("D:\\", 2 * GB, "C:\\")
    text = system.vssadmin("list shadowstorage /on=C:")
    assert text == system.shadow_storage_text("list shadowstorage /on=C:")
    assert text.startswith("vssadmin 1.1 - Volume Shadow Copy Service administrative")
    assert "   For volume: (D:)" in text and "Maximum Shadow Copy Storage space: 2 GB" in text
    assert system.vssadmin("list shadowstorage /for=C:").endswith(
        "\nNo items found that satisfy the query.\n"
    )
    with pytest.raises(ValueError, match="vss-sim vssadmin"):
        system.vssadmin("resize shadowstorage /for=C: /on=C: /maxsize=2GB")


def test_delete_shadowstorage_syntax() -> None:
    """``delete shadowstorage /For=ForVolumeSpec [/On=OnVolumeSpec] [/Quiet]`` (§10.5)."""
    assert parse_shadow_storage(["Delete", "ShadowStorage", "/For=C:", "/On=D:", "/Quiet"]) == (
        ShadowStorageCommand("delete shadowstorage", "C:", "D:", None, quiet=True)
    )
    assert parse_shadow_storage(["delete", "shadowstorage", "/for=c:"]) == (
        ShadowStorageCommand("delete shadowstorage", "c:", None, None, quiet=False)
    )
    for words in (
        ["delete", "shadowstorage"],  # /for is required
        ["delete", "shadowstorage", "/on=C:"],
        ["delete", "shadowstorage", "/for=C:", "/quiet=yes"],  # a flag
        ["delete", "shadowstorage", "/for=C:", "/quiet", "/quiet"],
        ["delete", "shadowstorage", "/for=C:", "/maxsize=1GB"],
        ["resize", "shadowstorage", "/for=C:", "/on=C:", "/quiet"],  # delete's only
    ):
        assert parse_shadow_storage(words) is None, words


def test_delete_shadowstorage_prints_the_banner_only(system: VssSystem) -> None:
    """No capture or page shows the line vssadmin prints after the deletion."""
    assert system.shadow_storage_text("delete shadowstorage /for=C:") == (
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
        "(C) Copyright 2001-2013 Microsoft Corp.\n"
        "\n"
    )
