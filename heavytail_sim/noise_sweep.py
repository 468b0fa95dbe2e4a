"""Controlled sweeps of update rules over gradient-noise laws: seed 000's causal claim, tested.

Seed 000 (Sec 1-2, 5) and seed 001 (Sec 1, 5) argue that heavy-tailed gradient noise is *why* adaptive and
clipped methods beat SGD on attention models, while SGD wins when the noise is concentrated (ImageNet).
A controlled version: the same problem, the same start and horizon, only the noise law changes, from
Student-t with 1.1 degrees of freedom (infinite variance) through df = 2, 3, 5, 10 to the Gaussian
control (and alpha-stable 1.1 .. 2); every update rule is tuned on its own seeds and evaluated on fresh
ones. Factors beside the law:

* problem: ``quadratic`` (d-dim diagonal, curvatures log-spaced in [:data:`QUAD_MU`, :data:`QUAD_L`],
  x0 = 1) or ``ripple`` (non-convex, c = 2, w = 3: spurious local minima near |t| = 1.98, 3.95, ...
  and saddles; x0 = 2, next to the first spurious minimum);
* coordinate scales: ``equal`` (1 everywhere) or ``hetero`` (log-spaced over two decades,
  :data:`HETERO_RANGE`, the noisiest coordinate first: the flattest one of the quadratic), where seed
  000 Sec 4.2 argues for coordinate-wise clipping;
* noise profile: ``stationary`` or ``switching`` (the scale alternates between :data:`SWITCH_HIGH` and 1
  every K/8 steps, starting high and ending low; :class:`heavytail_sim.oracles.Profile`), where ACClip's
  moving threshold (seed 000 Sec 3) should matter.

The update rules (:data:`METHODS`) are the package's registered rules. Clipping thresholds are
expressed in units of B_i = E|xi_i|, the exact first absolute moment of the stationary base law per
coordinate (what ACClip with a = 1 estimates; seed 000 Sec 3): GClip uses tau = tau_mult ||B||_2, CClip
tau_i = tau_mult B_i. Clipped methods are tuned over (cap, tau_mult) with cap = eta tau_mult, the length
of a clipped step in units of ||B||_2 (GClip) or B_i (CClip): in those coordinates a threshold so small
that every step is clipped is a plateau in tau_mult (normalized SGD, or sign descent for CClip) instead
of a ridge eta tau = const running off the grid.

Statistic: the final error f(x_K) - f* (``f_last``), median over pooled runs with its distribution-free
95% CI (:func:`heavytail_sim.tuning.median_ci`), because errors under heavy tails have unstable means and
a diverged run counts as ``inf``. Two methods differ when their median CIs are disjoint.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .algorithms import Algorithm, acclip_defaults
from .errors import ParameterError, UsageError
from .noise import NoiseModel
from .oracles import AdditiveNoise, Profile
from .problems import Problem, quadratic, ripple
from .schedules import Schedule, constant

PROBLEMS = ("quadratic", "ripple")
SCALES = ("equal", "hetero")
PROFILES = ("stationary", "switching")
QUAD_MU, QUAD_L = 0.1, 1.0
RIPPLE_C, RIPPLE_W, RIPPLE_X0 = 2.0, 3.0, 2.0
HETERO_RANGE = (1.0, 0.01)   # noise scale of the first and the last coordinate (two decades)
SWITCH_HIGH = 10.0           # high level of the switching profile (low level 1)
SWITCH_PHASES = 8            # the scale switches every K / SWITCH_PHASES steps
LAW_KINDS = ("student_t", "stable", "gaussian")


# ------------------------------------------------------------------------------------------- noise laws
@dataclass(frozen=True)
class Law:
    """One noise law of the sweep: Student-t (``index`` = degrees of freedom), symmetric alpha-stable
    (``index`` = alpha; 2 is N(0, 2)) or Gaussian N(0, 1), at scale 1 (the coordinate scales multiply it)."""

    kind: str
    index: float = 2.0

    def __post_init__(self):
        if self.kind not in LAW_KINDS:
            raise ParameterError("law", f"must be one of {', '.join(LAW_KINDS)}, got '{self.kind}'")
        if self.kind == "student_t" and not (math.isfinite(self.index) and self.index > 1):
            raise ParameterError("law", f"Student-t needs df > 1 (a finite mean for the thresholds), got {self.index}")
        if self.kind == "stable" and not (1 < self.index <= 2):
            raise ParameterError("law", f"alpha-stable needs alpha in (1, 2], got {self.index}")

    @property
    def tail_index(self) -> float:
        """Moments of order p exist iff p < tail index (inf for Gaussian tails)."""
        if self.kind == "student_t":
            return float(self.index)
        if self.kind == "stable" and self.index < 2:
            return float(self.index)
        return math.inf

    @property
    def family(self) -> str:
        """``student_t``, ``stable`` or ``gaussian`` (the light-tailed control)."""
        return self.kind

    @property
    def label(self) -> str:
        if self.kind == "student_t":
            return f"Student-t df={self.index:g}"
        if self.kind == "stable":
            return f"stable alpha={self.index:g}" + (" (N(0,2))" if self.index == 2 else "")
        return "Gaussian"

    @property
    def text(self) -> str:
        """The form :func:`parse_law` reads: ``t1.5``, ``stable1.5``, ``gaussian``."""
        return {"student_t": f"t{self.index:g}", "stable": f"stable{self.index:g}"}.get(self.kind, "gaussian")

    def noise(self, scale=1.0) -> NoiseModel:
        """The :class:`NoiseModel` of this law with per-coordinate ``scale``."""
        if self.kind == "gaussian":
            return NoiseModel("gaussian", 2.0, scale)
        return NoiseModel(self.kind, float(self.index), scale)


def parse_law(text: str) -> Law:
    """``"t1.5"`` (Student-t, df 1.5), ``"stable1.5"`` (alpha-stable) or ``"gaussian"``."""
    t = str(text).strip().lower()
    if t in ("gaussian", "gauss", "normal"):
        return Law("gaussian")
    for prefix, kind in (("stable", "stable"), ("t", "student_t")):
        if t.startswith(prefix):
            try:
                index = float(t[len(prefix):])
            except ValueError:
                break
            return Law(kind, index)  # a bad index is a ParameterError naming the law's constraint
    raise ParameterError("law", f"must be t<df>, stable<alpha> or gaussian, got {text!r}")


# ------------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Setting:
    """Problem, coordinate scales, noise profile, dimension and horizon of one sweep cell (module docstring)."""

    problem: str = "quadratic"
    scales: str = "equal"
    profile: str = "stationary"
    dim: int = 10
    steps: int = 1000

    def __post_init__(self):
        for name, allowed in (("problem", PROBLEMS), ("scales", SCALES), ("profile", PROFILES)):
            if getattr(self, name) not in allowed:
                raise ParameterError(name, f"must be one of {', '.join(allowed)}, got '{getattr(self, name)}'")
        if not (isinstance(self.dim, (int, np.integer)) and self.dim >= 1):
            raise ParameterError("dim", f"must be an integer >= 1, got {self.dim!r}")
        if not (isinstance(self.steps, (int, np.integer)) and self.steps >= SWITCH_PHASES):
            raise ParameterError("steps", f"must be an integer >= {SWITCH_PHASES}, got {self.steps!r}")

    @property
    def name(self) -> str:
        """``problem/scales/profile``, e.g. ``quadratic/equal/stationary``."""
        return f"{self.problem}/{self.scales}/{self.profile}"

    def build_problem(self) -> Problem:
        if self.problem == "quadratic":
            return quadratic(self.dim, QUAD_MU, QUAD_L)
        return ripple(self.dim, c=RIPPLE_C, w=RIPPLE_W, x0=RIPPLE_X0)

    def coordinate_scales(self) -> np.ndarray:
        """Noise scale of each coordinate, shape (d,)."""
        if self.scales == "equal" or self.dim == 1:
            return np.ones(self.dim)
        return np.geomspace(*HETERO_RANGE, self.dim)

    def period(self) -> int:
        return max(1, self.steps // SWITCH_PHASES)

    def scale_profile(self) -> Profile:
        if self.profile == "stationary":
            return Profile("constant", 1.0)
        return Profile("switch", SWITCH_HIGH, 1.0, float(self.period()))

    def oracle(self, law: Law) -> AdditiveNoise:
        """g = grad f(x) + s_k xi, xi_i from ``law`` times the coordinate scale, s_k the profile."""
        return AdditiveNoise(law.noise(tuple(self.coordinate_scales())), scale=self.scale_profile())

    def thresholds(self, law: Law) -> np.ndarray:
        """B_i = E|xi_i| of the stationary base law per coordinate (the thresholds' unit), shape (d,)."""
        return law.noise(tuple(self.coordinate_scales())).coordinate_moments(self.dim, 1.0)

    def describe(self) -> str:
        prob = (f"quadratic d={self.dim} (curvatures {QUAD_MU:g}..{QUAD_L:g})" if self.problem == "quadratic"
                else f"ripple d={self.dim} (c={RIPPLE_C:g}, w={RIPPLE_W:g}, x0={RIPPLE_X0:g})")
        sc = "equal scales" if self.scales == "equal" else f"scales {HETERO_RANGE[0]:g}..{HETERO_RANGE[1]:g}"
        pr = "stationary" if self.profile == "stationary" else \
            f"scale switching {SWITCH_HIGH:g}/1 every {self.period()} steps"
        return f"{prob}, {sc}, {pr}, K={self.steps}"


# ------------------------------------------------------------------------------------------- methods
@dataclass(frozen=True)
class Method:
    """An update rule of the sweep: its registered rule and hyper-parameters, and its threshold kind
    (``""`` none, ``"global"`` GClip's tau ||B||_2, ``"coordinate"`` CClip's tau B_i)."""

    name: str
    label: str
    algorithm: Algorithm
    threshold: str = ""

    @property
    def axes(self) -> tuple:
        """The tuned hyper-parameters."""
        return ("cap", "tau_mult") if self.threshold else ("eta",)


METHODS = {m.name: m for m in (
    Method("sgd", "SGD", Algorithm("sgd")),
    Method("sgdm", "SGD momentum", Algorithm("sgd", beta1=0.9)),
    # seed 000 Thm 1-3 analyse clipping without momentum (Alg 1 with beta1 = 0)
    Method("gclip", "GClip", Algorithm("gclip"), "global"),
    Method("cclip", "CClip", Algorithm("cclip"), "coordinate"),
    Method("nsgd", "normalized SGD (momentum)", Algorithm("nsgd", beta1=0.9)),
    Method("acclip", "ACClip", acclip_defaults()),  # seed 000 Sec 5.1: a = 1, beta1 = 0.9, beta2 = 0.99, eps = 1e-5
    Method("adam", "Adam", Algorithm("adam", beta1=0.9, beta2=0.999, eps=1e-8)),  # Kingma and Ba's defaults
    Method("rmsprop", "RMSProp", Algorithm("rmsprop", beta1=0.0, beta2=0.99, eps=1e-8)),  # seed 000 Sec 3.1
)}
SGD_METHODS = ("sgd", "sgdm")


def method(name: str) -> Method:
    if name not in METHODS:
        raise ParameterError("method", f"must be one of {', '.join(METHODS)}, got '{name}'")
    return METHODS[name]


def builder(setting: Setting, law: Law, name: str):
    """``build(**candidate) -> (Algorithm, Schedule)`` for :func:`heavytail_sim.tuning.grid_search`.

    Candidates: ``{"eta": ...}`` for rules without a threshold; ``{"cap": ..., "tau_mult": ...}`` for
    GClip (tau = tau_mult ||B||_2, eta = cap / tau_mult) and CClip (tau_i = tau_mult B_i, same eta).
    """
    m = method(name)
    B = setting.thresholds(law)
    B2 = float(np.sqrt(np.sum(B ** 2)))

    def build(eta: float | None = None, cap: float | None = None, tau_mult: float | None = None):
        if not m.threshold:
            return m.algorithm, constant(float(eta))
        step = float(cap) / float(tau_mult)
        if m.threshold == "global":
            return m.algorithm, constant(step, float(tau_mult) * B2)
        return m.algorithm, Schedule(step, tau0=float(tau_mult), tau_vec=tuple(B), name="constant")

    return build


def learning_rate(name: str, cand: dict) -> float:
    """eta of a candidate (cap / tau_mult for clipped methods)."""
    return float(cand["cap"]) / float(cand["tau_mult"]) if method(name).threshold else float(cand["eta"])


def initial_axes(name: str, etas: Sequence[float], tau_mults: Sequence[float]) -> dict:
    """The initial tuning grid of a method: ``eta`` (or ``cap``) over ``etas``; ``tau_mult`` for clipping."""
    if method(name).threshold:
        return {"cap": tuple(etas), "tau_mult": tuple(tau_mults)}
    return {"eta": tuple(etas)}


# ------------------------------------------------------------------------------------------- tuning, evaluation
def tune(setting: Setting, law: Law, name: str, etas: Sequence[float], tau_mults: Sequence[float],
         seeds: Sequence[int], runs: int, max_extend: int = 2, progress: bool | None = False):
    """Tune one method on ``seeds`` x ``runs`` pooled runs (median final f(x_K) - f*), extending the grid
    until the optimum is interior (:func:`heavytail_sim.interior_tuning.tune_interior`).

    Returns
    -------
    heavytail_sim.interior_tuning.InteriorResult
    """
    from .interior_tuning import tune_interior
    from .tuning import grid_search

    prob, oracle = setting.build_problem(), setting.oracle(law)
    build = builder(setting, law, name)

    def scorer(cands):
        return grid_search(prob, oracle, build, cands, seeds, runs, setting.steps, metric="f_last",
                           progress=progress, label=f"tune {name}/{law.text}").table

    return tune_interior(scorer, initial_axes(name, etas, tau_mults), max_extend=max_extend)


def evaluate(setting: Setting, law: Law, name: str, cand: dict, seeds: Sequence[int], runs: int) -> dict:
    """Final error of one method at hyper-parameters ``cand`` on fresh ``seeds`` x ``runs``.

    Returns
    -------
    dict
        median, median_lo, median_hi (95% distribution-free CI), q10, q90, n, nonfinite (diverged runs),
        seed_median_min / seed_median_max (range of the per-seed medians).
    """
    from .tuning import robust_summary, run_seeds

    alg, sched = builder(setting, law, name)(**cand)
    pooled = run_seeds(setting.build_problem(), setting.oracle(law), alg, sched, seeds, runs, setting.steps,
                       checkpoints=[setting.steps])
    out = robust_summary(pooled.final("f_last"))
    with np.errstate(invalid="ignore"):
        per = pooled.per_seed("f_last")
    out["seed_median_min"], out["seed_median_max"] = float(np.min(per)), float(np.max(per))
    return out


def noise_vectors(setting: Setting, law: Law, n: int, seed: int) -> np.ndarray:
    """``n`` noise vectors s_k xi of the setting's oracle, shape (n, d): row j is the noise at step
    k = 1 + (j mod K) (the switching profile cycles through its phases); coordinate i uses its own
    stream of the engine's generator, seeded from (seed, i)."""
    from .noise import sample

    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise UsageError(f"n must be a positive integer, got {n!r}")
    nm = law.noise()
    sc = setting.coordinate_scales()
    k = 1 + np.arange(n) % setting.steps
    prof = setting.scale_profile().at(k)
    cols = []
    for i in range(setting.dim):
        s = int(np.random.SeedSequence([int(seed), i]).generate_state(1)[0])
        cols.append(sample(nm.kind, float(nm.index), float(sc[i]), int(n), s))
    return np.column_stack(cols) * prof[:, None]


def clip_fraction(setting: Setting, law: Law, name: str, cand: dict, n: int = 4000, seed: int = 0) -> float:
    """Fraction of steps (GClip: ||g|| > tau) or of coordinate-steps (CClip: |g_i| > tau_i) clipped when
    the gradient is pure noise (at the optimum of the quadratic): 1 means the tuned rule always clips
    (normalized SGD / sign descent), 0 that it never does (SGD). NaN for rules without a threshold."""
    m = method(name)
    if not m.threshold:
        return math.nan
    z = noise_vectors(setting, law, n, seed)
    B = setting.thresholds(law)
    if m.threshold == "global":
        return float(np.mean(np.linalg.norm(z, axis=1) > cand["tau_mult"] * np.sqrt(np.sum(B ** 2))))
    return float(np.mean(np.abs(z) > cand["tau_mult"] * B[None, :]))


def run_cell(setting: Setting, law: Law, name: str, etas: Sequence[float], tau_mults: Sequence[float],
             tune_seeds: Sequence[int], tune_runs: int, eval_seeds: Sequence[int], eval_runs: int,
             max_extend: int = 2, clip_seed: int = 0, progress: bool | None = False) -> tuple[dict, object]:
    """Tune one method on one (setting, law) and evaluate it on fresh seeds: one row of the sweep table
    and the tuning scores (``progress``: the tuner's progress bar).

    Returns
    -------
    (dict, pandas.DataFrame)
        The row (setting fields, law, method, tuned hyper-parameters, eta, edge report, evaluation
        statistics of :func:`evaluate`, clipped fraction) and every tuning candidate's score.
    """
    res = tune(setting, law, name, etas, tau_mults, tune_seeds, tune_runs, max_extend, progress)
    ev = evaluate(setting, law, name, res.best, eval_seeds, eval_runs)
    m = method(name)
    row = {"setting": setting.name, "problem": setting.problem, "scales": setting.scales, "profile": setting.profile,
           "dim": setting.dim, "steps": setting.steps, "law": law.label, "law_text": law.text, "family": law.family,
           "tail_index": law.tail_index, "method": name, "label": m.label, "eta": learning_rate(name, res.best),
           "cap": res.best.get("cap", math.nan), "tau_mult": res.best.get("tau_mult", math.nan),
           "tuned_at_edge": res.edge_text(), "candidates": len(res.table), "tune_score": res.best_score,
           "runs": ev["n"], "median": ev["median"], "median_lo": ev["median_lo"], "median_hi": ev["median_hi"],
           "q10": ev["q10"], "q90": ev["q90"], "diverged": ev["nonfinite"], "seed_median_min": ev["seed_median_min"],
           "seed_median_max": ev["seed_median_max"],
           "clip_fraction": clip_fraction(setting, law, name, res.best, seed=clip_seed)}
    tab = res.table.copy()
    for key in ("setting", "law", "method"):
        tab.insert(0, key, row[key])
    return row, tab


def diagnose_law(setting: Setting, law: Law, n: int, n_boot: int = 200, seed: int = 0):
    """:func:`heavytail_sim.noise_diagnosis.diagnose` of ``n`` noise vectors of the setting's oracle
    (:func:`noise_vectors`): the estimators' readings on noise whose law is known.

    Returns
    -------
    heavytail_sim.noise_diagnosis.Diagnosis
    """
    from .noise_diagnosis import diagnose

    return diagnose(noise_vectors(setting, law, n, seed), "noise", n_boot=n_boot, seed=seed)


# ------------------------------------------------------------------------------------------- comparisons
def compare(a_lo: float, a_hi: float, b_lo: float, b_hi: float) -> str:
    """``"lower"`` when the interval [a_lo, a_hi] lies entirely below [b_lo, b_hi], ``"higher"`` when above,
    ``"tie"`` when they overlap (two 95% median CIs that do not overlap: a difference at better than 5%)."""
    if a_hi < b_lo:
        return "lower"
    if a_lo > b_hi:
        return "higher"
    return "tie"


def sgd_gap(rows) -> object:
    """Per (setting, law): the better SGD variant (SGD or SGD momentum, by median) against the best other
    method, with both CIs and the verdict ``SGD loses`` / ``tie`` / ``SGD wins``.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per (setting, law, method) with columns setting, law, family, tail_index, method, median,
        median_lo, median_hi.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    out = []
    for (setting, law), g in rows.groupby(["setting", "law"], sort=False):
        sgd = g[g.method.isin(SGD_METHODS)].sort_values("median").iloc[0]
        other = g[~g.method.isin(SGD_METHODS)].sort_values("median").iloc[0]
        v = compare(other.median_lo, other.median_hi, sgd.median_lo, sgd.median_hi)
        out.append({"setting": setting, "law": law, "family": sgd.family, "tail_index": sgd.tail_index,
                    "sgd_method": sgd.method, "sgd_median": sgd["median"], "sgd_lo": sgd.median_lo,
                    "sgd_hi": sgd.median_hi, "best_method": other.method, "best_median": other["median"],
                    "best_lo": other.median_lo, "best_hi": other.median_hi,
                    "ratio_sgd_to_best": sgd["median"] / other["median"] if other["median"] > 0 else math.inf,
                    "verdict": {"lower": "SGD loses", "higher": "SGD wins", "tie": "tie"}[v]})
    return pd.DataFrame(out)


def where_sgd_stops_losing(gap, setting: str, family: str) -> float | None:
    """The smallest tail index t* of ``family`` (Gaussian control included at +inf) from which SGD never
    loses (verdict not ``SGD loses`` at every index >= t*); None when SGD loses even on the Gaussian
    control, or when no law of the family was run in ``setting``."""
    g = gap[(gap.setting == setting) & (gap.family.isin([family, "gaussian"]))].sort_values("tail_index")
    if g.empty:
        return None
    losing = g.verdict.to_numpy() == "SGD loses"
    if losing[-1]:
        return None
    last_lose = np.nonzero(losing)[0]
    start = 0 if last_lose.size == 0 else last_lose[-1] + 1
    return float(g.tail_index.iloc[start])


CLAIMS = {
    "heavy_tails_hurt_sgd": "seed 000 Sec 1, 5: under heavy-tailed noise a clipped or adaptive method beats (the "
                            "better variant of) SGD",
    "sgd_wins_light_tails": "seed 000 Sec 1, App I: with concentrated (here Gaussian) noise SGD beats the clipped "
                            "and adaptive methods",
    "cclip_beats_gclip": "seed 000 Sec 4.2: with coordinate scales that differ, CClip beats GClip",
    "acclip_beats_adam": "seed 000 Sec 5.1, Table 2: ACClip beats Adam",
    "acclip_tracks_nonstationary": "seed 000 Sec 3: under non-stationary noise ACClip's moving threshold beats "
                                   "CClip's tuned constant one",
}


def seed_claims(rows) -> object:
    """Each of :data:`CLAIMS` checked in every (setting, law) where it applies: ``holds`` (the claimed
    winner's median CI lies below the other's), ``fails`` (above) or ``tie``.

    ``rows``: the sweep table (see :func:`sgd_gap`, plus columns scales and profile).
    """
    import pandas as pd

    out = []

    def pick(g, names):
        sub = g[g.method.isin(names)].sort_values("median")
        return sub.iloc[0] if len(sub) else None

    def add(claim, setting, law, a, b):
        if a is None or b is None:
            return
        v = compare(a.median_lo, a.median_hi, b.median_lo, b.median_hi)
        out.append({"claim": claim, "statement": CLAIMS[claim], "setting": setting, "law": law,
                    "tail_index": a.tail_index, "winner_claimed": a.method, "winner_median": a["median"],
                    "winner_lo": a.median_lo, "winner_hi": a.median_hi, "other": b.method, "other_median": b["median"],
                    "other_lo": b.median_lo, "other_hi": b.median_hi,
                    "verdict": {"lower": "holds", "higher": "fails", "tie": "tie"}[v]})

    others = [m for m in METHODS if m not in SGD_METHODS]
    for (setting, law), g in rows.groupby(["setting", "law"], sort=False):
        heavy = math.isfinite(g.tail_index.iloc[0])
        if heavy:
            add("heavy_tails_hurt_sgd", setting, law, pick(g, others), pick(g, SGD_METHODS))
            add("acclip_beats_adam", setting, law, pick(g, ["acclip"]), pick(g, ["adam"]))
        elif (g.profile == "stationary").all():  # a switching scale is not concentrated noise, even if Gaussian
            add("sgd_wins_light_tails", setting, law, pick(g, SGD_METHODS), pick(g, others))
        if (g.scales == "hetero").all():
            add("cclip_beats_gclip", setting, law, pick(g, ["cclip"]), pick(g, ["gclip"]))
        if (g.profile == "switching").all():
            add("acclip_tracks_nonstationary", setting, law, pick(g, ["acclip"]), pick(g, ["cclip"]))
    return pd.DataFrame(out)
