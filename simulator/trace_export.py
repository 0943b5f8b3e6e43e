"""Pictures of a run: a trace (``system.trace``, a list of ``TraceRecord``) as JSON lines, as a
Chrome trace-event timeline for Perfetto, as a Mermaid sequence diagram, or as one self-contained
HTML page; and JSON lines read back into records (docs/api.md "Pictures of a run").

``vss-sim trace`` applies these to the trace the last ``vss-sim demo`` saved::

    from simulator import VssSystem
    from simulator.trace_export import to_chrome_trace, to_html

    with VssSystem(seed=1) as system:
        ...  # a backup
    open("run.json", "w").write(to_chrome_trace(system.trace))  # open in ui.perfetto.dev
    open("run.html", "w").write(to_html(system.trace))
"""

from __future__ import annotations

from ._presentation.trace_export import read_jsonl, to_jsonl
from ._presentation.trace_export_chrome import chrome_trace_events, to_chrome_trace
from ._presentation.trace_export_html import to_html
from ._presentation.trace_export_sequence import to_mermaid

__all__ = [
    "chrome_trace_events",
    "read_jsonl",
    "to_chrome_trace",
    "to_html",
    "to_jsonl",
    "to_mermaid",
]
