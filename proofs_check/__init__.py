"""Machine checks of the derivations in the seed papers (issue 5).

Each claim of a seed is registered in :mod:`proofs_check.registry` with a check function that
*computes* its verdict with sympy (or mpmath quadrature where symbolic work is out of reach).
Run ``python -m proofs_check`` (or ``heavytail-sim check``) to print the table and write
``figures/claims.md``.
"""
from .registry import Claim, Result, Verdict, all_claims, run_claim

__all__ = ["Claim", "Result", "Verdict", "all_claims", "run_claim"]
