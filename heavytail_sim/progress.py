"""Progress bars for long runs: tqdm's, which render in a terminal and as a widget in a notebook.

:class:`Progress` draws only when asked (``enabled=True``) or, by default, when stderr is a terminal, so
pipelines, CI logs and the logs ``heavytail-sim reproduce`` keeps per study stay free of bar text.
"""
from __future__ import annotations

import sys


class Progress:
    """A progress bar over ``total`` units: ``update(n)``, ``close()``, or use it as a context manager.

    Parameters
    ----------
    total : float
        Units of work (runs x steps, grid points, weighted studies, ...).
    label : str
        Shown before the bar.
    enabled : bool or None
        Draw the bar; None: only when stderr is a terminal.
    """

    def __init__(self, total: float, label: str = "", enabled: bool | None = None):
        self.total = max(float(total), 1e-300)
        self.label = label
        self.done = 0.0
        self.enabled = bool(sys.stderr.isatty() if enabled is None else enabled)
        self._bar = None
        if self.enabled:
            from tqdm.auto import tqdm

            # tqdm.auto: a text bar in a terminal, a widget in a Jupyter notebook
            self._bar = tqdm(total=float(total), desc=label, file=sys.stderr, leave=True, dynamic_ncols=True,
                             mininterval=0.1, bar_format="{l_bar}{bar}| {percentage:3.0f}% [{elapsed}<{remaining}]")

    def update(self, n: float = 1.0) -> None:
        """Record ``n`` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        """Finish the bar (a no-op when it is not drawn)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
