"""Calling a provider: traced, and its failure turned into what VSS reports (docs/reference.md §9).

A provider signals failure by raising ``VssError``; a code outside ``PROVIDER_CODES``, or any other
exception, reaches the requester as VSS_E_UNEXPECTED_PROVIDER_ERROR with the original chained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._engine.recorder import TraceRecorder
from .._engine.trace import TraceKind, ViolationRule
from .._rules.providers import PROVIDER_CODES
from .._vocabulary.errors import VssError, VssUnexpectedProviderError
from .providers import VssProvider
from .records import Session, record_violation

__all__ = ["call_provider"]


def call_provider(
    recorder: TraceRecorder, session: Session, provider: VssProvider, method: str, *args: Any
) -> None:
    """Call ``provider.method(*args)`` for ``session``; raise what VSS would report."""
    entry = recorder.record(TraceKind.PROVIDER, method, session.session_id, provider.provider_name)
    call: Callable[..., Any] = getattr(provider, method)
    try:
        call(*args)
    except VssError as exc:
        entry.end_ticks = recorder.now_ticks()
        entry.result = exc.name
        if exc.hresult in PROVIDER_CODES or method == "AbortSnapshots":
            raise
        raise VssUnexpectedProviderError(
            f"{provider.provider_name} returned {exc.name} from {method}, which is not a "
            "provider code; VSS reports VSS_E_UNEXPECTED_PROVIDER_ERROR (docs/reference.md §9)"
        ) from exc
    except Exception as exc:
        entry.end_ticks = recorder.now_ticks()
        entry.result = f"raised {type(exc).__name__}"
        record_violation(
            recorder,
            ViolationRule.PROVIDER_MISBEHAVED,
            f"{provider.provider_name}.{method} raised {exc!r}",
            session=session,
        )
        raise VssUnexpectedProviderError(
            f"{provider.provider_name}.{method} failed with {exc!r} (docs/reference.md §9)"
        ) from exc
    entry.end_ticks = recorder.now_ticks()
    entry.result = "S_OK"
