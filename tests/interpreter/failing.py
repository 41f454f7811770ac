"""Objects that fail inside a run in a way no language error describes, for the isolated runs' tests.

They live in a module of their own so a worker process can unpickle them (it imports this module, nothing else of
the tests)."""

from __future__ import annotations


class FailingObjects(list):
    """A memory's object list whose length cannot be taken: the run fails with `error`'s type and message."""

    def __init__(self, items: list, error: str) -> None:
        super().__init__(items)
        self.error = error

    def __len__(self) -> int:
        raise RuntimeError(self.error)
