"""Small models with exact (hand-written) per-example gradients, for sampling minibatch gradient noise.

* :class:`Bigram` -- softmax regression on the previous token, Zipf-distributed tokens;
* :class:`Attention` -- one-layer single-head attention on token sequences (or Gaussian inputs);
* :class:`MLP` -- one-hidden-layer tanh regression on Gaussian features (light-tailed control).

All share the :class:`~heavytail_sim.models.base.Model` interface: flat float64 parameters,
``loss``/``grad`` (mean over a batch), ``per_example_grads`` (b, P), ``make_data(n, seed)``, ``full_grad``.
"""
from .attention import Attention
from .base import Data, Model, ParamLayout, finite_difference_grad, relative_error
from .bigram import Bigram
from .mlp import MLP

__all__ = ["Attention", "Bigram", "Data", "MLP", "Model", "ParamLayout", "finite_difference_grad",
           "relative_error", "build_model", "MODEL_KINDS"]

MODEL_KINDS = ("bigram", "attention", "attention_gaussian", "mlp")


def build_model(kind: str, **options) -> Model:
    """A model by name: ``bigram``, ``attention`` (token inputs), ``attention_gaussian`` (Gaussian inputs
    in place of the embedding) or ``mlp``; ``options`` go to its constructor."""
    from ..errors import UsageError

    if kind == "bigram":
        return Bigram(**options)
    if kind == "attention":
        return Attention(inputs="tokens", **options)
    if kind == "attention_gaussian":
        return Attention(inputs="gaussian", **options)
    if kind == "mlp":
        return MLP(**options)
    raise UsageError(f"unknown model '{kind}' (choose from {', '.join(MODEL_KINDS)})")
