"""Importing this package registers every operation in `REGISTRY` (one module per family)."""

from reasmory.interpreter.ops import answers, directions, objects, rendering, views  # noqa: F401
