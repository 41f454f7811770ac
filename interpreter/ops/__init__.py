"""Importing this package registers every operation in `REGISTRY` (one module per family)."""

from reasmory.interpreter.ops import answers, directions, objects, views  # noqa: F401
