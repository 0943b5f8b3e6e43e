"""The pytest plugin (registered through the ``pytest11`` entry point): the ``vss_system`` fixture.

``--vss-seed N`` sets the seed of every ``vss_system`` (default 0), so a failing run replays exactly.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._system import VssSystem


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vss-simulator")
    group.addoption(
        "--vss-seed",
        type=int,
        default=0,
        help="seed of the VssSystem the vss_system fixture builds (default 0)",
    )


@pytest.fixture
def vss_system(request: pytest.FixtureRequest) -> Iterator[VssSystem]:
    """A fresh simulated machine, current for the test (writers bind to it on Initialize)."""
    seed: int = request.config.getoption("--vss-seed")
    with VssSystem(seed=seed) as system:
        yield system


def pytest_report_header(config: pytest.Config) -> str:
    return f"vss-simulator: vss_system seed {config.getoption('--vss-seed')}"
