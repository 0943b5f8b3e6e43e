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

Robustness (docs/design.md "When user code misbehaves"):
* A task may carry a ``deadline``: a sleep or wait that would pass it ends at it, and every
  scheduling point from then on raises ``DeadlineExceeded`` into the task, so a handler that loops
  on ``sleep`` is cut off in virtual time. A loop that never reaches a scheduling point cannot be
  pre-empted (Python cannot interrupt it).
* Pooled greenlets hold the scheduler only weakly, a finished task drops its function and
  arguments, and ``close()`` ends the tasks still parked, so a machine nobody holds is freed.
* ``run()`` reports every failed task: the one error itself, or a ``BaseExceptionGroup`` of all.
"""

from __future__ import annotations

import heapq
import itertools
import random
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit, getcurrent, greenlet

from .._vocabulary.clock import VirtualClock
from .._vocabulary.errors import VssBadState

__all__ = ["DeadlineExceeded", "Deadlock", "GreenletExit", "Scheduler", "Task", "current_context"]

#: The running task's execution context (its greenlet): with the OS thread ident, the identity
#: the thread rule checks. Exported so no other module depends on the mechanism.
current_context = getcurrent

_get_ident = threading.get_ident


class Deadlock(RuntimeError):
    """Every task is blocked and no timer is left: the simulation can never go on."""


class DeadlineExceeded(BaseException):
    """Raised into a task at a scheduling point once its ``deadline`` has passed: the model has
    given up on the code it runs (a handler or a provider call that did not return in time).
    A BaseException, so a handler's ``except Exception`` does not swallow it."""


def _finished_task(*args: Any) -> None:
    """What a finished task's function becomes: it holds nothing alive."""


class Task:
    """One concurrent activity: a requester, an asynchronous VSS operation, or any user function."""

    __slots__ = (
        "_glet",
        "args",
        "deadline",
        "done",
        "error",
        "fn",
        "joiners",
        "name",
        "result",
        "token",
    )

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> None:
        self.fn = fn
        self.args = args
        self.name = name
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        #: the tasks waiting for this one to end, with their wait's token; None until one waits
        self.joiners: list[tuple[Task, int]] | None = None
        self.token = 0
        #: virtual time (ticks) after which the code this task runs is given up on, or None
        self.deadline: int | None = None
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
        #: the OS thread ident that runs this scheduler
        self.owner = threading.get_ident()
        self._alive: dict[Task, None] = {}
        self.failed: list[Task] = []
        self._pool: list[greenlet] = []
        #: what the pooled greenlets hold: the scheduler, weakly (made once)
        self._ref = weakref.ref(self)
        self._closing = False

    # -- creating and identifying tasks -------------------------------------------------------

    def spawn(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str) -> Task:
        """Create a task; it becomes ready and runs when the scheduler picks it."""
        task = Task(fn, args, name)
        self._alive[task] = None
        self._ready.append(task)
        return task

    @property
    def closing(self) -> bool:
        """Whether ``close()`` is ending the tasks now."""
        return self._closing

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
        self._check_deadline(task)
        task.token += 1
        when = self._clock.ticks + ticks
        if task.deadline is not None and when > task.deadline:
            when = task.deadline
        heapq.heappush(self._timers, (when, next(self._seq), task, task.token))
        self._switch_to_hub()
        self._check_deadline(task)

    def park(self, task: Task, deadline: int | None = None) -> None:
        """Block ``task`` (the running one) until ``wake`` with its current token, or the deadline."""
        limit = task.deadline
        if limit is not None:
            if self._clock.ticks >= limit:
                raise DeadlineExceeded()
            if deadline is None or deadline > limit:
                deadline = limit
        if deadline is not None:
            heapq.heappush(self._timers, (deadline, next(self._seq), task, task.token))
        self._switch_to_hub()
        if task.deadline is not None:
            self._check_deadline(task)

    def _check_deadline(self, task: Task) -> None:
        deadline = task.deadline
        if deadline is not None and self._clock.ticks >= deadline:
            raise DeadlineExceeded()

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
        me = self.current
        if me is None or me._glet is not getcurrent():
            # Outside any task: the owner's thread drives the loop until the task ends.
            if _get_ident() != self.owner:
                self._require_owner("wait")
            self.run_until(task, deadline)
            return
        if me is task:
            raise VssBadState(
                f"task {task.name!r} would wait for itself to end, which can never happen: "
                "a handler may not wait for the operation that invoked it"
            )
        token = self.new_token(me)
        joiners = task.joiners
        if joiners is None:
            task.joiners = [(me, token)]
        else:
            joiners.append((me, token))
        self.park(me, deadline)

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        """Run every task to completion; raise the one task error, or a BaseExceptionGroup of
        every failed task's error (each noted with its task's name)."""
        self._require_owner("run")
        self.run_until(None, None)
        if self._alive:
            names = ", ".join(t.name for t in self._alive)
            raise Deadlock(f"every task is blocked and no timer is pending: {names}")
        if self.failed:
            failed = list(self.failed)
            self.failed.clear()
            errors = [task.error for task in failed if task.error is not None]
            if len(errors) == 1:
                raise errors[0]
            if sys.version_info >= (3, 11):
                for task, error in zip(failed, errors, strict=True):
                    error.add_note(f"raised by task {task.name!r}")
                raise BaseExceptionGroup(f"{len(errors)} tasks failed", errors)  # noqa: F821
            raise errors[0]  # pragma: no cover - Python 3.10 has no exception groups

    def close(self) -> None:
        """End every task still parked or never started (their ``finally`` blocks run) and drop
        the pooled greenlets: what the machine's ``with`` block does when it ends."""
        self._require_owner("close")
        if self._hub is not None:
            return
        self._closing = True
        try:
            self._close()
        finally:
            self._closing = False

    def _close(self) -> None:
        self._ready.clear()
        self._timers.clear()
        for task in list(self._alive):
            glet = task._glet
            if glet is not None and not glet.dead:
                glet.parent = getcurrent()
                self.current = task
                try:
                    glet.throw(GreenletExit)
                except Exception:  # a task's clean-up failing as it is ended
                    pass
                finally:
                    self.current = None
            if not task.done:
                self._finish(task)
        for glet in self._pool:
            if not glet.dead:
                glet.parent = getcurrent()
                glet.throw(GreenletExit)
        self._pool.clear()
        self.failed.clear()

    def run_until(self, until: Task | None, deadline: int | None) -> None:
        """Drive the loop from outside any task until the task ``until`` ends, the deadline, or
        no work is left."""
        if self._hub is not None:
            raise RuntimeError("the scheduler is already running; block from inside a task instead")
        self._hub = hub = getcurrent()
        ready = self._ready
        timers = self._timers
        clock = self._clock
        rng = self._rng
        pool = self._pool
        try:
            while until is None or not until.done:
                if ready:
                    n = len(ready)
                    if n == 1:
                        task = ready.pop()
                    else:
                        i = rng.randrange(n)
                        task = ready[i]
                        ready[i] = ready[-1]
                        ready.pop()
                    # Resume the task on its greenlet; a task not started yet takes a pooled
                    # one (``_worker`` reads its task from ``current``) or a new one.
                    glet = task._glet
                    if glet is None:
                        if pool:
                            glet = task._glet = pool.pop()
                            if glet.parent is not hub:
                                glet.parent = hub
                            self.current = task
                            glet.switch()
                        else:
                            glet = task._glet = greenlet(_worker, hub)
                            self.current = task
                            glet.switch(self._ref)
                    else:
                        if glet.parent is not hub:
                            glet.parent = hub
                        self.current = task
                        glet.switch()
                    self.current = None
                    continue
                if not timers:
                    if deadline is not None:
                        clock.advance_to(max(deadline, clock.ticks))
                    if until is not None and not until.done and deadline is None:
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

    def _finish(self, task: Task) -> None:
        task.done = True
        task.fn = _finished_task
        task.args = ()
        task.deadline = None
        self._alive.pop(task, None)
        joiners = task.joiners
        if joiners is not None:
            task.joiners = None
            for joiner, token in joiners:
                self.wake(joiner, token)

    def _switch_to_hub(self) -> None:
        if self._closing:
            raise GreenletExit()  # a task being ended may not block again
        hub = self._hub
        if hub is None:
            raise VssBadState("a task may only block while the scheduler runs")
        hub.switch()

    def _require_owner(self, what: str) -> None:
        if _get_ident() != self.owner:
            raise VssBadState(
                f"{what} was called from OS thread {threading.current_thread().name!r}, which the "
                "simulator does not schedule; call it from a simulator task or the owning thread"
            )


def _worker(ref: weakref.ref[Scheduler]) -> None:
    """A pooled greenlet: runs the task it is switched to for (the scheduler's ``current``),
    returns to the hub, waits for the next task. Between tasks it holds its scheduler only
    weakly, so a parked pool never keeps a machine alive; it holds no task between tasks either
    (a task kept would keep its error, and what its traceback refers to, alive for ever)."""
    me = getcurrent()
    while True:
        scheduler = ref()
        if scheduler is None:
            return
        task = scheduler.current
        assert task is not None
        try:
            task.result = task.fn(*task.args)
        except GreenletExit:
            scheduler._finish(task)
            return  # the machine is closing: this greenlet ends with its task
        except BaseException as exc:  # a task's failure is reported by run(), never lost
            task.error = exc
            scheduler.failed.append(task)
        scheduler._finish(task)
        task._glet = None
        scheduler._pool.append(me)
        hub = scheduler._hub
        assert hub is not None
        task = scheduler = None
        hub.switch()
