"""Every interleaving of a small scenario: depth-first search over the scheduler's choices.

The scheduler picks the next of ``n`` ready tasks with ``rng.randrange(n)``. ``ScheduleRandom``
answers those calls from a list of choices (then 0) and records ``n`` at each decision, so a run
is fixed by its choice sequence; every other draw (GUIDs) comes from the generator it is seeded
with. ``explore`` runs the scenario with the default choices, then, depth first, with every other
choice at every decision, replaying the prefix each time.

Partial-order reduction (``reduce=True``): a step is what runs between two decisions, seen through
the trace records it appends (and the results it fills in). Its resources are the task that
recorded (program order), the sessions and writers named, the shared generator if it drew, the
machine's shared state (the snapshot-set creation lock, shadow copies, providers) for every call
but the session-local ones, and the violation list. Steps with disjoint resources are independent.
Two prefixes whose projections on every resource are equal are reorderings of independent steps,
so they reach the same state (Mazurkiewicz traces); the second one's alternatives are not
explored. A step that records nothing is treated as dependent on everything, and state kept
outside the simulator (shared between requester tasks, say) is invisible: run with
``reduce=False`` if a scenario's tasks share such state.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from simulator import VssSystem

from .scenario import Outcome, Scenario, failure_kind

__all__ = [
    "ExploreError",
    "ExploreResult",
    "FailingSchedule",
    "ScheduleRandom",
    "explore",
    "replay_schedule",
]

#: Requester calls that touch only their own session's state (first word of the record name).
SESSION_LOCAL_CALLS = frozenset(
    {
        "AddComponent",
        "FreeWriterMetadata",
        "FreeWriterStatus",
        "GatherWriterMetadata",
        "GatherWriterStatus",
        "GetSessionId",
        "GetWriterComponents",
        "GetWriterComponentsCount",
        "GetWriterMetadata",
        "GetWriterMetadataCount",
        "GetWriterStatus",
        "GetWriterStatusCount",
        "InitializeForBackup",
        "InitializeForRestore",
        "PrepareForBackup",
        "SaveAsXML",
        "SetBackupState",
        "SetBackupSucceeded",
        "SetContext",
        "SetFileRestoreStatus",
        "SetSelectedForRestore",
    }
)

_EVERYTHING = ("*",)


class ExploreError(RuntimeError):
    """A schedule did not replay: the scenario depends on something besides the choices."""


class ScheduleRandom(random.Random):
    """A generator whose ``randrange(n)`` calls follow ``choices`` (then 0), recording each ``n``.

    Every other draw is the seeded generator's own, so GUIDs depend only on the schedule.
    """

    def __new__(cls, choices: Sequence[int] = (), seed: int = 0) -> ScheduleRandom:
        # Before Python 3.11, random.Random.__new__ takes the seed alone.
        return super().__new__(cls, seed)  # type: ignore[call-arg]

    def __init__(self, choices: Sequence[int] = (), seed: int = 0) -> None:
        super().__init__(seed)
        #: the choices to follow, by decision
        self.schedule = tuple(choices)
        #: (number of alternatives, choice) at each decision so far
        self.decisions: list[tuple[int, int]] = []
        self.draws = 0
        self.tracker: _Tracker | None = None

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is not None or step != 1:
            return super().randrange(start, stop, step)
        if self.tracker is not None:
            self.tracker.boundary()
        depth = len(self.decisions)
        choice = self.schedule[depth] if depth < len(self.schedule) else 0
        if not 0 <= choice < start:
            raise ExploreError(
                f"decision {depth} has {start} alternatives but the schedule chose {choice}: the "
                "scenario does not replay from its choices alone"
            )
        self.decisions.append((start, choice))
        return choice

    def getrandbits(self, k: int, /) -> int:
        self.draws += 1
        return super().getrandbits(k)


def _resources(entry: Any) -> Iterator[tuple[Any, ...]]:
    kind = entry.kind.value
    yield ("actor", entry.thread)
    if entry.session_id is not None:
        yield ("session", entry.session_id)
    if kind == "provider":
        yield ("machine",)
    elif entry.writer is not None:
        yield ("writer", entry.writer)
    shared_call = kind == "call" and entry.name.split(" ", 1)[0] not in SESSION_LOCAL_CALLS
    if shared_call or kind == "fault":
        yield ("machine",)
    elif kind == "violation":
        yield ("violations",)


def _fields(entry: Any) -> tuple[Any, ...]:
    session = str(entry.session_id) if entry.session_id is not None else None
    return (entry.ticks, entry.kind.value, entry.name, session, entry.thread, entry.writer,
            entry.result, entry.detail)  # fmt: skip


class _Tracker:
    """Cuts a run into steps at the decisions and keys each state by its trace projections."""

    def __init__(self, system: VssSystem, rng: ScheduleRandom) -> None:
        self.system = system
        self.rng = rng
        self.seen_entries = 0
        self.unfinished: list[Any] = []
        self.draws = 0
        self.chains: dict[tuple[Any, ...], bytes] = {}
        #: the key of the state at each decision
        self.keys: list[bytes] = []

    def boundary(self) -> None:
        new = list(itertools.islice(self.system.iter_entries(), self.seen_entries, None))
        self.seen_entries += len(new)
        filled = [e for e in self.unfinished if e.result is not None]
        self.unfinished = [e for e in self.unfinished if e.result is None] + [
            e for e in new if e.result is None
        ]
        drew = self.rng.draws - self.draws
        self.draws = self.rng.draws
        if not new and not filled:
            # A step that records nothing only moves its task to its next scheduling point (and
            # may draw a GUID): it commutes with every other step.
            self.keys.append(self.keys[-1] if self.keys else b"")
            return
        label = repr(
            ([_fields(e) for e in new], [("filled", *_fields(e)) for e in filled], drew)
        ).encode()
        resources = {r for e in itertools.chain(new, filled) for r in _resources(e)}
        if drew:
            resources.add(("rng",))
        digest = hashlib.blake2b(label, digest_size=16).digest()
        for resource in resources:
            previous = self.chains.get(resource, b"")
            self.chains[resource] = hashlib.blake2b(previous + digest, digest_size=16).digest()
        state = hashlib.blake2b(digest_size=16)
        for resource, chain in sorted(self.chains.items(), key=lambda item: repr(item[0])):
            state.update(repr(resource).encode() + chain)
        self.keys.append(state.digest())


@attrs.frozen
class FailingSchedule:
    """A failing interleaving: its choices (replay with ``replay_schedule``) and how it failed."""

    choices: tuple[int, ...]
    failure: str
    detail: str


@attrs.frozen
class ExploreResult:
    """What ``explore`` ran: how many schedules, which failed, and whether it covered them all."""

    schedules: int
    failing: list[FailingSchedule]
    complete: bool
    reduced: bool
    pruned: int = 0
    longest: int = 0

    def summary(self) -> str:
        coverage = "complete" if self.complete else "partial (stopped by max_schedules)"
        reduction = (
            f", partial-order reduction: {self.pruned} of them cut short as reorderings of "
            "explored ones"
            if self.reduced
            else ", no reduction"
        )
        return (
            f"{self.schedules} schedules, {len(self.failing)} failing, {coverage}; up to "
            f"{self.longest} decisions a schedule{reduction}"
        )


def _run(
    scenario: Scenario, choices: Sequence[int], seed: int, track: bool
) -> tuple[Outcome, ScheduleRandom]:
    rng = ScheduleRandom(choices, seed)
    with VssSystem(seed=seed, rng=rng) as system:
        if track:
            rng.tracker = _Tracker(system, rng)
        error: Exception | None = None
        try:
            scenario(system)
        except ExploreError:
            raise
        except Exception as exc:
            error = exc
    if len(rng.decisions) < len(choices):
        raise ExploreError(
            f"the schedule has {len(choices)} choices but the run made {len(rng.decisions)} "
            "decisions: the scenario does not replay from its choices alone"
        )
    return Outcome(system, error), rng


def replay_schedule(scenario: Scenario, choices: Sequence[int], *, seed: int = 0) -> Outcome:
    """Run ``scenario`` once under the schedule ``choices`` (from ``explore``)."""
    return _run(scenario, choices, seed, track=False)[0]


def explore(
    scenario: Scenario,
    *,
    max_schedules: int | None = None,
    reduce: bool = True,
    seed: int = 0,
) -> ExploreResult:
    """Run ``scenario`` under every distinct sequence of scheduling choices, depth first.

    ``max_schedules`` bounds the runs (the result is then not ``complete``); ``reduce=False``
    explores every sequence, including reorderings of independent steps; ``seed`` seeds the
    generator every other draw (GUIDs) comes from.
    """
    stack: list[tuple[int, ...]] = [()]
    seen: set[bytes] = set()
    failing: list[FailingSchedule] = []
    schedules = pruned = longest = 0
    while stack:
        if max_schedules is not None and schedules >= max_schedules:
            break
        prefix = stack.pop()
        outcome, rng = _run(scenario, prefix, seed, track=reduce)
        schedules += 1
        decisions = rng.decisions
        longest = max(longest, len(decisions))
        choices = tuple(choice for _, choice in decisions)
        failure = failure_kind(outcome.system, outcome.error)
        if failure is not None:
            failing.append(FailingSchedule(choices, *failure))
        keys = rng.tracker.keys if rng.tracker is not None else []
        path = set(keys[: len(prefix)])
        for depth in range(len(prefix), len(decisions)):
            if keys:
                # A state equal to an explored one is not explored again; one equal to a state
                # on this run's own path (a silent step between) still is: that state's
                # alternatives are what is being explored.
                key = keys[depth]
                if key in seen and key not in path:
                    pruned += 1
                    break
                seen.add(key)
                path.add(key)
            alternatives, chosen = decisions[depth]
            for choice in range(alternatives - 1, chosen, -1):
                stack.append((*choices[:depth], choice))
    return ExploreResult(
        schedules=schedules,
        failing=failing,
        complete=not stack,
        reduced=reduce,
        pruned=pruned,
        longest=longest,
    )
