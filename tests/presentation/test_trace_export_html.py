"""The HTML page of a run, rendered by a real headless browser (Debian's ``chromium``, installed
by ``.ci/run``): it loads without errors, its script draws the diagram, and the page shows every
session and every writer of the known run; a filter by session or writer narrows it."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator import TraceRecord
from simulator.trace_export import to_html
from tests.presentation.trace_runs import known_run, writer_names

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH: .ci/run installs Debian's chromium package"
)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


@pytest.fixture(scope="module")
def trace() -> list[TraceRecord]:
    return known_run()


@pytest.fixture(scope="module")
def page(trace: list[TraceRecord], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "run.html"
    path.write_text(to_html(trace, title="known run"), encoding="utf-8")
    return path


def dump_dom(page: Path, tmp_path: Path, fragment: str = "") -> tuple[str, str]:
    result = chromium(tmp_path / "profile", "--dump-dom", page.as_uri() + fragment)
    return html.unescape(result.stdout), result.stderr


def status(dom: str) -> tuple[str, str]:
    match = re.search(r'<span id="status" data-state="(\w+)">([^<]*)</span>', dom)
    assert match is not None, dom[:2000]
    return match.group(1), match.group(2)


def test_the_page_renders_every_session_and_writer(
    page: Path, trace: list[TraceRecord], tmp_path: Path
) -> None:
    dom, log = dump_dom(page, tmp_path)
    assert 'id="render-error"></div>' in dom, dom
    assert "Uncaught" not in log, log
    state, text = status(dom)
    assert state == "ok"
    shown, total = map(int, re.fullmatch(r"showing (\d+) of (\d+) messages", text).groups())  # type: ignore[union-attr]
    assert shown == total > 100
    assert dom.count("<svg") == 1
    sessions = {str(r.session_id) for r in trace if r.session_id}
    listed = re.findall(r"<li>([0-9a-f-]{36}) — (session-\d)</li>", dom)  # drawn by the script
    assert {session for session, _ in listed} == sessions
    writers = re.findall(r"<li>([^<]+)</li>", dom.split('id="writer-list"')[1])
    assert sorted(writers) == sorted(writer_names())
    for name in writer_names():
        assert f'<option value="{name}">' in dom
    assert ">OnFreeze → true (2.5 s)</text>" in dom  # a message the script drew
    assert "violation: wrong-thread" in dom


def test_a_filter_narrows_the_diagram(page: Path, trace: list[TraceRecord], tmp_path: Path) -> None:
    session = next(str(r.session_id) for r in trace if r.session_id)
    dom, _ = dump_dom(page, tmp_path, f"#session={session}&writer=MSDNSampleWriter")
    state, text = status(dom)
    assert state == "ok"
    shown, total = map(int, re.fullmatch(r"showing (\d+) of (\d+) messages", text).groups())  # type: ignore[union-attr]
    assert 0 < shown < total
    svg = dom.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "MSDNSampleWriter" in svg and "SqlServerWriter" not in svg


def test_a_broken_page_shows_its_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    page = to_html(known_run()).replace('"participants": [', '"participants": null, "was": [', 1)
    broken.write_text(page, encoding="utf-8")
    dom, _ = dump_dom(broken, tmp_path)
    assert status(dom)[0] == "error"
    assert re.search(r'id="render-error" data-state="error">render error: \S', dom), dom


def test_a_screenshot_of_the_page(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,800", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
