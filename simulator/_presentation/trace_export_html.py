"""The trace as one self-contained HTML page: the sequence diagram of ``trace_export_sequence``
drawn as SVG by an inline script, with a filter by session and by writer.

The page loads nothing (its Content-Security-Policy forbids it): the data is JSON inside the page.
``#session=<id>`` or ``#writer=<name>`` at the end of its address preselects a filter.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from .._engine.trace import TraceKind, TraceRecord
from .trace_export import sessions_in, writers_in
from .trace_export_page import PAGE
from .trace_export_sequence import sequence_diagram

__all__ = ["page_data", "to_html"]


def page_data(records: Sequence[TraceRecord]) -> dict[str, Any]:
    """What the page's script draws: participants, messages, sessions and writers."""
    diagram = sequence_diagram(records)
    requesters: dict[str, str] = {}
    for record in records:
        if record.session_id and record.kind is TraceKind.CALL:
            requesters.setdefault(str(record.session_id), record.thread or "-")
    return {
        "participants": [
            {"key": p.key, "label": p.label, "group": p.group} for p in diagram.participants
        ],
        "messages": [
            {
                "time": m.time,
                "source": m.source,
                "target": m.target,
                "text": m.text,
                "style": m.style,
                "session": str(m.session_id) if m.session_id else None,
                "writer": m.writer,
                "count": m.count,
            }
            for m in diagram.messages
        ],
        "sessions": [
            {"id": str(s), "requester": requesters.get(str(s), "-")} for s in sessions_in(records)
        ],
        "writers": writers_in(records),
    }


def to_html(records: Sequence[TraceRecord], *, title: str = "vss-sim trace") -> str:
    """The trace as a self-contained HTML page (no network) with a filterable sequence diagram."""
    data = page_data(records)
    end = max((r.end_time or r.time for r in records), default=0.0)
    summary = (
        f"{len(records)} trace records over {end:.3f} s of virtual time; "
        f"{len(data['sessions'])} session{'' if len(data['sessions']) == 1 else 's'}, "
        f"{len(data['writers'])} writer{'' if len(data['writers']) == 1 else 's'}. "
        "Arrows: requester calls to VSS, dashed: an asynchronous operation completes, "
        "green: events delivered to writers, purple: provider calls."
    )
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return (
        PAGE.replace("@TITLE@", html.escape(title))
        .replace("@SUMMARY@", html.escape(summary))
        .replace("@DATA@", payload)
    )
