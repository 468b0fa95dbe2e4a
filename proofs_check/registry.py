"""The claim registry: what a claim is, how its check reports, and how all claims are collected.

A verdict is never written by hand: a check returns :meth:`Result.decide` applied to a boolean that
it computed, or :meth:`Result.undecided` with the reason the computation could not settle it.
"""
from __future__ import annotations

import enum
import importlib
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

# Claim modules, one per topic; imported lazily by all_claims() so that importing the registry
# (e.g. from the CLI's --help) does not pull in sympy.
CLAIM_MODULES: tuple[str, ...] = (
    "proofs_check.seed002_averaging",
    "proofs_check.seed002_densities",
    "proofs_check.seed002_moments",
    "proofs_check.seed000_clipping",
    "proofs_check.seed000_rates",
    "proofs_check.seed000_lower_bound",
)


class Verdict(str, enum.Enum):
    """Outcome of a check. CRASHED is reserved for checks that raised (a bug, not a verdict)."""

    VERIFIED = "VERIFIED"
    REFUTED = "REFUTED"
    UNDECIDED = "UNDECIDED"
    CRASHED = "CRASHED"


@dataclass(frozen=True)
class Result:
    """What a check computed: the verdict, a one-line evidence, optional details and correction."""

    verdict: Verdict
    evidence: str
    details: str = ""
    corrected: str | None = None

    @classmethod
    def decide(cls, holds: bool, evidence: str, *, corrected: str, details: str = "") -> "Result":
        """VERIFIED if the computed ``holds`` is true, else REFUTED with the corrected statement."""
        if bool(holds):
            return cls(Verdict.VERIFIED, evidence, details)
        return cls(Verdict.REFUTED, evidence, details, corrected)

    @classmethod
    def undecided(cls, reason: str, details: str = "") -> "Result":
        """The computation could not settle the claim; ``reason`` says why."""
        return cls(Verdict.UNDECIDED, reason, details)


@dataclass(frozen=True)
class Claim:
    """A statement of a seed, where it is, and the function that checks it."""

    id: str
    seed: str
    location: str
    statement: str
    check: Callable[[], Result] = field(compare=False)


@dataclass(frozen=True)
class Outcome:
    """A claim together with the result of running its check and the time it took."""

    claim: Claim
    result: Result
    seconds: float


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, seed: str, location: str, statement: str) -> Callable[[Callable[[], Result]], Callable[[], Result]]:
    """Decorator registering ``fn`` as the check of a claim. Ids must be unique."""

    def register(fn: Callable[[], Result]) -> Callable[[], Result]:
        if id in _REGISTRY:
            raise ValueError(f"duplicate claim id {id!r}")
        _REGISTRY[id] = Claim(id, seed, location, " ".join(statement.split()), fn)
        return fn

    return register


def all_claims(prefix: str = "") -> list[Claim]:
    """Every registered claim whose id starts with ``prefix``, in registration order."""
    for mod in CLAIM_MODULES:
        importlib.import_module(mod)
    return [c for c in _REGISTRY.values() if c.id.startswith(prefix)]


def run_claim(c: Claim) -> Outcome:
    """Run one check; an exception becomes a CRASHED outcome carrying the traceback."""
    start = time.perf_counter()
    try:
        result = c.check()
        if not isinstance(result, Result):
            raise TypeError(f"check of {c.id} returned {type(result).__name__}, not Result")
    except Exception as exc:  # a crash must be reported, not hidden, and must not stop the others
        result = Result(Verdict.CRASHED, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return Outcome(c, result, time.perf_counter() - start)
