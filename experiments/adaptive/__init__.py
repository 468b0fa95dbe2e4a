"""Study: why adaptive methods beat SGD, as a controlled experiment (seed 000 Sec 1-5, seed 001 Sec 1-5,
seed 002 Sec 5-6).

* :mod:`~experiments.adaptive.config`: parts, parameters and presets, rules, fixed design choices;
* :mod:`~experiments.adaptive.cells`: the cached computations (through :mod:`heavytail_sim.noise_sweep`,
  :mod:`heavytail_sim.training`, :mod:`heavytail_sim.gradient_noise`, :mod:`heavytail_sim.adaptive_updates`);
* :mod:`~experiments.adaptive.figures`: the figures, from the tables alone;
* :mod:`~experiments.adaptive.study`: the study declared (:data:`STUDY`).
"""
from .study import STUDY, finding

__all__ = ["STUDY", "finding"]
