"""The base of the VSS error family: ``VssError`` and its three family bases (docs/reference.md §5)."""

from __future__ import annotations

from typing import Any

from .. import hresults as _hr


def _rebuild(cls: type[VssError], args: tuple[Any, ...]) -> VssError:
    err = cls.__new__(cls, *args)
    err.args = args
    return err


class VssError(Exception):
    """A failing HRESULT raised as an exception.

    Subclasses fix ``hresult``; the base and the three family bases take it as an argument.
    """

    hresult: int
    name: str
    message: str

    def __init__(self, message: str, hresult: int | None = None) -> None:
        fixed: int | None = getattr(type(self), "hresult", None)
        if hresult is None:
            if fixed is None:
                raise TypeError(f"{type(self).__name__} needs an hresult")
            hresult = fixed
        hresult &= 0xFFFFFFFF
        if fixed is not None and hresult != fixed:
            raise ValueError(
                f"{type(self).__name__} is {_hr.name_of(fixed)}, not {_hr.name_of(hresult)}"
            )
        if not _hr.failed(hresult):
            raise ValueError(f"{_hr.name_of(hresult)} is a success code, not an error")
        super().__init__(message)
        self.hresult = hresult
        self.name = _hr.name_of(hresult)
        self.message = message

    def __str__(self) -> str:
        return f"{self.name} (0x{self.hresult:08X}): {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__.copy())


class VssRequesterError(VssError):
    """Requester misuse: wrong call order or state, bad argument, unknown or duplicate object,
    invalid XML document, unknown or already registered provider."""


class VssWriterError(VssError):
    """Writer failures: the codes a writer reports (``VSS_E_WRITERERROR_*``) and the codes VSS
    reports about writers (``VSS_E_WRITER_*``, ``VSS_E_UNEXPECTED_WRITER_ERROR``)."""


class VssProviderError(VssError):
    """Provider and environment failures: provider veto or unexpected provider error, storage,
    limits, timeouts, unsupported volume or context, set in progress, access denied, out of
    memory, unexpected errors, ASR and disk errors, and any unknown failing code."""
