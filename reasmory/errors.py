"""The one error hierarchy: every failure a user can cause is a ReasmoryError.

Each error carries a one-line message, an optional hint that says how to fix
it, and the process exit status the CLI uses (2 for bad input or usage, 1 for
a program or question that cannot be answered).
"""

from __future__ import annotations


class ReasmoryError(Exception):
    """Base of every error Reasmory raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        """The message and hint joined on one line, as the CLI prints them."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


def first_problem(exc: Exception, whole: str = "top level") -> tuple[str, str]:
    """(where, what) of a pydantic ValidationError's first error: the dotted field path (or `whole`) and its message."""
    err = exc.errors()[0]  # type: ignore[attr-defined]
    return ".".join(str(p) for p in err["loc"]) or whole, err["msg"]


class InputError(ReasmoryError):
    """A file, folder or argument the user gave cannot be used."""


class MemoryFileError(InputError):
    """A `.rmem` file is missing, corrupt, truncated, foreign or too new."""


class MemoryQueryError(ReasmoryError):
    """A question about a memory has no answer (unknown label, no frames, …)."""

    exit_code = 1
