"""heavytail-sim: simulation and machine-checked theory of optimisation under heavy-tailed gradient noise.

The names a script needs are available at the top level (``import heavytail_sim as hts``)::

    prob = hts.quadratic(10, mu=1.0, L=2.0)
    res = hts.simulate(prob, hts.NoiseModel("pareto", 1.5), hts.Algorithm("gclip"),
                       hts.theorem1(alpha=1.5, G=1.0, mu=1.0), runs=1000, steps=1e5, seed=0)
    fit = hts.fit_exponent(res.checkpoints, res.raw["f_avg"])   # with keep_raw=True

* problems: :func:`quadratic`, :func:`ripple`, :func:`l1_quadratic`, :func:`chain`, :func:`least_squares`,
  :func:`logistic`, :class:`Problem`
* noise laws and oracles: :class:`NoiseModel`, :func:`abs_moment`, :func:`sample`, :class:`AdditiveNoise`,
  :class:`Profile`, :class:`ProbabilityZeroOracle`, :class:`Minibatch`
* update rules: :class:`Algorithm` (one of :data:`RULES`), :func:`acclip_defaults`
* schedules: :class:`Schedule`, :func:`theorem1`, :func:`theorem2`, :func:`theorem3`, :func:`sgd_decreasing`,
  :func:`constant`, :func:`resolve_alpha`
* running: :func:`simulate`, :class:`Runner`, :class:`Result`
* fitting: :func:`fit_exponent` (an :class:`ExponentFit`), :func:`local_slope_bands`, :func:`bootstrap_curves`,
  :func:`verdict`
* theory: :mod:`heavytail_sim.theory` (Table 1 exponents, theorem bounds), :func:`strongly_convex_exponent`,
  :func:`nonconvex_exponent`
* claims: :func:`claims` (the registry of machine-checked statements of the seeds)
* diagnosis of gradient samples: :func:`diagnose` (a :class:`Diagnosis`)

Everything else in the package is internal. Names are imported on first use, so that ``import
heavytail_sim`` (and the command line's ``--help``) stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.2.0"

# public name -> module that defines it
_EXPORTS = {
    **{n: "heavytail_sim.problems" for n in ("quadratic", "ripple", "l1_quadratic", "chain", "least_squares",
                                             "logistic", "Problem", "lower_bound_instance")},
    **{n: "heavytail_sim.noise" for n in ("NoiseModel", "abs_moment", "sample")},
    **{n: "heavytail_sim.oracles" for n in ("AdditiveNoise", "Profile", "ProbabilityZeroOracle", "Minibatch")},
    **{n: "heavytail_sim.algorithms" for n in ("Algorithm", "acclip_defaults")},
    "RULES": "heavytail_sim.update_rules",
    **{n: "heavytail_sim.schedules" for n in ("Schedule", "theorem1", "theorem2", "theorem3", "sgd_decreasing",
                                              "constant", "resolve_alpha")},
    **{n: "heavytail_sim.runner" for n in ("simulate", "Runner")},
    "Result": "heavytail_sim.engine",
    **{n: "heavytail_sim.rates" for n in ("fit_exponent", "local_slope_bands", "bootstrap_curves", "verdict",
                                          "ExponentFit")},
    **{n: "heavytail_sim.theory" for n in ("strongly_convex_exponent", "nonconvex_exponent")},
    **{n: "heavytail_sim.noise_diagnosis" for n in ("diagnose", "Diagnosis")},
}
_MODULES = ("theory", "schedules", "problems", "noise", "oracles", "update_rules", "statistics")

__all__ = sorted([*_EXPORTS, "claims", *_MODULES, "__version__"])


def claims(prefix: str = "") -> list:
    """Every registered claim of the seeds whose id starts with ``prefix`` (see :mod:`proofs_check`).

    Each claim's ``check`` is run by :func:`proofs_check.registry.run_claim`, which returns its verdict.

    Parameters
    ----------
    prefix : str
        Start of the claim ids to keep (``"002-"``: seed 002's claims; ``""``: all).

    Returns
    -------
    list of proofs_check.registry.Claim
        In registration order; each has ``id``, ``seed``, ``location``, ``statement``, ``check`` and ``mutant``.
    """
    from proofs_check.registry import all_claims

    return all_claims(prefix)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(f"heavytail_sim.{name}")
    else:
        raise AttributeError(f"module 'heavytail_sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return __all__
