"""The claim registry: a check computes numbers, the registry decides.

A *claim* is one checkable statement of a seed. Its *check* is a function whose parameters are the
seed's statement (a sympy expression, constants, a callable law; the defaults are what the seed
states) and which returns what it computed next to what the seed states, with the relation the seed
claims between them: one :class:`Comparison`, a list of them (all must hold), or :class:`Readings`
when the verdict depends on how garbled text is read. A check never writes a verdict or evidence
text: the registry applies the one tolerance of each relation kind (below), decides, and writes the
evidence and the corrected statement from the values.

Every claim registers a *mutant*: keyword arguments that replace part of the seed's statement (a
constant, an exponent, an index, the direction of an inequality). Running the check on the mutant
must flip the verdict: VERIFIED <-> REFUTED (for a refuted claim the mutant is usually the corrected
statement), and DEPENDS-ON-READING -> VERIFIED or REFUTED. The test suite runs every mutant.

Verdicts: VERIFIED, REFUTED (with the corrected statement, filled in from computed values),
DEPENDS-ON-READING (each reading's verdict), and CRASHED for a check that raised.

Example
-------
A claim with its mutant (seed 002, eq 8)::

    import sympy as sp
    from proofs_check.registry import claim, equal
    from proofs_check.symbolic import sample_points

    m, beta, mu = sp.symbols("m beta mu", positive=True)
    SEED_MEAN = mu * (1 - beta ** (m - 1))  # seed 002, eq 8, as printed

    @claim("002-eq8-mean", "002", "Sec 3.1, eq 8", "E Z_bar = mu (1 - beta^(m-1)).",
           mutant={"mean": mu * (1 - beta**m)})  # the corrected statement: must verify
    def eq8_mean(mean=SEED_MEAN):
        derived = ...  # computed here, e.g. by summing the weights with sympy
        return equal("E Z_bar", derived, mean, points=sample_points({m: (2, 9), beta: (0, 1), mu: (-2, 2)}),
                     corrected="E Z_bar = {computed}")

Relations and their tolerances (one per kind)
---------------------------------------------
``equal``      exact values (sympy expressions, rationals, labels). Expressions are evaluated at the
               comparison's sample points with 40 significant digits; they are equal when the relative
               difference is below 1e-25 at every point (40-digit rounding is ~1e-38, a wrong formula
               differs at order one). A symbolic difference that simplifies to 0 is reported as well.
``close``      floating-point results of quadrature, root finding or 30-digit series:
               |computed - stated| <= 1e-6 max(1, |stated|).
``<=, >=``     elementwise, with slack 1e-9 max(1, |stated|) for floating-point rounding.
``<, >``       elementwise and strict by more than 1e-9 max(1, |stated|).
``within``     every computed value lies in the stated sympy Interval (closed ends with slack 1e-9).
``count``      integers (numbers of modes, steps, counterexamples): exact equality.
``law``        two CDFs evaluated on the same grid: sup |F_computed - F_stated| <= 1e-6.
``approx law`` Kolmogorov distances that must not exceed 0.01 (a KS test needs ~20000 samples to see
               0.01 at the 5% level).
``limit``      a computed sequence a_j at growing (or shrinking) parameter values tends to the stated
               value L: |a_last - L| <= 0.01 max(1, |L|) and |a_last - L| <= |a_first - L| / 10 (or the
               sequence equals L to 1e-12 throughout).
               A limit *law* is a limit of distances to the stated law with L = 0.
``monte carlo`` an estimate with standard error se: |estimate - stated| <= 5 se (a correct value fails
               with probability 6e-7 under the normal approximation; seeds are fixed).
``ks``         samples against a stated CDF: Kolmogorov-Smirnov p-value >= 1e-3 (fixed seeds).
``trend``      values y_j with standard errors at increasing t_j, stated direction +1 or -1: the total
               change is in the stated direction by more than 5 combined standard errors and no single
               step goes the other way by more than 5 combined standard errors.
"""
from __future__ import annotations

import enum
import importlib
import inspect
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

# Claim modules, one per topic; imported lazily by all_claims() so that importing the registry
# (e.g. from the CLI's --help) does not pull in sympy.
CLAIM_MODULES: tuple[str, ...] = (
    "proofs_check.seed002_averaging",
    "proofs_check.seed002_densities",
    "proofs_check.seed002_limits",
    "proofs_check.seed002_moments",
    "proofs_check.seed002_simulations",
    "proofs_check.seed000_sgd",
    "proofs_check.seed000_clipping",
    "proofs_check.seed000_coordinates",
    "proofs_check.seed000_rates",
    "proofs_check.seed000_lower_bound",
    "proofs_check.seed000_crossrefs",
    "proofs_check.seed001_restatements",
    "proofs_check.seed001_chain",
    "proofs_check.seed001_theorems",
)

EQUAL_DIGITS = 40
EQUAL_RTOL = 1e-25
CLOSE_RTOL = 1e-6
ORDER_SLACK = 1e-9
LAW_TOL = 1e-6
APPROX_LAW_TOL = 0.01
LIMIT_TOL = 0.01
LIMIT_SHRINK = 10.0
MC_Z = 5.0
KS_PVALUE = 1e-3
TREND_Z = 5.0


class Verdict(str, enum.Enum):
    """Outcome of a check. CRASHED is reserved for checks that raised (a bug, not a verdict)."""

    VERIFIED = "VERIFIED"
    REFUTED = "REFUTED"
    DEPENDS = "DEPENDS-ON-READING"
    CRASHED = "CRASHED"


class Relation(str, enum.Enum):
    """The relation a seed claims between a computed quantity and its statement."""

    EQUAL = "equal"
    CLOSE = "close"
    LE = "<="
    GE = ">="
    LT = "<"
    GT = ">"
    WITHIN = "within"
    COUNT = "count"
    LAW = "law"
    APPROX_LAW = "approx law"
    LIMIT = "limit"
    MC = "monte carlo"
    KS = "ks"
    TREND = "trend"


@dataclass(frozen=True)
class Comparison:
    """What a check computed, what the seed states, and the relation claimed between them.

    Parameters
    ----------
    quantity : str
        Name of the compared quantity, e.g. ``"E Z_bar"``.
    relation : Relation
    computed, stated : Any
        Sympy expressions or numbers, sequences of them (elementwise), label sets, or for ``ks`` a sample
        array (computed) and a CDF callable (stated). Booleans are rejected: a check returns values.
    points : sequence of dict, optional
        Where sympy expressions are evaluated (``equal`` and the order relations).
    at : sequence, optional
        Labels of the elements of sequences (grid points, parameter values), shown in the evidence.
    se : Any, optional
        Standard errors (``monte carlo``, ``trend``).
    corrected : str, optional
        Template of the corrected statement, filled with ``{computed}``, ``{stated}`` and the names in
        ``context``; shown only when the comparison fails.
    context : dict
        Further computed values shown in the evidence (name -> value).
    """

    quantity: str
    relation: Relation
    computed: Any
    stated: Any
    points: Sequence[Mapping] | None = None
    at: Sequence | None = None
    se: Any = None
    corrected: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


def _make(relation: Relation) -> Callable[..., Comparison]:
    def build(quantity: str, computed: Any, stated: Any, **kw: Any) -> Comparison:
        return Comparison(quantity, relation, computed, stated, **kw)

    build.__name__ = relation.name.lower()
    build.__doc__ = f"A :class:`Comparison` with relation ``{relation.value}`` (see the module docstring)."
    return build


equal = _make(Relation.EQUAL)
close = _make(Relation.CLOSE)
le = _make(Relation.LE)
ge = _make(Relation.GE)
lt = _make(Relation.LT)
gt = _make(Relation.GT)
within = _make(Relation.WITHIN)
count = _make(Relation.COUNT)
law = _make(Relation.LAW)
approx_law = _make(Relation.APPROX_LAW)
limit = _make(Relation.LIMIT)
monte_carlo = _make(Relation.MC)
ks = _make(Relation.KS)
trend = _make(Relation.TREND)

ORDER = {Relation.LE: "<=", Relation.GE: ">=", Relation.LT: "<", Relation.GT: ">"}
# whether computed value a stands in the order relation to stated value b, with the slack of the module docstring
_ORDER_HOLDS: dict[Relation, Callable[[Any, Any, Any], bool]] = {
    Relation.LE: lambda a, b, slack: a <= b + slack,
    Relation.GE: lambda a, b, slack: a >= b - slack,
    Relation.LT: lambda a, b, slack: a < b - slack,
    Relation.GT: lambda a, b, slack: a > b + slack,
}


@dataclass(frozen=True)
class Readings:
    """Alternative readings of garbled or ambiguous text: reading name -> comparison(s)."""

    readings: Mapping[str, Comparison | Sequence[Comparison]]


# ---- rendering -----------------------------------------------------------------------------------

def show(v: Any, width: int = 6) -> str:
    """Compact text form of a computed value (sympy, number, sequence, label set)."""
    import numpy as np

    if isinstance(v, str):
        return v
    if isinstance(v, (set, frozenset)):
        return "{" + ", ".join(sorted(map(str, v))) + "}"
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {show(x)}" for k, x in v.items())
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        items = [show(x) for x in v]
        body = ", ".join(items[:width]) + (f", ... ({len(items)} values)" if len(items) > width else "")
        return "[" + body + "]"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if callable(v) and not hasattr(v, "free_symbols"):
        return _show_callable(v)
    try:
        import mpmath

        if isinstance(v, (mpmath.mpf, mpmath.mpc)):
            return mpmath.nstr(v, 8)
    except ImportError:  # pragma: no cover - mpmath is a dependency
        pass
    try:
        import sympy as sp

        if isinstance(v, sp.Basic):
            return sp.sstr(v).replace("**", "^")
    except ImportError:  # pragma: no cover
        pass
    return str(v)


def _show_callable(f: Callable) -> str:
    """A statement given as a function: its expression in symbols named after its parameters, if it has one."""
    name = getattr(f, "__name__", "a function")
    try:
        import sympy as sp

        params = list(inspect.signature(f).parameters)
        value = f(*[sp.Symbol(p_) for p_ in params])
        if isinstance(value, (sp.Basic, int, float)):
            return f"({', '.join(params)}) -> {show(value)}"
    except Exception:  # not a symbolic expression (e.g. a predicate): fall back to its name
        pass
    doc = (getattr(f, "__doc__", None) or "").strip().splitlines()
    return doc[0] if doc and name != "<lambda>" else name


def _point_text(p: Mapping) -> str:
    def one(v: Any) -> str:
        try:
            return show(v) if getattr(v, "is_Integer", False) else f"{float(v):.4g}"
        except TypeError:
            return show(v)

    return ", ".join(f"{k}={one(v)}" for k, v in p.items())


# ---- numerics of the decisions -------------------------------------------------------------------

def _as_list(v: Any) -> list:
    import numpy as np

    if isinstance(v, np.ndarray):
        return v.ravel().tolist()
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def _num(v: Any, point: Mapping | None = None, digits: int = EQUAL_DIGITS):
    """An mpmath number for v: a sympy expression evaluated at ``point`` with ``digits`` digits, or a number."""
    import mpmath
    import numpy as np
    import sympy as sp

    if isinstance(v, (bool, np.bool_)):
        raise TypeError("a comparison holds values, not booleans")
    if isinstance(v, (mpmath.mpf, mpmath.mpc)):
        return v
    if isinstance(v, (int, float, np.integer, np.floating)) and not point:
        return mpmath.mpf(float(v)) if not isinstance(v, (int, np.integer)) else mpmath.mpf(int(v))
    e = sp.sympify(v)
    if point:
        missing = e.free_symbols - set(point)
        if missing:
            raise ValueError(f"free symbols {sorted(map(str, missing))} left after substitution: give sample points")
        # numerical substitution: exact rational powers of large rationals are far too slow in sympy
        val = e.evalf(digits, subs=dict(point))
    else:
        if e.free_symbols:
            raise ValueError(f"free symbols {sorted(map(str, e.free_symbols))} left: give sample points")
        val = e if e in (sp.oo, -sp.oo) else e.evalf(digits)
    if val in (sp.oo, -sp.oo):
        return mpmath.inf if val == sp.oo else -mpmath.inf
    if val.has(sp.zoo, sp.nan, sp.oo) or val.free_symbols:
        return mpmath.nan
    re_, im_ = val.as_real_imag()
    with mpmath.workdps(digits + 5):
        r = mpmath.mpf(str(sp.Float(re_, digits)))
        if im_ != 0 and abs(float(im_)) > 10.0 ** (5 - digits) * max(1.0, abs(float(r))):
            return mpmath.mpc(r, mpmath.mpf(str(sp.Float(im_, digits))))
        return r


def _pairs(c: Comparison) -> list[tuple[str, Any, Any]]:
    """(label, computed value, stated value) for every element or sample point of a comparison."""
    if c.points:
        comp, stat = _as_list(c.computed), _as_list(c.stated)
        if len(stat) == 1 and len(comp) > 1:
            stat = stat * len(comp)
        if len(comp) != len(stat):
            raise ValueError(f"{c.quantity}: {len(comp)} computed values against {len(stat)} stated")
        tag = (lambda i: f" [element {i}]") if len(comp) > 1 else (lambda i: "")
        return [(_point_text(p) + tag(i), _num(a, p), _num(b, p)) for p in c.points for i, (a, b) in enumerate(zip(comp, stat))]
    comp, stat = _as_list(c.computed), _as_list(c.stated)
    if len(stat) == 1 and len(comp) > 1:
        stat = stat * len(comp)
    if len(comp) == 1 and len(stat) > 1:
        comp = comp * len(stat)
    if len(comp) != len(stat):
        raise ValueError(f"{c.quantity}: {len(comp)} computed values against {len(stat)} stated")
    labels = [show(a) for a in c.at] if c.at is not None else [f"element {i}" for i in range(len(comp))]
    if len(labels) != len(comp):
        labels = [f"element {i}" for i in range(len(comp))]
    if len(comp) == 1 and c.at is None:
        labels = [""]
    return [(lab, _num(a), _num(b)) for lab, a, b in zip(labels, comp, stat)]


def _rel_diff(a, b):
    import mpmath

    if a == b:
        return mpmath.mpf(0)
    if mpmath.isinf(a) or mpmath.isinf(b) or mpmath.isnan(a) or mpmath.isnan(b):
        return mpmath.inf
    return abs(a - b) / max(abs(b), abs(a), mpmath.mpf(1e-300))


def _is_label(v: Any) -> bool:
    return isinstance(v, (str, set, frozenset)) or (isinstance(v, (list, tuple)) and v and all(isinstance(x, str) for x in v))


def _decide_equal(c: Comparison) -> tuple[bool, str]:
    if _is_label(c.computed) or _is_label(c.stated):
        holds = c.computed == c.stated
        return holds, "identical" if holds else "different"
    pairs = _pairs(c)
    diffs = [(lab, a, b, _rel_diff(a, b)) for lab, a, b in pairs]
    worst = max(diffs, key=lambda t: t[3])
    holds = worst[3] <= EQUAL_RTOL
    where = "at the sample points" if c.points else ("elementwise" if len(pairs) > 1 else "exactly")
    if holds:
        text = (f"equal {where} ({len(pairs)} evaluation{'s' if len(pairs) > 1 else ''} at {EQUAL_DIGITS} digits, "
                f"max rel. difference {show(worst[3])})")
        sym = _symbolic_difference(c) if c.points else None
        if sym is not None:
            text += f"; symbolic difference {sym}"
        return True, text
    where = f"at {worst[0]} " if worst[0] else ""
    return False, f"differ: {where}computed {show(worst[1])} vs seed {show(worst[2])}"


def _symbolic_difference(c: Comparison) -> str | None:
    """The difference computed - stated after cheap simplification, when it reduces to a constant."""
    import sympy as sp

    if not (isinstance(c.computed, sp.Basic) or isinstance(c.stated, sp.Basic)):
        return None
    d = sp.sympify(c.computed) - sp.sympify(c.stated)
    d = sp.cancel(sp.gammasimp(sp.powsimp(sp.expand_power_base(d, force=True), force=True)))
    return show(d) if not d.free_symbols else None


def _decide_close(c: Comparison) -> tuple[bool, str]:
    pairs = _pairs(c)
    errs = [(lab, a, b, abs(a - b) / max(1, abs(b))) for lab, a, b in pairs]
    worst = max(errs, key=lambda t: t[3])
    holds = worst[3] <= CLOSE_RTOL
    text = f"max scaled difference {show(worst[3])} at {worst[0]} (tolerance {CLOSE_RTOL:g})"
    return holds, text if holds else text + f": computed {show(worst[1])} vs seed {show(worst[2])}"


def _decide_order(c: Comparison) -> tuple[bool, str]:
    import mpmath

    op = ORDER[c.relation]
    holds = _ORDER_HOLDS[c.relation]
    upper = c.relation in (Relation.LE, Relation.LT)  # the stated value bounds the computed one from above
    pairs = _pairs(c)
    fails = []
    margins = []
    for lab, a, b in pairs:
        slack = 0 if mpmath.isinf(b) else ORDER_SLACK * max(1, abs(b))
        scale = max(abs(a), abs(b), mpmath.mpf(1e-300))
        margins.append((lab, a, b, ((b - a) if upper else (a - b)) / scale))
        if not holds(a, b, slack):
            fails.append((lab, a, b))
    tight = min(margins, key=lambda t: t[3])
    if not fails:
        where = f" at {tight[0]}" if tight[0] else ""
        return True, (f"computed {op} seed at all {len(pairs)} points; relatively tightest{where}: "
                      f"{show(tight[1])} {op} {show(tight[2])}")
    lab, a, b = fails[0]
    return False, f"fails at {len(fails)} of {len(pairs)} points, e.g. {lab}: computed {show(a)} vs seed {show(b)}"


def _decide_within(c: Comparison) -> tuple[bool, str]:
    import sympy as sp

    iv = c.stated
    if not isinstance(iv, sp.Interval):
        raise TypeError("within needs a sympy Interval as the stated value")
    vals = [(lab, a) for lab, a, _ in _pairs(Comparison(c.quantity, c.relation, c.computed, 0, at=c.at))]
    lo, hi = float(iv.start), float(iv.end)
    bad = []
    for lab, a in vals:
        a = float(a)
        ok_lo = a > lo if iv.left_open else a >= lo - ORDER_SLACK * max(1, abs(lo))
        ok_hi = a < hi if iv.right_open else a <= hi + ORDER_SLACK * max(1, abs(hi))
        if not (ok_lo and ok_hi):
            bad.append((lab, a))
    span = (min(float(a) for _, a in vals), max(float(a) for _, a in vals))
    text = f"computed range [{show(span[0])}, {show(span[1])}] vs seed {show(iv)}"
    if bad:
        text += f"; outside at {bad[0][0]} ({show(bad[0][1])})"
    return not bad, text


def _decide_count(c: Comparison) -> tuple[bool, str]:
    comp, stat = _as_list(c.computed), _as_list(c.stated)
    if len(stat) == 1 and len(comp) > 1:
        stat = stat * len(comp)
    for v in comp + stat:
        if isinstance(v, bool) or int(v) != v:
            raise TypeError("count compares integers")
    holds = [int(a) for a in comp] == [int(b) for b in stat]
    at = f" at {show(list(c.at))}" if c.at is not None else ""
    return holds, f"computed {show(comp)} vs seed {show(stat)}{at}"


def _decide_law(c: Comparison, tol: float, name: str) -> tuple[bool, str]:
    import numpy as np

    a = np.asarray(c.computed, float)
    if c.relation is Relation.APPROX_LAW:
        d = a.ravel()
        j = int(np.argmax(d))
        where = f" at {show(list(c.at)[j])}" if c.at is not None else ""
        holds = bool(np.all(d <= tol))
        return holds, f"largest {name} {show(d[j])}{where} (tolerance {tol:g})"
    b = np.asarray(c.stated, float)
    d = np.abs(a - b)
    j = int(np.argmax(d))
    where = f" at {show(list(c.at)[j])}" if c.at is not None else ""
    return bool(d[j] <= tol), f"sup |F_computed - F_seed| = {show(d[j])}{where} (tolerance {tol:g})"


def _decide_limit(c: Comparison) -> tuple[bool, str]:
    seq = [float(_num(x)) for x in _as_list(c.computed)]
    L = float(_num(c.stated))
    errs = [abs(x - L) for x in seq]
    exact = max(errs) <= 1e-12 * max(1.0, abs(L))  # a sequence already at its limit
    holds = errs[-1] <= LIMIT_TOL * max(1.0, abs(L)) and (errs[-1] <= errs[0] / LIMIT_SHRINK or exact)
    at = list(c.at) if c.at is not None else list(range(len(seq)))
    return holds, (f"sequence {show(seq)} at {show(at)}; distance to the stated limit {show(L)}: "
                   f"{show(errs[0])} -> {show(errs[-1])}")


def _decide_mc(c: Comparison) -> tuple[bool, str]:
    import numpy as np

    est, se = np.atleast_1d(np.asarray(c.computed, float)), np.atleast_1d(np.asarray(c.se, float))
    st = np.broadcast_to(np.asarray([float(_num(x)) for x in _as_list(c.stated)]), est.shape)
    z = np.abs(est - st) / se
    j = int(np.argmax(z))
    return bool(np.all(z <= MC_Z)), (f"estimate {show(est[j])} +- {show(se[j])} (SE) vs seed {show(st[j])}: "
                                     f"|z| = {show(z[j])} (tolerance {MC_Z:g})")


def _decide_ks(c: Comparison) -> tuple[bool, str]:
    from scipy import stats

    res = stats.kstest(c.computed, c.stated)
    return bool(res.pvalue >= KS_PVALUE), f"KS statistic {show(res.statistic)}, p = {show(res.pvalue)} (n = {len(c.computed)})"


def _decide_trend(c: Comparison) -> tuple[bool, str]:
    import numpy as np

    y, se = np.asarray(c.computed, float), np.asarray(c.se, float)
    sign = float(c.stated)
    total = (y[-1] - y[0]) * sign
    z_total = total / np.hypot(se[-1], se[0])
    steps = np.diff(y) * sign / np.hypot(se[1:], se[:-1])
    holds = bool(z_total > TREND_Z and np.all(steps > -TREND_Z))
    direction = "increasing" if sign > 0 else "decreasing"
    at = show(list(c.at)) if c.at is not None else ""
    return holds, (f"values {show(list(y))} at {at}; seed: {direction}; total change {show(total * sign)} "
                   f"({show(z_total)} SE in the stated direction), worst step {show(float(steps.min()))} SE")


_DECIDERS: dict[Relation, Callable[[Comparison], tuple[bool, str]]] = {
    Relation.EQUAL: _decide_equal,
    Relation.CLOSE: _decide_close,
    **{r: _decide_order for r in ORDER},
    Relation.WITHIN: _decide_within,
    Relation.COUNT: _decide_count,
    Relation.LAW: lambda c: _decide_law(c, LAW_TOL, "CDF distance"),
    Relation.APPROX_LAW: lambda c: _decide_law(c, APPROX_LAW_TOL, "Kolmogorov distance"),
    Relation.LIMIT: _decide_limit,
    Relation.MC: _decide_mc,
    Relation.KS: _decide_ks,
    Relation.TREND: _decide_trend,
}


def decide(c: Comparison) -> tuple[bool, str]:
    """Apply the relation's rule and tolerance: (holds, detail text built from the values)."""
    if isinstance(c.computed, bool) or isinstance(c.stated, bool):
        raise TypeError(f"{c.quantity}: a comparison holds computed values, not a boolean")
    if c.relation not in _DECIDERS:
        raise ValueError(f"unknown relation {c.relation}")  # pragma: no cover
    return _DECIDERS[c.relation](c)


def render(c: Comparison, holds: bool, detail: str) -> str:
    """One line of evidence: quantity, both values, the relation and the decision's detail."""
    if c.relation in (Relation.KS, Relation.TREND, Relation.LIMIT, Relation.LAW, Relation.APPROX_LAW, Relation.MC):
        head = f"{c.quantity}"
    else:
        head = f"{c.quantity}: computed {show(c.computed)}; seed {show(c.stated)}"
    ctx = "; ".join(f"{k} = {show(v)}" for k, v in c.context.items())
    return f"{head} [{c.relation.value}: {'holds' if holds else 'fails'}; {detail}]" + (f" ({ctx})" if ctx else "")


def corrected_text(c: Comparison) -> str:
    """The corrected statement of a failed comparison, filled in from its values."""
    if not c.corrected:
        return f"{c.quantity} = {show(c.computed)} (computed), not {show(c.stated)}"
    values = {"computed": show(c.computed), "stated": show(c.stated)}
    values.update({k: show(v) for k, v in c.context.items()})
    return c.corrected.format(**values)


# ---- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReadingResult:
    """The verdict of one reading of a claim."""

    name: str
    verdict: Verdict
    evidence: str
    corrected: str | None


@dataclass(frozen=True)
class Result:
    """The registry's decision on what a check returned."""

    verdict: Verdict
    evidence: str
    corrected: str | None = None
    readings: tuple[ReadingResult, ...] = ()
    details: str = ""


def _judge(comparisons: Comparison | Sequence[Comparison]) -> tuple[Verdict, str, str | None]:
    items = [comparisons] if isinstance(comparisons, Comparison) else list(comparisons)
    if not items or not all(isinstance(c, Comparison) for c in items):
        raise TypeError("a check returns Comparison objects (or Readings of them)")
    decided = [(c, *decide(c)) for c in items]
    evidence = " | ".join(render(c, h, d) for c, h, d in decided)
    failed = [c for c, h, _ in decided if not h]
    if not failed:
        return Verdict.VERIFIED, evidence, None
    return Verdict.REFUTED, evidence, "; ".join(dict.fromkeys(corrected_text(c) for c in failed))


def judge(returned: Any) -> Result:
    """Turn what a check returned into a :class:`Result` (the only place verdicts are made)."""
    if isinstance(returned, Readings):
        results = []
        for name, comps in returned.readings.items():
            v, ev, corr = _judge(comps)
            results.append(ReadingResult(name, v, ev, corr))
        if not results:
            raise TypeError("Readings needs at least one reading")
        verdicts = {r.verdict for r in results}
        verdict = verdicts.pop() if len(verdicts) == 1 else Verdict.DEPENDS
        summary = "; ".join(f"reading '{r.name}': {r.verdict.value}" for r in results)
        agree = "all readings agree" if verdict is not Verdict.DEPENDS else "the verdict depends on the reading"
        corrected = None
        if verdict is Verdict.REFUTED:
            corrected = " / ".join(f"[{r.name}] {r.corrected}" for r in results)
        return Result(verdict, f"{agree}: {summary}", corrected, tuple(results))
    verdict, evidence, corrected = _judge(returned)
    return Result(verdict, evidence, corrected)


# ---- claims --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """A statement of a seed, where it is, its check, and the mutant that must flip the verdict."""

    id: str
    seed: str
    location: str
    statement: str
    check: Callable[..., Any] = field(compare=False)
    mutant: Mapping[str, Any] = field(default_factory=dict, compare=False)
    mc: bool = False


@dataclass(frozen=True)
class Outcome:
    """A claim, the result of its check, the result of its mutant, and the time both took."""

    claim: Claim
    result: Result
    mutant: Result | None
    seconds: float

    @property
    def mutant_flips(self) -> bool:
        """True when the mutant's verdict is the flip of the claim's (see the module docstring)."""
        return flips(self.result.verdict, self.mutant.verdict if self.mutant else None)


def flips(original: Verdict, mutated: Verdict | None) -> bool:
    """VERIFIED <-> REFUTED; DEPENDS-ON-READING -> VERIFIED or REFUTED; nothing else is a flip."""
    if mutated is None:
        return False
    if original is Verdict.VERIFIED:
        return mutated is Verdict.REFUTED
    if original is Verdict.REFUTED:
        return mutated is Verdict.VERIFIED
    if original is Verdict.DEPENDS:
        return mutated in (Verdict.VERIFIED, Verdict.REFUTED)
    return False


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, seed: str, location: str, statement: str, *, mutant: Mapping[str, Any], mc: bool = False
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering ``fn`` as the check of a claim.

    ``mutant`` maps parameters of ``fn`` (each with a default: the seed's statement) to mutated values;
    ``mc=True`` marks a claim about a distribution, which the tests cross-check by Monte Carlo.
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if id in _REGISTRY:
            raise ValueError(f"duplicate claim id {id!r}")
        params = inspect.signature(fn).parameters
        if not mutant:
            raise ValueError(f"{id}: every claim needs a mutant")
        for name in mutant:
            if name not in params or params[name].default is inspect.Parameter.empty:
                raise ValueError(f"{id}: mutant parameter {name!r} is not a statement parameter of the check")
        _REGISTRY[id] = Claim(id, seed, location, " ".join(statement.split()), fn, dict(mutant), mc)
        return fn

    return register


def all_claims(prefix: str = "") -> list[Claim]:
    """Every registered claim whose id starts with ``prefix``, in registration order."""
    for mod in CLAIM_MODULES:
        importlib.import_module(mod)
    return [c for c in _REGISTRY.values() if c.id.startswith(prefix)]


def _run(fn: Callable[[], Any]) -> Result:
    try:
        return judge(fn())
    except Exception as exc:  # a crash must be reported, not hidden, and must not stop the others
        return Result(Verdict.CRASHED, f"{type(exc).__name__}: {exc}", details=traceback.format_exc())


def run_claim(c: Claim, mutants: bool = True) -> Outcome:
    """Run a claim's check (and its mutant); an exception becomes a CRASHED result with the traceback."""
    start = time.perf_counter()
    result = _run(c.check)
    mutant = _run(lambda: c.check(**c.mutant)) if mutants else None
    return Outcome(c, result, mutant, time.perf_counter() - start)
