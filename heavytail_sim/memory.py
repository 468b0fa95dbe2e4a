"""Memory estimates before allocating: a request that would not fit is a one-line error, not a MemoryError."""
from __future__ import annotations

import os

from .errors import ParameterError


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable, else total physical memory)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - exotic platforms
        return 2 ** 62


def check_memory(needed: int, param: str, what: str) -> None:
    """ParameterError naming ``param`` when ``needed`` bytes exceed 80% of the available memory.

    ``what`` describes the request ("1000000 runs in dimension 10").
    """
    avail = available_memory()
    if needed > 0.8 * avail:
        raise ParameterError(param, f"too large: {what} needs {needed / 2**30:.3g} GiB of memory, "
                                    f"{avail / 2**30:.3g} GiB are available")
