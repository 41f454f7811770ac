"""The operation registry: one table serves the checker, the executor, the VLM prompt and completion.

Each operation declares its name, typed parameters (defaults, enum words,
whether literal strings must be memory labels or numbers frame indices), its
result type, unit and one doc line, and points at its implementation.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reasmory.interpreter.types import Type, describe

REQUIRED: Any = object()


@dataclass(frozen=True)
class Param:
    """One parameter of an operation: its types, default and the checks its values get."""

    name: str
    types: tuple[Type, ...]
    default: Any = REQUIRED
    choices: tuple[str, ...] | None = None
    label: bool = False
    frame: bool = False
    minimum: float | None = None
    maximum: float | None = None
    nonempty: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def signature(self) -> str:
        kind = " | ".join(f'"{c}"' for c in self.choices) if self.choices else describe(self.types)
        text = f"{self.name}: {kind}"
        if not self.required:
            text += f" = {self.default!r}".replace("'", '"')
        return text


@dataclass(frozen=True)
class Operation:
    """An operation of the language: its signature, documentation and implementation."""

    name: str
    params: tuple[Param, ...]
    returns: Type | Callable[[dict[str, Type]], Type]
    doc: str
    impl: Callable[..., Any]
    unit: str | None = None
    statement_only: bool = False
    renders: bool = False
    category: str = "general"
    param_index: dict[str, Param] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.param_index.update({p.name: p for p in self.params})

    def result_type(self, arg_types: dict[str, Type]) -> Type:
        return self.returns(arg_types) if callable(self.returns) else self.returns

    def signature(self) -> str:
        if self.statement_only:
            ret = "—"
        else:
            ret = (self.returns.__doc__ or "") if callable(self.returns) else str(self.returns)
        unit = f" [{self.unit}]" if self.unit else ""
        return f"{self.name}({', '.join(p.signature() for p in self.params)}) -> {ret}{unit}"


class Registry:
    """Operations by name."""

    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {}

    def operation(
        self,
        name: str,
        params: list[Param],
        returns: Type | Callable[[dict[str, Type]], Type],
        doc: str,
        unit: str | None = None,
        statement_only: bool = False,
        renders: bool = False,
        category: str = "general",
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator registering `impl(ctx, **arguments)` as operation `name`."""

        def register(impl: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._ops:
                raise ValueError(f"operation {name!r} is registered twice")
            self._ops[name] = Operation(name, tuple(params), returns, doc, impl, unit, statement_only, renders, category)
            return impl

        return register

    def get(self, name: str) -> Operation | None:
        return self._ops.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._ops

    def __iter__(self) -> Iterator[Operation]:
        return iter(self._ops.values())

    def names(self) -> list[str]:
        return list(self._ops)

    def close_names(self, name: str, n: int = 3) -> list[str]:
        return difflib.get_close_matches(name, self.names(), n=n, cutoff=0.5)


REGISTRY = Registry()
operation = REGISTRY.operation
