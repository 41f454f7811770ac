"""Freed render temporaries kept for reuse: glibc malloc tuned once per process, before its first CPU render.

A CPU render of millions of points makes a few dozen temporary tensors of
8–24 MB per pass. glibc serves blocks that large with fresh `mmap` pages and
returns them on free, so every op pays a page fault per 4 KB on first touch:
measured on a 5M-point memory, that was about half of a 640×480 render
(229 → 113–130 ms once freed blocks stay in the heap). Raising glibc's mmap
threshold to its maximum (32 MB) and its trim threshold to 1 GB keeps freed
blocks in the heap, where the next op reuses them, as a caching allocator
would. The cost: after a render the process holds on to up to that render's
peak of temporaries. Elsewhere than glibc this does nothing;
$REASMORY_RENDER_KEEP_MEMORY=0 leaves malloc as it is.
"""

from __future__ import annotations

import ctypes
import os

#: glibc mallopt parameters (malloc.h) and the values set.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
SETTINGS = ((M_MMAP_THRESHOLD, 32 << 20), (M_TRIM_THRESHOLD, 1 << 30), (M_TOP_PAD, 256 << 20))
_tuned = False


def keep_freed_memory() -> bool:
    """Tune malloc once per process (see above); whether it was tuned."""
    global _tuned
    if _tuned or os.environ.get("REASMORY_RENDER_KEEP_MEMORY") == "0":
        return _tuned
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    _tuned = all(mallopt(parameter, value) == 1 for parameter, value in SETTINGS)
    return _tuned
