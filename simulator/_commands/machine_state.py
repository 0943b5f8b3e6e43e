"""The machine ``vss-sim vshadow|vssadmin|diskshadow`` work on, kept in a state file between runs.

The file is ``$XDG_STATE_HOME/vss-sim/machine.json`` (``~/.local/state/vss-sim/machine.json``
when XDG_STATE_HOME is unset or not absolute), or the path given with ``--state``. It is JSON with
a ``version``; it holds the machine's seed, name and calendar start, its volumes, its providers
(the system provider only), its shadow copies, the writers' last states, the virtual clock, the
number of shadow copy devices made, the diff areas (``shadow_storage``: each volume's storage
volume and maximum size, as ``vssadmin add/resize shadowstorage`` set them; ``delete
shadowstorage`` removes the entry and the copies it held), the applications
whose writers run beside the in-box ones (``applications``) and the state of the seeded
generator. The writers are the in-box set (``fakes.inbox_writers()``), then SQL Server's writer
when the machine was made with ``--sql-server``, subscribed in order, so the same seed gives them
the same instance ids on every run; the generator then continues where the last run left it.
No tool command writes data to a volume, so the diff areas' used space is always 0 and is not
kept.

Fields added since version 1 was first written (``shadow_storage``, ``applications``) are
optional: a file without them is a machine without diff areas or applications, and still loads.

A run reads the file (a missing one is a new machine with volumes C:, D: and E:, docs/design.md),
runs its command and writes the file back with ``write_atomically``: a run killed in the middle
leaves the old file or the new one. A file of another version, or one that is not such a file,
is a one-line error (exit 1) and is left as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from .._service.providers import SYSTEM_PROVIDER_ID, Snapshot
from .._system import VssSystem
from .._vocabulary.enums import VSS_WRITER_STATE
from .files import write_atomically
from .last_trace import save_trace_beside

__all__ = [
    "APPLICATIONS",
    "DEFAULT_VOLUMES",
    "FORMAT",
    "VERSION",
    "applications_of",
    "default_state_path",
    "dump_state",
    "load_machine",
    "machine_options",
    "open_machine",
    "save_machine",
]

FORMAT = "vss-sim machine state"
VERSION = 1
#: Applications a machine may run beside the in-box writers: name in the file -> its writer.
APPLICATIONS = ("SqlServerWriter",)
#: The volumes of a new command-line machine ([INF], docs/design.md).
DEFAULT_VOLUMES = ("C:\\", "D:\\", "E:\\")
_SNAPSHOT_FIELDS = {
    "snapshot_id": str,
    "snapshot_set_id": str,
    "snapshots_count": int,
    "device": str,
    "original_volume": str,
    "volume_guid_path": str,
    "machine": str,
    "provider_id": str,
    "attributes": int,
    "created_ticks": int,
    "created_timestamp": int,
}
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class _Corrupt(Exception):
    """What is wrong with a state file, in a few words."""


def default_state_path() -> Path:
    """``$XDG_STATE_HOME/vss-sim/machine.json``, or under ``~/.local/state`` by default."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "vss-sim" / "machine.json"


def machine_options(command: F) -> F:
    """The ``--state PATH``, ``--seed N`` and ``--sql-server`` options of the tool commands."""
    command = click.option(
        "--sql-server",
        is_flag=True,
        default=False,
        help="A new machine also runs SQL Server's writer (SqlServerWriter), whose databases "
        "on C: are backed up and take restore events (vshadow -r=FILE).",
    )(command)
    command = click.option(
        "--seed",
        type=int,
        default=None,
        help="Seed of a new machine, used when the state file does not exist yet (default 0).",
    )(command)
    command = click.option(
        "--state",
        "state_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The machine's state file (default: $XDG_STATE_HOME/vss-sim/machine.json).",
    )(command)
    return command


def new_machine(
    seed: int, volumes: tuple[tuple[str, str], ...] = (), applications: tuple[str, ...] = ()
) -> VssSystem:
    """A command-line machine: the volumes (C:\\ always first), the in-box writers, then the
    writers of ``applications`` (names from ``APPLICATIONS``)."""
    import fakes

    system = VssSystem(seed=seed)
    for name, file_system in volumes or tuple((v, "NTFS") for v in DEFAULT_VOLUMES):
        if name.lower() != "c:\\":
            system.add_volume(name, file_system=file_system)
    writers = fakes.inbox_writers()
    if "SqlServerWriter" in applications:
        writers.append(fakes.SqlServerWriter())
    fakes.install(system, writers)
    return system


def applications_of(system: VssSystem) -> tuple[str, ...]:
    """The ``APPLICATIONS`` whose writers run on ``system``."""
    names = set(system.writer_names())
    return tuple(name for name in APPLICATIONS if name in names)


def _get(data: dict[str, Any], key: str, kind: type[T]) -> T:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Corrupt(f"field {key!r} is missing or not a {kind.__name__}")
    return value


def _guid(text: str, key: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _Corrupt(f"field {key!r} is not a GUID") from None


def dump_state(system: VssSystem) -> str:
    """The state file's text for ``system``."""
    version, words, gauss = system.rng.getstate()
    data = {
        "format": FORMAT,
        "version": VERSION,
        "seed": system.seed,
        "machine_name": system.machine_name,
        "start_time": system.start_time.isoformat(),
        "clock_ticks": system.clock.ticks,
        "volumes": [
            {"name": v.name, "guid_path": v.guid_path, "file_system": v.file_system}
            for v in system.volumes
        ],
        "providers": [str(p.provider_id) for p in system.providers],
        "applications": list(applications_of(system)),
        "writers": [
            {"instance_id": str(iid), "state": int(state), "failure": failure}
            for iid, (state, failure) in system.writer_last_states().items()
        ],
        "shadow_devices_issued": system.shadow_devices_issued,
        "snapshots": [
            {
                key: str(getattr(s, key)) if kind is str else getattr(s, key)
                for key, kind in _SNAPSHOT_FIELDS.items()
            }
            for s in system.shadow_copies()
        ],
        "shadow_storage": [
            {"for": volume.name, "on": storage.name, "max_bytes": maximum}
            for volume, storage, maximum in system.shadow_storage_associations()
        ],
        "rng": {"version": version, "words": [int(w) for w in words], "gauss": gauss},
    }
    return json.dumps(data, indent=1) + "\n"


def _rebuild(data: dict[str, Any]) -> VssSystem:
    if data.get("format") != FORMAT:
        raise _Corrupt("it has no 'format' field saying so")
    version = data.get("version")
    if version != VERSION:
        raise click.ClickException(
            f"state file version {version!r} is not one this vss-sim reads (it reads "
            f"version {VERSION})"
        )
    seed = _get(data, "seed", int)
    volumes = []
    for entry in _get(data, "volumes", list):
        if not isinstance(entry, dict):
            raise _Corrupt("a volume is not an object")
        volumes.append(
            (
                _get(entry, "name", str),
                _get(entry, "file_system", str),
                _get(entry, "guid_path", str),
            )
        )
    if not volumes or volumes[0][0].lower() != "c:\\":
        raise _Corrupt("the first volume is not C:\\")
    if _get(data, "providers", list) != [str(SYSTEM_PROVIDER_ID)]:
        raise _Corrupt("a provider other than the system provider is listed")
    if _get(data, "machine_name", str) != "SIMHOST":
        raise _Corrupt("the machine name is not the simulator's")
    start = _get(data, "start_time", str)
    try:
        start_time = dt.datetime.fromisoformat(start)
    except ValueError:
        raise _Corrupt("field 'start_time' is not a date") from None
    applications = data.get("applications", [])
    if not isinstance(applications, list) or not all(a in APPLICATIONS for a in applications):
        raise _Corrupt(f"field 'applications' is not a list of {', '.join(APPLICATIONS)}")
    system = new_machine(
        seed, tuple((name, fs) for name, fs, _ in volumes), tuple(sorted(set(applications)))
    )
    if system.start_time != start_time:
        raise _Corrupt("the start time is not the simulator's")
    if [v.guid_path for v in system.volumes] != [guid for _, _, guid in volumes]:
        raise _Corrupt("its volumes' GUIDs are not those its seed gives")
    known = {s for s in system.writer_last_states()}
    states: dict[uuid.UUID, tuple[VSS_WRITER_STATE, int]] = {}
    for entry in _get(data, "writers", list):
        if not isinstance(entry, dict):
            raise _Corrupt("a writer is not an object")
        instance = _guid(_get(entry, "instance_id", str), "instance_id")
        if instance not in known:
            raise _Corrupt(f"writer instance {instance} is not one its seed gives")
        try:
            state = VSS_WRITER_STATE(_get(entry, "state", int))
        except ValueError:
            raise _Corrupt("a writer state is not a VSS_WRITER_STATE") from None
        states[instance] = (state, _get(entry, "failure", int))
    snapshots = []
    for entry in _get(data, "snapshots", list):
        if not isinstance(entry, dict):
            raise _Corrupt("a shadow copy is not an object")
        fields: dict[str, Any] = {
            key: _get(entry, key, kind) for key, kind in _SNAPSHOT_FIELDS.items()
        }
        for key in ("snapshot_id", "snapshot_set_id", "provider_id"):
            fields[key] = _guid(fields[key], key)
        snapshots.append(Snapshot(**fields))
    rng = _get(data, "rng", dict)
    words = _get(rng, "words", list)
    if len(words) != 625 or not all(isinstance(w, int) and 0 <= w < 2**32 for w in words):
        raise _Corrupt("the generator's state is not 625 32-bit words")
    gauss = rng.get("gauss")
    if gauss is not None and not isinstance(gauss, float):
        raise _Corrupt("the generator's state is not a random.Random state")
    try:
        system.restore_state(
            clock_ticks=_get(data, "clock_ticks", int),
            snapshots=snapshots,
            shadow_devices_issued=_get(data, "shadow_devices_issued", int),
            writer_states=states,
            rng_state=(_get(rng, "version", int), tuple(words), gauss),
        )
    except (ValueError, TypeError) as exc:
        raise _Corrupt(str(exc)) from None
    _restore_shadow_storage(system, data.get("shadow_storage", []))
    return system


def _restore_shadow_storage(system: VssSystem, entries: object) -> None:
    """The diff areas of the file, remade in their order (``shadow_storage`` is optional)."""
    if not isinstance(entries, list):
        raise _Corrupt("field 'shadow_storage' is not a list")
    names = {v.name for v in system.volumes}
    for entry in entries:
        if not isinstance(entry, dict):
            raise _Corrupt("a shadow storage association is not an object")
        volume, storage = _get(entry, "for", str), _get(entry, "on", str)
        maximum = entry.get("max_bytes")
        if volume not in names or storage not in names:
            raise _Corrupt("a shadow storage association names a volume the machine lacks")
        if maximum is not None and (
            not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 1
        ):
            raise _Corrupt("a shadow storage maximum is not a positive number of bytes")
        system.resize_shadow_storage(volume, maximum, storage)


def load_machine(
    path: Path, seed: int | None = None, applications: tuple[str, ...] | None = None
) -> VssSystem:
    """The machine saved in ``path``, or a new one (seed ``seed``, default 0, running
    ``applications``' writers) if there is none.

    Raises ``click.ClickException`` (one line, exit 1) for a file that cannot be read, is not a
    state file, is of another version, or was made with another seed than ``seed`` or without
    one of ``applications``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return new_machine(0 if seed is None else seed, (), applications or ())
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read state file {path}: {exc}") from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise _Corrupt("it is not a JSON object")
        system = _rebuild(data)
    except (ValueError, _Corrupt) as exc:
        raise click.ClickException(
            f"{path} is not a vss-sim state file ({exc}); it was left as it is: remove it or "
            "pass --state for another"
        ) from None
    except click.ClickException as exc:
        raise click.ClickException(
            f"{path}: {exc.message}; it was left as it is: remove it or pass --state for another"
        ) from None
    if seed is not None and seed != system.seed:
        raise click.ClickException(
            f"the machine in {path} was made with seed {system.seed}, not {seed}: remove the "
            "file (or pass --state for another) to start a new machine"
        )
    missing = [a for a in applications or () if a not in applications_of(system)]
    if missing:
        raise click.ClickException(
            f"the machine in {path} was made without {', '.join(missing)}: remove the file (or "
            "pass --state for another) to start a new machine with it"
        )
    return system


def save_machine(system: VssSystem, path: Path) -> None:
    """Write the state file atomically; the default folder is made when missing."""
    if path == default_state_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dump_state(system))


@contextlib.contextmanager
def open_machine(
    state_path: Path | None, seed: int | None, sql_server: bool = False
) -> Iterator[VssSystem]:
    """The machine of the state file, saved back when the block ends (also after an error a
    command reports with ``click`` exceptions, so copies made before it are kept); the run's
    trace is saved beside it for ``vss-sim trace`` (``last_trace.trace_path_beside``)."""
    path = state_path if state_path is not None else default_state_path()
    system = load_machine(path, seed, ("SqlServerWriter",) if sql_server else None)
    try:
        yield system
    finally:
        save_machine(system, path)
        save_trace_beside(system.trace, path)
