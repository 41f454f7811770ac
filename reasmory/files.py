"""Reading files others made and writing files users name, with one-line errors and nothing half-written.

Inputs are read only when they are regular files (not a FIFO or a device,
which would block or never end, even behind a symlink) and no larger than
the reader expects, checked before reading. Outputs are written to a
temporary file beside the target and renamed over it; a failure removes the
temporary file and names the path and the reason.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from reasmory.errors import InputError


def regular_file(path: Path, what: str, hint: str | None = None, streams: bool = False) -> os.stat_result:
    """The file's status, when it is a regular file (symlinks followed; with `streams`, a pipe or device too, which
    the caller reads no further than its limit); else a one-line InputError."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no {what} at '{path}'", hint=hint or "check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} '{path}': {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{what} '{path}' is a folder, not a file", hint=hint)
    if not stat.S_ISREG(info.st_mode) and not (streams and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode))):
        raise InputError(f"{what} '{path}' is not a regular file (a pipe, socket or device)", hint="give a file on disk")
    return info


def read_limited(path: Path, max_bytes: int, what: str, hint: str | None = None, streams: bool = False) -> bytes:
    """The bytes of a regular file (or, with `streams`, a pipe the user named, such as `<(…)`) of at most `max_bytes`,
    checked before reading and again while reading."""
    info = regular_file(path, what, hint, streams)
    if info.st_size > max_bytes:
        raise InputError(f"{what} '{path}' is {info.st_size:,} bytes, over the limit of {max_bytes:,}", hint=hint)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {what} '{path}': {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"{what} '{path}' grew past the limit of {max_bytes:,} bytes while it was read", hint=hint)
    return data


def output_path(path: Path, what: str) -> Path:
    """A path a file may be written to: not a folder, in a folder that exists or can be made."""
    if path.is_dir():
        raise InputError(f"cannot write {what} to '{path}': it is a folder", hint="give a file name")
    output_folder(path.parent, what, path)
    return path


def output_folder(folder: Path, what: str, target: Path | None = None) -> Path:
    """A folder that exists or has been made, to write `what` into (`target`, when a file in it is meant)."""
    target = target or folder
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"cannot write {what} to '{target}': '{existing}' is a file, not a folder", hint="choose another path")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {what} to '{target}': {exc.strerror or exc}", hint="choose a writable folder") from None
    return folder


def write_atomic(path: Path, write: Callable[[Path], None], what: str) -> Path:
    """Write through `write(temporary path)`, then rename over `path`; on failure no temporary file is left."""
    output_path(path, what)
    tmp: Path | None = None
    try:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask's permissions, as a plain write
        tmp = candidate
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write {what} to '{path}': {exc.strerror or exc}", hint="choose a writable folder") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return path
