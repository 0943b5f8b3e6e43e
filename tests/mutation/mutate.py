"""Mutation testing for the simulator, with nothing but the standard library (and pytest to run).

Usage, from the repository root::

    python tests/mutation/mutate.py [--jobs N] [--pytest-args "..."] [--timeout S]
        [--list] [--only ID ...] [--sample N --seed S] [--out FILE] PATH...

Each PATH (a Python file under ``simulator/``) is parsed with ``ast`` and every mutant, one small
change each, gets a stable id ``path:line:col:operator`` (line 1-based, column 0-based):

* tables: ``del_entry`` / ``del_elt`` drop one entry of a dict, set, list or tuple literal (at
  module or class level; inside functions, dict literals and the literals a ``for`` iterates);
  ``del_arg`` drops one argument of a call that takes ``*args`` (``_stay(P.X, *_ANYTIME, C.Y)``);
  ``enum:NAME`` replaces a call argument or dict value ``Base.MEMBER`` with the next member of
  the same base, in sorted order, among those the file names (``WS.VSS_WS_STABLE``);
* comparisons ``cmp:NEW``: ``==``/``!=``, ``<``/``<=``/``>``/``>=``, ``is``/``is not``,
  ``in``/``not in`` (NEW is eq, ne, lt, le, gt, ge, is, is_not, in or not_in);
* boolean: ``and_or``/``or_and``, ``drop_not``, ``true_false``/``false_true``, and
  ``if:True``/``if:False`` for the condition of an ``if`` statement;
* numbers ``num+1``/``num-1`` on integer constants (at most 3 a line);
* statements: ``raise_pass``, ``call_pass`` (an expression statement that is a call) and
  ``return_none``.

Never mutated: docstrings, f-strings, ``__all__`` and other dunder assignments, annotations,
``if TYPE_CHECKING:`` blocks, ``__repr__``/``__str__`` and lines marked ``# pragma: no mutate``
(on a ``def`` or ``class`` line: the whole block). A mutant edits the source text at the node's
span only, so the rest of the file is unchanged; mutants that do not compile or repeat another
one are dropped. Ids and order are stable from run to run.

The repository is copied once per job into a temporary directory (without .git, caches and
.hypothesis); the unmutated suite must pass there first. Then each mutant is written into a copy
and ``python -m pytest -x -q -p no:cacheprovider [--pytest-args]`` runs with cwd and PYTHONPATH at
the copy, so the copy's ``simulator`` wins over any editable install. A failing run kills the
mutant; a run past ``--timeout`` counts as killed and is reported apart. ``--out FILE`` writes one
JSON object per mutant. ``--list`` only prints the mutants.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import json
import os
import queue
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[2]
PRAGMA = b"# pragma: no mutate"
NUMBERS_PER_LINE = 3
IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    "*.egg-info", "build", "dist",
)  # fmt: skip
CMP_TOKENS: dict[type[ast.cmpop], bytes] = {
    ast.Eq: rb"==", ast.NotEq: rb"!=", ast.Lt: rb"<(?!=)", ast.LtE: rb"<=", ast.Gt: rb">(?!=)",
    ast.GtE: rb">=", ast.Is: rb"\bis\b(?!\s+not\b)", ast.IsNot: rb"\bis\s+not\b",
    ast.In: rb"(?<!not )\bin\b", ast.NotIn: rb"\bnot\s+in\b",
}  # fmt: skip
CMP_NAMES = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}  # shell-safe ids
CMP_SWAPS: dict[type[ast.cmpop], tuple[str, ...]] = {
    ast.Eq: ("!=",), ast.NotEq: ("==",), ast.Lt: ("<=", ">="), ast.LtE: ("<", ">"),
    ast.Gt: (">=", "<="), ast.GtE: (">", "<"), ast.Is: ("is not",), ast.IsNot: ("is",),
    ast.In: ("not in",), ast.NotIn: ("in",),
}  # fmt: skip
EMPTY = {ast.Dict: "{}", ast.List: "[]", ast.Set: "set()", ast.Tuple: "()"}
MEMBER = re.compile(r"[A-Z][A-Z0-9_]*\Z")
# What may follow an element that has lines of its own.
LINE_REST = re.compile(rb"[ \t]*,?[ \t]*(#[^\n]*)?(\n|\Z)")


@dataclass(frozen=True)
class Edit:
    start: int  # byte offsets into the file
    end: int
    text: str


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str
    line: int
    op: str
    edits: tuple[Edit, ...]
    before: str  # the original lines the edits touch
    after: str  # the same lines once mutated


def apply_edits(source: bytes, edits: tuple[Edit, ...]) -> bytes:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        source = source[: edit.start] + edit.text.encode() + source[edit.end :]
    return source


def _skipped_child(node: ast.AST, field: str, child: ast.AST) -> bool:
    if field in ("annotation", "returns") or isinstance(child, ast.JoinedStr):
        return True
    if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
        return isinstance(child.value.value, str)  # docstrings and bare strings
    if isinstance(child, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = child.targets if isinstance(child, ast.Assign) else [child.target]
        return any(isinstance(t, ast.Name) and t.id.startswith("__") for t in targets)
    if isinstance(child, ast.If):
        test = child.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        return name == "TYPE_CHECKING"
    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return child.name in ("__repr__", "__str__")
    return False


class Collector:
    """Finds the mutants of one file."""

    def __init__(self, path: str, source: bytes) -> None:
        self.path, self.source = path, source
        self.tree = ast.parse(source, path)
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.lines = source.splitlines()
        self.pragma = {i + 1 for i, line in enumerate(self.lines) if PRAGMA in line}
        members: dict[str, set[str]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                members.setdefault(node.value.id, set()).add(node.attr)
        self.members = {b: sorted(filter(MEMBER.match, names)) for b, names in members.items()}
        self.found: list[tuple[int, int, str, tuple[Edit, ...], str, str]] = []
        self.seen: set[bytes] = set()
        self.numbers: Counter[int] = Counter()

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The node's byte offsets in the file (ast columns are UTF-8 byte offsets)."""
        start = self.starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        return start, self.starts[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]

    def text(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source[start:end].decode()

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, len(self.source[self.starts[line - 1] : offset].decode(errors="replace"))

    def collect(self) -> list[Mutant]:
        self.walk(self.tree, in_func=False)
        self.found.sort(key=lambda m: (m[0], m[1], m[2]))
        mutants, ids = [], Counter[str]()
        for line, col, op, edits, before, after in self.found:
            mid = f"{self.path}:{line}:{col}:{op}"
            ids[mid] += 1
            if ids[mid] > 1:
                mid += f"#{ids[mid]}"
            mutants.append(Mutant(mid, self.path, line, op, edits, before, after))
        return mutants

    def walk(self, node: ast.AST, in_func: bool) -> None:
        for field, value in ast.iter_fields(node):
            for child in value if isinstance(value, list) else [value]:
                if not isinstance(child, ast.AST) or _skipped_child(node, field, child):
                    continue
                block = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                if block and child.lineno in self.pragma:  # type: ignore[attr-defined]
                    continue
                self.mutate(child, node, field, in_func)
                func = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                self.walk(child, in_func or func)

    def add(self, at: int, op: str, edits: list[Edit]) -> None:
        line, col = self.where(at)
        if line in self.pragma or (op.startswith("num") and self.numbers[line] >= NUMBERS_PER_LINE):
            return
        data = apply_edits(self.source, tuple(edits))
        if data == self.source or data in self.seen:
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(data, self.path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return
        self.seen.add(data)
        if op.startswith("num"):
            self.numbers[line] += 1
        old, new = self.lines, data.splitlines()  # the changed lines: drop the common ends
        same = min(len(old), len(new))
        head = next((i for i in range(same) if old[i] != new[i]), same)
        tail = next((i for i in range(same - head) if old[-1 - i] != new[-1 - i]), same - head)
        before = b"\n".join(old[head : len(old) - tail]).decode()
        after = b"\n".join(new[head : len(new) - tail]).decode()
        self.found.append((line, col, op, tuple(edits), before, after))

    def mutate(self, node: ast.AST, parent: ast.AST, field: str, in_func: bool) -> None:
        if isinstance(node, (ast.Dict, ast.Set, ast.List, ast.Tuple)):
            if self.is_table(node, parent, field, in_func):
                self.delete_elements(node)
            if isinstance(node, ast.Dict):
                for value in node.values:
                    self.swap_member(value, [])
        elif isinstance(node, ast.Call):
            if any(isinstance(a, ast.Starred) for a in node.args):
                self.delete_elements(node, first=1)
            arguments = [*node.args, *(k.value for k in node.keywords)]
            for argument in arguments:
                self.swap_member(argument, arguments)
        elif isinstance(node, ast.Compare):
            self.mutate_compare(node)
        elif isinstance(node, ast.BoolOp):
            old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            edits, pattern = [], rb"\b%s\b" % old.encode()
            for left, right in pairwise(node.values):
                match = self.token(self.span(left)[1], self.span(right)[0], pattern)
                if match:
                    edits.append(Edit(*match, new))
            self.add(self.span(node)[0], f"{old}_{new}", edits)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            start = self.span(node)[0]
            keyword = re.compile(rb"not\s*").match(self.source, start)
            if keyword:
                self.add(start, "drop_not", [Edit(start, keyword.end(), "")])
        elif isinstance(node, ast.Constant):
            self.mutate_constant(node)
        self.mutate_statement(node)

    def swap_member(self, node: ast.AST, siblings: list[ast.expr]) -> None:
        """``Base.NAME`` -> the next member of ``Base`` in sorted order that no sibling names."""
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return
        taken = {s.attr for s in siblings if isinstance(s, ast.Attribute)} - {node.attr}
        names = [n for n in self.members[node.value.id] if n not in taken]
        if node.attr in names:
            new = names[(names.index(node.attr) + 1) % len(names)]
            start, end = self.span(node)
            self.add(start, f"enum:{new}", [Edit(end - len(node.attr.encode()), end, new)])

    def is_table(self, node: ast.AST, parent: ast.AST, field: str, in_func: bool) -> bool:
        if isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
            return False
        if (isinstance(parent, ast.Dict) and field == "keys") or isinstance(parent, ast.Subscript):
            return False  # a key, not a table
        if not in_func or isinstance(node, ast.Dict):
            return True
        return isinstance(parent, (ast.For, ast.comprehension)) and field == "iter"

    def delete_elements(self, node: ast.AST, first: int = 0) -> None:
        """One mutant per element (dict entry, call argument from ``first`` on) removed."""
        if isinstance(node, ast.Dict):
            spans = []
            for key, value in zip(node.keys, node.values, strict=True):
                start, end = self.span(value)
                start = self.span(key)[0] if key else self.source.rindex(b"**", 0, start)
                spans.append((start, end))
            op = "del_entry"
        elif isinstance(node, ast.Call):
            spans, op = [self.span(arg) for arg in node.args], "del_arg"
        else:
            spans, op = [self.span(elt) for elt in node.elts], "del_elt"  # type: ignore[attr-defined]
        for i, (start, end) in enumerate(spans):
            line_start = self.starts[self.where(start)[0] - 1]
            rest = LINE_REST.match(self.source, end)
            if i < first:
                continue
            if len(spans) == 1:
                edit = Edit(*self.span(node), EMPTY[type(node)])
            elif isinstance(node, ast.Tuple) and len(spans) == 2:  # it must stay a tuple
                keep = self.source[slice(*spans[1 - i])].decode()
                edit = Edit(*self.span(node), f"({keep},)")
            elif rest and not self.source[line_start:start].strip():  # on lines of its own
                edit = Edit(line_start, rest.end(), "")
            elif i < len(spans) - 1:
                edit = Edit(start, spans[i + 1][0], "")
            else:
                edit = Edit(spans[i - 1][1], end, "")
            self.add(start, op, [edit])

    def token(self, start: int, end: int, pattern: bytes) -> tuple[int, int] | None:
        match = re.compile(pattern).search(self.source, start, end)
        return match.span() if match else None

    def mutate_compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for op, (left, right) in zip(node.ops, pairwise(operands), strict=True):
            where = self.token(self.span(left)[1], self.span(right)[0], CMP_TOKENS[type(op)])
            if where:
                for new in CMP_SWAPS[type(op)]:
                    name = CMP_NAMES.get(new, new.replace(" ", "_"))
                    self.add(where[0], f"cmp:{name}", [Edit(*where, new)])

    def mutate_constant(self, node: ast.Constant) -> None:
        start, end = self.span(node)
        if isinstance(node.value, bool):
            new = str(not node.value)
            self.add(start, f"{node.value}_{new}".lower(), [Edit(start, end, new)])
        elif isinstance(node.value, int):
            old = self.text(node).lower()
            fmt = {"0x": hex, "0o": oct, "0b": bin}.get(old[:2], str)
            for delta in (1, -1):
                new = fmt(node.value + delta)
                self.add(start, f"num{delta:+d}", [Edit(start, end, new)])

    def mutate_statement(self, node: ast.AST) -> None:
        if isinstance(node, ast.If):
            for new in ("True", "False"):
                self.add(self.span(node.test)[0], f"if:{new}", [Edit(*self.span(node.test), new)])
        elif isinstance(node, ast.Raise):
            self.add(self.span(node)[0], "raise_pass", [Edit(*self.span(node), "pass")])
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.add(self.span(node)[0], "call_pass", [Edit(*self.span(node), "pass")])
        elif isinstance(node, ast.Return) and node.value and self.text(node.value) != "None":
            edit = Edit(*self.span(node.value), "None")
            self.add(self.span(node)[0], "return_none", [edit])


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


class Workspace:
    """A private copy of the repository where one mutant at a time is written and tested."""

    live: ClassVar[set[subprocess.Popen[bytes]]] = set()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, base: Path, index: int) -> None:
        home = base / f"job{index}"
        self.repo = home / ROOT.name
        shutil.copytree(ROOT, self.repo, ignore=IGNORE, symlinks=True)
        if (ROOT.parent / "shared").is_dir():  # tests look for ../shared beside the checkout
            (home / "shared").symlink_to(ROOT.parent / "shared")
        paths = [str(self.repo), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}

    def write(self, path: str, data: bytes) -> None:
        target = self.repo / path
        target.write_bytes(data)
        for stale in (target.parent / "__pycache__").glob(f"{target.stem}.*.pyc"):
            stale.unlink()  # a same-size edit within the same second would pass the mtime check

    def run(self, cmd: list[str], timeout: float) -> tuple[str, float, str]:
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd, cwd=self.repo, env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        with self.lock:
            self.live.add(proc)
        try:
            out, _ = proc.communicate(timeout=timeout)
            status = "survived" if proc.returncode == 0 else "killed"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            status = "timeout"
        finally:
            with self.lock:
                self.live.discard(proc)
        return status, time.monotonic() - start, out.decode(errors="replace")

    @classmethod
    def kill_all(cls) -> None:
        with cls.lock:
            for proc in cls.live:
                os.killpg(proc.pid, signal.SIGKILL)


def pytest_command(extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *extra]


def prepare(jobs: int, base: Path, extra: list[str], timeout: float) -> list[Workspace]:
    workspaces = [Workspace(base, i) for i in range(jobs)]
    probe = [sys.executable, "-c", "import simulator; print(simulator.__file__)"]
    for ws in workspaces:
        _, _, where = ws.run(probe, 60)
        if not Path(where.strip()).resolve().is_relative_to(ws.repo.resolve()):
            sys.exit(f"the copy's simulator is not the one imported: {where.strip()}")
    status, seconds, out = workspaces[0].run(pytest_command(extra), timeout * 5)
    if status != "survived":
        sys.exit(f"the unmutated suite does not pass in the copy ({status}):\n{out[-3000:]}")
    print(f"baseline: the unmutated suite passes in the copy in {seconds:.1f}s", flush=True)
    return workspaces


def execute(mutants: list[Mutant], sources: dict[str, bytes], args: argparse.Namespace) -> list[dict[str, object]]:  # fmt: skip
    extra = shlex.split(args.pytest_args)
    base = Path(tempfile.mkdtemp(prefix="mutate-"))
    results: dict[str, dict[str, object]] = {}
    executor = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        pool: queue.Queue[Workspace] = queue.Queue()
        for ws in prepare(min(args.jobs, len(mutants)), base, extra, args.timeout):
            pool.put(ws)

        def one(mutant: Mutant) -> dict[str, object]:
            ws = pool.get()
            try:
                ws.write(mutant.path, apply_edits(sources[mutant.path], mutant.edits))
                status, seconds, _ = ws.run(pytest_command(extra), args.timeout)
            finally:
                ws.write(mutant.path, sources[mutant.path])
                pool.put(ws)
            return {"id": mutant.id, "path": mutant.path, "line": mutant.line, "operator": mutant.op,
                    "status": status, "seconds": round(seconds, 2),
                    "original": mutant.before, "mutated": mutant.after}  # fmt: skip

        futures = [executor.submit(one, m) for m in mutants]
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            results[str(result["id"])] = result
            print(f"[{done}/{len(mutants)}] {result['status']:8} {result['id']} "
                  f"({result['seconds']:.1f}s)", flush=True)  # fmt: skip
    finally:
        executor.shutdown(wait=False, cancel_futures=True)  # on Ctrl-C too
        Workspace.kill_all()
        shutil.rmtree(base, ignore_errors=True)
    return [results[m.id] for m in mutants]


def show(snippet: str, mark: str, limit: int = 6) -> str:
    lines = snippet.strip("\n").splitlines() or ["(nothing)"]
    shown = [f"      {mark} {line.strip()}" for line in lines[:limit]]
    return "\n".join(shown + ([f"      {mark} …"] if len(lines) > limit else []))


def summarize(results: list[dict[str, object]]) -> None:
    counts = Counter(str(r["status"]) for r in results)
    total = len(results)
    score = 100.0 * (counts["killed"] + counts["timeout"]) / total if total else 100.0
    print(f"\ntotal {total}, killed {counts['killed']}, survived {counts['survived']}, "
          f"timed out {counts['timeout']}; score {score:.1f}% (killed + timed out) / total")  # fmt: skip
    survivors = [r for r in results if r["status"] == "survived"]
    if survivors:
        print(f"\n{len(survivors)} survivors:")
    for r in survivors:
        print(f"  {r['id']}\n{show(str(r['original']), '-')}\n{show(str(r['mutated']), '+')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="Python files under simulator/")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pytest-args", default="", help='e.g. "tests/test_call_order.py"')
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", action="append", metavar="ID", help="run this mutant only")
    parser.add_argument("--sample", type=int, metavar="N", help="run N mutants drawn at random")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument("--out", type=Path, help="write the results as JSON lines")
    args = parser.parse_args(argv)

    sources: dict[str, bytes] = {}
    mutants: list[Mutant] = []
    for path in args.paths:
        if not path.resolve().is_relative_to(ROOT) or not path.is_file():
            parser.error(f"not a file of {ROOT}: {path}")
        rel = path.resolve().relative_to(ROOT).as_posix()
        sources[rel] = (ROOT / rel).read_bytes()
        mutants += Collector(rel, sources[rel]).collect()
    if args.only:
        unknown = set(args.only) - {m.id for m in mutants}
        if unknown:
            parser.error(f"no such mutant: {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m.id in args.only]
    if args.sample is not None and args.sample < len(mutants):
        chosen = set(random.Random(args.seed).sample(range(len(mutants)), args.sample))
        mutants = [m for i, m in enumerate(mutants) if i in chosen]
    if args.list:
        for m in mutants:
            print(f"{m.id}\n{show(m.before, '-', 3)}\n{show(m.after, '+', 3)}")
        by_op = Counter(m.op.split(":")[0] for m in mutants)
        ops = ", ".join(f"{op} {n}" for op, n in sorted(by_op.items()))
        print(f"\n{len(mutants)} mutants ({ops})")
        return 0
    if not mutants:
        print("no mutants")
        return 0
    results = execute(mutants, sources, args)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results))
    summarize(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
