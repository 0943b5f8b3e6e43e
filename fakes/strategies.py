"""Hypothesis strategies for the simulator's values.

Names are nouns in the plural (``writer_identities()``) or mass nouns (``writer_metadata()``);
options are keyword-only and checked when the strategy is built.
"""

from __future__ import annotations

import uuid

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from simulator._enums import (
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from simulator._metadata import IVssCreateWriterMetadataEx, WriterIdentity, WriterMetadata

__all__ = ["writer_identities", "writer_metadata"]

# Characters an XML 1.0 document can hold (no other control characters, no surrogates).
_CHARACTERS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
_TEXTS = st.text(_CHARACTERS, max_size=12)
_OPTIONAL_TEXTS = st.none() | _TEXTS
# Component names and filespecs may not contain a backslash.
_NAMES = st.text(_CHARACTERS.filter(lambda c: c != "\\"), min_size=1, max_size=12)


def _check_count(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(f"{name}={value!r} must be a non-negative integer")
    return value


def writer_identities(*, instance_names: bool = True) -> st.SearchStrategy[WriterIdentity]:
    """Writer identities with defined usage and source types (vss-facts §1.2).

    ``instance_names=False`` leaves the instance name out (a plain ``Initialize``).
    """
    if not isinstance(instance_names, bool):
        raise InvalidArgument(f"instance_names={instance_names!r} must be a bool")
    return st.builds(
        WriterIdentity,
        instance_id=st.uuids(),
        writer_id=st.uuids(),
        writer_name=_NAMES,
        usage_type=st.sampled_from([u for u in VSS_USAGE_TYPE if u]),
        source_type=st.sampled_from([s for s in VSS_SOURCE_TYPE if s]),
        instance_name=_OPTIONAL_TEXTS if instance_names else st.none(),
        major_version=st.integers(0, 0xFFFFFFFF),
        minor_version=st.integers(0, 0xFFFFFFFF),
    )


def writer_metadata(
    *,
    identities: st.SearchStrategy[WriterIdentity] | None = None,
    min_components: int = 0,
    max_components: int = 4,
    max_file_sets: int = 3,
) -> st.SearchStrategy[WriterMetadata]:
    """Writer Metadata Documents built through ``IVssCreateWriterMetadataEx`` (vss-facts §7.1).

    Every call the builder accepts may appear: a restore method, components of both types with
    their file sets and dependencies, exclude lists, alternate location mappings, a backup schema.
    ``identities`` defaults to :func:`writer_identities`; ``max_file_sets`` bounds every list of
    file sets.
    """
    if identities is None:
        identities = writer_identities()
    elif not isinstance(identities, st.SearchStrategy):
        raise InvalidArgument(f"identities={identities!r} must be a SearchStrategy")
    low = _check_count("min_components", min_components)
    high = _check_count("max_components", max_components)
    if low > high:
        raise InvalidArgument(f"min_components={low} is more than max_components={high}")
    files = _check_count("max_file_sets", max_file_sets)
    return _writer_metadata(identities, low, high, files)


def _file_sets(max_size: int) -> st.SearchStrategy[list[tuple[str, str, bool]]]:
    return st.lists(st.tuples(_TEXTS, _NAMES, st.booleans()), max_size=max_size)


@st.composite
def _writer_metadata(
    draw: st.DrawFn,
    identities: st.SearchStrategy[WriterIdentity],
    min_components: int,
    max_components: int,
    max_files: int,
) -> WriterMetadata:
    identity = draw(identities)
    builder = IVssCreateWriterMetadataEx(identity)
    if draw(st.booleans()):
        builder.SetRestoreMethod(
            draw(st.sampled_from(VSS_RESTOREMETHOD_ENUM)),
            draw(_OPTIONAL_TEXTS),
            draw(_OPTIONAL_TEXTS),
            draw(st.sampled_from(VSS_WRITERRESTORE_ENUM)),
            draw(st.booleans()),
        )
    keys = draw(
        st.lists(
            st.tuples(_OPTIONAL_TEXTS, _NAMES),
            min_size=min_components,
            max_size=max_components,
            unique_by=lambda key: (key[0] or None, key[1]),
        )
    )
    masks = st.integers(0, 0xFFFFFFFF)
    other_writers = st.uuids().filter(lambda writer_id: writer_id != identity.writer_id)
    for logical_path, name in keys:
        component_type = draw(
            st.sampled_from(
                [VSS_COMPONENT_TYPE.VSS_CT_DATABASE, VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP]
            )
        )
        icon = draw(st.none() | st.binary(min_size=1, max_size=16))
        builder.AddComponent(
            component_type,
            logical_path,
            name,
            draw(_OPTIONAL_TEXTS),
            icon,
            0 if icon is None else len(icon),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.booleans()),
            draw(st.integers(0, 7)),
        )
        if component_type == VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP:
            for path, filespec, recursive in draw(_file_sets(max_files)):
                builder.AddFilesToFileGroup(
                    logical_path,
                    name,
                    path,
                    filespec,
                    recursive,
                    draw(_OPTIONAL_TEXTS),
                    draw(masks),
                )
        else:
            for path, filespec, _ in draw(_file_sets(max_files)):
                builder.AddDatabaseFiles(logical_path, name, path, filespec, draw(masks))
            for path, filespec, _ in draw(_file_sets(max_files)):
                builder.AddDatabaseLogFiles(logical_path, name, path, filespec, draw(masks))
        for _ in range(draw(st.integers(0, max_files))):
            on_writer: uuid.UUID = draw(other_writers)
            builder.AddComponentDependency(
                logical_path, name, on_writer, draw(_OPTIONAL_TEXTS), draw(_NAMES)
            )
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddExcludeFiles(path, filespec, recursive)
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddExcludeFilesFromSnapshot(path, filespec, recursive)
    for path, filespec, recursive in draw(_file_sets(max_files)):
        builder.AddAlternateLocationMapping(path, filespec, recursive, draw(_TEXTS))
    builder.SetBackupSchema(draw(st.integers(0, 0xFFFF)))
    return builder.finish()
