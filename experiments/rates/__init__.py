"""Study: every cell of Table 1 of seed 000 measured, with fitted exponents, bootstrap CIs, the theory
exponent and a verdict fixed in advance (SPEC section 3).

The package is split by concern:

* :mod:`~experiments.rates.config`: constants, shared parameters, noise laws, the threshold constant rule;
* :mod:`~experiments.rates.cells`: the simulation cells (one configuration each, through the runner);
* :mod:`~experiments.rates.fitting`: from per-run errors to tables (exponents, verdicts, curves, slopes);
* :mod:`~experiments.rates.figures`: the figures, from the tables alone;
* :mod:`~experiments.rates.parts`: the parts, each a declared set of cells with its tables and figures;
* :mod:`~experiments.rates.study`: the study declared (:data:`STUDY`), composed from the parts.

Adding a part
-------------
A part is a :class:`~experiments.rates.parts.Part`: a name (for ``--set parts=...``), a one-line help,
``compute(runner, config, noises) -> {table: rows}``, ``draw(tables, config, noises) -> {name: figure}``,
the :class:`heavytail_sim.study.Table` s it fills and the figure names it draws, its own parameters with
quick/full presets, and optionally a ``check(config)`` rule and a ``memory(config)`` estimate. To add one:

1. write its cells in ``cells.py`` (simulate through ``runner.simulate``; seed with
   :func:`heavytail_sim.study.seed_for` on the cell's identity, never its sizes);
2. turn their per-run errors into rows in ``fitting.py`` (to add Table 1 cells, return rows for the
   shared ``rates`` table with :data:`~experiments.rates.parts.RATES_COLUMNS`, plus ``curves`` and
   ``local_slopes`` rows, and the existing figures helpers draw them; or declare tables of its own);
3. draw its figures from those tables in ``figures.py``;
4. declare the :class:`~experiments.rates.parts.Part` in ``parts.py`` and list it in
   :data:`~experiments.rates.parts.PARTS`. The study's parameters, presets, ``--set parts`` choices,
   tables, figures, rules and memory estimate follow from the declaration; ``--help`` lists them.

For example, the part ``lb`` (seed 001 Thm 6 on the chain) declares its cells in ``cells.py``
(``chain_cell``), its tables in ``fitting.py`` (``lower_bound_tables``: rows of its own tables plus Table 1
rows for the shared ``rates`` table), its figure in ``figures.py`` (``figure_lower_bound``) and itself in
``parts.py``::

    LOWER_BOUND = Part("lb", "non-convex lower bound (seed 001 Thm 6) on the chain: ...",
                       _logged("rates: non-convex lower bound (chain)", lower_bound_tables), _lb_draw,
                       (RATES, CURVES, Table("nc_lower_bound"), ...), ("nc_lower_bound",),
                       LB_PARAMS, LB_PRESETS, None, _lb_memory)
"""
from .cells import Curve, expectation_samples, nc_cell, sc_cell
from .config import (C_GRID, C_TRANSIENT_TOL, EXP_TAILS, NOISES, RUNS_BOOST, TAILS, choose_c, noise_key,
                     noise_label, runs_factor, schedule_alpha)
from .fitting import sample_mean_curves
from .parts import PARTS, Part
from .study import STUDY, finding

__all__ = ["STUDY", "PARTS", "Part", "Curve", "sc_cell", "nc_cell", "expectation_samples",
           "sample_mean_curves", "choose_c", "runs_factor", "schedule_alpha", "noise_key", "noise_label",
           "finding", "C_GRID", "C_TRANSIENT_TOL", "EXP_TAILS", "NOISES", "RUNS_BOOST", "TAILS"]
