"""The pytest plugin (registered through the ``pytest11`` entry point): machines for tests, and a
report that says why a test failed and how to replay it (docs/api.md "The pytest plugin").

* ``vss_system``: a fresh machine, current for the test. Its seed is ``--vss-seed N`` if given,
  else the test's ``@pytest.mark.vss(seed=N)``, else 0.
* ``vss_system_factory``: ``with vss_system_factory() as system:`` makes a fresh machine each
  time it is called; it works inside ``@given`` (it is session-scoped, so Hypothesis's
  function-scoped-fixture health check does not fire, and each example gets its own machine).
* On a failing test that used a machine: a "vss-simulator" report section with the seed, every
  violation in full, the last trace lines, and a one-line replay command.
* ``--vss-check-determinism`` runs each test that uses ``vss_system`` twice, on two machines
  with the same seed, and fails it with the first difference when the traces differ (as madsim's
  CHECK_DETERMINISM does). The test's other fixtures are shared by both runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ._system import VssSystem

__all__ = ["vss_system", "vss_system_factory"]

#: How many trace lines the failure report shows.
REPORT_TRACE_LINES = 25
_SYSTEMS = pytest.StashKey[list[VssSystem]]()
_running: list[pytest.Item] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vss-simulator")
    group.addoption(
        "--vss-seed",
        type=int,
        default=None,
        help="seed of every machine the plugin's fixtures build (default: the test's "
        "@pytest.mark.vss(seed=N), else 0)",
    )
    group.addoption(
        "--vss-check-determinism",
        action="store_true",
        default=False,
        help="run each test that uses vss_system twice and fail it when the traces differ",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "vss(seed=N): the seed of the machines this test's vss fixtures build"
    )


def _seed_for(item: pytest.Item) -> int:
    given: int | None = item.config.getoption("--vss-seed")
    if given is not None:
        return given
    marker = item.get_closest_marker("vss")
    if marker is not None and "seed" in marker.kwargs:
        return int(marker.kwargs["seed"])
    return 0


def _remember(item: pytest.Item, system: VssSystem) -> None:
    systems = item.stash.setdefault(_SYSTEMS, [])
    systems.append(system)
    del systems[:-3]  # the report shows the last machines; a long @given run keeps few


@pytest.fixture
def vss_system(request: pytest.FixtureRequest) -> Iterator[VssSystem]:
    """A fresh simulated machine, current for the test (writers bind to it on Initialize)."""
    item = request.node
    with VssSystem(seed=_seed_for(item)) as system:
        _remember(item, system)
        yield system


@pytest.fixture(scope="session")
def vss_system_factory() -> Callable[..., contextlib.AbstractContextManager[VssSystem]]:
    """``with vss_system_factory(seed=None, **kwargs) as system:``: a fresh, current machine each
    call (the test's seed unless ``seed`` is given); usable inside ``@given``."""

    @contextlib.contextmanager
    def make(seed: int | None = None, **kwargs: Any) -> Iterator[VssSystem]:
        item = _running[-1] if _running else None
        if seed is None:
            seed = _seed_for(item) if item is not None else 0
        with VssSystem(seed=seed, **kwargs) as system:
            if item is not None:
                _remember(item, system)
            yield system

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.remove(item)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """``--vss-check-determinism``: the test twice, the second time on a fresh machine."""
    if not pyfuncitem.config.getoption("--vss-check-determinism"):
        return None
    funcargs = pyfuncitem.funcargs
    if "vss_system" not in funcargs:
        return None
    names = pyfuncitem._fixtureinfo.argnames
    first = funcargs["vss_system"]
    assert isinstance(first, VssSystem)
    pyfuncitem.obj(**{name: funcargs[name] for name in names})
    with VssSystem(seed=first.seed) as second:
        _remember(pyfuncitem, second)
        arguments: dict[str, object] = {name: funcargs[name] for name in names}
        arguments["vss_system"] = second
        pyfuncitem.obj(**arguments)
    difference = first_difference(first.format_trace(), second.format_trace())
    if difference is not None:
        pytest.fail(
            f"the test is not deterministic: two runs with seed {first.seed} gave different "
            f"traces.\n{difference}",
            pytrace=False,
        )
    return True


def first_difference(one: str, two: str) -> str | None:
    """Where two traces first differ, with the line of each, or None when they are equal."""
    a, b = one.splitlines(), two.splitlines()
    for number, (left, right) in enumerate(zip(a, b, strict=False), 1):
        if left != right:
            return f"first difference at trace line {number}:\n  run 1: {left}\n  run 2: {right}"
    if len(a) != len(b):
        number = min(len(a), len(b)) + 1
        longer = a if len(a) > len(b) else b
        which = 1 if len(a) > len(b) else 2
        return (
            f"run {which} has more records; first extra at trace line {number}:\n"
            f"  run {which}: {longer[number - 1]}"
        )
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report: pytest.TestReport = yield
    if report.failed:
        systems = item.stash.get(_SYSTEMS, [])
        if systems:
            report.sections.append(("vss-simulator", failure_report(item.nodeid, systems)))
    return report


def failure_report(nodeid: str, systems: list[VssSystem]) -> str:
    """The report section of a failing test: per machine its seed, every violation in full, the
    last trace lines; then the command that replays the test."""
    lines: list[str] = []
    for system in systems:
        lines.append(f"machine seed {system.seed}, virtual time {system.clock.now:g} s")
        violations = system.violations
        if violations:
            lines.append(f"{len(violations)} rule violation(s):")
            for v in violations:
                where = " in ".join(part for part in (v.writer, v.handler) if part)
                lines.append(f"  [{v.rule.value}] {where}: {v.message}")
        else:
            lines.append("no rule violations")
        trace = system.format_trace().splitlines()
        shown = trace[-REPORT_TRACE_LINES:]
        lines.append(f"last {len(shown)} of {len(trace)} trace records:")
        lines.extend(f"  {line}" for line in shown)
        lines.append("")
    seed = systems[-1].seed
    lines.append(f"replay: pytest {nodeid} --vss-seed {seed}")
    return "\n".join(lines)


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.getoption("--vss-seed")
    shown = seed if seed is not None else "from @pytest.mark.vss, else 0"
    return f"vss-simulator: vss_system seed {shown}"
