"""Default factories for pydantic fields.

Pydantic reads the signature of every `default_factory` when it builds a model (to learn whether the factory takes
the data validated so far). A builtin's, `list`'s, is parsed from its text signature with the tokenizer: 2 ms for
the first one (its patterns compile), 0.1 ms for each after it, about 4 ms of `reasmory run`'s start-up for the
models it builds; a Python function's signature is read from its code.
"""

from __future__ import annotations

from typing import Any


def new_list() -> list[Any]:
    """A new empty list: `Field(default_factory=new_list)` where `default_factory=list` would be read from text."""
    return []
