"""Shared pieces of the small models: the data container, the flat parameter layout, the model interface
with exact per-example gradients, and a central finite-difference checker.

Every model keeps its parameters in one flat float64 vector ``theta`` of length ``n_params``; a
:class:`ParamLayout` maps names to views of it (and of per-example gradient rows).
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError


@dataclass(frozen=True)
class Data:
    """A finite data set: ``inputs`` (n, ...) and ``targets`` (n,), row i is example i."""

    inputs: np.ndarray
    targets: np.ndarray

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    def take(self, idx) -> "Data":
        """The examples at integer positions ``idx`` (a minibatch; repeats allowed)."""
        idx = np.asarray(idx, dtype=np.int64)
        return Data(self.inputs[idx], self.targets[idx])


class ParamLayout:
    """Named blocks of a flat parameter vector: ``[(name, shape), ...]`` in storage order."""

    def __init__(self, blocks: list[tuple[str, tuple[int, ...]]]):
        self.blocks = list(blocks)
        self.offsets: dict[str, tuple[int, int, tuple[int, ...]]] = {}
        off = 0
        for name, shape in self.blocks:
            size = int(np.prod(shape))
            self.offsets[name] = (off, off + size, shape)
            off += size
        self.size = off

    def unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Views of ``theta`` (P,) as the named arrays (writing to a view writes to ``theta``)."""
        return {name: theta[a:b].reshape(shape) for name, (a, b, shape) in self.offsets.items()}

    def unpack_rows(self, grads: np.ndarray) -> dict[str, np.ndarray]:
        """Views of per-example rows ``grads`` (b, P) as arrays of shape (b, *shape) per name."""
        b = grads.shape[0]
        return {name: grads[:, lo:hi].reshape((b,) + shape) for name, (lo, hi, shape) in self.offsets.items()}


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (b, V) logits, shifted by the row maximum so that exp cannot overflow."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-example cross-entropy -log softmax(logits)[y] (b,) and its gradient w.r.t. the logits,
    softmax - onehot(y) (b, V)."""
    z = logits - logits.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(z).sum(axis=1))
    rows = np.arange(targets.shape[0])
    losses = logsum - z[rows, targets]
    dlogits = np.exp(z - logsum[:, None])
    dlogits[rows, targets] -= 1.0
    return losses, dlogits


def zipf_probs(vocab: int, exponent: float) -> np.ndarray:
    """Zipf law on tokens 0..V-1: P(token = r - 1) proportional to r^-exponent, shape (V,)."""
    p = np.arange(1, vocab + 1, dtype=float) ** -float(exponent)
    return p / p.sum()


def check_positive_int(value, name: str, low: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or value < low:
        raise UsageError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_probability(value, name: str) -> float:
    if not (isinstance(value, (int, float, np.floating)) and 0 <= value <= 1):
        raise UsageError(f"{name} must lie in [0, 1], got {value!r}")
    return float(value)


class Model(ABC):
    """Interface of the small models. Subclasses set ``name`` and ``layout`` and implement
    :meth:`init`, :meth:`make_data` and :meth:`_forward_backward`."""

    name = "model"
    layout: ParamLayout

    @property
    def n_params(self) -> int:
        """Number of parameters P."""
        return self.layout.size

    @abstractmethod
    def init(self, seed: int) -> np.ndarray:
        """Initial parameters (P,) drawn with ``seed``."""

    @abstractmethod
    def make_data(self, n: int, seed: int) -> Data:
        """``n`` examples of the model's synthetic task drawn with ``seed``."""

    @abstractmethod
    def _forward_backward(self, theta: np.ndarray, batch: Data, grads: np.ndarray | None) -> np.ndarray:
        """Per-example losses (b,); if ``grads`` (b, P) is given, fill it with per-example gradients."""

    def _theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.n_params,):
            raise UsageError(f"{self.name}: parameters must have shape ({self.n_params},), got {theta.shape}")
        return theta

    def losses(self, theta, batch: Data) -> np.ndarray:
        """Per-example losses, shape (b,)."""
        return self._forward_backward(self._theta(theta), batch, None)

    def loss(self, theta, batch: Data) -> float:
        """Mean loss over the batch."""
        return float(np.mean(self.losses(theta, batch)))

    def per_example_grads(self, theta, batch: Data) -> np.ndarray:
        """Exact per-example gradients, shape (b, P): row i is the gradient of example i's loss."""
        grads = np.zeros((len(batch), self.n_params))
        self._forward_backward(self._theta(theta), batch, grads)
        return grads

    def grad(self, theta, batch: Data) -> np.ndarray:
        """Gradient of the mean loss over the batch, shape (P,)."""
        return self.per_example_grads(theta, batch).mean(axis=0)

    def full_loss(self, theta, data: Data, chunk: int = 1024) -> float:
        """Mean loss over the whole data set (computed in chunks of ``chunk`` examples)."""
        n = len(data)
        return float(sum(self.losses(theta, data.take(np.arange(i, min(i + chunk, n)))).sum()
                         for i in range(0, n, chunk)) / n)

    def full_grad(self, theta, data: Data, chunk: int = 1024) -> np.ndarray:
        """Exact gradient of the mean loss over the whole data set, shape (P,)."""
        n = len(data)
        total = np.zeros(self.n_params)
        for i in range(0, n, chunk):
            total += self.per_example_grads(theta, data.take(np.arange(i, min(i + chunk, n)))).sum(axis=0)
        return total / n


def finite_difference_grad(model: Model, theta, batch: Data, h: float = 1e-5) -> np.ndarray:
    """Central finite differences (f(theta + h e_j) - f(theta - h e_j)) / (2h) of the mean batch loss,
    shape (P,). Error per coordinate: h^2 |f'''| / 6 (truncation) + ~eps |f| / h (rounding)."""
    theta = np.array(theta, dtype=float)
    out = np.empty(theta.size)
    for j in range(theta.size):
        keep = theta[j]
        theta[j] = keep + h
        up = model.loss(theta, batch)
        theta[j] = keep - h
        down = model.loss(theta, batch)
        theta[j] = keep
        out[j] = (up - down) / (2.0 * h)
    return out


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||, tiny): the vector relative error used by the gradient checks."""
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), math.ulp(1.0))
    return float(np.linalg.norm(a - b)) / scale
