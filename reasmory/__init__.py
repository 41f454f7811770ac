"""Reasmory: spatial questions answered by typed programs over an explicit 3D memory.

Heavy parts are imported lazily so that `import reasmory.memory` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from reasmory.answering import Answer, answer
    from reasmory.memory import SpatialMemory

_LAZY = {
    "SpatialMemory": ("reasmory.memory", "SpatialMemory"),
    "answer": ("reasmory.answering", "answer"),
    "Answer": ("reasmory.answering", "Answer"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'reasmory' has no attribute {name!r}")


__all__ = ["Answer", "SpatialMemory", "__version__", "answer"]
