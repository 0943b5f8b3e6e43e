"""The deterministic scheduler: ordinary blocking Python, one choice-maker, virtual time.

Rules:
1. Every task is a greenlet on the OS thread that runs the scheduler. Exactly one runs at a time, and
   it runs until it reaches a scheduling point (``checkpoint``, ``sleep``, ``park``) or ends.
2. At each decision the next task is drawn from the ready list with the system's one
   ``random.Random``, so a seed (or a Hypothesis-drawn generator) fixes the interleaving. Nothing
   depends on OS thread timing, ``id()`` or wall-clock time.
3. Time is virtual. When no task is ready, the clock jumps to the earliest timer.

Theory of operation: the "hub" is whichever greenlet drives the loop: ``run()`` from the owner's
thread, or ``run_until()`` when the owner blocks outside any task (a requester calling
``IVssAsync.Wait`` on the main thread). Tasks switch back to the hub when they block; the hub picks
the next one. A parked task is woken by ``wake(task, token)``; tokens make stale timer entries and
stale waiter entries harmless (a task woken by its timer ignores the later completion and vice versa).
The mechanism (greenlets) lives only in this module so it can change; see docs/design.md.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
from collections.abc import Callable
from typing import Any

from greenlet import getcurrent, greenlet

from .._vocabulary.clock import VirtualClock

__all__ = ["Deadlock", "Scheduler", "Task", "current_context"]

#: The running task's execution context (its greenlet): with the OS thread ident, the identity
#: the thread rule checks. Exported so no other module depends on the mechanism.
current_context = getcurrent


class Deadlock(RuntimeError):
    """Every task is blocked and no timer is left: the simulation can never go on."""


class Task:
    """One concurrent activity: a requester, an asynchronous VSS operation, or any user function."""

    __slots__ = ("_glet", "args", "done", "error", "fn", "joiners", "name", "result", "token")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> None:
        self.fn = fn
        self.args = args
        self.name = name
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.joiners: list[tuple[Task, int]] = []
        self.token = 0
        self._glet: greenlet | None = None

    def __repr__(self) -> str:
        state = "done" if self.done else "alive"
        return f"<Task {self.name} {state}>"


class Scheduler:
    """Runs tasks one at a time, choosing among the ready ones with the injected generator."""

    def __init__(self, rng: random.Random, clock: VirtualClock) -> None:
        self._rng = rng
        self._clock = clock
        self._ready: list[Task] = []
        self._timers: list[tuple[int, int, Task | None, int]] = []
        self._seq = itertools.count()
        self._hub: greenlet | None = None
        self.current: Task | None = None
        self._owner = threading.get_ident()
        self._alive: dict[Task, None] = {}
        self.failed: list[Task] = []
        self._pool: list[greenlet] = []

    # -- creating and identifying tasks -------------------------------------------------------

    def spawn(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> Task:
        """Create a task; it becomes ready and runs when the scheduler picks it."""
        task = Task(fn, args, name)
        self._alive[task] = None
        self._ready.append(task)
        return task

    def running_task(self) -> Task | None:
        """The task whose greenlet is running now, or None (owner thread, or a foreign thread)."""
        task = self.current
        if task is not None and task._glet is getcurrent():
            return task
        return None

    # -- scheduling points (called from inside a task) -----------------------------------------

    def checkpoint(self) -> None:
        """A point where another ready task may run first; free when nothing else is ready."""
        task = self.current
        if task is None or not self._ready or task._glet is not getcurrent():
            return
        self._ready.append(task)
        self._switch_to_hub()

    def sleep(self, ticks: int) -> None:
        """Spend virtual time: the task sleeps, or (outside any task) the loop runs until then."""
        task = self.running_task()
        if task is None:
            self._require_owner("sleep")
            self.run_until(None, self._clock.ticks + ticks)
            return
        task.token += 1
        heapq.heappush(self._timers, (self._clock.ticks + ticks, next(self._seq), task, task.token))
        self._switch_to_hub()

    def park(self, task: Task, deadline: int | None = None) -> None:
        """Block ``task`` (the running one) until ``wake`` with its current token, or the deadline."""
        if deadline is not None:
            heapq.heappush(self._timers, (deadline, next(self._seq), task, task.token))
        self._switch_to_hub()

    def new_token(self, task: Task) -> int:
        """Start a new wait for ``task``: earlier wake-ups become stale."""
        task.token += 1
        return task.token

    def wake(self, task: Task, token: int) -> None:
        """Make a parked task ready again if it is still waiting for this wake-up."""
        if task.token == token and not task.done:
            task.token += 1
            self._ready.append(task)

    def join(self, task: Task, deadline: int | None = None) -> None:
        """Block until ``task`` ends (or virtual time reaches ``deadline``)."""
        if task.done:
            return
        me = self.running_task()
        if me is None:
            self._require_owner("wait")
            self.run_until(lambda: task.done, deadline)
            return
        token = self.new_token(me)
        task.joiners.append((me, token))
        self.park(me, deadline)

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        """Run every task to completion; re-raise the first task error."""
        self._require_owner("run")
        self.run_until(None, None)
        if self._alive:
            names = ", ".join(t.name for t in self._alive)
            raise Deadlock(f"every task is blocked and no timer is pending: {names}")
        if self.failed:
            first = self.failed[0]
            self.failed.clear()
            assert first.error is not None
            raise first.error

    def run_until(self, done: Callable[[], bool] | None, deadline: int | None) -> None:
        """Drive the loop from outside any task until ``done()``, the deadline, or no work is left."""
        if self._hub is not None:
            raise RuntimeError("the scheduler is already running; block from inside a task instead")
        self._hub = getcurrent()
        ready = self._ready
        timers = self._timers
        clock = self._clock
        rng = self._rng
        try:
            while done is None or not done():
                if ready:
                    n = len(ready)
                    if n == 1:
                        task = ready.pop()
                    else:
                        i = rng.randrange(n)
                        task = ready[i]
                        ready[i] = ready[-1]
                        ready.pop()
                    self._resume(task)
                    continue
                if not timers:
                    if deadline is not None:
                        clock.advance_to(max(deadline, clock.ticks))
                    if done is not None and not done() and deadline is None:
                        names = ", ".join(t.name for t in self._alive) or "none"
                        raise Deadlock(
                            f"waiting for work that can never finish; blocked tasks: {names}"
                        )
                    return
                when = timers[0][0]
                if deadline is not None and when > deadline:
                    clock.advance_to(deadline)
                    return
                _, _, sleeper, token = heapq.heappop(timers)
                if sleeper is not None and (sleeper.token != token or sleeper.done):
                    continue  # a stale entry: the wait it bounded is over, no time passes
                clock.advance_to(when)
                if sleeper is not None:
                    self.wake(sleeper, token)
        finally:
            self._hub = None

    def _resume(self, task: Task) -> None:
        glet = task._glet
        if glet is None:
            glet = self._pool.pop() if self._pool else greenlet(self._worker)
            glet.parent = getcurrent()
            task._glet = glet
            self.current = task
            glet.switch(task)
        else:
            glet.parent = getcurrent()
            self.current = task
            glet.switch()
        self.current = None

    def _worker(self, task: Task) -> None:
        """A pooled greenlet: runs one task, returns to the hub, waits for the next task."""
        while True:
            try:
                task.result = task.fn(*task.args)
            except BaseException as exc:  # a task's failure is reported by run(), never lost
                task.error = exc
                self.failed.append(task)
            self._finish(task)
            task._glet = None
            self._pool.append(getcurrent())
            hub = self._hub
            assert hub is not None
            task = hub.switch()

    def _finish(self, task: Task) -> None:
        task.done = True
        del self._alive[task]
        for joiner, token in task.joiners:
            self.wake(joiner, token)
        task.joiners.clear()

    def _switch_to_hub(self) -> None:
        hub = self._hub
        if hub is None:
            raise RuntimeError("a task may only block while the scheduler runs")
        hub.switch()

    def _require_owner(self, what: str) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                f"{what} was called from OS thread {threading.current_thread().name!r}, which the "
                "simulator does not schedule; call it from a simulator task or the owning thread"
            )
