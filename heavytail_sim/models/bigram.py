"""Bigram language model (softmax regression on a one-hot previous token) trained on Zipf-distributed
tokens: the setting where rare tokens give rare, large per-example gradients.

Task: the context token x follows a Zipf law P(x = r - 1) ~ r^-s on a vocabulary of V tokens; the next
token is y = succ(x) (a fixed random permutation of the vocabulary, drawn from ``task_seed``) with
probability 1 - ``label_noise``, otherwise a fresh Zipf token. Model: logits = W[x] + c, loss
cross-entropy, parameters W (V, V) and c (V,).
"""
from __future__ import annotations

import numpy as np

from .base import Data, Model, ParamLayout, check_positive_int, check_probability, cross_entropy, zipf_probs
from ..errors import UsageError


class Bigram(Model):
    """Bigram model on Zipf tokens.

    Parameters
    ----------
    vocab : int
        Vocabulary size V (>= 2).
    zipf : float
        Zipf exponent s of the token law (> 0; ~1.1 for natural text).
    label_noise : float
        Probability that the next token is a fresh Zipf draw instead of succ(x), in [0, 1].
    init_scale : float
        Standard deviation of the Gaussian initial parameters.
    task_seed : int
        Seed of the successor permutation (fixed per model, so that data seeds share one task).
    """

    def __init__(self, vocab: int = 64, zipf: float = 1.1, label_noise: float = 0.2, init_scale: float = 0.1,
                 task_seed: int = 0):
        self.vocab = check_positive_int(vocab, "vocab", 2)
        if not zipf > 0:
            raise UsageError(f"zipf exponent must be > 0, got {zipf}")
        self.zipf = float(zipf)
        self.label_noise = check_probability(label_noise, "label_noise")
        self.init_scale = float(init_scale)
        self.probs = zipf_probs(self.vocab, self.zipf)
        self.succ = np.random.default_rng(task_seed).permutation(self.vocab)
        self.layout = ParamLayout([("W", (self.vocab, self.vocab)), ("c", (self.vocab,))])
        self.name = f"bigram(V={self.vocab}, zipf={self.zipf:g})"

    def init(self, seed: int) -> np.ndarray:
        return self.init_scale * np.random.default_rng(seed).standard_normal(self.n_params)

    def make_data(self, n: int, seed: int) -> Data:
        n = check_positive_int(n, "n")
        gen = np.random.default_rng(seed)
        x = gen.choice(self.vocab, size=n, p=self.probs)
        fresh = gen.choice(self.vocab, size=n, p=self.probs)
        y = np.where(gen.random(n) < self.label_noise, fresh, self.succ[x])
        return Data(x.astype(np.int64), y.astype(np.int64))

    def _forward_backward(self, theta, batch, grads):
        p = self.layout.unpack(theta)
        x, y = batch.inputs, batch.targets
        losses, dlogits = cross_entropy(p["W"][x] + p["c"], y)
        if grads is not None:
            g = self.layout.unpack_rows(grads)
            rows = np.arange(x.shape[0])
            g["W"][rows, x] = dlogits  # example i touches row x_i of W only
            g["c"][...] = dlogits
        return losses
