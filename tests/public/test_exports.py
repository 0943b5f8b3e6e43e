"""Every public name is importable, typed and documented (as trio's test_exports does)."""

from __future__ import annotations

import enum
import importlib
import inspect

import fakes
import simulator
import simulator.rules
import simulator.testing
import simulator.trace_export
from tests.helpers import PROJECT_ROOT

PUBLIC_MODULES = [
    "simulator",
    "simulator.rules",
    "simulator.testing",
    "simulator.trace_export",
    "fakes",
    "fakes.strategies",
]


def _names() -> list[tuple[str, str]]:
    return [
        (module, name)
        for module in PUBLIC_MODULES
        for name in importlib.import_module(module).__all__
    ]


def test_every_public_name_is_importable() -> None:
    missing = [f"{m}.{n}" for m, n in _names() if not hasattr(importlib.import_module(m), n)]
    assert missing == []


def test_every_public_class_and_function_is_documented() -> None:
    undocumented = [
        f"{module}.{name}"
        for module, name in _names()
        if (
            inspect.isclass(obj := getattr(importlib.import_module(module), name))
            or inspect.isfunction(obj)
        )
        and not inspect.getdoc(obj)
    ]
    assert undocumented == []


def _public_functions(obj: object) -> list[object]:
    if inspect.isfunction(obj):
        return [obj]
    if inspect.isclass(obj) and not issubclass(obj, (enum.Enum, BaseException)):
        return [
            member
            for member_name, member in vars(obj).items()
            if inspect.isfunction(member) and not member_name.startswith("_")
        ]
    return []


def test_every_public_function_is_typed() -> None:
    untyped = [
        f"{module}.{name}.{function.__name__}"  # type: ignore[attr-defined]
        for module, name in _names()
        for function in _public_functions(getattr(importlib.import_module(module), name))
        if "return" not in inspect.get_annotations(function)  # type: ignore[arg-type]
    ]
    assert untyped == []


def test_the_packages_are_marked_typed() -> None:
    assert (PROJECT_ROOT / "simulator" / "py.typed").exists()
    assert (PROJECT_ROOT / "fakes" / "py.typed").exists()


def test_the_names_users_write_fakes_with_are_public() -> None:
    for name in (
        "ComponentMetadata",
        "ComponentDependency",
        "FileDescriptor",
        "RestoreMethod",
        "WriterIdentity",
        "WriterMetadata",
        "VssProvider",
        "make_error",
        "system_of",
    ):
        assert name in simulator.__all__
    assert "BACKUP_ORDER" in simulator.rules.__all__
    assert "VssStateMachine" in simulator.testing.__all__
    assert "ScriptedWriter" in fakes.__all__
