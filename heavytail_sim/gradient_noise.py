"""Minibatch gradient noise of the small models (:mod:`heavytail_sim.models`): exact sampling, a Gaussian
reference with the same covariance, tail-index estimates, and their evolution during SGD training
(seed 000 Sec 2 and 5.2, Figs 2, 4, 5, App H; seed 001 Figs 1, 2, 4).

Sampling. A minibatch B is ``batch_size`` examples drawn uniformly WITH replacement from the finite data
set (a ``numpy.random.Generator`` seeded from the user's seed), g_B the mean of their exact per-example
gradients, and the noise is g_B - grad f (the exact full-data gradient). With replacement, Cov(g_B) =
Sigma / b exactly, Sigma = (1/N) sum_i (g_i - grad f)(g_i - grad f)^T the per-example covariance over the
data set.

Gaussian reference. z = sum_i w_i (g_i - grad f) / sqrt(N b) with w ~ N(0, I_N) is exactly N(0, Sigma / b)
(Sigma computed exactly over the whole data set, not estimated from the minibatch draws), so the reference
has the same covariance as the noise it is compared with. Its draws go through the same estimators.

Analysis: :func:`heavytail_sim.noise_diagnosis.diagnose` with ``kind="noise"`` and this reference.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .errors import UsageError
from .models.base import Data, Model, check_positive_int

#: examples per call to ``per_example_grads`` (bounds memory at chunk * P floats)
CHUNK = 2048


@dataclass
class NoiseSample:
    """Minibatch gradient noise of one model at one parameter vector.

    Attributes
    ----------
    step : int
        Training step of the parameters (0 = initialisation).
    batch_size : int
        Minibatch size b.
    noise : ndarray (M, P)
        g_B - grad f for M minibatches.
    reference : ndarray (M, P) or None
        M draws of N(0, Sigma / b).
    full_grad : ndarray (P,)
        Exact full-data gradient.
    loss : float
        Full-data mean loss.
    trace_cov : float
        tr(Sigma) / b, the exact E|g_B - grad f|^2.
    """

    step: int
    batch_size: int
    noise: np.ndarray
    reference: np.ndarray | None
    full_grad: np.ndarray
    loss: float
    trace_cov: float

    @property
    def norms(self) -> np.ndarray:
        """|g_B - grad f| for each minibatch, shape (M,)."""
        return np.linalg.norm(self.noise, axis=1)

    @property
    def reference_norms(self) -> np.ndarray | None:
        """Norms of the Gaussian reference draws, shape (M,)."""
        return None if self.reference is None else np.linalg.norm(self.reference, axis=1)


def _data_pass(model: Model, theta: np.ndarray, data: Data, n_ref: int, gen: np.random.Generator | None):
    """One pass over the data set: (full gradient, mean loss, tr Sigma, reference numerator).

    The reference numerator is sum_i w_i (g_i - grad f) for ``n_ref`` rows of w ~ N(0, I_N), built from
    sum_i w_i g_i - (sum_i w_i) grad f so that one pass suffices.
    """
    n, p = len(data), model.n_params
    total, sq, loss = np.zeros(p), 0.0, 0.0
    zw = np.zeros((n_ref, p)) if gen is not None else None
    wsum = np.zeros(n_ref)
    for i in range(0, n, CHUNK):
        part = data.take(np.arange(i, min(i + CHUNK, n)))
        g = model.per_example_grads(theta, part)
        loss += float(model.losses(theta, part).sum())
        total += g.sum(axis=0)
        sq += float(np.einsum("ij,ij->", g, g))
        if gen is not None:
            w = gen.standard_normal((n_ref, g.shape[0]))
            zw += w @ g
            wsum += w.sum(axis=1)
    full = total / n
    trace = sq / n - float(full @ full)
    if zw is not None:
        zw -= wsum[:, None] * full[None, :]
    return full, loss / n, trace, zw


def sample_noise(model: Model, theta, data: Data, batch_size: int = 32, n_batches: int = 2000, seed: int = 0,
                 reference: bool = True, step: int = 0) -> NoiseSample:
    """Draw ``n_batches`` minibatch gradients at ``theta`` and return their noise (see module docstring).

    Parameters
    ----------
    model : Model
    theta : array_like (P,)
        Parameters.
    data : Data
        The finite data set the minibatches are drawn from (with replacement).
    batch_size : int
        b >= 1.
    n_batches : int
        M >= 1 minibatches (the diagnosis needs M >= 500).
    seed : int
        Seeds the minibatch indices (stream [seed, step, 0]) and the reference (stream [seed, step, 1]).
    reference : bool
        Draw the exact Gaussian reference N(0, Sigma / b) (M draws; costs M * N * P multiply-adds).
    step : int
        Training step of ``theta``: recorded, and part of the seed so that checkpoints draw independently.

    Returns
    -------
    NoiseSample
    """
    b = check_positive_int(batch_size, "batch_size")
    m = check_positive_int(n_batches, "n_batches")
    theta = model._theta(theta)
    n = len(data)
    gen_ref = np.random.default_rng([seed, step, 1]) if reference else None
    full, loss, trace, zw = _data_pass(model, theta, data, m, gen_ref)
    idx = np.random.default_rng([seed, step, 0]).integers(0, n, (m, b))
    noise = np.empty((m, model.n_params))
    per = max(1, CHUNK // b)  # minibatches per call
    for j in range(0, m, per):
        rows = idx[j:j + per]
        g = model.per_example_grads(theta, data.take(rows.ravel()))
        noise[j:j + rows.shape[0]] = g.reshape(rows.shape[0], b, -1).mean(axis=1) - full
    ref = zw / math.sqrt(n * b) if zw is not None else None
    return NoiseSample(int(step), b, noise, ref, full, loss, trace / b)


def train_sgd(model: Model, data: Data, theta0, lr: float, steps: int, batch_size: int = 32, seed: int = 0,
              keep=(), log_every: int = 0):
    """Plain SGD, theta <- theta - lr * g_B, minibatches drawn with replacement (stream [seed, 2]).

    Parameters
    ----------
    keep : iterable of int
        Steps (0..steps) whose parameters are returned.
    log_every : int
        Record the full-data loss every ``log_every`` steps (0: only at the kept steps).

    Returns
    -------
    (thetas, log) : dict step -> parameters (P,) for ``keep``; pandas DataFrame with columns step, loss
    (full-data mean loss), grad_norm (|grad f|, only at the kept steps, else nan).
    """
    import pandas as pd

    if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
        raise UsageError(f"lr must be a positive number, got {lr!r}")
    steps = check_positive_int(steps, "steps", 0)
    b = check_positive_int(batch_size, "batch_size")
    keep = sorted({int(k) for k in keep})
    if keep and (keep[0] < 0 or keep[-1] > steps):
        raise UsageError(f"checkpoints must lie in 0..{steps}, got {keep}")
    theta = np.array(model._theta(theta0), dtype=float)
    gen = np.random.default_rng([seed, 2])
    n = len(data)
    thetas, rows = {}, []
    for k in range(steps + 1):
        logged = log_every and k % log_every == 0
        if k in keep:
            thetas[k] = theta.copy()
            rows.append({"step": k, "loss": model.full_loss(theta, data),
                         "grad_norm": float(np.linalg.norm(model.full_grad(theta, data)))})
        elif logged:
            rows.append({"step": k, "loss": model.full_loss(theta, data), "grad_norm": math.nan})
        if k == steps:
            break
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported just below
            theta -= lr * model.grad(theta, data.take(gen.integers(0, n, b)))
        if not np.all(np.isfinite(theta)):
            raise UsageError(f"SGD diverged at step {k + 1} with lr = {lr}; use a smaller lr")
    return thetas, pd.DataFrame(rows, columns=["step", "loss", "grad_norm"])


@dataclass
class NoiseStudy:
    """Gradient noise of one model at several training steps.

    Attributes
    ----------
    model : str
        Model name.
    config : dict
        The settings of :func:`noise_during_training`.
    samples : dict[int, NoiseSample]
        The noise at each checkpoint (arrays dropped by ``keep_arrays=False``: norms kept in ``norms``).
    diagnoses : dict[int, Diagnosis]
        :func:`heavytail_sim.noise_diagnosis.diagnose` of each checkpoint's noise against its exact reference.
    training : pandas.DataFrame
        step, loss, grad_norm along the SGD run.
    """

    model: str
    config: dict
    samples: dict
    diagnoses: dict
    training: object
    norms: dict = field(default_factory=dict)
    reference_norms: dict = field(default_factory=dict)

    def estimates(self):
        """Tidy DataFrame: every estimate of every checkpoint (columns of ``Diagnosis.table`` plus model,
        step, verdict category, batch_size, trace_cov)."""
        import pandas as pd

        frames = []
        for step, diag in self.diagnoses.items():
            t = diag.table()
            t.insert(0, "step", step)
            t.insert(0, "model", self.model)
            t["category"] = diag.category
            t["batch_size"] = self.config["batch_size"]
            t["trace_cov"] = self.samples[step].trace_cov
            frames.append(t)
        return pd.concat(frames, ignore_index=True)

    def histograms(self, bins: int = 50):
        """Tidy DataFrame of norm histograms (density on log-spaced bins shared by all checkpoints):
        model, step, source (noise / gaussian_reference), bin_lo, bin_hi, density."""
        import pandas as pd

        from .noise_diagnosis import log_bins

        edges = log_bins(*self.norms.values(), *self.reference_norms.values(), bins=bins)
        rows = []
        for step in self.norms:
            for source, x in (("noise", self.norms[step]), ("gaussian_reference", self.reference_norms.get(step))):
                if x is None:
                    continue
                dens, _ = np.histogram(x, bins=edges, density=True)
                rows += [{"model": self.model, "step": step, "source": source, "bin_lo": lo, "bin_hi": hi,
                          "density": v} for lo, hi, v in zip(edges[:-1], edges[1:], dens)]
        return pd.DataFrame(rows)

    def summary(self):
        """One row per checkpoint: loss, tr(Sigma)/b, verdict category, and the main estimates with their
        95% intervals (``<name>``, ``<name>_lo``, ``<name>_hi``; for ``hill_gof_within_vector`` the band is
        the 10-90% spread over vectors)."""
        import pandas as pd

        est = self.estimates()
        rows = []
        for step, diag in self.diagnoses.items():
            row = {"model": self.model, "step": step, "loss": self.samples[step].loss,
                   "trace_cov": self.samples[step].trace_cov, "category": diag.category}
            for src, name in (("data", "hill_gof"), ("data", "gpd_ml"), ("data", "block_vector"),
                              ("data", "block_coord"), ("data", "hill_gof_coord"), ("data", "hill_gof_within_vector"),
                              ("gaussian_reference", "hill_gof")):
                r = est[(est.step == step) & (est.source == src) & (est.estimator == name)]
                key = name if src == "data" else f"ref_{name}"
                if len(r):
                    # the within-vector estimate has no bootstrap interval: its band is the 10-90% spread
                    lo, hi = ("q10", "q90") if name == "hill_gof_within_vector" else ("ci_low", "ci_high")
                    row[key], row[f"{key}_lo"], row[f"{key}_hi"] = (float(r.alpha.iloc[0]), float(r[lo].iloc[0]),
                                                                    float(r[hi].iloc[0]))
            rows.append(row)
        return pd.DataFrame(rows)


def noise_during_training(model: Model, *, n_data: int = 4096, data_seed: int = 0, init_seed: int = 0,
                          lr: float = 0.5, steps: int = 2000, checkpoints=(0, 100, 500, 2000),
                          batch_size: int = 32, n_batches: int = 2000, seed: int = 0, n_boot: int = 200,
                          keep_arrays: bool = False) -> NoiseStudy:
    """Train ``model`` with plain SGD from a fixed initialisation and analyse its minibatch noise at the
    ``checkpoints``.

    Parameters
    ----------
    model : Model
    n_data, data_seed : int
        Size and seed of the synthetic data set (``model.make_data``).
    init_seed : int
        Seed of the initial parameters (``model.init``).
    lr, steps : float, int
        SGD step size and number of steps (training batch size = ``batch_size``).
    checkpoints : iterable of int
        Steps (0..steps) at which the noise is sampled and diagnosed.
    batch_size, n_batches : int
        Minibatch size b and number M of minibatches per checkpoint (M >= 500).
    seed : int
        Seeds training minibatches, noise minibatches and reference (per checkpoint, see
        :func:`sample_noise`) and the bootstrap.
    n_boot : int
        Bootstrap resamples of every interval.
    keep_arrays : bool
        Keep the (M, P) noise and reference arrays in ``samples`` (memory M * P * 16 bytes per checkpoint).

    Returns
    -------
    NoiseStudy
    """
    from .noise_diagnosis import MIN_SAMPLES, diagnose

    if n_batches < MIN_SAMPLES:
        raise UsageError(f"n_batches must be >= {MIN_SAMPLES} for the tail estimators, got {n_batches}")
    data = model.make_data(n_data, data_seed)
    chk = sorted({int(c) for c in checkpoints})
    thetas, log = train_sgd(model, data, model.init(init_seed), lr, steps, batch_size, seed, keep=chk,
                            log_every=max(1, steps // 50))
    samples, diags, norms, ref_norms = {}, {}, {}, {}
    for step in chk:
        s = sample_noise(model, thetas[step], data, batch_size, n_batches, seed=seed, step=step)
        diags[step] = diagnose(s.noise, "noise", n_boot=n_boot, seed=seed, reference=s.reference)
        norms[step], ref_norms[step] = s.norms, s.reference_norms
        if not keep_arrays:
            s.noise, s.reference = s.noise[:0], None
        samples[step] = s
    config = {"n_data": n_data, "data_seed": data_seed, "init_seed": init_seed, "lr": lr, "steps": steps,
              "checkpoints": chk, "batch_size": batch_size, "n_batches": n_batches, "seed": seed, "n_boot": n_boot}
    return NoiseStudy(model.name, config, samples, diags, log, norms, ref_norms)


# ----------------------------------------------------------------------------------------------- figure

def plot_noise_study(study: NoiseStudy, title: str | None = None):
    """One figure per model: (left) noise-norm histograms at each checkpoint against the Gaussian
    reference with the same covariance, norms divided by the reference's median so that shapes compare
    across steps; (middle) tail-index estimates against training step with 95% bootstrap intervals;
    (right) the full-data training loss. Returns the matplotlib figure."""
    from .noise_diagnosis import log_bins, plain_log_ticks
    from .plotting import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16.5, 4.8), gridspec_kw={"width_ratios": [1.15, 1.15, 0.7]})
    steps = list(study.norms)
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(steps)))
    scaled = {s: study.norms[s] / np.median(study.reference_norms[s]) for s in steps}
    ref_scaled = {s: study.reference_norms[s] / np.median(study.reference_norms[s]) for s in steps}
    edges = log_bins(*scaled.values(), *ref_scaled.values(), bins=40)
    ax = axes[0]
    for s, c in zip(steps, colors):
        ax.hist(scaled[s], bins=edges, density=True, histtype="step", lw=2.0, color=c, label=f"noise, step {s}")
        ax.hist(ref_scaled[s], bins=edges, density=True, histtype="step", lw=0.9, ls="--", color=c)
    ax.plot([], [], "k--", lw=0.9, label="Gaussian with the same covariance\n(dashed, same colour as its step)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.xaxis)
    ax.set_xlabel("noise norm / median norm of the Gaussian reference (log scale)")
    ax.set_ylabel("density (log scale)")
    ax.set_title(f"Noise norms, batch size {study.config['batch_size']}, {study.config['n_batches']} minibatches",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)

    ax = axes[1]
    summ = study.summary()
    top = 30.0
    series = [("hill_gof", "Hill on norms (verdict)", "C3", "o"), ("gpd_ml", "GPD ML on norms (verdict)", "C1", "s"),
              ("block_vector", "block estimator on vectors", "C0", "^"),
              ("block_coord", "block estimator per coordinate (median)", "C9", "<"),
              ("hill_gof_coord", "Hill per coordinate (median)", "C2", "v"),
              ("hill_gof_within_vector", "Hill within one vector (median; band 10-90%)", "C4", "P"),
              ("ref_hill_gof", "Hill on the Gaussian reference", "0.5", "D")]
    pos = np.arange(len(summ))  # checkpoints evenly spaced: early steps would crowd on a linear axis
    for j, (key, label, color, mk) in enumerate(series):
        if key not in summ:
            continue
        x = pos + (j - 3) * 0.07  # small offsets keep the intervals apart
        y = np.minimum(summ[key].to_numpy(), top)
        lo = np.minimum(summ[f"{key}_lo"].to_numpy(), top)
        hi = np.minimum(summ[f"{key}_hi"].to_numpy(), top)
        # intervals drawn on their own: a percentile interval need not contain its point estimate
        ax.vlines(x, lo, hi, color=color, lw=1.6)
        ax.plot(x, y, mk + "-", color=color, ms=5, lw=1.0, label=label, mfc="white" if key.startswith("ref") else color)
    ax.axhline(2.0, color="k", ls="--", lw=1, label="alpha = 2 (finite variance above)")
    ax.set_yscale("log")
    ax.set_ylim(0.5, top * 1.15)
    ax.set_yticks([0.5, 1, 1.5, 2, 3, 5, 10, 20, 30])
    ax.set_yticklabels(["0.5", "1", "1.5", "2", "3", "5", "10", "20", f">= {top:g} / inf"])
    ax.set_xticks(pos)
    ax.set_xticklabels([str(s) for s in summ.step])
    ax.set_xlim(-0.5, len(summ) - 0.5)
    ax.set_xlabel("SGD step (checkpoints)")
    ax.set_ylabel("tail index alpha (95% bootstrap interval)")
    ax.set_title("Tail index of the noise during training", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)

    ax = axes[2]
    log = study.training
    ax.plot(log.step, log.loss, "-", color="k", lw=1.2)
    for s, c in zip(steps, colors):
        ax.plot([s], [float(log.loss[log.step == s].iloc[0])], "o", color=c, ms=6)
    ax.set_xlabel("SGD step")
    ax.set_ylabel("full-data training loss")
    ax.set_title(f"SGD, lr = {study.config['lr']:g} (dots: checkpoints)", fontsize=10)
    cats = ", ".join(f"step {s}: {d.category.replace('_', ' ')}" for s, d in study.diagnoses.items())
    fig.suptitle(title or f"{study.model}: gradient noise (verdicts: {cats})", fontsize=10)
    fig.tight_layout()
    return fig
