"""Results as JSON Lines that survive a kill: one `{"key", "result"}` line per item, fsynced as it is written.

A run killed mid-write leaves at most one torn last line; opening the store
drops it (it was never a finished result), so the re-run redoes that item and
appends cleanly. Nothing else is ever rewritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Self

from reasmory.errors import InputError


class ResultStore:
    """Finished results by key: read from `path` (when given) and appended to it as they arrive."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.results: dict[str, dict[str, Any]] = {}
        self._fd: int | None = None
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        if path.is_dir():
            raise InputError(f"results path '{path}' is a folder", hint="give a .jsonl file path")
        if not path.exists():
            return
        data = path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line from an interrupted run: never a finished result
            with path.open("r+b") as fh:
                fh.truncate(end)
        for number, line in enumerate(data[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                self.results[str(record["key"])] = dict(record["result"])
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path}:{number}: not a result line of a reasmory batch",
                                 hint="give a new --results file, or the one an earlier run of the same command wrote") from None

    def add(self, key: str, result: dict[str, Any]) -> None:
        """Keep `result` and, with a file, append it durably (flush + fsync) before returning."""
        self.results[key] = result
        if self.path is None:
            return
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            except OSError as exc:
                raise InputError(f"cannot write results to '{self.path}': {exc.strerror or exc}", hint="choose a writable path") from None
        line = json.dumps({"key": key, "result": result}, ensure_ascii=False, default=str) + "\n"
        data = line.encode("utf-8")
        while data:  # an O_APPEND file: each write lands at the end; one write per line in practice
            data = data[os.write(self._fd, data):]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
