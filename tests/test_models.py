"""Tests for heavytail_sim.models: hand-written gradients against finite differences, per-example
gradients, data generators."""
import numpy as np
import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.models import (MODEL_KINDS, MLP, Attention, Bigram, build_model, finite_difference_grad,
                                  relative_error)
from heavytail_sim.models.base import ParamLayout, zipf_probs

# small enough for finite differences over every parameter (P = 50..170, 2 P loss evaluations each)
SMALL = {
    "bigram": lambda: Bigram(vocab=10),
    "attention": lambda: Attention(vocab=5, seq_len=6, width=4),  # V < T: every sequence repeats a token
    "attention_gaussian": lambda: Attention(vocab=7, seq_len=5, width=4, inputs="gaussian"),
    "mlp": lambda: MLP(dim=5, hidden=7),
}

# Central differences with h = 1e-5 in float64 err by h^2 |f'''| / 6 ~ 1e-11 (truncation) plus
# ~eps |f| / h ~ 1e-10 (rounding; losses here are O(1)) per coordinate: the measured vector relative
# error is 1e-10 .. 3e-10 for all four models. 1e-6 leaves four orders of margin, while a wrong term (a
# missing transpose, the 1/sqrt(D) of the attention scores, the residual) gives errors of 1e-2 or more.
FD_TOL = 1e-6


def _random_point(model, seed):
    # away from the initialisation (and its symmetries): init plus an O(0.3) perturbation
    return model.init(seed) + 0.3 * np.random.default_rng(seed + 100).standard_normal(model.n_params)


@pytest.mark.parametrize("kind", list(SMALL))
def test_gradient_matches_central_differences(kind):
    model = SMALL[kind]()
    theta = _random_point(model, 1)
    batch = model.make_data(6, seed=2)
    analytic = model.grad(theta, batch)
    numeric = finite_difference_grad(model, theta, batch, h=1e-5)
    assert relative_error(analytic, numeric) < FD_TOL
    assert np.linalg.norm(analytic) > 1e-3  # a non-trivial gradient is being compared


@pytest.mark.parametrize("kind", list(SMALL))
def test_per_example_rows_are_single_example_gradients(kind):
    model = SMALL[kind]()
    theta = _random_point(model, 3)
    batch = model.make_data(5, seed=4)
    per = model.per_example_grads(theta, batch)
    assert per.shape == (5, model.n_params)
    for i in range(5):
        one = batch.take([i])
        # exact up to rounding: the same arithmetic on a batch of one
        np.testing.assert_allclose(per[i], model.grad(theta, one), rtol=0, atol=1e-12)
        assert model.losses(theta, batch)[i] == pytest.approx(model.loss(theta, one), rel=1e-12)
    np.testing.assert_allclose(per.mean(axis=0), model.grad(theta, batch), rtol=0, atol=1e-14)


def test_finite_difference_check_detects_a_wrong_gradient():
    # the check has power: a 1% error confined to one block (the query projection, whose gradient is a
    # small part of the whole) already exceeds the tolerance by orders of magnitude
    model = SMALL["attention"]()
    theta = _random_point(model, 5)
    batch = model.make_data(6, seed=6)
    numeric = finite_difference_grad(model, theta, batch)
    wrong = model.grad(theta, batch)
    model.layout.unpack(wrong)["Wq"][...] *= 1.01
    assert relative_error(wrong, numeric) > 100 * FD_TOL


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_full_grad_is_the_mean_of_per_example_gradients(kind):
    model = build_model(kind, vocab=8, seq_len=4, width=3) if kind.startswith("attention") else (
        build_model(kind, vocab=8) if kind == "bigram" else build_model(kind, dim=3, hidden=4))
    data = model.make_data(50, seed=7)
    theta = model.init(8)
    direct = model.per_example_grads(theta, data).mean(axis=0)
    # chunking (7 does not divide 50) changes only the summation order
    np.testing.assert_allclose(model.full_grad(theta, data, chunk=7), direct, rtol=1e-12, atol=1e-15)
    assert model.full_loss(theta, data, chunk=7) == pytest.approx(model.loss(theta, data), rel=1e-12)


def test_data_generators_are_seeded_and_follow_the_task():
    model = Bigram(vocab=20, zipf=1.1, label_noise=0.2)
    a, b, c = model.make_data(40_000, 1), model.make_data(40_000, 1), model.make_data(40_000, 2)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.targets, b.targets)
    assert not np.array_equal(a.inputs, c.inputs)
    freq = np.bincount(a.inputs, minlength=20) / 40_000
    p = zipf_probs(20, 1.1)
    # binomial sd of a frequency is sqrt(p (1 - p) / n) <= 0.0025 here; 5 sd
    assert np.max(np.abs(freq - p) / np.sqrt(p * (1 - p) / 40_000)) < 5
    # targets: succ(x) with prob 0.8, plus a fresh Zipf draw that happens to equal succ(x)
    hit = np.mean(a.targets == model.succ[a.inputs])
    expect = 0.8 + 0.2 * np.sum(p * p[model.succ])  # P(fresh == succ(x)) = sum_x p(x) p(succ(x))
    assert hit == pytest.approx(expect, abs=5 * np.sqrt(expect * (1 - expect) / 40_000))

    att = Attention(vocab=10, seq_len=4, width=3, label_noise=0.0)
    d = att.make_data(100, 3)
    assert d.inputs.shape == (100, 4) and np.array_equal(d.targets, d.inputs[:, 0])  # copy the first token
    g = Attention(vocab=10, seq_len=4, width=3, inputs="gaussian", label_noise=0.0).make_data(100, 3)
    assert g.inputs.shape == (100, 4, 3) and g.targets.max() < 10

    mlp = MLP(dim=3, hidden=4, noise_sd=0.0)
    d = mlp.make_data(10, 4)
    assert mlp.loss(mlp.teacher, d) == pytest.approx(0.0, abs=1e-25)  # the teacher fits noise-free labels


def test_layout_views_write_through():
    lay = ParamLayout([("A", (2, 3)), ("b", (3,))])
    theta = np.zeros(lay.size)
    lay.unpack(theta)["b"][...] = 1.0
    assert lay.size == 9 and theta[6:].tolist() == [1.0, 1.0, 1.0] and theta[:6].sum() == 0
    rows = np.zeros((4, 9))
    lay.unpack_rows(rows)["A"][2, 1, 0] = 5.0
    assert rows[2, 3] == 5.0


@pytest.mark.parametrize("make", [
    lambda: Bigram(vocab=1), lambda: Bigram(zipf=0.0), lambda: Bigram(label_noise=1.5),
    lambda: Attention(inputs="images"), lambda: Attention(seq_len=1), lambda: MLP(hidden=0),
    lambda: build_model("transformer"), lambda: Bigram(vocab=4).make_data(0, 1),
])
def test_bad_configuration(make):
    with pytest.raises(UsageError):
        make()


def test_wrong_parameter_shape():
    model = Bigram(vocab=4)
    with pytest.raises(UsageError, match="parameters must have shape"):
        model.grad(np.zeros(3), model.make_data(2, 0))
