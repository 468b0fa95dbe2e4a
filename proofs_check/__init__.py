"""Machine checks of the statements of the seed papers.

Each statement of a seed is registered in :mod:`proofs_check.registry` as a claim whose check takes
the seed's statement as parameters and returns what it computed next to it (sympy, mpmath,
quadrature or a seeded simulation); the registry decides the verdict with one documented tolerance
per relation, and every claim carries a mutant that must flip it. Run ``heavytail-sim check`` (or
``python -m proofs_check``) to print the table and write ``figures/claims.md``.
"""
from .registry import Claim, Comparison, Outcome, Readings, Result, Verdict, all_claims, run_claim

__all__ = ["Claim", "Comparison", "Outcome", "Readings", "Result", "Verdict", "all_claims", "run_claim"]
