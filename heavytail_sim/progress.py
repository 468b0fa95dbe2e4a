"""A dependency-free progress bar on stderr, used by long runs."""
from __future__ import annotations

import sys
import time


_SILENCED = [0]


class silenced:
    """Context manager: no :class:`Progress` bar draws inside it (a caller shows its own, overall bar)."""

    def __enter__(self):
        _SILENCED[0] += 1
        return self

    def __exit__(self, *exc):
        _SILENCED[0] -= 1


class Progress:
    """Text progress bar: ``Progress(total, label)``, then ``update(n)`` and ``close()``.

    Drawn only when ``enabled`` (default: stderr is a terminal), at most ten times a second, so it costs
    nothing in pipelines and CI logs.
    """

    def __init__(self, total: float, label: str = "", enabled: bool | None = None, width: int = 30):
        self.total = max(float(total), 1e-300)
        self.label = label
        self.done = 0.0
        self.width = width
        self.enabled = (sys.stderr.isatty() if enabled is None else enabled) and not _SILENCED[0]
        self.start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, n: float = 1.0) -> None:
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._last_draw > 0.1 or self.done >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        frac = min(self.done / self.total, 1.0)
        filled = int(round(frac * self.width))
        elapsed = now - self.start
        eta = elapsed * (1.0 - frac) / frac if frac > 0 else float("nan")
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {100 * frac:5.1f}%  {elapsed:6.1f}s elapsed, ~{eta:6.1f}s left")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")
            sys.stderr.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
