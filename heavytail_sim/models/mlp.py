"""One-hidden-layer MLP regression on dense Gaussian features: the light-tailed control.

Task: x ~ N(0, I_d); y = teacher(x) + ``noise_sd`` * N(0, 1) with a teacher MLP of the same shape drawn
from ``task_seed`` (weights N(0, 1/fan_in)). Model: f(x) = w2 . tanh(x W1 + b1) + b2, loss
(f(x) - y)^2 / 2; parameters W1 (d, H), b1 (H,), w2 (H,), b2 (1,).
"""
from __future__ import annotations

import math

import numpy as np

from .base import Data, Model, ParamLayout, check_positive_int


class MLP(Model):
    """Tanh MLP regression on Gaussian features.

    Parameters
    ----------
    dim : int
        Input dimension d.
    hidden : int
        Hidden width H.
    noise_sd : float
        Standard deviation of the label noise.
    task_seed : int
        Seed of the teacher network.
    """

    def __init__(self, dim: int = 16, hidden: int = 32, noise_sd: float = 0.1, task_seed: int = 0):
        self.dim = check_positive_int(dim, "dim")
        self.hidden = check_positive_int(hidden, "hidden")
        self.noise_sd = float(noise_sd)
        self.layout = ParamLayout([("W1", (self.dim, self.hidden)), ("b1", (self.hidden,)),
                                   ("w2", (self.hidden,)), ("b2", (1,))])
        self.teacher = self._glorot(np.random.default_rng([task_seed, 1]))
        self.name = f"mlp(d={self.dim}, H={self.hidden})"

    def _glorot(self, gen: np.random.Generator) -> np.ndarray:
        theta = np.zeros(self.n_params)
        p = self.layout.unpack(theta)
        p["W1"][...] = gen.standard_normal(p["W1"].shape) / math.sqrt(self.dim)
        p["w2"][...] = gen.standard_normal(p["w2"].shape) / math.sqrt(self.hidden)
        return theta

    def init(self, seed: int) -> np.ndarray:
        return self._glorot(np.random.default_rng(seed))

    def _predict(self, theta, x):
        p = self.layout.unpack(theta)
        h = np.tanh(x @ p["W1"] + p["b1"])
        return h, h @ p["w2"] + p["b2"][0]

    def make_data(self, n: int, seed: int) -> Data:
        n = check_positive_int(n, "n")
        gen = np.random.default_rng(seed)
        x = gen.standard_normal((n, self.dim))
        y = self._predict(self.teacher, x)[1] + self.noise_sd * gen.standard_normal(n)
        return Data(x, y)

    def _forward_backward(self, theta, batch, grads):
        x, y = batch.inputs, batch.targets
        h, f = self._predict(theta, x)
        err = f - y
        if grads is not None:
            p = self.layout.unpack(theta)
            g = self.layout.unpack_rows(grads)
            g["w2"][...] = err[:, None] * h
            g["b2"][:, 0] = err
            dpre = err[:, None] * p["w2"] * (1.0 - h * h)  # tanh' = 1 - tanh^2
            g["b1"][...] = dpre
            g["W1"][...] = x[:, :, None] * dpre[:, None, :]
        return 0.5 * err * err
