"""Statements of seed 000 that the simulator computes with, as sympy expressions: their one source.

The claims in :mod:`proofs_check.seed000_rates`, :mod:`proofs_check.seed000_clipping` and
:mod:`proofs_check.seed000_lower_bound` take these expressions as their default statements and decide
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
