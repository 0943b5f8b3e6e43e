"""Scenarios: plain functions run against a fresh machine, and what one run of them gives.

A scenario is ``scenario(system: VssSystem) -> None``: it installs writers, drives requesters and
asserts. A run fails when the scenario raises or leaves a violation in ``system.violations``. A
scenario is named ``module:function`` (importable) or ``path/to/file.py:function``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import random
import re
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from simulator import VssSystem

__all__ = [
    "Outcome",
    "Scenario",
    "SeedResult",
    "failure_kind",
    "load_scenario",
    "replay",
    "run_batch",
    "run_scenario",
    "run_seed",
]

Scenario = Callable[[VssSystem], None]

_GUID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b", re.IGNORECASE)


def _is_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or os.sep in target


def resolve_spec(spec: str) -> str:
    """The spec with a file path made absolute, so other processes and machines load the same file."""
    target, function = _split(spec)
    if _is_path(target):
        return f"{os.path.abspath(target)}:{function}"
    return spec


def _split(spec: str) -> tuple[str, str]:
    target, sep, function = spec.rpartition(":")
    if not sep or not target or not function.isidentifier():
        raise ValueError(
            f"a scenario is named module:function or path/to/file.py:function, not {spec!r}"
        )
    return target, function


def load_scenario(spec: str) -> Scenario:
    """The function ``spec`` names: ``package.module:function`` or ``path/to/file.py:function``.

    A file is imported once per process, under a module name derived from its absolute path.
    """
    target, function = _split(spec)
    if _is_path(target):
        path = os.path.abspath(target)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"scenario file not found: {target}")
        digest = hashlib.sha1(path.encode()).hexdigest()[:12]
        name = f"_vss_scenario_{digest}"
        module = sys.modules.get(name)
        if module is None:
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot import scenario file {target}")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                module_spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
    else:
        module = importlib.import_module(target)
    scenario = getattr(module, function, None)
    if not callable(scenario):
        raise AttributeError(f"{target} has no function {function!r}")
    return scenario  # type: ignore[no-any-return]


def failure_kind(system: VssSystem, error: BaseException | None) -> tuple[str, str] | None:
    """How a run failed, as (kind, detail), or None if it passed.

    The kind groups failures: the first violation's rule and handler (``wrong-thread in
    OnFreeze``), or the exception's type and the first line of its message with GUIDs replaced by
    ``{guid}``. The detail is the full first violation message or exception line.
    """
    violations = system.violations
    if violations:
        first = violations[0]
        where = f" in {first.handler}" if first.handler else ""
        return f"{first.rule.value}{where}", first.message
    if error is not None:
        lines = str(error).strip().splitlines()
        line = lines[0] if lines else ""
        name = type(error).__name__
        kind = f"{name}: {_GUID.sub('{guid}', line)}" if line else name
        return kind, f"{name}: {line}" if line else name
    return None


@attrs.frozen
class Outcome:
    """One run kept whole: the machine afterwards, and the exception the scenario raised."""

    system: VssSystem
    error: BaseException | None

    @property
    def failure(self) -> tuple[str, str] | None:
        return failure_kind(self.system, self.error)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def violations(self) -> list[str]:
        return [
            f"[{v.rule.value}] {v.writer} in {v.handler}: {v.message}"
            for v in self.system.violations
        ]

    def trace_tail(self, lines: int = 30) -> list[str]:
        """The last ``lines`` lines of ``system.format_trace()``."""
        text = self.system.format_trace()
        return text.splitlines()[-lines:] if text else []

    def format_error(self) -> str:
        """The scenario's exception with its traceback, or an empty string."""
        if self.error is None:
            return ""
        return "".join(traceback.format_exception(self.error)).rstrip()


def run_scenario(scenario: Scenario, *, seed: int = 0, rng: random.Random | None = None) -> Outcome:
    """Run ``scenario`` once on a fresh ``VssSystem(seed=seed)`` (or with ``rng``)."""
    with VssSystem(seed=seed, rng=rng) as system:
        try:
            scenario(system)
        except Exception as error:
            return Outcome(system, error)
    return Outcome(system, None)


def replay(spec: str | Scenario, seed: int) -> Outcome:
    """Run a scenario (a spec or the function) once with ``seed``, keeping the machine."""
    scenario = load_scenario(spec) if isinstance(spec, str) else spec
    return run_scenario(scenario, seed=seed)


@attrs.frozen
class SeedResult:
    """What one seed gave: its failure kind and detail (None if it passed), and its trace digest.

    ``second_digest`` is the digest of a second run when determinism is checked (else None).
    """

    seed: int
    kind: str | None = None
    detail: str | None = None
    digest: str = ""
    second_digest: str | None = None

    @property
    def failed(self) -> bool:
        return self.kind is not None

    @property
    def deterministic(self) -> bool:
        return self.second_digest is None or self.second_digest == self.digest

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SeedResult:
        fields = {f.name for f in attrs.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})


def _digest(system: VssSystem) -> str:
    return hashlib.blake2b(system.format_trace().encode(), digest_size=16).hexdigest()


def run_seed(scenario: Scenario, seed: int, *, check_determinism: bool = False) -> SeedResult:
    """Run one seed (twice when checking determinism) and summarise it."""
    outcome = run_scenario(scenario, seed=seed)
    failure = outcome.failure
    digest = _digest(outcome.system)
    second = None
    if check_determinism:
        second = _digest(run_scenario(scenario, seed=seed).system)
    kind, detail = failure if failure is not None else (None, None)
    return SeedResult(seed, kind, detail, digest, second)


def run_batch(spec: str, seeds: Sequence[int], check_determinism: bool = False) -> list[SeedResult]:
    """Run the scenario ``spec`` names once per seed; the unit of work of a local or cluster sweep."""
    scenario = load_scenario(spec)

    def run() -> list[SeedResult]:
        return [run_seed(scenario, seed, check_determinism=check_determinism) for seed in seeds]

    if threading.current_thread() is threading.main_thread():
        return run()
    # A cluster runs tasks on pool threads; the trace names the scenario's own thread, so the
    # batch runs on a thread named as a local run's is.
    results: list[list[SeedResult]] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(run())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target, name="MainThread")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
