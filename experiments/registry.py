"""The studies of heavytail-sim, listed once: the command line, ``reproduce`` and ``figures`` read them here.

Each study module declares a :class:`heavytail_sim.study.Study` named ``STUDY``; :data:`STUDIES` keeps
them in the order commands and reports list them. :data:`TOOLS` are the two commands that act on all
studies at once.
"""
from __future__ import annotations

from . import acclip, adaptive, dimension, figures, lower_bound, noise_diagnostics, rates, reproduce, update_dist

STUDIES = {s.name: s for s in (rates.STUDY, lower_bound.STUDY, dimension.STUDY, acclip.STUDY, adaptive.STUDY,
                                update_dist.STUDY, noise_diagnostics.STUDY)}
"""Study name -> Study."""
TOOLS = {"reproduce": reproduce, "figures": figures}
"""Command name -> module (HELP, DESCRIPTION, add_arguments, run)."""
