"""Files the command line writes: atomically, never through a symlink, and with a one-line error
for a path it cannot write.

A write goes to a temporary file in the target's folder, is flushed to disk, then renamed over the
target, so a reader (or a run killed in the middle) sees the old file or the new one, never a
broken one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

__all__ = ["check_target", "write_atomically"]


def check_target(path: str | os.PathLike[str]) -> Path:
    """The path as a ``Path`` if a file can be written there; else ``click.ClickException``
    (one line, exit 1): a symlink, a folder, or a folder that does not exist. A command checks
    its output paths before it runs, so a bad path costs no run."""
    target = Path(path)
    if target.is_symlink():
        raise click.ClickException(f"{target} is a symbolic link; refusing to write through it")
    if target.is_dir():
        raise click.ClickException(f"{target} is a folder, not a file")
    folder = target.parent
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"cannot write {target}: folder {folder} is not writable")
    return target


def write_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path``; raise ``click.ClickException`` (one line, exit 1) when the
    path is a symlink, a folder, or in a folder that does not exist or cannot be written."""
    target = check_target(path)
    folder = target.parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
