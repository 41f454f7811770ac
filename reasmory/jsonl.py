"""JSON Lines files of pydantic models: question sets and batch inputs, with errors that name the line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from reasmory.errors import InputError, first_problem

Model = TypeVar("Model", bound=BaseModel)


def read_models(path: Path, model: type[Model], what: str, hint: str) -> list[Model]:
    """Each non-blank line of `path` as a `model`; a missing file or a bad line is one InputError naming it."""
    if not path.is_file():
        raise InputError(f"no {what} at '{path}'", hint=hint)
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append(model.model_validate_json(line))
        except ValidationError as exc:
            where, problem = first_problem(exc, "line")
            raise InputError(f"{path}:{number}: {where}: {problem}") from None
    return found
