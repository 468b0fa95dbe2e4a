"""One-layer, single-head attention model predicting a token from a sequence, with a hand-written
backward pass.

Forward pass for one sequence of length T (query at the last position; D the width):
    X = E[tokens] + P                  (T, D)  token embedding E (V, D) plus positional embedding P (T, D)
    q = X_T Wq,  K = X Wk,  Vv = X Wv       projections (D, D) each
    a = softmax(K q / sqrt(D))         (T,)    attention weights of the last position
    z = (a^T Vv) Wo + X_T              (D,)    output projection plus the residual stream
    logits = z U + c                   (V,)    unembedding U (D, V), bias c; loss cross-entropy
With ``inputs="gaussian"`` the embedding lookup is replaced by given vectors (X = inputs + P, no E), the
"normalized Gaussian input" of seed 000 Sec 5.2.

Task (fixed by ``task_seed``): the target is the first token of the sequence with probability
1 - ``label_noise``, else a fresh draw. Tokens: i.i.d. Zipf(``zipf``) on V tokens (fresh draws Zipf too).
Gaussian inputs: x_t ~ N(0, I_D / D) (unit norm on average) and the "first token" is the class
argmax_v (R x_1)_v of a fixed random readout R (V, D) (fresh draws uniform on the V classes).
"""
from __future__ import annotations

import math

import numpy as np

from .base import (Data, Model, ParamLayout, check_positive_int, check_probability, cross_entropy, softmax_rows,
                   zipf_probs)
from ..errors import UsageError

INPUT_KINDS = ("tokens", "gaussian")


class Attention(Model):
    """Single-head attention next-token model.

    Parameters
    ----------
    vocab : int
        Number of tokens / classes V.
    seq_len : int
        Sequence length T.
    width : int
        Model width D (embeddings, queries, keys, values).
    zipf : float
        Zipf exponent of the token law (token inputs).
    label_noise : float
        Probability that the target is a fresh draw instead of the first token.
    inputs : {"tokens", "gaussian"}
        Token sequences through an embedding, or Gaussian vectors in its place.
    init_scale : float
        Standard deviation of the Gaussian initial parameters (projections scaled by 1/sqrt(D) on top).
    task_seed : int
        Seed of the task (the Gaussian readout R).
    """

    def __init__(self, vocab: int = 64, seq_len: int = 8, width: int = 16, zipf: float = 1.1,
                 label_noise: float = 0.2, inputs: str = "tokens", init_scale: float = 0.5, task_seed: int = 0):
        self.vocab = check_positive_int(vocab, "vocab", 2)
        self.seq_len = check_positive_int(seq_len, "seq_len", 2)
        self.width = check_positive_int(width, "width")
        if inputs not in INPUT_KINDS:
            raise UsageError(f"inputs must be one of {', '.join(INPUT_KINDS)}, got {inputs!r}")
        if not zipf > 0:
            raise UsageError(f"zipf exponent must be > 0, got {zipf}")
        self.inputs, self.zipf = inputs, float(zipf)
        self.label_noise = check_probability(label_noise, "label_noise")
        self.init_scale = float(init_scale)
        self.probs = zipf_probs(self.vocab, self.zipf)
        self.readout = np.random.default_rng([task_seed, 2]).standard_normal((self.vocab, self.width))
        v, t, d = self.vocab, self.seq_len, self.width
        blocks = [("E", (v, d))] if inputs == "tokens" else []
        blocks += [("P", (t, d)), ("Wq", (d, d)), ("Wk", (d, d)), ("Wv", (d, d)), ("Wo", (d, d)), ("U", (d, v)),
                   ("c", (v,))]
        self.layout = ParamLayout(blocks)
        self.name = f"attention({inputs}, V={v}, T={t}, D={d})"

    def init(self, seed: int) -> np.ndarray:
        gen = np.random.default_rng(seed)
        theta = self.init_scale * gen.standard_normal(self.n_params)
        p = self.layout.unpack(theta)
        for name in ("Wq", "Wk", "Wv", "Wo", "U"):
            p[name] /= math.sqrt(self.width)  # keep activations O(1) whatever the width
        return theta

    def make_data(self, n: int, seed: int) -> Data:
        n = check_positive_int(n, "n")
        gen = np.random.default_rng(seed)
        if self.inputs == "tokens":
            x = gen.choice(self.vocab, size=(n, self.seq_len), p=self.probs).astype(np.int64)
            first = x[:, 0]
            fresh = gen.choice(self.vocab, size=n, p=self.probs)
        else:
            x = gen.standard_normal((n, self.seq_len, self.width)) / math.sqrt(self.width)
            first = np.argmax(x[:, 0] @ self.readout.T, axis=1)
            fresh = gen.integers(0, self.vocab, n)
        y = np.where(gen.random(n) < self.label_noise, fresh, first).astype(np.int64)
        return Data(x, y)

    def _forward_backward(self, theta, batch, grads):
        p = self.layout.unpack(theta)
        tokens = batch.inputs
        b = tokens.shape[0]
        root = math.sqrt(self.width)
        X = (p["E"][tokens] if self.inputs == "tokens" else tokens) + p["P"]   # (b, T, D)
        last = X[:, -1]                                                         # (b, D)
        q = last @ p["Wq"]
        K = X @ p["Wk"]
        Vv = X @ p["Wv"]
        a = softmax_rows(np.einsum("btd,bd->bt", K, q) / root)                # (b, T)
        h = np.einsum("bt,btd->bd", a, Vv)
        z = h @ p["Wo"] + last
        losses, dlogits = cross_entropy(z @ p["U"] + p["c"], batch.targets)
        if grads is None:
            return losses
        g = self.layout.unpack_rows(grads)
        g["c"][...] = dlogits
        g["U"][...] = z[:, :, None] * dlogits[:, None, :]
        dz = dlogits @ p["U"].T
        g["Wo"][...] = h[:, :, None] * dz[:, None, :]
        dh = dz @ p["Wo"].T
        da = np.einsum("btd,bd->bt", Vv, dh)
        ds = a * (da - np.sum(a * da, axis=1, keepdims=True)) / root           # softmax Jacobian, 1/sqrt(D)
        dK = ds[:, :, None] * q[:, None, :]
        dq = np.einsum("bt,btd->bd", ds, K)
        dVv = a[:, :, None] * dh[:, None, :]
        g["Wq"][...] = last[:, :, None] * dq[:, None, :]
        g["Wk"][...] = np.einsum("btd,bte->bde", X, dK)
        g["Wv"][...] = np.einsum("btd,bte->bde", X, dVv)
        dX = dK @ p["Wk"].T + dVv @ p["Wv"].T
        dX[:, -1] += dq @ p["Wq"].T + dz                                        # query path and residual
        g["P"][...] = dX
        if self.inputs == "tokens":
            rows = np.repeat(np.arange(b), self.seq_len)
            np.add.at(g["E"], (rows, tokens.ravel()), dX.reshape(-1, self.width))  # repeated tokens add up
        return losses
