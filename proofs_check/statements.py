"""Statements of seeds 000 and 001 that the simulator computes with, as sympy expressions: their one source.

The claims in :mod:`proofs_check.seed000_rates`, :mod:`proofs_check.seed000_clipping`,
:mod:`proofs_check.seed000_lower_bound`, :mod:`proofs_check.seed001_chain` and
:mod:`proofs_check.seed001_theorems` take these expressions as their default statements and decide
them; :mod:`heavytail_sim.theory` evaluates them (``lambdify``, cached) for the rate studies; the
tests compare :mod:`heavytail_sim.schedules` and :mod:`heavytail_sim.lower_bound` with them. Each
expression is written as the seed prints it (the Table 1 exponents separately from the theorem
bounds, so that a claim can check that the two agree).
"""
from __future__ import annotations

import sympy as sp

alpha, G, mu, L, f0, K, eta, tau, eps = sp.symbols("alpha G mu L f0 K eta tau epsilon", positive=True)
k = sp.Symbol("k", positive=True)
B_i = sp.Symbol("B_i", positive=True)

# seed 000, Table 1, strongly convex column (alpha in (1, 2)): error Theta(k^(-2(alpha-1)/alpha))
TABLE1_SC_EXPONENT = -2 * (alpha - 1) / alpha
# seed 000, Table 1, non-convex column: O(G^(2alpha/(3alpha-2)) k^(-2(alpha-1)/(3alpha-2)))
TABLE1_NC_EXPONENT = -2 * (alpha - 1) / (3 * alpha - 2)
TABLE1_NC_G_POWER = 2 * alpha / (3 * alpha - 2)
# seed 000, Table 1, standard-noise columns (alpha >= 2): Theta(G^2 k^-1) and O(G k^-1/2)
TABLE1_STANDARD = {"strongly convex exponent": sp.Integer(-1), "non-convex exponent": sp.Rational(-1, 2),
                   "non-convex power of G": sp.Integer(1)}
# seed 000, Table 1, lower-bound row: Omega(k^(-2(alpha-1)/alpha))
TABLE1_LOWER_EXPONENT = -2 * (alpha - 1) / alpha

# seed 000, Theorem 1: tau_k = G k^(1/alpha), eta_k = 4/(mu (k+1)),
# E f(x_bar_k) - f* <= 16 G^2 / (mu (k+1)^(2(alpha-1)/alpha))
THM1_CONSTANT = sp.Integer(16)
THM1_TAU = G * k ** (1 / alpha)
THM1_ETA = 4 / (mu * (k + 1))
THM1_BOUND = THM1_CONSTANT * G**2 / (mu * (k + 1) ** (2 * (alpha - 1) / alpha))

# seed 000, Theorem 2: eta = (f0/(G^2 K))^(alpha/(3alpha-2)) / L^((2alpha-2)/(3alpha-2)), tau = G/(eta L)^(1/alpha),
# (1/K) sum_k E||grad f(x_{k-1})||^2 <= 4 G^(2alpha/(3alpha-2)) (L f0/K)^((2alpha-2)/(3alpha-2))
THM2_CONSTANT = sp.Integer(4)
THM2_ETA = (f0 / (G**2 * K)) ** (alpha / (3 * alpha - 2)) / L ** ((2 * alpha - 2) / (3 * alpha - 2))
THM2_TAU_OF_ETA = G / (eta * L) ** (1 / alpha)
THM2_TAU = THM2_TAU_OF_ETA.subs(eta, THM2_ETA)
THM2_BOUND = THM2_CONSTANT * G ** (2 * alpha / (3 * alpha - 2)) * (L * f0 / K) ** ((2 * alpha - 2) / (3 * alpha - 2))

# seed 000, Theorem 3 (CClip): tau_{k,i} = B_i k^(1/alpha), same steps as Theorem 1, bound 16 ||B||_2^2/(mu (k+1)^(2(alpha-1)/alpha))
THM3_TAU = B_i * k ** (1 / alpha)
THM3_ETA = THM1_ETA
THM3_CONSTANT = sp.Integer(16)

# seed 000, Lemma 2: E||g_hat||^2 <= G^alpha tau^(2-alpha), ||E g_hat - grad f||^2 <= G^(2alpha) tau^(-2(alpha-1))
LEMMA2_VARIANCE = G**alpha * tau ** (2 - alpha)
LEMMA2_BIAS_SQUARED = G ** (2 * alpha) * tau ** (-2 * (alpha - 1))

# seed 000, Theorem 4 / App G: gamma = (4 eps)^(1/(alpha-1)), p_nu = gamma^alpha - 2 nu gamma eps, b_nu = (2 - nu) eps,
# eps = 1/(16 k^((alpha-1)/alpha)) and the error bound eps^2/64
nu = sp.Symbol("nu", nonnegative=True)
LB_GAMMA = (4 * eps) ** (1 / (alpha - 1))
LB_P = LB_GAMMA**alpha - 2 * nu * LB_GAMMA * eps
LB_B = (2 - nu) * eps
LB_EPS_OF_K = 1 / (16 * k ** ((alpha - 1) / alpha))
LB_ERROR = eps**2 / 64

# Package derivations (not in the seeds), documented in heavytail_sim.theory:
# the median of SGD's error under symmetric tail index a < 2 scales like clipping's rate, and the sample
# mean over R runs of f(x_k) - f* grows like R^(2/a - 1) (tail index a/2 of f(x_k), seed 000 App A).
SGD_MEDIAN_EXPONENT = TABLE1_SC_EXPONENT
SGD_SAMPLE_MEAN_GROWTH = 2 / alpha - 1


# ==================================================================================================
# Seed 001 (NeurIPS version). Its formulas are mostly stripped; what is below is the reconstruction
# documented step by step, with sources, in docs/seed001_reconstruction.rst. Claims in
# proofs_check.seed001_chain and proofs_check.seed001_theorems decide these expressions;
# heavytail_sim.schedules and heavytail_sim.theory evaluate them.
# ==================================================================================================
sigma, Delta, p = sp.symbols("sigma Delta p", positive=True)
x = sp.Symbol("x", real=True)

# ---- App G: the chain of Arjevani, Carmon, Duchi, Foster, Srebro, Woodworth (2019), built on Carmon,
# Duchi, Hinder, Sidford (2017); seed 001 App G: "The function we use ... is the same as in [2]".
# Psi(x) = 0 for x <= 1/2, exp(1 - 1/(2x-1)^2) otherwise; Phi(x) = sqrt(e) int_{-inf}^x exp(-t^2/2) dt.
CHAIN_PSI = sp.Piecewise((sp.Integer(0), x <= sp.Rational(1, 2)), (sp.exp(1 - 1 / (2 * x - 1) ** 2), True))
CHAIN_PHI = sp.sqrt(sp.E) * sp.sqrt(sp.pi / 2) * (1 + sp.erf(x / sp.sqrt(2)))
# seed 001 Lemma 17 (= Arjevani et al. Lemma 2): F_T(0) - inf F_T <= Delta0 T, grad F_T is l1-Lipschitz,
# ||grad F_T||_inf <= gamma_inf, and ||grad F_T(x)|| > 1 while prog_1(x) < T
CHAIN_DELTA0 = sp.Integer(12)
CHAIN_L1 = sp.Integer(152)
CHAIN_GRAD_INF = sp.Integer(23)
CHAIN_GRAD_LOWER = sp.Integer(1)
# Package derivation (proofs_check.seed001_chain derives it by summing over xi in {0, 1}): the oracle's
# noisy coordinate is d_j F_T (xi/p - 1), xi ~ Bernoulli(p), and E|xi/p - 1|^alpha is
CHAIN_MULTIPLIER_MOMENT = p * (1 / p - 1) ** alpha + (1 - p)
# seed 001 App G, the oracle's moment lemma: "E||g - grad F_T||^alpha <= [stripped]", from the noisy coordinate's
# |d_j F_T| <= ||grad F_T||_inf <= gamma_inf = 23 and a bound h(p) >= E|xi/p - 1|^alpha ("Jensen's inequality and
# the convexity of [stripped]"); the stated bound is gamma_inf^alpha h(p) with one of three readings of h:
gamma_inf = sp.Symbol("gamma_inf", positive=True)
LEMMA18_STEP_READINGS = {
    "Arjevani et al.'s variance factor with 2 -> alpha: h = (1-p)/p^(alpha-1)": (1 - p) / p ** (alpha - 1),
    "Jensen to the second moment: h = ((1-p)/p)^(alpha/2)": ((1 - p) / p) ** (alpha / 2),
    "convexity of |.|^alpha: h = 2^(alpha-1) (p^(1-alpha) + 1)": 2 ** (alpha - 1) * (p ** (1 - alpha) + 1),
}

# ---- seed 001 Theorem 6 / App G: the scaled instance f(x) = (L lam^2/l1) F_T(x/lam) (Arjevani et al.,
# proof of Theorem 1, with the variance replaced by the alpha-th moment)
LBNC_LAMBDA = 2 * CHAIN_L1 * eps / L  # ||grad f|| > L lam/l1 = 2 eps while prog_1(x/lam) < T
LBNC_T = L * Delta / (4 * CHAIN_L1 * CHAIN_DELTA0 * eps**2)  # T = floor of this: f(0) - inf f <= Delta
# p: the smallest p with (L lam/l1)^alpha gamma_inf^alpha E|xi/p - 1|^alpha <= sigma^alpha (solved numerically);
# as eps -> 0, E|xi/p - 1|^alpha ~ p^(1-alpha) and p -> (2 gamma_inf eps / sigma)^(alpha/(alpha-1)):
LBNC_MOMENT_CONSTRAINT = (L * LBNC_LAMBDA / CHAIN_L1 * CHAIN_GRAD_INF) ** alpha * CHAIN_MULTIPLIER_MOMENT - sigma**alpha
LBNC_P_ASYMPTOTIC = (2 * CHAIN_GRAD_INF * eps / sigma) ** (alpha / (alpha - 1))
T_chain = sp.Symbol("T", positive=True, integer=True)  # floor(LBNC_T)
LBNC_QUERIES = (T_chain - sp.log(2)) / (2 * p)  # Arjevani et al. Lemma 1 with delta = 1/2
# Theorem 6: Omega(eps^(-(3alpha-2)/(alpha-1))) queries, i.e. ||grad f||^2 ~ k^(-2(alpha-1)/(3alpha-2))
LBNC_QUERY_EXPONENT = -(3 * alpha - 2) / (alpha - 1)
TABLE1_NC_LOWER_EXPONENT = -2 * (alpha - 1) / (3 * alpha - 2)

# ---- seed 001 Theorem 2 (central moment E||g - grad f||^alpha <= sigma^alpha), as printed:
# tau = max{2, 48^(1/(alpha-1)) sigma^(alpha/(alpha-1)), 8 sigma, (f0/(sigma^2 K))^(alpha/(3alpha-2)) / L^((2alpha-2)/(3alpha-2))}
THM2S_TAU_FIXED = (sp.Integer(2), sp.Integer(48) ** (1 / (alpha - 1)) * sigma ** (alpha / (alpha - 1)), 8 * sigma)
THM2S_TAU_PRINTED_ENTRY = (f0 / (sigma**2 * K)) ** (alpha / (3 * alpha - 2)) / L ** ((2 * alpha - 2) / (3 * alpha - 2))
# the printed fourth entry is seed 000's step size (G -> sigma); read as that step size eta0, the threshold
# seed 000 pairs with it is sigma/(eta0 L)^(1/alpha) = sigma^(3alpha/(3alpha-2)) (K/(f0 L))^(1/(3alpha-2))
THM2S_TAU_INTENDED_ENTRY = sigma / (THM2S_TAU_PRINTED_ENTRY * L) ** (1 / alpha)
THM2S_TAU_STAR = sigma ** (3 * alpha / (3 * alpha - 2)) * (K / (f0 * L)) ** (1 / (3 * alpha - 2))
# step size (stripped; "Since we use a stepsize ..., we can simplify"): eta = sigma^alpha/(L tau^alpha)
THM2S_ETA = sigma**alpha / (L * tau**alpha)
# reconstructed Lemma 10 (||grad f|| <= tau/2): E||g_hat||^2 <= 2||grad f||^2 + 2 sigma^alpha tau^(2-alpha),
# ||E g_hat - grad f||^2 <= 4^alpha sigma^(2alpha) tau^(2-2alpha)
gnorm = sp.Symbol("gnorm", nonnegative=True)  # ||grad f(x)||
LEMMA10_VARIANCE = 2 * gnorm**2 + 2 * sigma**alpha * tau ** (2 - alpha)
LEMMA10_BIAS_SQUARED = 4**alpha * sigma ** (2 * alpha) * tau ** (2 - 2 * alpha)
# reconstructed Lemma 11 (||grad f|| >= tau/2), pointwise in the noise xi = g - grad f:
# <grad f, g_hat> >= (tau/2)(||grad f|| - ||xi||) - tau ||xi|| 1{||xi|| > ||grad f||}
LEMMA11_COEFFICIENTS = (sp.Rational(1, 2), sp.Rational(1, 2), sp.Integer(1))
# the proof's bound for a constant tau (with eta = THM2S_ETA), on (1/K) sum_k E min{||grad f||, ||grad f||^2}
THM2S_BOUND_OF_TAU = 4 * f0 * L * tau**alpha / (sigma**alpha * K) + (2 * 4**alpha + 4) * sigma ** (2 * alpha) * tau ** (2 - 2 * alpha)
THM2S_BOUND = (8 + 2 * 4**alpha) * sigma ** (2 * alpha / (3 * alpha - 2)) * (L * f0 / K) ** ((2 * alpha - 2) / (3 * alpha - 2))

# ---- seed 001 Theorem 4 (projected GClip, non-smooth mu-strongly convex f, Assumption 4 E||g||^alpha <= G^alpha):
# App D repeats seed 000 App D with a projection, so the stripped parameters are seed 000 Theorem 1's
THM4_TAU = THM1_TAU
THM4_ETA = THM1_ETA
THM4_CONSTANT = THM1_CONSTANT
THM4_BOUND = THM1_BOUND
