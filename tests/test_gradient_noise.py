"""Tests for heavytail_sim.gradient_noise: exact minibatch noise, the Gaussian reference, SGD training
and the noise-during-training analysis."""
import math

import numpy as np
import pytest

from heavytail_sim.errors import UsageError
from heavytail_sim.gradient_noise import noise_during_training, plot_noise_study, sample_noise, train_sgd
from heavytail_sim.models import MLP, Bigram


def _tiny():
    model = MLP(dim=2, hidden=2)  # P = 9: the covariance can be formed and compared entry by entry
    data = model.make_data(300, seed=1)
    return model, data, model.init(2)


def test_noise_is_minibatch_gradient_minus_full_gradient():
    model = Bigram(vocab=12)
    data = model.make_data(500, seed=0)
    theta = model.init(1)
    s = sample_noise(model, theta, data, batch_size=8, n_batches=30, seed=5, step=3)
    idx = np.random.default_rng([5, 3, 0]).integers(0, 500, (30, 8))  # the documented stream
    for j in (0, 17, 29):
        expected = model.grad(theta, data.take(idx[j])) - model.full_grad(theta, data)
        np.testing.assert_allclose(s.noise[j], expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(s.full_grad, model.full_grad(theta, data), rtol=0, atol=1e-15)
    assert s.loss == pytest.approx(model.full_loss(theta, data), rel=1e-12) and s.step == 3


def test_noise_and_reference_have_the_exact_covariance():
    model, data, theta = _tiny()
    b, m = 4, 20_000
    s = sample_noise(model, theta, data, batch_size=b, n_batches=m, seed=0)
    g = model.per_example_grads(theta, data)
    centred = g - g.mean(axis=0)
    sigma_b = centred.T @ centred / len(data) / b  # Sigma / b, exact over the data set
    assert s.trace_cov == pytest.approx(np.trace(sigma_b), rel=1e-10)
    # 2 * 10^4 draws: each covariance entry has relative sd ~ sqrt(2 / M) = 1% (Gaussian) and more for the
    # minibatch noise (kurtosis of per-example gradients); measured relative Frobenius errors over seeds 0..5:
    # reference 0.8-1.9%, noise 1.2-2.8%; 5% is above all of them and ~2.5x the typical value, while a
    # wrong scale (Sigma instead of Sigma / b) would be 300% off
    for x in (s.reference, s.noise):
        emp = x.T @ x / m
        assert np.linalg.norm(emp - sigma_b) / np.linalg.norm(sigma_b) < 0.05
    # and the mean squared norm matches tr(Sigma)/b within 4 standard errors
    for nr in (s.norms, s.reference_norms):
        sq = nr ** 2
        assert abs(sq.mean() - s.trace_cov) < 4 * sq.std() / math.sqrt(m)


def test_sampling_is_seeded():
    model, data, theta = _tiny()
    a = sample_noise(model, theta, data, 4, 50, seed=1)
    b = sample_noise(model, theta, data, 4, 50, seed=1)
    c = sample_noise(model, theta, data, 4, 50, seed=2)
    d = sample_noise(model, theta, data, 4, 50, seed=1, step=10)  # another checkpoint: independent draws
    np.testing.assert_array_equal(a.noise, b.noise)
    np.testing.assert_array_equal(a.reference, b.reference)
    assert not np.array_equal(a.noise, c.noise) and not np.array_equal(a.noise, d.noise)
    assert sample_noise(model, theta, data, 4, 50, seed=1, reference=False).reference is None


def test_train_sgd():
    model = MLP(dim=4, hidden=8)
    data = model.make_data(1000, seed=0)
    thetas, log = train_sgd(model, data, model.init(0), lr=0.1, steps=300, batch_size=16, seed=0, keep=[0, 300],
                            log_every=100)
    assert sorted(thetas) == [0, 300] and list(log.step) == [0, 100, 200, 300]
    loss = log.set_index("step").loss
    assert loss[300] < 0.3 * loss[0]  # measured: 0.36 -> 0.02
    assert np.isnan(log.set_index("step").grad_norm[100]) and log.set_index("step").grad_norm[300] > 0
    np.testing.assert_array_equal(thetas[0], model.init(0))
    again, _ = train_sgd(model, data, model.init(0), 0.1, 300, 16, 0, keep=[300])
    np.testing.assert_array_equal(again[300], thetas[300])
    with pytest.raises(UsageError, match="diverged"):
        train_sgd(model, data, model.init(0), lr=1e6, steps=50, batch_size=16)
    with pytest.raises(UsageError, match="lr"):
        train_sgd(model, data, model.init(0), lr=-1.0, steps=5)
    with pytest.raises(UsageError, match="checkpoints"):
        train_sgd(model, data, model.init(0), lr=0.1, steps=5, keep=[6])


def test_noise_during_training_tables_and_figure(tmp_path):
    model = Bigram(vocab=16)
    study = noise_during_training(model, n_data=1024, lr=3.0, steps=60, checkpoints=(0, 60), batch_size=8,
                                  n_batches=500, n_boot=20)
    assert sorted(study.diagnoses) == [0, 60] and study.samples[60].noise.size == 0  # arrays dropped
    est = study.estimates()
    assert {"model", "step", "source", "estimator", "alpha", "ci_low", "ci_high", "category"} <= set(est.columns)
    assert set(est.step) == {0, 60} and (est.estimator == "hill_gof").sum() == 4  # data + reference, 2 steps
    summ = study.summary()
    assert list(summ.step) == [0, 60] and {"hill_gof", "hill_gof_lo", "block_vector", "ref_hill_gof"} <= set(summ)
    assert summ.loss.iloc[1] < summ.loss.iloc[0]
    hist = study.histograms(bins=20)
    assert set(hist.source) == {"noise", "gaussian_reference"} and len(hist) == 2 * 2 * 20
    for (step, src), g in hist.groupby(["step", "source"]):
        assert np.sum(g.density * (g.bin_hi - g.bin_lo)) == pytest.approx(1.0, rel=1e-9)  # densities
    from heavytail_sim.io import save_figure

    fig = plot_noise_study(study)
    assert len(fig.axes) == 3
    save_figure(fig, tmp_path / "noise.png")
    assert (tmp_path / "noise.png").stat().st_size > 10_000
    with pytest.raises(UsageError, match="n_batches"):
        noise_during_training(model, n_batches=100)
