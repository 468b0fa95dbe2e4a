"""Seed 000: the algebra of Theorem 1 (strongly convex), Theorem 2 (non-convex) and Table 1's exponents."""
from __future__ import annotations

import mpmath as mp
import sympy as sp

from .registry import Result, claim
from .symbolic import fmt, vanishes

SEED = "000"
alpha, G, mu, L, f0, K, eta = sp.symbols("alpha G mu L f0 K eta", positive=True)
k = sp.Symbol("k", positive=True, integer=True)
u, b = sp.symbols("u b", real=True)


def _same_power(a: sp.Expr, c: sp.Expr) -> bool:
    """a == c for products of powers of positive symbols, compared through expanded logarithms."""
    diff = sp.expand_log(sp.log(a), force=True) - sp.expand_log(sp.log(c), force=True)
    return sp.simplify(diff) == 0


@claim("000-thm1-young", SEED, "App D, proof of Theorem 1",
       "-2 eta <x - x*, b> <= 2 eta (mu/4 ||x - x*||^2 + ||b||^2/mu) (Young's inequality).")
def _young() -> Result:
    gap = sp.expand(mu / 2 * u**2 + 2 / mu * b**2 + 2 * u * b)
    square = (sp.sqrt(mu / 2) * u + sp.sqrt(2 / mu) * b) ** 2
    return Result.decide(vanishes(gap - sp.expand(square)), f"mu/2 u^2 + 2/mu b^2 + 2ub = {fmt(sp.factor(square))} >= 0",
                         corrected="see identity")


@claim("000-thm1-telescope", SEED, "App D, proof of Theorem 1",
       "With eta_k = 4/(mu (k+1)): k (1/eta_k - mu/2)/2 = mu k(k-1)/8 and k/(2 eta_k) = mu k(k+1)/8, so the distance terms telescope.")
def _telescope() -> Result:
    eta_k = 4 / (mu * (k + 1))
    first = sp.simplify(k * (1 / eta_k - mu / 2) / 2 - mu * k * (k - 1) / 8)
    second = sp.simplify(k / (2 * eta_k) - mu * k * (k + 1) / 8)
    shift = sp.simplify((mu * k * (k - 1) / 8).subs(k, k + 1) - mu * k * (k + 1) / 8)  # term k+1 cancels term k
    return Result.decide(first == 0 and second == 0 and shift == 0, f"differences {first}, {second}; index shift {shift}",
                         corrected="see computation")


def per_step_noise(coef_bias: sp.Expr) -> sp.Expr:
    """k (coef_bias G^(2a) tau^(2-2a)/mu + eta_k G^a tau^(2-a)/2) with tau_k = G k^(1/a), eta_k = 4/(mu(k+1))."""
    tau = G * k ** (1 / alpha)
    eta_k = 4 / (mu * (k + 1))
    return k * (coef_bias * G ** (2 * alpha) * tau ** (2 - 2 * alpha) / mu + eta_k * G**alpha * tau ** (2 - alpha) / 2)


@claim("000-thm1-perstep", SEED, "App D, proof of Theorem 1",
       "With tau_k = G k^(1/alpha) and eta_k = 4/(mu(k+1)), k times the noise terms (4 G^(2 alpha) tau^(2-2 alpha)/mu + eta_k G^alpha tau^(2-alpha)/2) is at most 8 G^2 k^((2-alpha)/alpha)/mu.")
def _perstep() -> Result:
    unit = G**2 * k ** ((2 - alpha) / alpha) / mu
    seed_coef = sp.simplify(sp.powsimp(sp.expand_power_base(per_step_noise(4) / unit, force=True), force=True))
    tight_coef = sp.simplify(sp.powsimp(sp.expand_power_base(per_step_noise(1) / unit, force=True), force=True))
    sup_seed = sp.limit(seed_coef, k, sp.oo)  # both coefficients increase in k
    sup_tight = sp.limit(tight_coef, k, sp.oo)
    return Result.decide(sup_seed <= 8, f"coefficient of G^2 k^((2-alpha)/alpha)/mu: {fmt(seed_coef)} -> {sup_seed} (<= 8); "
                         f"with the Young constant actually produced (1/mu, not 4/mu): {fmt(tight_coef)} -> {sup_tight}",
                         corrected=f"coefficient sup = {sup_seed}")


@claim("000-thm1-sum", SEED, "App D, proof of Theorem 1",
       "sum_{k=1}^K k^((2-alpha)/alpha) <= int_0^(K+1) k^((2-alpha)/alpha) dk <= (K+1)^(2/alpha).")
def _thm1_sum() -> Result:
    x = sp.Symbol("x", positive=True)
    integral = sp.simplify(sp.integrate(x ** ((2 - alpha) / alpha), (x, 0, K + 1)))
    factor = sp.simplify(integral / (K + 1) ** (2 / alpha))  # = alpha/2 <= 1 for alpha <= 2
    ok_num = True
    for a in (1.05, 1.5, 2.0):
        for kk in (1, 2, 10, 1000):
            s = mp.fsum(mp.mpf(j) ** ((2 - a) / a) for j in range(1, kk + 1))
            ok_num &= s <= (kk + 1) ** (2 / a)
    return Result.decide(vanishes(factor - alpha / 2) and ok_num,
                         f"integral = {fmt(integral)} = (alpha/2)(K+1)^(2/alpha) <= (K+1)^(2/alpha); exact sums checked for alpha in (1.05,1.5,2), K in (1,2,10,1000): {ok_num}",
                         corrected="see integral")


def _final_constant(step_coef: sp.Expr, sum_factor: sp.Expr) -> sp.Expr:
    """Worst case over K >= 1 of the weighted-average bound divided by G^2/(mu (K+1)^(2(alpha-1)/alpha)).

    Weighted average = sum_k k (E f(x_{k-1}) - f*) / sum_k k; the numerator is at most
    step_coef * sum_factor * (K+1)^(2/alpha) G^2/mu after telescoping.
    """
    j = sp.Symbol("j", positive=True, integer=True)
    weights = sp.summation(j, (j, 1, K))  # K(K+1)/2
    bound = step_coef * sum_factor * (K + 1) ** (2 / alpha) / weights
    normalised = sp.simplify(sp.powsimp(bound * (K + 1) ** (2 * (alpha - 1) / alpha), force=True))
    return sp.simplify(sp.limit(normalised, K, 1)), normalised  # normalised = c (K+1)/K decreases in K


@claim("000-thm1-constant", SEED, "App D, end of proof of Theorem 1",
       "Dividing the summed bound 8 G^2 (K+1)^(2/alpha)/mu by the weights and using 1/K <= 2/(K+1) gives E f(x_bar_K) - f* <= 16 G^2/(mu (K+1)^(2(alpha-1)/alpha)).")
def _thm1_constant() -> Result:
    seed_const, seed_form = _final_constant(8, 1)
    tight_const, tight_form = _final_constant(3, alpha / 2)
    return Result.decide(seed_const == 16,
                         f"sum_k k = K(K+1)/2, so the printed steps give {fmt(seed_form)} <= {seed_const} (at K = 1); "
                         f"with the sharp per-step constant 3 and sum factor alpha/2: {fmt(tight_form)} <= {fmt(tight_const)} <= 12",
                         corrected="the proof's own steps give 32 G^2/(mu (K+1)^(2(alpha-1)/alpha)) (dividing by sum_k k = K(K+1)/2, not K(K+1), "
                                   "doubles the constant); the theorem with 16 is still true because the noise terms are really "
                                   "<= 3 G^2 k^((2-alpha)/alpha)/mu and the sum <= (alpha/2)(K+1)^(2/alpha), which gives 6 alpha <= 12")


@claim("000-thm1", SEED, "Sec 4.1, Theorem 1",
       "GClip with tau_k = G k^(1/alpha), eta_k = 4/(mu(k+1)) and j-weighted averaging: E f(x_bar_k) - f* <= 16 G^2/(mu (k+1)^(2(alpha-1)/alpha)).")
def _thm1() -> Result:
    tight_const, _ = _final_constant(3, alpha / 2)
    worst = max(tight_const.subs(alpha, a) for a in (sp.Rational(101, 100), sp.Rational(3, 2), 2))
    return Result.decide(worst <= 16, f"tight chain constant {fmt(tight_const)}, max over alpha in (1,2] = {worst} <= 16 "
                         "(given Lemma 2, 000-thm1-young, -telescope, -perstep, -sum)", corrected=f"constant {fmt(tight_const)}")


def _thm2_terms() -> tuple[sp.Expr, sp.Expr]:
    tau = G / (eta * L) ** (1 / alpha)
    t1 = 2 * f0 / (eta * K)
    t2 = eta * L * G**alpha * tau ** (2 - alpha) + G ** (2 * alpha) * tau ** (2 - 2 * alpha)
    return t1, t2


@claim("000-thm2-T2", SEED, "App E, proof of Theorem 2",
       "With tau = G/(eta L)^(1/alpha): eta L G^alpha tau^(2-alpha) + G^(2 alpha) tau^(2-2 alpha) = 2 G^2 (eta L)^((2 alpha-2)/alpha).")
def _thm2_t2() -> Result:
    _, t2 = _thm2_terms()
    terms = [sp.powsimp(sp.expand_power_base(t, force=True), force=True) for t in sp.Add.make_args(sp.expand(t2))]
    target = G**2 * (eta * L) ** ((2 * alpha - 2) / alpha)
    each = [_same_power(t, target) for t in terms]
    return Result.decide(len(terms) == 2 and all(each), f"each of the two terms equals G^2 (eta L)^((2alpha-2)/alpha): {each}",
                         corrected="see terms")


ETA_SEED = (f0 / (G**2 * K)) ** (alpha / (3 * alpha - 2)) / L ** ((2 * alpha - 2) / (3 * alpha - 2))
RATE = 4 * G ** (2 * alpha / (3 * alpha - 2)) * (L * f0 / K) ** ((2 * alpha - 2) / (3 * alpha - 2))


@claim("000-thm2", SEED, "Sec 4.1, Theorem 2",
       "With eta = (f0/(G^2 K))^(alpha/(3alpha-2)) / L^((2alpha-2)/(3alpha-2)) and tau = G/(eta L)^(1/alpha): (1/K) sum E||grad f||^2 <= 4 G^(2alpha/(3alpha-2)) (L f0/K)^((2alpha-2)/(3alpha-2)).")
def _thm2() -> Result:
    t1 = 2 * f0 / (eta * K)
    t2 = 2 * G**2 * (eta * L) ** ((2 * alpha - 2) / alpha)
    half = RATE / 2
    t1_ok = _same_power(t1.subs(eta, ETA_SEED), half)
    t2_ok = _same_power(t2.subs(eta, ETA_SEED), half)
    # the optimal step: d/d eta (t1 + t2) = 0
    p = (2 * alpha - 2) / alpha
    eta_opt = (f0 / (p * G**2 * L**p * K)) ** (1 / (1 + p))
    d_t1, d_t2 = sp.diff(t1, eta), sp.diff(t2, eta)  # stationary iff -d_t1 = d_t2
    stationary = _same_power((-d_t1).subs(eta, eta_opt), d_t2.subs(eta, eta_opt))
    ratio = sp.simplify(sp.powsimp(sp.expand_power_base(eta_opt / ETA_SEED, force=True), force=True))
    best = sp.simplify(sp.powsimp(sp.expand_power_base(((t1 + t2).subs(eta, eta_opt)) / RATE, force=True), force=True))
    best_vals = {a: float(best.subs(alpha, a)) for a in (sp.Rational(11, 10), sp.Rational(3, 2), 2)}
    return Result.decide(t1_ok and t2_ok,
                         f"with the seed's eta: T1 = T2 = half the bound [{t1_ok}, {t2_ok}] (the seed's eta balances the two terms); "
                         f"optimal eta* = {fmt(eta_opt)} (stationary: {stationary}), eta*/eta_seed = {fmt(ratio)}; "
                         f"optimal bound / seed bound = {best_vals} (equal at alpha = 2)",
                         corrected="see computation")


@claim("000-table1", SEED, "Sec 4, Table 1",
       "At alpha = 2 the heavy-tailed rates recover SGD: k^(-2(alpha-1)/alpha) -> k^-1, G^(2alpha/(3alpha-2)) k^(-2(alpha-1)/(3alpha-2)) -> G k^(-1/2); the lower bound exponent matches GClip's.")
def _table1() -> Result:
    sc = -2 * (alpha - 1) / alpha
    nc = -2 * (alpha - 1) / (3 * alpha - 2)
    g_pow = 2 * alpha / (3 * alpha - 2)
    lower = -2 * (alpha - 1) / alpha  # Theorem 4 / App G: eps^2/64 with eps ~ k^(-(alpha-1)/alpha)
    vals = (sc.subs(alpha, 2), nc.subs(alpha, 2), g_pow.subs(alpha, 2))
    to_one = (sp.limit(sc, alpha, 1, "+"), sp.limit(nc, alpha, 1, "+"))
    ok = vals == (-1, sp.Rational(-1, 2), 1) and vanishes(lower - sc)
    return Result.decide(ok, f"alpha = 2: exponents {vals[0]}, {vals[1]}, power of G {vals[2]}; alpha -> 1+: exponents {to_one} (no rate); "
                         f"lower-bound exponent - GClip exponent = {sp.simplify(lower - sc)}", corrected="see computed exponents")


@claim("000-thm3", SEED, "Sec 4.2 / App F.2, Theorem 3",
       "CClip with tau_{k,i} = B_i k^(1/alpha): E f(x_bar_k) - f* <= 16 ||B||_2^2/(mu (k+1)^(2(alpha-1)/alpha)).")
def _thm3() -> Result:
    # coordinate i contributes the Theorem 1 noise terms with G -> B_i (Lemma 5 = Lemma 2 per coordinate)
    bs = sp.symbols("B1:4", positive=True)
    unit = k ** ((2 - alpha) / alpha) / mu
    total = sum(per_step_noise(1).subs(G, bi) for bi in bs)
    coef = sp.simplify(sp.powsimp(sp.expand_power_base(total / (unit * sum(bi**2 for bi in bs)), force=True), force=True))
    tight_const, _ = _final_constant(sp.limit(coef, k, sp.oo), alpha / 2)
    worst = max(tight_const.subs(alpha, a) for a in (sp.Rational(101, 100), sp.Rational(3, 2), 2))
    return Result.decide(not coef.has(*bs) and worst <= 16,
                         f"summed per-coordinate noise = ||B||_2^2 k^((2-alpha)/alpha)/mu * {fmt(coef)}: the Theorem 1 chain applies with "
                         f"G^2 -> ||B||_2^2, constant {fmt(tight_const)} <= {worst}; the printed proof repeats Theorem 1's factor-2 slip "
                         "(see 000-thm1-constant)", corrected=f"constant {fmt(tight_const)}")


@claim("001-thm6", "001", "Sec 2, Theorem 6 and Table 1",
       "The non-convex lower bound Omega(k^(-2(alpha-1)/(3alpha-2))) matches the upper bound of Theorem 2 up to constants.")
def _thm6() -> Result:
    lower = -2 * (alpha - 1) / (3 * alpha - 2)
    upper = sp.simplify(sp.diff(sp.expand_log(sp.log(RATE), force=True), K) * K)  # exponent of K in Theorem 2
    return Result.decide(vanishes(upper - lower), f"exponent of K in Theorem 2's bound: {fmt(upper)}; lower-bound exponent {fmt(lower)}",
                         corrected=f"upper exponent {fmt(upper)}")
