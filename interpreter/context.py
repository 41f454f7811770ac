"""What an operation sees while it runs: the memory, the question's options, limits, warnings."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from reasmory.errors import InputError
from reasmory.memory import SpatialMemory

_OPTION = re.compile(r"^\s*([A-Za-z])\s*[.):]\s*(.*?)\s*$", re.DOTALL)


class Limits(BaseModel):
    """Resource limits a program must respect; checked before running where possible, else while running. Frozen:
    one default instance is shared by every call given none (`DEFAULT_LIMITS`); change one with `model_copy`."""

    model_config = ConfigDict(frozen=True)

    max_statements: int = Field(64, ge=1)
    max_depth: int = Field(24, ge=1, description="nesting depth of expressions")
    max_list_length: int = Field(64, ge=1)
    max_string_length: int = Field(200, ge=1)
    max_renders: int = Field(8, ge=0)
    max_image_side: int = Field(2048, ge=16)
    time_budget_s: float = Field(5.0, gt=0, description=(
        "seconds of the program's own work; one-time preparation (loading the renderer, gathering a memory's points "
        "for rendering) is not counted, so a cold first render takes no more of the budget than a warm one"))
    max_cost_s: float | None = Field(None, gt=0, description="the estimated cost a program may have before it runs (None: the time budget)")
    max_program_chars: int = Field(32_000, ge=1, description="length of the program text, checked before it is parsed")
    max_value_size: int = Field(100_000, ge=1, description="characters plus items of any one value a program builds")
    max_memory_mb: int = Field(1024, ge=64, description="how far an isolated run's worker may grow past the memory it holds")

    @property
    def cost_budget_s(self) -> float:
        return self.time_budget_s if self.max_cost_s is None else self.max_cost_s


#: The limits of a call given none, made once (building a Limits validates every field): only read, never changed.
DEFAULT_LIMITS = Limits()


class OpError(Exception):
    """Raised by an operation when its inputs have no answer; becomes a run-time Diagnostic."""

    def __init__(self, message: str, hint: str | None = None, code: str = "run-error") -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


class BudgetExceeded(OpError):
    def __init__(self, budget: float, preparation: float = 0.0) -> None:
        excluded = f"; one-time preparation ({preparation:.1f} s) not counted" if preparation else ""
        super().__init__(
            f"the program's own work ran past its time budget of {budget:g} s{excluded}",
            hint="simplify the program or raise Limits.time_budget_s",
            code="time-budget",
        )


def parse_options(options: list[str] | tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    """Multiple-choice options as (letter, text) pairs; each option must start with a letter ("A. left")."""
    parsed = []
    for raw in options or ():
        if not isinstance(raw, str):
            raise InputError(f"option {raw!r} is not text", hint='write options like "A. left"')
        match = _OPTION.match(raw)
        if not match:
            raise InputError(f"option {raw!r} has no letter", hint='write options like "A. left", "B. right"')
        parsed.append((match.group(1).upper(), match.group(2)))
    letters = [p[0] for p in parsed]
    if len(set(letters)) != len(letters):
        raise InputError(f"option letters repeat: {', '.join(letters)}", hint="give each option its own letter")
    return tuple(parsed)


@dataclass
class Context:
    """One run's state: the memory, the options, the limits and deadline, and what the run warned of or wrote."""

    memory: SpatialMemory
    options: tuple[tuple[str, str], ...] = ()
    limits: Limits = field(default_factory=Limits)
    artifacts_dir: Path | None = None
    warnings: list[str] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)
    renders: int = 0
    deadline: float = field(default=float("inf"))
    preparation_s: float = 0.0

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @contextmanager
    def preparing(self) -> Iterator[None]:
        """One-time preparation (a cold import, a cache filled once per memory): its time moves the deadline back."""
        start = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - start
            self.preparation_s += spent
            self.deadline += spent

    def check_time(self) -> None:
        if time.perf_counter() > self.deadline:
            raise BudgetExceeded(self.limits.time_budget_s, self.preparation_s)
